"""Staff roles: the Scheduler and Sales groups with their permissions, and the Sales rotation.

Django creates permissions after `migrate` has finished (post_migrate), so on a fresh database
they do not exist yet when this runs: it creates them first. Running it again changes nothing;
reversing it removes the two groups. The rotation row is left in place on reverse: the first
assignment would create it anyway, and it holds no permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def create_all_permissions(apps, using):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None


def add_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    create_all_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    RoundRobinCursor = apps.get_model("enquiries", "RoundRobinCursor")

    for group_name, grants in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            permissions = list(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=codenames,
                )
            )
            missing = set(codenames) - {permission.codename for permission in permissions}
            if missing:
                raise LookupError(
                    f"Permissions {sorted(missing)} on {app_label}.{model} do not exist; "
                    f"update ROLES in this migration."
                )
            group.permissions.add(*permissions)

    RoundRobinCursor.objects.using(using).get_or_create(name=SALES_ROTATION)


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
