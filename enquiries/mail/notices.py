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


def queue_batch_cancelled(*, person, batch) -> OutgoingEmail:
    """To someone with an open enquiry, a seat or a waiting-list place in a cancelled batch."""
    enquiry = person if isinstance(person, Enquiry) else person.enquiry
    return queue_email(
        kind=OutgoingEmail.Kind.BATCH_CANCELLED,
        to=person.email,
        template="batch_cancelled",
        context={"enquiry": person, "batch": batch, "schedule_url": _schedule_url(batch.course)},
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


def queue_new_batch(*, enquiry: Enquiry, batch, interest=None) -> OutgoingEmail:
    """To someone who asked about the course: a batch that may suit them, with its Enquire
    Now link. Someone on the interest list also gets the link that takes them off it, in the
    body and as List-Unsubscribe (one click, RFC 8058)."""
    enquire_url = (
        settings.SITE_URL
        + reverse("enquiries:enquire", args=[batch.course.slug])
        + f"?batch={batch.pk}"
    )
    unsubscribe_url = (
        settings.SITE_URL + reverse("enquiries:interest_unsubscribe", args=[interest.token])
        if interest is not None
        else ""
    )
    headers = (
        {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if unsubscribe_url
        else {}
    )
    return queue_email(
        kind=OutgoingEmail.Kind.INTEREST,
        to=enquiry.email,
        template="new_batch",
        context={
            "enquiry": enquiry,
            "batch": batch,
            "course": batch.course,
            "enquire_url": enquire_url,
            "unsubscribe_url": unsubscribe_url,
        },
        enquiry=enquiry,
        headers=headers,
    )
