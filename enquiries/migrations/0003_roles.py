"""Staff roles: the Scheduler and Sales groups with their permissions, and the Sales rotation.

Django creates permissions after `migrate` has finished (post_migrate), so on a fresh database
they do not exist yet when this runs: it creates them first. Running it again changes nothing;
reversing it removes the two groups. The rotation row is left in place on reverse: the first
assignment would create it anyway, and it holds no permissions.
"""

from django.db import migrations

from enquiries.migrations import _roles

# group name → (app label, model name, actions); the codename is "<action>_<model>".
ROLES = {
    "Scheduler": [
        ("courses", "category", ["add", "change", "delete", "view"]),
        ("courses", "course", ["add", "change", "delete", "view"]),
        ("courses", "batch", ["add", "change", "delete", "view"]),
        # simple-history's records of course and batch edits (Category keeps no history).
        ("courses", "historicalcourse", ["view"]),
        ("courses", "historicalbatch", ["view"]),
    ],
    "Sales": [
        ("enquiries", "enquiry", ["view", "change", "export"]),
        ("enquiries", "historicalenquiry", ["view"]),
        ("enquiries", "note", ["add", "view"]),
        ("enquiries", "statuschange", ["view"]),
        ("enquiries", "outgoingemail", ["view"]),
        ("courses", "category", ["view"]),
        ("courses", "course", ["view"]),
        ("courses", "batch", ["view"]),
    ],
}
SALES_ROTATION = "Sales"


def add_roles(apps, schema_editor):
    _roles.grant(apps, schema_editor, ROLES)
    RoundRobinCursor = apps.get_model("enquiries", "RoundRobinCursor")
    RoundRobinCursor.objects.using(schema_editor.connection.alias).get_or_create(
        name=SALES_ROTATION
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0002_scheduling_defaults_and_history"),
        ("enquiries", "0002_pipeline_owner_outbox_history"),
    ]

    operations = [migrations.RunPython(add_roles, remove_roles)]
