"""The pipeline: where an enquiry may go next, who owns it, and the notes on its timeline."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from courses.history import record_change

from ..models import Enquiry, Note, RoundRobinCursor, StatusChange

SALES_GROUP = "Sales"
SCHEDULER_GROUP = "Scheduler"

Status = Enquiry.Status
# Where an enquiry may go next. Closed states can be reopened; spam only back to new.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.CONTACTED, Status.QUALIFIED, Status.ENROLLED, Status.LOST, Status.SPAM},
    Status.CONTACTED: {Status.QUALIFIED, Status.ENROLLED, Status.LOST, Status.SPAM},
    Status.QUALIFIED: {Status.CONTACTED, Status.ENROLLED, Status.LOST},
    Status.ENROLLED: {Status.QUALIFIED, Status.LOST},
    Status.LOST: {Status.CONTACTED, Status.QUALIFIED},
    Status.SPAM: {Status.NEW},
}


class PipelineError(Exception):
    """A status change the pipeline does not allow; the message is shown to staff."""


def next_sales_owner() -> User | None:
    """The next active member of Sales after the last one assigned; None if Sales is empty.

    The rotation's position is a database row locked while it moves, so assignments stay
    fair across restarts and across any number of processes.
    """
    members = list(
        get_user_model()
        .objects.filter(groups__name=SALES_GROUP, is_active=True)
        .order_by("pk")
        .distinct()
    )
    if not members:
        return None
    with transaction.atomic():
        RoundRobinCursor.objects.get_or_create(name=SALES_GROUP)
        cursor = RoundRobinCursor.objects.select_for_update().get(name=SALES_GROUP)
        after_last = [user for user in members if user.pk > (cursor.last_user_id or 0)]
        owner = (after_last or members)[0]
        cursor.last_user = owner
        cursor.save(update_fields=["last_user"])
    return owner


def change_status(
    *,
    enquiry: Enquiry,
    to: str,
    by: User | None,
    lost_reason: str = "",
) -> StatusChange:
    """Move an enquiry along the pipeline and record who moved it, and when."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        check_status_change(enquiry=enquiry, to=to, lost_reason=lost_reason)
        current, target = Status(enquiry.status), Status(to)
        now = timezone.now()
        change = StatusChange.objects.create(
            enquiry=enquiry, from_status=current, to_status=target, changed_by=by, changed_at=now
        )
        enquiry.status = target
        enquiry.lost_reason = lost_reason if target == Status.LOST else ""
        if current == Status.NEW and enquiry.first_response_at is None:
            enquiry.first_response_at = now
        enquiry.full_clean(validate_unique=False)
        record_change(enquiry, by=by)
        enquiry.save()
    return change


def check_status_change(*, enquiry: Enquiry, to: str, lost_reason: str = "") -> None:
    """Raise PipelineError, in words staff understand, unless the move is allowed."""
    current, target = Status(enquiry.status), Status(to)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise PipelineError(f"An enquiry can't go from {current.label} to {target.label}.")
    if target == Status.LOST and not lost_reason:
        raise PipelineError("Say why the enquiry was lost.")


def assign(*, enquiry: Enquiry, owner: User | None, by: User | None) -> Enquiry:
    """Give an enquiry to someone (or no one); the history records who did it."""
    enquiry.owner = owner
    record_change(enquiry, by=by)
    enquiry.save(update_fields=["owner", "updated_at"])
    return enquiry


# The fields staff edit directly; status, lost reason and owner go through their services.
EDITABLE_FIELDS = ("follow_up_on", "course", "batch", "name", "email", "phone", "message")


def update_enquiry(*, enquiry: Enquiry, changes: Mapping[str, Any], by: User | None) -> Enquiry:
    """Apply what staff changed on an enquiry, reading everything else from the database.

    The status (with its lost reason) moves through `change_status` and the owner through
    `assign`, so the pipeline's rules and timeline hold whichever page or script asks; the
    other fields are validated and saved with the history recording who changed them.
    """
    unknown = set(changes) - {*EDITABLE_FIELDS, "status", "lost_reason", "owner"}
    if unknown:
        raise PipelineError(f"These fields are not edited here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        fields = [name for name in EDITABLE_FIELDS if name in changes]
        if fields:
            for name in fields:
                setattr(current, name, changes[name])
            current.full_clean(validate_unique=False)
            record_change(current, by=by)
            current.save(update_fields=[*fields, "updated_at"])
        if "owner" in changes and changes["owner"] != current.owner:
            assign(enquiry=current, owner=changes["owner"], by=by)
        if "status" in changes and changes["status"] != current.status:
            change_status(
                enquiry=current,
                to=changes["status"],
                by=by,
                lost_reason=changes.get("lost_reason", current.lost_reason),
            )
        elif changes.get("lost_reason", current.lost_reason) != current.lost_reason:
            if current.status != Status.LOST:
                raise PipelineError(
                    "Only a lost enquiry has a lost reason; set the status to Lost too."
                )
            current.lost_reason = changes["lost_reason"]
            current.full_clean(validate_unique=False)
            record_change(current, by=by)
            current.save(update_fields=["lost_reason", "updated_at"])
    enquiry.refresh_from_db()
    return enquiry


def add_note(*, enquiry: Enquiry, author: User | None, text: str) -> Note:
    note = Note(enquiry=enquiry, author=author, text=text.strip())
    note.full_clean()
    note.save()
    return note
