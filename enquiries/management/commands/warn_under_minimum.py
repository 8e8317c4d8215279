import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from courses.models import Batch
from enquiries import mail, services
from enquiries.models import OutgoingEmail


class Command(BaseCommand):
    help = (
        "Email staff (the Scheduler group, else ENQUIRY_NOTIFY_EMAIL) a list of batches that "
        "start within --days days and are still under their minimum number of participants. "
        "Run daily; a second run on the same day sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14, help="Look this far ahead (14).")

    def handle(self, *args, days: int, **options):
        today = timezone.localdate()
        batches = list(
            Batch.objects.open_for_enquiry(today=today)
            .under_minimum()
            .filter(start_date__lte=today + dt.timedelta(days))
            .for_schedule()
        )
        if not batches:
            self.stdout.write("No batch starting soon is under its minimum.")
            return
        recipients = sorted(
            set(
                get_user_model()
                .objects.filter(groups__name=services.SCHEDULER_GROUP, is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            or ({settings.ENQUIRY_NOTIFY_EMAIL} - {""})
        )
        start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        with transaction.atomic():
            already = set(
                OutgoingEmail.objects.filter(
                    kind=OutgoingEmail.Kind.UNDER_MINIMUM, created_at__gte=start_of_today
                ).values_list("to", flat=True)
            )
            for recipient in recipients:
                if recipient not in already:
                    mail.queue_email(
                        kind=OutgoingEmail.Kind.UNDER_MINIMUM,
                        to=recipient,
                        template="under_minimum",
                        context={"batches": batches, "days": days},
                    )
        sent = [r for r in recipients if r not in already]
        self.stdout.write(
            f"{len(batches)} batch(es) under their minimum; emailed {len(sent)} "
            f"({len(recipients) - len(sent)} already told today)."
        )
