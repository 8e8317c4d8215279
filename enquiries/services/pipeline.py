"""The pipeline: where an enquiry may go next, who owns it, and the notes on its timeline."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

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


def next_sales_owner() -> AbstractBaseUser | None:
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
    by: AbstractBaseUser | None,
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
        enquiry._history_user = by
        enquiry.save()
    return change


def check_status_change(*, enquiry: Enquiry, to: str, lost_reason: str = "") -> None:
    """Raise PipelineError, in words staff understand, unless the move is allowed."""
    current, target = Status(enquiry.status), Status(to)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise PipelineError(f"An enquiry can't go from {current.label} to {target.label}.")
    if target == Status.LOST and not lost_reason:
        raise PipelineError("Say why the enquiry was lost.")


def assign(*, enquiry: Enquiry, owner: AbstractBaseUser | None, by: AbstractBaseUser) -> Enquiry:
    """Give an enquiry to someone (or no one); the history records who did it."""
    enquiry.owner = owner
    enquiry._history_user = by
    enquiry.save(update_fields=["owner", "updated_at"])
    return enquiry


def add_note(*, enquiry: Enquiry, author: AbstractBaseUser, text: str) -> Note:
    note = Note(enquiry=enquiry, author=author, text=text.strip())
    note.full_clean()
    note.save()
    return note
