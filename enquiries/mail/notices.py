"""What each email says: callers hand each notice what it needs; it queues it in the outbox."""

import logging

from django.conf import settings
from django.urls import reverse

from ..models import Enquiry, OutgoingEmail
from .outbox import queue_email

logger = logging.getLogger(__name__)


def queue_enquiry_emails(enquiry: Enquiry) -> None:
    """The learner's acknowledgement and the owner's notification of a new enquiry.

    A waiting-list enquiry's acknowledgement is the waiting-list email, sent by the seats.
    """
    context = {"enquiry": enquiry, "batch": enquiry.batch, "course": enquiry.course}
    if enquiry.kind != Enquiry.Kind.WAITING_LIST:
        queue_email(
            kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT,
            to=enquiry.email,
            template="enquiry_acknowledgement",
            context=context,
            enquiry=enquiry,
        )
    recipient = (enquiry.owner.email if enquiry.owner else "") or settings.ENQUIRY_NOTIFY_EMAIL
    if not recipient:
        logger.warning("Enquiry %s has no owner and ENQUIRY_NOTIFY_EMAIL is unset", enquiry)
        return
    admin_url = settings.SITE_URL + reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])
    queue_email(
        kind=OutgoingEmail.Kind.NOTIFICATION,
        to=recipient,
        template="enquiry_notification",
        context=context | {"admin_url": admin_url},
        enquiry=enquiry,
    )


def _schedule_url(course) -> str:
    return settings.SITE_URL + reverse("courses:detail", args=[course.slug]) + "#schedule"


def batch_cancelled_context(*, person, batch, note: str = "") -> dict:
    """What the batch-cancelled email is rendered with; `note` is staff's own words."""
    return {
        "enquiry": person,
        "batch": batch,
        "schedule_url": _schedule_url(batch.course),
        "note": note,
    }


def queue_batch_cancelled(*, person, batch, note: str = "") -> OutgoingEmail:
    """To someone with an open enquiry, a seat or a waiting-list place in a cancelled batch."""
    enquiry = person if isinstance(person, Enquiry) else person.enquiry
    return queue_email(
        kind=OutgoingEmail.Kind.BATCH_CANCELLED,
        to=person.email,
        template="batch_cancelled",
        context=batch_cancelled_context(person=person, batch=batch, note=note),
        enquiry=enquiry,
    )


def _place_urls(entry) -> dict[str, str]:
    return {
        "place_url": settings.SITE_URL + reverse("enquiries:waitlist_place", args=[entry.token]),
        "leave_url": settings.SITE_URL + reverse("enquiries:waitlist_leave", args=[entry.token]),
    }


def queue_waitlist_confirm(entry) -> OutgoingEmail:
    """To someone who asked for a place: the private link that confirms it is their address."""
    return queue_email(
        kind=OutgoingEmail.Kind.WAITLIST,
        to=entry.email,
        template="waitlist_confirm",
        context={"entry": entry, "batch": entry.batch, **_place_urls(entry)},
        enquiry=entry.enquiry,
    )


def queue_waitlist_joined(entry, *, position: int | None) -> OutgoingEmail:
    """To someone whose place is confirmed: where they are in line, and their private link."""
    return queue_email(
        kind=OutgoingEmail.Kind.WAITLIST,
        to=entry.email,
        template="waitlist_joined",
        context={"entry": entry, "batch": entry.batch, "position": position, **_place_urls(entry)},
        enquiry=entry.enquiry,
    )


def queue_new_place_link(entry) -> OutgoingEmail:
    """To the learner whose place was given a new private link: the new link only."""
    return queue_email(
        kind=OutgoingEmail.Kind.WAITLIST,
        to=entry.email,
        template="waitlist_new_link",
        context={"entry": entry, "batch": entry.batch, **_place_urls(entry)},
        enquiry=entry.enquiry,
    )


def queue_already_seated(enrollment) -> OutgoingEmail:
    """To someone who asked for a waiting-list place in a batch where they have a seat."""
    return queue_email(
        kind=OutgoingEmail.Kind.WAITLIST,
        to=enrollment.email,
        template="waitlist_already_seated",
        context={"enrollment": enrollment, "batch": enrollment.batch},
        enquiry=enrollment.enquiry,
    )


def queue_seat_offer(entry) -> OutgoingEmail:
    accept_url = settings.SITE_URL + reverse("enquiries:offer_accept", args=[entry.token])
    leave_url = settings.SITE_URL + reverse("enquiries:waitlist_leave", args=[entry.token])
    return queue_email(
        kind=OutgoingEmail.Kind.SEAT_OFFER,
        to=entry.email,
        template="seat_offer",
        context={
            "entry": entry,
            "batch": entry.batch,
            "accept_url": accept_url,
            "leave_url": leave_url,
        },
        enquiry=entry.enquiry,
    )


def queue_seat_changed(*, enrollment, template: str, moved_to=None) -> OutgoingEmail:
    """Tell a learner their seat was cancelled (seat_cancelled) or moved (seat_transferred)."""
    batch = enrollment.batch
    return queue_email(
        kind=OutgoingEmail.Kind.SEAT_CHANGED,
        to=enrollment.email,
        template=template,
        context={
            "enrollment": enrollment,
            "batch": batch,
            "moved_to": moved_to,
            "schedule_url": _schedule_url(batch.course),
        },
        enquiry=enrollment.enquiry,
    )
