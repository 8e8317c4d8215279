from django.core.management.base import BaseCommand

from enquiries import task_queue


class Command(BaseCommand):
    help = (
        "Mark failed every task a dead worker left running (older than "
        "BATCHWISE_TASK_STUCK_AFTER seconds). Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        count = task_queue.recover_stuck_tasks()
        self.stdout.write(f"{count} stuck task(s) marked failed.")
