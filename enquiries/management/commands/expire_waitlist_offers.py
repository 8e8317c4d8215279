from django.core.management.base import BaseCommand

from enquiries.services import seats


class Command(BaseCommand):
    help = (
        "Expire waiting-list offers whose time ran out and offer those seats to the next "
        "person. A task does this when each offer falls due; run this every few minutes as a "
        "safety net. Safe to run at any time."
    )

    def handle(self, *args, **options):
        expired = seats.expire_offers()
        self.stdout.write(f"{expired} offer(s) expired and passed on.")
