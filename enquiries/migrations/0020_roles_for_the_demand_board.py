"""Sales and Schedulers see the demand board; Sales, who follow the people up, may invite them.

The board shows counts to both; its numbers link to the enquiry lists, which only Sales (who
may view enquiries) can open.
"""

from django.db import migrations

from enquiries.migrations import _roles

ROLES = {
    "Sales": ["view_demand_board", "invite_demand"],
    "Scheduler": ["view_demand_board"],
}


def _permissions(apps, using, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = list(
        Permission.objects.using(using).filter(
            content_type__app_label="enquiries",
            content_type__model="interest",
            codename__in=codenames,
        )
    )
    if len(found) != len(codenames):
        raise LookupError(f"Permissions {codenames} on enquiries.interest do not all exist.")
    return found


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    _roles.create_all_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*_permissions(apps, using, codenames))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(using).filter(name__in=ROLES):
        group.permissions.remove(*_permissions(apps, using, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0019_interest_list_and_demand_board")]

    operations = [migrations.RunPython(grant, revoke)]
