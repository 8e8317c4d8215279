from django.core.management.base import BaseCommand

from enquiries.services import reminders


class Command(BaseCommand):
    help = (
        "Send every session reminder that is due and not yet sent (before a batch's first "
        "session, to each confirmed seat; before each one-on-one session). A task sends each "
        "at its moment; run this every 10 minutes as a safety net. Each is sent once."
    )

    def handle(self, *args, **options):
        sent = reminders.send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) queued.")
