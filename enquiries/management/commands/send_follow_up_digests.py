from django.core.management.base import BaseCommand

from enquiries.services import reminders


class Command(BaseCommand):
    help = (
        "Email each owner their open enquiries whose follow-up is due today or overdue (today "
        "in TIME_ZONE, the provider's zone). Run each morning from cron; a second run the same "
        "day sends nothing more. No email to an owner with nothing due."
    )

    def handle(self, *args, **options):
        queued = reminders.send_follow_up_digests()
        self.stdout.write(f"{queued} follow-up digest(s) queued.")
