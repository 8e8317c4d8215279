"""Sales record leads (calls, walk-ins, …); Schedulers build one-on-one training plans.

Schedulers see the one-on-one requests (what the learner asked for: days, times, zone) and
make and change the plans and their sessions. They still get no enquiry, note, status change,
seat, waiting list or email: the lead's pipeline stays with Sales.
"""

from django.db import migrations

from enquiries.migrations import _roles

ROLES = {
    "Sales": [("enquiries", "enquiry", ["add"])],
    "Scheduler": [
        ("enquiries", "oneononerequest", ["view"]),
        ("enquiries", "trainingplan", ["add", "change", "view"]),
        ("enquiries", "historicaltrainingplan", ["view"]),
        ("enquiries", "plansession", ["add", "change", "delete", "view"]),
    ],
}


def grant(apps, schema_editor):
    _roles.grant(apps, schema_editor, ROLES)


def revoke(apps, schema_editor):
    _roles.revoke(apps, schema_editor, ROLES)


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0016_enquiry_source_and_staff_entered_leads")]

    operations = [migrations.RunPython(grant, revoke)]
