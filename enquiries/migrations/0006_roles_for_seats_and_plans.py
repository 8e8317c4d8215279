"""Sales also handles seats, waiting lists and one-on-one plans, and may retry emails.

Schedulers get nothing here: every one of these holds a learner's personal data.
"""

from django.db import migrations

from enquiries.migrations import _roles

SALES_GRANTS = [
    ("enquiries", "outgoingemail", ["change"]),
    ("enquiries", "enrollment", ["add", "change", "view"]),
    ("enquiries", "historicalenrollment", ["view"]),
    ("enquiries", "waitlistentry", ["add", "change", "view"]),
    ("enquiries", "historicalwaitlistentry", ["view"]),
    ("enquiries", "oneononerequest", ["change", "view"]),
    ("enquiries", "trainingplan", ["add", "change", "view"]),
    ("enquiries", "historicaltrainingplan", ["view"]),
    ("enquiries", "plansession", ["add", "change", "delete", "view"]),
]


def grant(apps, schema_editor):
    _roles.grant(apps, schema_editor, {"Sales": SALES_GRANTS})


def revoke(apps, schema_editor):
    _roles.revoke(apps, schema_editor, {"Sales": SALES_GRANTS})


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0005_one_on_one_training")]

    operations = [migrations.RunPython(grant, revoke)]
