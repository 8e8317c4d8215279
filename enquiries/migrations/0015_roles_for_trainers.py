"""Schedulers manage trainers, their availability and leave; Sales may see and assign them
(a one-on-one plan's trainer)."""

from django.db import migrations

from enquiries.migrations import _roles

ROLES = {
    "Scheduler": [
        ("courses", "trainer", ["add", "change", "delete", "view"]),
        ("courses", "traineravailability", ["add", "change", "delete", "view"]),
        ("courses", "trainerleave", ["add", "change", "delete", "view"]),
    ],
    "Sales": [
        ("courses", "trainer", ["view"]),
    ],
}


def grant(apps, schema_editor):
    _roles.grant(apps, schema_editor, ROLES)


def revoke(apps, schema_editor):
    _roles.revoke(apps, schema_editor, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_trainers"),
        ("enquiries", "0014_training_plan_trainer"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
