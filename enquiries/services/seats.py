"""Every seat is decided here: enrol, cancel, transfer, and offers from the waiting list.

Each function locks the batch row first, inside `transaction.atomic()`, and only then counts:
`select_for_update()` on PostgreSQL; SQLite runs IMMEDIATE transactions, which take the
database's write lock when they begin. No other code creates or frees a seat.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from courses.models import Batch

from ..mail import notices
from ..models import Enquiry, Enrollment, WaitlistEntry
from .pipeline import ALLOWED_TRANSITIONS, change_status


class SeatError(Exception):
    """A seat cannot be given or changed as asked; the message is shown to the person."""


class BatchNotTakingLearners(SeatError):
    pass


class AlreadyEnrolled(SeatError):
    pass


class AlreadyWaiting(SeatError):
    pass


class OfferNotValid(SeatError):
    pass


class TransferNotAllowed(SeatError):
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


def _lock_batch(batch_id: int) -> Batch:
    return Batch.objects.select_for_update().select_related("course").get(pk=batch_id)


def free_seats(batch: Batch, *, now: dt.datetime | None = None) -> int | None:
    """Seats nobody holds: capacity less confirmed seats and open offers; None = unlimited."""
    if batch.capacity is None:
        return None
    taken = Enrollment.objects.confirmed().filter(batch=batch).count()
    held = WaitlistEntry.objects.holding_offer(now=now).filter(batch=batch).count()
    return batch.capacity - taken - held


def _check_taking_learners(batch: Batch) -> None:
    if batch.status == Batch.Status.CANCELLED:
        raise BatchNotTakingLearners("This batch has been cancelled.")
    if batch.end_date < timezone.localdate():
        raise BatchNotTakingLearners("This batch has already finished.")


def _check_not_spam(enquiry: Enquiry | None) -> None:
    if enquiry is not None and enquiry.status == Enquiry.Status.SPAM:
        raise SeatError("This enquiry is marked as spam; move it back to new first.")


def _mark_enrolled(enquiry: Enquiry | None, *, by: AbstractBaseUser | None) -> None:
    """Move the learner's enquiry to enrolled where the pipeline allows (not from spam)."""
    if enquiry is None:
        return
    if Enquiry.Status.ENROLLED in ALLOWED_TRANSITIONS[enquiry.status]:
        change_status(enquiry=enquiry, to=Enquiry.Status.ENROLLED, by=by)


def enroll(
    *,
    batch: Batch,
    learner: Learner,
    enquiry: Enquiry | None = None,
    by: AbstractBaseUser | None = None,
) -> Enrollment | WaitlistEntry:
    """Confirm a seat if one is free, else put the learner on the batch's waiting list."""
    _check_not_spam(enquiry)
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        _check_taking_learners(batch)
        if Enrollment.objects.confirmed().filter(batch=batch, email__iexact=learner.email):
            raise AlreadyEnrolled(f"{learner.name} already has a seat in this batch.")
        # Lapsed offers pass to the people already waiting before anyone new is seated.
        _expire_lapsed(batch)
        _offer_free_seats(batch)
        place = _open_place(batch, email=learner.email)
        holds_offer = place is not None and place.status == WaitlistEntry.Status.OFFERED
        seats = free_seats(batch)
        if seats is not None and seats + holds_offer <= 0:
            return _add_to_waitlist(batch, learner=learner, enquiry=enquiry, consented=False)
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
        _mark_enrolled(enquiry, by=by)
        return enrollment


def _open_place(batch: Batch, *, email: str) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.filter(batch=batch, email__iexact=email)
        .filter(status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED])
        .first()
    )


def _expire_lapsed(batch: Batch) -> int:
    """Within the batch's lock: close offers past their deadline."""
    return WaitlistEntry.objects.filter(
        batch=batch, status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=timezone.now()
    ).update(status=WaitlistEntry.Status.EXPIRED)


def join_waitlist(
    *, batch: Batch, learner: Learner, consented: bool, enquiry: Enquiry | None = None
) -> WaitlistEntry:
    """A learner asks for a place on the waiting list; a free seat is offered at once.

    Joining twice returns the place the learner already has.
    """
    if not consented:
        raise SeatError("We can only keep your place when you agree to be contacted.")
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        _check_taking_learners(batch)
        if batch.start_date < timezone.localdate() or not batch.is_published:
            raise BatchNotTakingLearners("This batch is not taking a waiting list.")
        if Enrollment.objects.confirmed().filter(batch=batch, email__iexact=learner.email):
            raise AlreadyEnrolled("You already have a seat in this batch.")
        _expire_lapsed(batch)
        entry = _add_to_waitlist(batch, learner=learner, enquiry=enquiry, consented=True)
        _offer_free_seats(batch)
    entry.refresh_from_db()
    return entry


def _add_to_waitlist(
    batch: Batch, *, learner: Learner, enquiry: Enquiry | None, consented: bool
) -> WaitlistEntry:
    """Within the batch's lock: a place at the end of the list, or the learner's existing one."""
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
        consent_at=timezone.now() if consented else None,
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    notices.queue_waitlist_joined(entry, position=waiting_position(entry))
    return entry


def waiting_position(entry: WaitlistEntry) -> int:
    """1 for the next person to be offered a seat."""
    return (
        WaitlistEntry.objects.waiting()
        .filter(batch_id=entry.batch_id, position__lt=entry.position)
        .count()
        + 1
    )


def offer_free_seats(*, batch: Batch) -> list[WaitlistEntry]:
    """Offer each free seat to the next person waiting (after a cancellation or more capacity)."""
    with transaction.atomic():
        batch = _lock_batch(batch.pk)
        return _offer_free_seats(batch)


def _offer_free_seats(batch: Batch) -> list[WaitlistEntry]:
    if batch.status == Batch.Status.CANCELLED:
        return []
    now = timezone.now()
    seats = free_seats(batch, now=now)
    waiting = WaitlistEntry.objects.waiting().filter(batch=batch).order_by("position", "pk")
    offered = list(waiting if seats is None else waiting[: max(seats, 0)])
    expires = now + dt.timedelta(hours=offer_hours())
    for entry in offered:
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = expires
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        notices.queue_seat_offer(entry)
    if offered:
        _expire_when_due(batch_id=batch.pk, at=expires)
    return offered


def _expire_when_due(*, batch_id: int, at: dt.datetime) -> None:
    transaction.on_commit(
        lambda: expire_offers_task.using(run_after=at).enqueue(batch_id), robust=True
    )


def accept_offer(*, token: str) -> Enrollment:
    """Confirm the seat an offer holds, if the offer is still valid. Accepting twice is fine."""
    entry = WaitlistEntry.objects.filter(token=token).first()
    if entry is None:
        raise OfferNotValid("We couldn't find this offer. Check the link in your email.")
    with transaction.atomic():
        batch = _lock_batch(entry.batch_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == WaitlistEntry.Status.ACCEPTED and entry.enrollment_id:
            return entry.enrollment
        now = timezone.now()
        if entry.status != WaitlistEntry.Status.OFFERED or entry.offer_expires_at <= now:
            raise OfferNotValid(
                "This offer is no longer valid: it has expired or passed to the next person."
            )
        _check_taking_learners(batch)
        seated = (
            Enrollment.objects.confirmed().filter(batch=batch, email__iexact=entry.email).first()
        )
        if seated is not None:  # seated meanwhile (e.g. transferred in): the hold passes on
            entry.status = WaitlistEntry.Status.ACCEPTED
            entry.enrollment = seated
            entry.save(update_fields=["status", "enrollment"])
            _offer_free_seats(batch)
            return seated
        # This offer's own hold is one of the seats counted as held.
        seats = free_seats(batch, now=now)
        if seats is not None and seats + 1 <= 0:
            raise OfferNotValid("Sorry, the batch no longer has a free seat for this offer.")
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
        _mark_enrolled(entry.enquiry, by=None)
        return enrollment


def leave_waitlist(*, token: str) -> WaitlistEntry:
    entry = WaitlistEntry.objects.filter(token=token).first()
    if entry is None:
        raise OfferNotValid("We couldn't find this place on a waiting list.")
    with transaction.atomic():
        batch = _lock_batch(entry.batch_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
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
            expired += WaitlistEntry.objects.filter(
                batch=locked, status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
            ).update(status=WaitlistEntry.Status.EXPIRED)
            _offer_free_seats(locked)
    return expired


def cancel_enrollment(*, enrollment: Enrollment, by: AbstractBaseUser | None) -> Enrollment:
    """Free a seat; the next person waiting is offered it."""
    with transaction.atomic():
        batch = _lock_batch(enrollment.batch_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Enrollment.Status.CONFIRMED:
            return enrollment
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.ended_at = timezone.now()
        enrollment._history_user = by
        enrollment.save(update_fields=["status", "ended_at"])
        notices.queue_seat_changed(enrollment=enrollment, template="seat_cancelled")
        _offer_free_seats(batch)
    return enrollment


def transfer(*, enrollment: Enrollment, to_batch: Batch, by: AbstractBaseUser | None) -> Enrollment:
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
        if Enrollment.objects.confirmed().filter(batch=target, email__iexact=enrollment.email):
            raise TransferNotAllowed(f"{enrollment.name} already has a seat in {target}.")
        seats = free_seats(target)
        if seats is not None and seats <= 0:
            raise TransferNotAllowed(f"{target} has no free seat.")
        moved = Enrollment(
            batch=target,
            enquiry=enrollment.enquiry,
            name=enrollment.name,
            email=enrollment.email,
            phone=enrollment.phone,
        )
        moved._history_user = by
        moved._change_reason = f"Transferred from {source}"
        moved.save()
        enrollment.status = Enrollment.Status.TRANSFERRED
        enrollment.ended_at = timezone.now()
        enrollment.transferred_to = moved
        enrollment._history_user = by
        enrollment._change_reason = f"Transferred to {target}"
        enrollment.save(update_fields=["status", "ended_at", "transferred_to"])
        notices.queue_seat_changed(
            enrollment=enrollment, template="seat_transferred", moved_to=target
        )
        _offer_free_seats(source)
    return moved


def release_batch(batch: Batch) -> list[Enrollment | WaitlistEntry]:
    """Within a cancelled batch's lock: end its seats and waiting list; returns whom to tell."""
    now = timezone.now()
    seats = list(Enrollment.objects.confirmed().filter(batch=batch))
    waiting = list(
        WaitlistEntry.objects.filter(
            batch=batch, status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED]
        )
    )
    Enrollment.objects.filter(pk__in=[s.pk for s in seats]).update(
        status=Enrollment.Status.CANCELLED, ended_at=now
    )
    WaitlistEntry.objects.filter(pk__in=[w.pk for w in waiting]).update(
        status=WaitlistEntry.Status.CANCELLED
    )
    return [*seats, *waiting]


@task
def expire_offers_task(batch_id: int) -> int:
    """Runs when a batch's offers fall due: expired offers pass to the next person."""
    batch = Batch.objects.filter(pk=batch_id).first()
    return expire_offers(batch=batch) if batch else 0
