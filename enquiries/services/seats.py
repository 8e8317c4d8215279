"""The seat ledger and every decision about a seat: enrol, cancel, transfer, capacity, and the
waiting list with its offers.

Each function locks the batch row first, inside `transaction.atomic()`, and only then counts:
`select_for_update()` on PostgreSQL; SQLite runs IMMEDIATE transactions, which take the
database's write lock when they begin. No other code creates or frees a seat.

The ledger is three numbers on the batch row (confirmed seats, seats held by open offers,
people waiting), recounted from the rows by `_write_ledger` in the same locked transaction
as every change, so every page reads seats from the batch alone. The database refuses a
ledger that overbooks (`batch_seats_within_capacity`), and `check_seats` recounts every batch
to prove that nothing drifted.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.tasks import task
from django.utils import timezone

from courses import privacy
from courses.history import record_change
from courses.models import Batch

from ..mail import notices
from ..models import (
    Enquiry,
    Enrollment,
    OutgoingEmail,
    Reminder,
    WaitlistEntry,
    new_token,
    reminder_lead,
)
from .pipeline import ALLOWED_TRANSITIONS, change_status


class SeatError(Exception):
    """A seat cannot be given or changed as asked; the message is shown to the person."""


class BatchNotTakingLearners(SeatError):
    pass


class BatchHasFreeSeats(SeatError):
    """Only a full batch takes a waiting list: the learner should enquire instead."""


class AlreadyEnrolled(SeatError):
    pass


class OfferNotValid(SeatError):
    pass


class TransferNotAllowed(SeatError):
    pass


class CapacityBelowLedger(SeatError):
    pass


@dataclass(frozen=True, kw_only=True)
class Learner:
    name: str
    email: str
    phone: str = ""

    @classmethod
    def from_enquiry(cls, enquiry: Enquiry) -> "Learner":
        return cls(name=enquiry.name, email=enquiry.email, phone=enquiry.phone)


def offer_hours() -> int:
    return int(getattr(settings, "WAITLIST_OFFER_HOURS", 48))


# The ledger


@dataclass(frozen=True, kw_only=True)
class Ledger:
    taken: int  # confirmed seats
    held: int  # seats held by an open offer
    waiting: int  # confirmed places waiting for a seat


def _counted(model, **conditions) -> Coalesce:
    rows = (
        model.objects.filter(batch=OuterRef("pk"), **conditions)
        .order_by()
        .values("batch")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _recounts() -> dict[str, Coalesce]:
    """The ledger as the rows say it is: the one definition of each count."""
    return {
        "counted_taken": _counted(Enrollment, status=Enrollment.Status.CONFIRMED),
        "counted_held": _counted(WaitlistEntry, status=WaitlistEntry.Status.OFFERED),
        "counted_waiting": _counted(WaitlistEntry, status=WaitlistEntry.Status.WAITING),
    }


def _write_ledger(batch: Batch) -> None:
    """Within the batch's lock: recount its seats from the rows and store them on the row."""
    counted = Batch.objects.filter(pk=batch.pk).annotate(**_recounts()).values(*_recounts()).get()
    batch.seats_taken = counted["counted_taken"]
    batch.seats_held = counted["counted_held"]
    batch.waiting_count = counted["counted_waiting"]
    Batch.objects.filter(pk=batch.pk).update(
        seats_taken=batch.seats_taken,
        seats_held=batch.seats_held,
        waiting_count=batch.waiting_count,
    )


@dataclass(frozen=True, kw_only=True)
class Drift:
    batch: Batch
    stored: Ledger
    counted: Ledger


def ledger_drift() -> list[Drift]:
    """Every batch whose stored ledger differs from a recount of its rows (two queries)."""
    recounts = _recounts()
    rows = (
        Batch.objects.annotate(**recounts)
        .exclude(
            Q(seats_taken=recounts["counted_taken"])
            & Q(seats_held=recounts["counted_held"])
            & Q(waiting_count=recounts["counted_waiting"])
        )
        .order_by("pk")
        .values_list("pk", *recounts)
    )
    counted = {
        pk: Ledger(taken=taken, held=held, waiting=waiting) for pk, taken, held, waiting in rows
    }
    batches = Batch.objects.select_related("course").in_bulk(list(counted))
    return [
        Drift(
            batch=batches[pk],
            stored=Ledger(
                taken=batches[pk].seats_taken,
                held=batches[pk].seats_held,
                waiting=batches[pk].waiting_count,
            ),
            counted=ledger,
        )
        for pk, ledger in counted.items()
    ]


def repair_ledger(*, batch: Batch) -> Batch:
    """Recount one batch's ledger under its lock (what `check_seats --fix` does)."""
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        _write_ledger(batch)
    return batch


def _lock_batch(batch_id: int) -> Batch:
    return Batch.objects.select_for_update().select_related("course").get(pk=batch_id)


def _check_taking_learners(batch: Batch) -> None:
    if batch.status == Batch.Status.CANCELLED:
        raise BatchNotTakingLearners("This batch has been cancelled.")
    if batch.end_date < timezone.localdate():
        raise BatchNotTakingLearners("This batch has already finished.")


def _check_can_enrol(enquiry: Enquiry | None) -> None:
    if enquiry is not None and enquiry.status == Enquiry.Status.SPAM:
        raise SeatError("This enquiry is marked as spam; move it back to new first.")
    if enquiry is not None and enquiry.erased_at is not None:
        raise SeatError("This enquiry's details were erased: there is no one to enrol.")


def _mark_enrolled(enquiry: Enquiry | None, *, by: User | None) -> None:
    """Move the learner's enquiry to enrolled where the pipeline allows (not from spam)."""
    if enquiry is None:
        return
    if Enquiry.Status.ENROLLED in ALLOWED_TRANSITIONS[enquiry.status]:
        change_status(enquiry=enquiry, to=Enquiry.Status.ENROLLED, by=by)


def _seated(batch: Batch, *, email: str) -> Enrollment | None:
    return Enrollment.objects.confirmed().filter(batch=batch, email__iexact=email).first()


def _open_place(batch: Batch, *, email: str) -> WaitlistEntry | None:
    return WaitlistEntry.objects.open_places().filter(batch=batch, email__iexact=email).first()


# Seats given by staff


def enroll(
    *,
    batch: Batch,
    learner: Learner,
    enquiry: Enquiry | None = None,
    by: User | None = None,
) -> Enrollment | WaitlistEntry:
    """Confirm a seat if one is free, else put the learner on the batch's waiting list.

    Staff vouch for the learner, so a waiting-list place made here needs no email
    confirmation.
    """
    _check_can_enrol(enquiry)
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        _check_taking_learners(batch)
        if _seated(batch, email=learner.email):
            raise AlreadyEnrolled(f"{learner.name} already has a seat in this batch.")
        # Lapsed offers pass to the people already waiting before anyone new is seated.
        _expire_lapsed(batch)
        _offer_free_seats(batch)
        place = _open_place(batch, email=learner.email)
        holds_offer = place is not None and place.status == WaitlistEntry.Status.OFFERED
        if batch.is_full and not holds_offer:
            entry = _add_to_waitlist(batch, learner=learner, enquiry=enquiry, consented=False)
            if entry.status == WaitlistEntry.Status.UNCONFIRMED:  # staff vouch for them now
                _confirm(entry)
            _write_ledger(batch)
            return entry
        enrollment = Enrollment(
            batch=batch,
            enquiry=enquiry,
            name=learner.name,
            email=learner.email,
            phone=learner.phone,
        )
        enrollment.full_clean(validate_constraints=False)
        enrollment.save()
        if place is not None:  # seated from the waiting list: their place is used
            place.status = WaitlistEntry.Status.ACCEPTED
            place.enrollment = enrollment
            place.save(update_fields=["status", "enrollment"])
        _write_ledger(batch)
        _mark_enrolled(enquiry, by=by)
        _seat_confirmed(enrollment, place=place)
        return enrollment


# The waiting list


def join_waitlist(
    *, batch: Batch, learner: Learner, consented: bool, enquiry: Enquiry | None = None
) -> WaitlistEntry | Enrollment:
    """A learner asks for a place on a full batch's waiting list, and is emailed about it.

    A new place waits until the learner opens the private link emailed to them
    (`confirm_place`); only then may it be offered a seat. Someone already on the list is
    emailed their link again, and someone with a seat is reminded of it: what the person
    joining sees never depends on which of these happened, so a form reveals nothing about
    an address.
    """
    if not consented:
        raise SeatError("We can only keep your place when you agree to be contacted.")
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        reason = batch.closed_reason()  # the public rule of an open batch
        if reason:
            raise BatchNotTakingLearners(reason)
        _expire_lapsed(batch)
        _offer_free_seats(batch)
        if not batch.is_full:
            raise BatchHasFreeSeats("This batch has a free seat: enquire about it instead.")
        seated = _seated(batch, email=learner.email)
        if seated is not None:
            notices.queue_already_seated(seated)
            return seated
        existing = _open_place(batch, email=learner.email)
        if existing is not None:
            _resend_place(existing)
            return existing
        # An unconfirmed place is not in the ledger: nothing to recount until it is confirmed.
        entry = _add_to_waitlist(batch, learner=learner, enquiry=enquiry, consented=True)
    return entry


def _resend_place(entry: WaitlistEntry) -> None:
    """Email a learner the private link to the place they already have."""
    if entry.status == WaitlistEntry.Status.OFFERED:
        notices.queue_seat_offer(entry)
    elif entry.status == WaitlistEntry.Status.WAITING:
        notices.queue_waitlist_joined(entry, position=waiting_position(entry))
    else:
        notices.queue_waitlist_confirm(entry)


def _add_to_waitlist(
    batch: Batch, *, learner: Learner, enquiry: Enquiry | None, consented: bool
) -> WaitlistEntry:
    """Within the batch's lock: a new, unconfirmed place at the end of the list, or the
    learner's existing one."""
    existing = _open_place(batch, email=learner.email)
    if existing is not None:
        return existing
    last = WaitlistEntry.objects.filter(batch=batch).order_by("-position").first()
    entry = WaitlistEntry(
        batch=batch,
        enquiry=enquiry,
        name=learner.name,
        email=learner.email,
        phone=learner.phone,
        position=(last.position + 1) if last else 1,
        status=WaitlistEntry.Status.UNCONFIRMED,
        consent_at=timezone.now() if consented else None,
        # Only the waiting-list form asks a learner to join: its sentence is what they ticked.
        consent_version=privacy.NOTICE_VERSION if consented else "",
        consent_text=privacy.WAITLIST_CONSENT if consented else "",
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    if consented:  # the learner asked: the email proves the address is theirs
        notices.queue_waitlist_confirm(entry)
    return entry


def confirm_place(*, token: str) -> WaitlistEntry | None:
    """The learner opened the private link emailed to them: their place now counts, and is
    offered a free seat if there is one. None if no place has this token."""
    entry = WaitlistEntry.objects.filter(token=token).first()
    if entry is None or entry.status != WaitlistEntry.Status.UNCONFIRMED:
        return entry
    with transaction.atomic():
        batch = _lock_batch(entry.batch_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == WaitlistEntry.Status.UNCONFIRMED:
            entry.email_confirmed_at = timezone.now()
            _confirm(entry)
            _offer_free_seats(batch)
    entry.refresh_from_db()
    return entry


def _confirm(entry: WaitlistEntry) -> None:
    """The place now waits for a seat; the caller writes the ledger."""
    entry.status = WaitlistEntry.Status.WAITING
    entry.save(update_fields=["status", "email_confirmed_at"])
    notices.queue_waitlist_joined(entry, position=waiting_position(entry))


def waiting_position(entry: WaitlistEntry) -> int | None:
    """1 for the next person to be offered a seat; None unless the place is waiting."""
    return (
        WaitlistEntry.objects.with_position()
        .values_list("waiting_position", flat=True)
        .get(pk=entry.pk)
    )


def move_in_waitlist(*, entry: WaitlistEntry, position: int, by: User | None) -> WaitlistEntry:
    """Staff put a place elsewhere in the queue; under the batch's lock, so it cannot race an
    offer being made from the same list."""
    with transaction.atomic():
        _lock_batch(entry.batch_id)
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        locked.position = position
        record_change(locked, by=by)
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["position"])
    return locked


def issue_new_place_link(*, entry: WaitlistEntry, by: User | None) -> WaitlistEntry:
    """Give the place a new private link and email it to the learner's address: the old link
    (forwarded, leaked) stops working at once. Under the place's row lock, so a link being
    opened or accepted sees either the old token or the new one."""
    with transaction.atomic():
        locked = (
            WaitlistEntry.objects.select_for_update()
            .select_related("batch__course")
            .get(pk=entry.pk)
        )
        locked.token = new_token()
        # The history says why; the token itself is never in it (excluded_fields).
        record_change(
            locked,
            by=by,
            reason="New private link emailed to the learner; the old link no longer works",
        )
        locked.save(update_fields=["token"])
        notices.queue_new_place_link(locked)
    return locked


def offer_free_seats(*, batch: Batch) -> list[WaitlistEntry]:
    """Offer each free seat to the next person waiting (after a cancellation or more capacity)."""
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        return _offer_free_seats(batch)


def _offer_free_seats(batch: Batch) -> list[WaitlistEntry]:
    """Within the batch's lock: offer what is free, then write the ledger."""
    _write_ledger(batch)
    if batch.status == Batch.Status.CANCELLED:
        return []
    now = timezone.now()
    waiting = WaitlistEntry.objects.waiting().filter(batch=batch).order_by("position", "pk")
    seats = batch.seats_left
    offered = list(waiting if seats is None else waiting[:seats])
    if not offered:
        return []
    expires = now + dt.timedelta(hours=offer_hours())
    for entry in offered:
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = expires
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
    _write_ledger(batch)
    for entry in offered:
        notices.queue_seat_offer(entry)
    _expire_when_due(batch_id=batch.pk, at=expires)
    return offered


def _expire_when_due(*, batch_id: int, at: dt.datetime) -> None:
    transaction.on_commit(
        lambda: expire_offers_task.using(run_after=at).enqueue(batch_id), robust=True
    )


def _expire_lapsed(batch: Batch) -> int:
    """Within the batch's lock: close offers past their deadline (the caller writes the
    ledger, through _offer_free_seats)."""
    return WaitlistEntry.objects.filter(
        batch=batch, status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=timezone.now()
    ).update(status=WaitlistEntry.Status.EXPIRED)


def accept_offer(*, token: str) -> Enrollment:
    """Confirm the seat an offer holds, if the offer is still valid. Accepting twice is fine."""
    entry = WaitlistEntry.objects.filter(token=token).first()
    if entry is None:
        raise OfferNotValid("We couldn't find this offer. Check the link in your email.")
    with transaction.atomic():
        batch = _lock_batch(entry.batch_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == WaitlistEntry.Status.ACCEPTED and entry.enrollment is not None:
            return entry.enrollment
        expires = entry.offer_expires_at
        if (
            entry.status != WaitlistEntry.Status.OFFERED
            or expires is None
            or expires <= timezone.now()
        ):
            raise OfferNotValid(
                "This offer is no longer valid: it has expired or passed to the next person."
            )
        _check_taking_learners(batch)
        seated = _seated(batch, email=entry.email)
        if seated is not None:  # seated meanwhile (e.g. transferred in): the hold passes on
            entry.status = WaitlistEntry.Status.ACCEPTED
            entry.enrollment = seated
            entry.save(update_fields=["status", "enrollment"])
            _offer_free_seats(batch)
            return seated
        # The offer's hold becomes the seat: the ledger's total does not change.
        enrollment = Enrollment.objects.create(
            batch=batch,
            enquiry=entry.enquiry,
            name=entry.name,
            email=entry.email,
            phone=entry.phone,
        )
        entry.status = WaitlistEntry.Status.ACCEPTED
        entry.enrollment = enrollment
        entry.save(update_fields=["status", "enrollment"])
        _write_ledger(batch)
        _mark_enrolled(entry.enquiry, by=None)
        _seat_confirmed(enrollment, place=entry)
        return enrollment


def _seat_confirmed(enrollment: Enrollment, *, place: WaitlistEntry | None) -> None:
    """A new confirmed seat: its email (joining details and .ics), then its reminder."""
    notices.queue_seat_confirmed(enrollment, place=place)
    schedule_seat_reminder(enrollment)


def leave_waitlist(*, token: str) -> WaitlistEntry:
    entry = WaitlistEntry.objects.filter(token=token).first()
    if entry is None:
        raise OfferNotValid("We couldn't find this place on a waiting list.")
    with transaction.atomic():
        batch = _lock_batch(entry.batch_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status in WaitlistEntry.OPEN_STATUSES:
            entry.status = WaitlistEntry.Status.LEFT
            entry.save(update_fields=["status"])
            _offer_free_seats(batch)
    return entry


def expire_offers(*, batch: Batch | None = None) -> int:
    """Close offers that ran out and pass their seats on; safe to run at any time."""
    now = timezone.now()
    due = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    )
    if batch is not None:
        due = due.filter(batch=batch)
    expired = 0
    for batch_id in sorted(set(due.values_list("batch_id", flat=True))):
        with transaction.atomic():
            locked = _lock_batch(batch_id)
            expired += _expire_lapsed(locked)
            _offer_free_seats(locked)
    return expired


@task
def expire_offers_task(batch_id: int) -> int:
    """Runs when a batch's offers fall due: expired offers pass to the next person."""
    batch = Batch.objects.filter(pk=batch_id).first()
    return expire_offers(batch=batch) if batch else 0


# Seats changed by staff


def cancel_enrollment(*, enrollment: Enrollment, by: User | None) -> Enrollment:
    """Free a seat; the next person waiting is offered it."""
    with transaction.atomic():
        batch = _lock_batch(enrollment.batch_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Enrollment.Status.CONFIRMED:
            return enrollment
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.ended_at = timezone.now()
        record_change(enrollment, by=by)
        enrollment.save(update_fields=["status", "ended_at"])
        notices.queue_seat_changed(enrollment=enrollment, template="seat_cancelled")
        _offer_free_seats(batch)
    return enrollment


def transfer(*, enrollment: Enrollment, to_batch: Batch, by: User | None) -> Enrollment:
    """Move a learner's seat to another batch of the same course, if it has a free seat."""
    with transaction.atomic():
        # Lock both batches in id order, so two opposite transfers cannot deadlock.
        first, second = sorted([enrollment.batch_id, to_batch.pk])
        locked = {first: _lock_batch(first), second: _lock_batch(second)}
        source, target = locked[enrollment.batch_id], locked[to_batch.pk]
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Enrollment.Status.CONFIRMED:
            raise TransferNotAllowed("Only a confirmed seat can be transferred.")
        if source.pk == target.pk:
            raise TransferNotAllowed("The learner is already in this batch.")
        if source.course_id != target.course_id:
            raise TransferNotAllowed("A seat can only move to another batch of the same course.")
        _check_taking_learners(target)
        if _seated(target, email=enrollment.email):
            raise TransferNotAllowed(f"{enrollment.name} already has a seat in {target}.")
        _expire_lapsed(target)
        _offer_free_seats(target)
        if target.is_full:
            raise TransferNotAllowed(f"{target} has no free seat.")
        moved = Enrollment(
            batch=target,
            enquiry=enrollment.enquiry,
            name=enrollment.name,
            email=enrollment.email,
            phone=enrollment.phone,
        )
        record_change(moved, by=by, reason=f"Transferred from {source}")
        moved.save()
        enrollment.status = Enrollment.Status.TRANSFERRED
        enrollment.ended_at = timezone.now()
        enrollment.transferred_to = moved
        record_change(enrollment, by=by, reason=f"Transferred to {target}")
        enrollment.save(update_fields=["status", "ended_at", "transferred_to"])
        _write_ledger(target)
        notices.queue_seat_changed(
            enrollment=enrollment, template="seat_transferred", moved_to=target
        )
        schedule_seat_reminder(moved)
        _offer_free_seats(source)
    return moved


def change_capacity(*, batch: Batch, capacity: int | None, by: User | None) -> list[WaitlistEntry]:
    """Set a batch's number of seats; freed seats are offered to those waiting at once.

    Refused below the seats already confirmed or held by an open offer (CapacityBelowLedger,
    with the numbers), whoever asks: the admin, the shell or a script.
    """
    with transaction.atomic():
        locked = _lock_batch(batch.pk)  # its ledger, read under the lock, is current
        in_use = locked.seats_taken + locked.seats_held
        if capacity is not None and capacity < in_use:
            raise CapacityBelowLedger(
                f"{locked} has {locked.seats_taken} confirmed "
                f"seat{'s' if locked.seats_taken != 1 else ''} and {locked.seats_held} open "
                f"offer{'s' if locked.seats_held != 1 else ''}, so its capacity cannot go "
                f"below {in_use}."
            )
        locked.capacity = capacity
        try:
            locked.full_clean(validate_unique=False)
        except ValidationError as error:
            raise SeatError(" ".join(error.messages)) from error
        record_change(locked, by=by)
        locked.save(update_fields=["capacity", "updated_at"])
        offered = _offer_free_seats(locked)
    batch.capacity = locked.capacity
    batch.seats_taken, batch.seats_held = locked.seats_taken, locked.seats_held
    batch.waiting_count = locked.waiting_count
    return offered


def release_batch(batch: Batch) -> list[Enrollment | WaitlistEntry]:
    """Within a cancelled batch's lock: end its seats and waiting list; returns whom to tell."""
    now = timezone.now()
    seats = list(Enrollment.objects.confirmed().filter(batch=batch))
    waiting = list(WaitlistEntry.objects.open_places().filter(batch=batch))
    Enrollment.objects.filter(pk__in=[s.pk for s in seats]).update(
        status=Enrollment.Status.CANCELLED, ended_at=now
    )
    WaitlistEntry.objects.filter(pk__in=[w.pk for w in waiting]).update(
        status=WaitlistEntry.Status.CANCELLED
    )
    _write_ledger(batch)
    return [*seats, *waiting]


# The reminder before a batch's first session


def schedule_seat_reminder(enrollment: Enrollment) -> None:
    """After commit, schedule the seat's reminder for REMINDER_HOURS before the first session
    (`send_reminders` is the safety net if the task is lost or the batch moves)."""
    starts = enrollment.batch.first_session_starts_at
    if starts <= timezone.now():
        return
    run_after, pk = starts - reminder_lead(), enrollment.pk
    transaction.on_commit(
        lambda: send_seat_reminder_task.using(run_after=run_after).enqueue(pk, starts.isoformat()),
        robust=True,
    )


def seat_reminder_due(enrollment: Enrollment, *, starts: dt.datetime, now: dt.datetime) -> bool:
    """The one rule for a seat's reminder: the seat and its batch stand, the batch still starts
    at `starts`, the reminder's moment has come and the start has not, and the seat was
    confirmed before that moment (a later one had it all in its confirmation email); and the
    learner's details were not erased."""
    batch = enrollment.batch
    due_at = starts - reminder_lead()
    return (
        enrollment.status == Enrollment.Status.CONFIRMED
        and batch.status == Batch.Status.SCHEDULED
        and batch.first_session_starts_at == starts
        and due_at <= now < starts
        and enrollment.created_at <= due_at
        and (enrollment.enquiry is None or enrollment.enquiry.erased_at is None)
    )


def send_seat_reminder(
    *, enrollment_id: int, starts: dt.datetime, now: dt.datetime | None = None
) -> OutgoingEmail | None:
    """Queue one seat's reminder if it is due and not yet sent; None otherwise. Re-checked
    here, at run time, under the seat's lock: a task scheduled for a seat since cancelled, or
    for a start since moved, sends nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("batch__course", "enquiry")
            .filter(pk=enrollment_id)
            .first()
        )
        if enrollment is None or not seat_reminder_due(enrollment, starts=starts, now=now):
            return None
        reminder = Reminder.objects.record_once(enrollment=enrollment, starts_at=starts)
        if reminder is None:
            return None
        reminder.email = notices.queue_seat_reminder(enrollment, starts=starts)
        reminder.save(update_fields=["email"])
    return reminder.email


@task
def send_seat_reminder_task(enrollment_id: int, starts: str) -> bool:
    """Runs REMINDER_HOURS before a batch's first session, for one seat."""
    starts_at = dt.datetime.fromisoformat(starts)
    return send_seat_reminder(enrollment_id=enrollment_id, starts=starts_at) is not None
