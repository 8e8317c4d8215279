"""`manage.py anonymise_old_leads`: the retention period of leads who never became learners."""

from django.core.management.base import BaseCommand

from courses import privacy as notice
from enquiries.services import privacy


class Command(BaseCommand):
    help = (
        "Anonymise, as erase_person does, every enquiry made and last touched more than "
        "BATCHWISE_LEAD_RETENTION_DAYS days ago by someone who never became a learner (no "
        "seat, never enrolled, no training plan, no open waiting-list place). Run daily; "
        "does nothing when the setting is 0. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the leads; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        days = notice.lead_retention_days()
        if not days:
            self.stdout.write("Lead retention is off (BATCHWISE_LEAD_RETENTION_DAYS is 0).")
            return
        if dry_run:
            count = privacy.stale_leads(days=days).count()
            self.stdout.write(f"{count} lead(s) are past the retention period of {days} days.")
            return
        count = privacy.anonymise_old_leads(days=days)
        self.stdout.write(f"Anonymised {count} lead(s) past the retention period of {days} days.")
