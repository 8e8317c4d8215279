"""Shared by the role migrations: create missing permissions, then grant or revoke them.

Django creates permissions after `migrate` has finished (post_migrate), so on a fresh database
they do not exist yet when a role migration runs.
"""

from django.contrib.auth.management import create_permissions


def create_all_permissions(apps, using):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None


def _permissions(apps, using, app_label, model, actions):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for action in actions]
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label=app_label, content_type__model=model, codename__in=codenames
        )
    )
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        raise LookupError(f"Permissions {sorted(missing)} on {app_label}.{model} do not exist.")
    return permissions


def grant(apps, schema_editor, roles):
    using = schema_editor.connection.alias
    create_all_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    for group_name, grants in roles.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        for app_label, model, actions in grants:
            group.permissions.add(*_permissions(apps, using, app_label, model, actions))


def revoke(apps, schema_editor, roles):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(using).filter(name__in=roles):
        for app_label, model, actions in roles[group.name]:
            group.permissions.remove(*_permissions(apps, using, app_label, model, actions))
