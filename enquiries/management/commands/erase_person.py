"""`manage.py erase_person EMAIL`: anonymise everything kept about one person."""

from django.core.management.base import BaseCommand, CommandError

from enquiries.services import privacy


class Command(BaseCommand):
    help = (
        "Anonymise every row kept about the person with this email address (any letter "
        "case): name, address, phone, messages, notes, emails and change history. The rows "
        "stay, so counts and the seat ledger stay right; an open waiting-list place ends. "
        "Asks first unless --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Erase without asking.",
        )

    def handle(self, *args, email: str, interactive: bool, **options):
        try:
            records = privacy.find_person(email=email)
        except privacy.PrivacyError as error:
            raise CommandError(str(error)) from error
        if records.is_empty:
            raise CommandError("Nothing is kept about this email address.")
        counts = records.counts()
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        if interactive:
            self.stdout.write(f"This erases, for good: {summary}.")
            if input("Type 'yes' to erase: ").strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        try:
            erased = privacy.erase_person(email=email)
        except privacy.PrivacyError as error:
            raise CommandError(str(error)) from error
        done = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in erased.items())
        self.stdout.write(self.style.SUCCESS(f"Erased: {done}."))
