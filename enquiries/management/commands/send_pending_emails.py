from django.core.management.base import BaseCommand

from enquiries import mail


class Command(BaseCommand):
    help = (
        "Queue delivery of every email that is due, including ones whose worker died. "
        "Safe to run as often as you like (e.g. every 10 minutes from cron)."
    )

    def handle(self, *args, **options):
        count = mail.requeue_due()
        self.stdout.write(f"{count} email(s) queued for delivery.")
