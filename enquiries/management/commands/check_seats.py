"""`manage.py check_seats`: recount every batch's seat ledger from its rows and report drift."""

from django.core.management.base import BaseCommand, CommandError

from enquiries.services import seats


class Command(BaseCommand):
    help = (
        "Recount each batch's confirmed seats, seats held by offers and people waiting from "
        "the seat and waiting-list rows, and list every batch whose stored ledger differs. "
        "Exits with an error if any does; --fix recounts those batches under their lock."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Store the recounted figures for each drifted batch."
        )

    def handle(self, *args, fix: bool, **options):
        drifts = seats.ledger_drift()
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Every batch's seat ledger matches its rows."))
            return
        for drift in drifts:
            stored, counted = drift.stored, drift.counted
            self.stdout.write(
                f"{drift.batch} (id {drift.batch.pk}): stored {stored.taken} confirmed, "
                f"{stored.held} held, {stored.waiting} waiting; counted {counted.taken} "
                f"confirmed, {counted.held} held, {counted.waiting} waiting"
            )
            if fix:
                seats.repair_ledger(batch=drift.batch)
        if fix:
            self.stdout.write(self.style.SUCCESS(f"Recounted {len(drifts)} batch(es)."))
            return
        raise CommandError(f"{len(drifts)} batch(es) drifted; run check_seats --fix to recount.")
