"""Fill the batches' seat ledger from the seats and waiting-list places already recorded, and
treat places taken before email confirmation existed as confirmed."""

from django.db import migrations
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count(model, status):
    rows = (
        model.objects.filter(batch=OuterRef("pk"), status=status)
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def forwards(apps, schema_editor):
    Batch = apps.get_model("courses", "Batch")
    Enrollment = apps.get_model("enquiries", "Enrollment")
    WaitlistEntry = apps.get_model("enquiries", "WaitlistEntry")
    WaitlistEntry.objects.filter(email_confirmed_at__isnull=True).update(
        email_confirmed_at=F("created_at")
    )
    Batch.objects.update(
        seats_taken=count(Enrollment, "confirmed"),
        seats_held=count(WaitlistEntry, "offered"),
        waiting_count=count(WaitlistEntry, "waiting"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_seat_ledger"),
        ("enquiries", "0009_waiting_list_leads_and_confirmed_places"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
