"""Who made a change, and why, for the history django-simple-history keeps.

simple_history reads both from attributes of the instance being saved; setting them in one
place keeps that convention out of every service.
"""

from django.contrib.auth.models import User
from django.db.models import Model


def record_change(instance: Model, *, by: User | None, reason: str = "") -> None:
    """The next save of `instance` is recorded as made by `by`, for `reason` if given."""
    setattr(instance, "_history_user", by)  # noqa: B010 (simple_history's attribute name)
    if reason:
        setattr(instance, "_change_reason", reason)  # noqa: B010
