"""`manage.py export_person EMAIL`: everything kept about one person, as JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enquiries.services import privacy


class Command(BaseCommand):
    help = (
        "Write every row kept about the person with this email address (any letter case) as "
        "JSON: enquiries with their notes and status changes, seats, waiting-list places, "
        "one-on-one requests and plans with their sessions, emails, change history and the "
        "admin's log. To stdout, or to --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", type=Path, help="Write the JSON to this file.")

    def handle(self, *args, email: str, output: Path | None, **options):
        try:
            data = privacy.export_person(email=email)
        except privacy.PrivacyError as error:
            raise CommandError(str(error)) from error
        text = privacy.export_json(data)
        if output is None:
            self.stdout.write(text)
            return
        output.write_text(text + "\n", encoding="utf-8")
        rows = sum(len(value) for value in data.values() if isinstance(value, list))
        self.stderr.write(f"Wrote {rows} rows (and their history) to {output}.")
