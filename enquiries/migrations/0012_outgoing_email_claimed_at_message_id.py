"""Record when an email was claimed for sending, and give every email a Message-ID of its own.

Existing emails get their Message-ID here, one each, before it becomes unique. An email being
sent while this runs has no claim time: it gets the migration's time, so it waits a whole claim
window before it is offered again.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import make_msgid
from django.db import migrations, models
from django.utils import timezone

import enquiries.models.mail


def forwards(apps, schema_editor):
    OutgoingEmail = apps.get_model("enquiries", "OutgoingEmail")
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    OutgoingEmail.objects.filter(status="sending").update(claimed_at=timezone.now())
    for email in OutgoingEmail.objects.only("pk").iterator():
        OutgoingEmail.objects.filter(pk=email.pk).update(message_id=make_msgid(domain=domain))


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0011_consent_version_and_privacy"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingemail",
            name="claimed_at",
            field=models.DateTimeField(
                blank=True, help_text="When a worker last claimed it for sending.", null=True
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="message_id",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outgoingemail",
            name="message_id",
            field=models.CharField(
                default=enquiries.models.mail.new_message_id,
                editable=False,
                max_length=255,
                unique=True,
            ),
        ),
    ]
