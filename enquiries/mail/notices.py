"""What each email says: callers hand each notice what it needs; it queues it in the outbox."""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat

from courses import calendars
from courses.site import absolute_url

from ..models import Enquiry, OutgoingEmail
from .outbox import Attachment, queue_email

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
    admin_url = absolute_url(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]))
    queue_email(
        kind=OutgoingEmail.Kind.NOTIFICATION,
        to=recipient,
        template="enquiry_notification",
        context=context | {"admin_url": admin_url},
        enquiry=enquiry,
    )


def _schedule_url(course) -> str:
    return absolute_url(reverse("courses:detail", args=[course.slug])) + "#schedule"


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
        "place_url": absolute_url(reverse("enquiries:waitlist_place", args=[entry.token])),
        "leave_url": absolute_url(reverse("enquiries:waitlist_leave", args=[entry.token])),
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
    accept_url = absolute_url(reverse("enquiries:offer_accept", args=[entry.token]))
    leave_url = absolute_url(reverse("enquiries:waitlist_leave", args=[entry.token]))
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


def seat_calendar_attachment(batch) -> Attachment:
    """The batch as the learner's own .ics, joining details included."""
    name = f"{batch.course.slug}-{batch.track}-{batch.start_date:%Y-%m-%d}.ics"
    return Attachment(
        name=name,
        content=calendars.seat_calendar(batch).decode(),
        mimetype="text/calendar; charset=utf-8; method=PUBLISH",
    )


def queue_seat_confirmed(enrollment, *, place=None) -> OutgoingEmail:
    """To a learner whose seat is confirmed (staff enrolled them, or they accepted an offer):
    the dates, how to join, and the batch's calendar file. Transactional: no unsubscribe."""
    batch = enrollment.batch
    attachment = seat_calendar_attachment(batch)
    place_url = (
        absolute_url(reverse("enquiries:waitlist_place", args=[place.token])) if place else ""
    )
    return queue_email(
        kind=OutgoingEmail.Kind.SEAT_CONFIRMED,
        to=enrollment.email,
        template="seat_confirmed",
        context={
            "enrollment": enrollment,
            "batch": batch,
            "place_url": place_url,
            "attachment_name": attachment.name,
        },
        enquiry=enrollment.enquiry,
        attachment=attachment,
    )


def queue_seat_reminder(enrollment, *, starts) -> OutgoingEmail:
    """To a learner with a seat, before the batch's first session (`starts`, aware)."""
    batch = enrollment.batch
    return queue_email(
        kind=OutgoingEmail.Kind.REMINDER,
        to=enrollment.email,
        template="seat_reminder",
        context={
            "enrollment": enrollment,
            "batch": batch,
            # In the batch's zone, formatted here: templates would show it in TIME_ZONE.
            "starts_label": dateformat.format(starts.astimezone(batch.zone), "D j M Y, H:i T"),
        },
        enquiry=enrollment.enquiry,
    )


def queue_session_reminder(*, plan, local, plan_url: str) -> OutgoingEmail:
    """To a one-on-one learner, before one session of their plan (`local`, a LocalSession)."""
    enquiry = plan.request.enquiry
    return queue_email(
        kind=OutgoingEmail.Kind.REMINDER,
        to=enquiry.email,
        template="session_reminder",
        context={
            "plan": plan,
            "enquiry": enquiry,
            "course": enquiry.course,
            "local": local,
            "plan_url": plan_url,
        },
        enquiry=enquiry,
    )


def queue_follow_up_digest(*, owner, day, due, unsubscribe_url: str) -> OutgoingEmail:
    """To a staff member: their follow-ups due on `day` and overdue, each with its admin link.

    Not transactional, so it carries List-Unsubscribe (RFC 2369) with one-click
    List-Unsubscribe-Post (RFC 8058): a mail program's "unsubscribe" turns the digest off.
    """
    items = [
        {
            "enquiry": enquiry,
            "overdue": enquiry.follow_up_on < day,
            "url": absolute_url(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])),
        }
        for enquiry in due
    ]
    list_url = absolute_url(reverse("admin:enquiries_enquiry_changelist")) + (
        "?mine=open&follow_up=due"
    )
    return queue_email(
        kind=OutgoingEmail.Kind.FOLLOW_UP_DIGEST,
        to=owner.email,
        template="follow_up_digest",
        context={
            "owner": owner,
            "day": day,
            "due": items,
            "overdue_count": sum(item["overdue"] for item in items),
            "list_url": list_url,
            "unsubscribe_url": unsubscribe_url,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def queue_new_batch(*, enquiry: Enquiry, batch, interest=None) -> OutgoingEmail:
    """To someone who asked about the course: a batch that may suit them, with its Enquire
    Now link. Someone on the interest list also gets the link that takes them off it, in the
    body and as List-Unsubscribe (one click, RFC 8058)."""
    enquire_url = (
        absolute_url(reverse("enquiries:enquire", args=[batch.course.slug])) + f"?batch={batch.pk}"
    )
    unsubscribe_url = (
        absolute_url(reverse("enquiries:interest_unsubscribe", args=[interest.token]))
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
