"""Cancelling a batch: who is told, for the page staff confirm, and the act that tells them.

Both read "who is told" from `_people_told`, so the confirmation page lists exactly the
people the cancellation emails.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string

from courses.history import record_change
from courses.models import Batch

from ..mail import notices
from ..mail.outbox import email_context
from ..models import Enquiry, Enrollment, WaitlistEntry
from .seats import release_batch

NOTE_LIMIT = 2000
# The preview names nobody: staff who may not see learners' details preview it too.
PREVIEW_PERSON = {"name": "[the learner's name]", "reference": "[their reference]"}


def clean_note(note: str) -> str:
    """Staff's words for the email: trimmed, without control characters but for line breaks."""
    lines = note.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = "\n".join("".join(char for char in line if char.isprintable()) for line in lines)
    return kept.strip()[:NOTE_LIMIT]


def preview_email(*, batch: Batch, note: str = "") -> str:
    """The plain-text email that cancelling `batch` sends, with `note`, for the confirmation
    page; the HTML part says the same."""
    context = notices.batch_cancelled_context(
        person=PREVIEW_PERSON, batch=batch, note=clean_note(note)
    )
    return render_to_string("emails/batch_cancelled.txt", email_context(context))


@dataclass(frozen=True, kw_only=True)
class CancellationNotice:
    """Who cancelling one batch tells: people with an open enquiry, a confirmed seat or a place
    on its waiting list, each address once. Lists are None for staff who may not see those
    people's personal data; they see the counts."""

    batch: Batch
    count: int  # people told, each once
    enquiry_count: int
    seat_count: int
    waiting_count: int
    enquiries: list[Enquiry] | None
    seats: list[Enrollment] | None
    waiting: list[WaitlistEntry] | None

    @property
    def already_cancelled(self) -> bool:
        return self.batch.status == Batch.Status.CANCELLED


@dataclass(frozen=True, kw_only=True)
class PeopleTold:
    enquiries: list[Enquiry]
    seats: list[Enrollment]
    waiting: list[WaitlistEntry]

    def each_once(self) -> list[Enquiry | Enrollment | WaitlistEntry]:
        """Everyone in the order they are told: enquirers, then seats, then the waiting
        list; a person who is several of these is told once."""
        addresses: set[str] = set()
        people: list[Enquiry | Enrollment | WaitlistEntry] = []
        everyone: list[Enquiry | Enrollment | WaitlistEntry] = [
            *self.enquiries,
            *self.seats,
            *self.waiting,
        ]
        for person in everyone:
            if person.email.lower() not in addresses:
                addresses.add(person.email.lower())
                people.append(person)
        return people


def _by_batch(rows, batch_ids: list[int]) -> dict[int, list]:
    grouped: dict[int, list] = {pk: [] for pk in batch_ids}
    for row in rows:
        grouped[row.batch_id].append(row)
    return grouped


def _people_told(batches: list[Batch]) -> dict[int, PeopleTold]:
    """Three queries, whatever the number of batches; nobody for a batch already cancelled."""
    pks = [batch.pk for batch in batches if batch.status != Batch.Status.CANCELLED]
    enquiries = _by_batch(
        Enquiry.objects.open()
        .filter(batch__in=pks)
        .select_related("course")
        .order_by("created_at", "pk"),
        pks,
    )
    seats = _by_batch(
        Enrollment.objects.confirmed().filter(batch__in=pks).order_by("created_at", "pk"), pks
    )
    waiting = _by_batch(
        WaitlistEntry.objects.open_places().filter(batch__in=pks).order_by("position", "pk"), pks
    )
    return {
        batch.pk: PeopleTold(
            enquiries=enquiries.get(batch.pk, []),
            seats=seats.get(batch.pk, []),
            waiting=waiting.get(batch.pk, []),
        )
        for batch in batches
    }


def preview(
    batches: list[Batch], *, show_enquirers: bool, show_seats: bool, show_waiting: bool
) -> list[CancellationNotice]:
    """What cancelling each batch would do, for the confirmation page."""
    told = _people_told(batches)
    return [
        CancellationNotice(
            batch=batch,
            count=len(told[batch.pk].each_once()),
            enquiry_count=len(told[batch.pk].enquiries),
            seat_count=len(told[batch.pk].seats),
            waiting_count=len(told[batch.pk].waiting),
            enquiries=told[batch.pk].enquiries if show_enquirers else None,
            seats=told[batch.pk].seats if show_seats else None,
            waiting=told[batch.pk].waiting if show_waiting else None,
        )
        for batch in batches
    ]


def cancel_batch(*, batch: Batch, by: User | None, note: str = "") -> list:
    """Cancel a batch: end its seats and waiting list, and email each person concerned once,
    with staff's `note` (their own words, escaped in the HTML part) if given.

    Returns those told, as `preview` listed them.
    """
    note = clean_note(note)
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("course").get(pk=batch.pk)
        if batch.status == Batch.Status.CANCELLED:
            return []
        told = _people_told([batch])[batch.pk].each_once()
        release_batch(batch)
        batch.status = Batch.Status.CANCELLED
        record_change(batch, by=by)
        batch.save(update_fields=["status", "updated_at"])
        for person in told:
            notices.queue_batch_cancelled(person=person, batch=batch, note=note)
    return told
