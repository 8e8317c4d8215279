"""The periodic side of reminders, and the owners' morning digest of follow-ups.

A reminder goes out `REMINDER_HOURS` before a batch's first session (to each confirmed seat,
`seats.send_seat_reminder`) and before each one-on-one session
(`one_on_one.send_session_reminder`): each is a task scheduled for its moment when the seat is
confirmed or the sessions are made or changed, and re-checks at run time. `send_due_reminders`
(`manage.py send_reminders`) is the safety net that sends any due one a lost task or a moved
start left unsent. Sent once each: a `Reminder` row, unique per seat or session and start, is
written with the email.

The digest (`send_follow_up_digests`): one email per owner per day (`FollowUpDigest`, unique
per owner and day), listing their open enquiries whose follow-up is due today or overdue, in
the provider's zone (TIME_ZONE); none when nothing is due, none to someone who turned it off
(`DigestOptOut`, through the digest's one-click List-Unsubscribe link).
"""

import datetime as dt
from itertools import groupby

from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from courses.models import Batch
from courses.site import absolute_url

from ..mail import notices
from ..models import (
    DigestOptOut,
    Enquiry,
    Enrollment,
    FollowUpDigest,
    PlanSession,
    Reminder,
    reminder_lead,
)
from .one_on_one import send_session_reminder
from .seats import seat_reminder_due, send_seat_reminder


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent; returns how many went out."""
    now = now or timezone.now()
    lead = reminder_lead()
    sent = 0
    # Batches starting from yesterday to a day past the lead: the first session, in any zone,
    # falls inside that range.
    seats = list(
        Enrollment.objects.confirmed()
        .filter(
            batch__status=Batch.Status.SCHEDULED,
            batch__start_date__gte=(now - dt.timedelta(days=1)).date(),
            batch__start_date__lte=(now + lead + dt.timedelta(days=1)).date(),
        )
        .select_related("batch", "enquiry")
        .order_by("pk")
    )
    # A seat reminded for an earlier start (the batch has moved since) is reminded again.
    reminded = set(
        Reminder.objects.filter(enrollment__in=seats).values_list("enrollment_id", "starts_at")
    )
    for enrollment in seats:
        starts = enrollment.batch.first_session_starts_at
        if (
            (enrollment.pk, starts) not in reminded
            and seat_reminder_due(enrollment, starts=starts, now=now)
            and send_seat_reminder(enrollment_id=enrollment.pk, starts=starts, now=now)
        ):
            sent += 1
    sessions = PlanSession.objects.filter(starts_at__gt=now, starts_at__lte=now + lead).exclude(
        reminders__starts_at=F("starts_at")
    )
    for pk, starts in sessions.order_by("pk").values_list("pk", "starts_at"):
        if send_session_reminder(session_id=pk, starts=starts, now=now):
            sent += 1
    return sent


# The follow-up digest

UNSUBSCRIBE_SALT = "enquiries.follow-up-digest.unsubscribe"


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("enquiries:digest_unsubscribe", args=[unsubscribe_token(user)]))


def user_for_unsubscribe(token: str) -> User | None:
    """The staff member a digest's unsubscribe link names; None for a forged or broken one."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first()


def turn_digest_off(*, user: User) -> None:
    DigestOptOut.objects.get_or_create(user=user)


def send_follow_up_digests(*, today: dt.date | None = None) -> int:
    """Email each owner with follow-ups due `today` (the provider's date) or overdue; once per
    owner per day, however often it runs. Returns how many digests were queued."""
    today = today or timezone.localdate()
    due = (
        Enquiry.objects.follow_up_due(today=today)
        .filter(owner__is_active=True, erased_at__isnull=True)
        .exclude(owner__email="")
        .exclude(owner__digest_opt_out__isnull=False)
        .exclude(owner__follow_up_digests__day=today)
        .select_related("owner", "course")
        .order_by("owner_id", "follow_up_on", "pk")
    )
    queued = 0
    for _, group in groupby(due, key=lambda enquiry: enquiry.owner_id):
        enquiries = list(group)
        owner = enquiries[0].owner
        assert owner is not None  # follow_up_due rows here all have one (owner filters)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    digest = FollowUpDigest.objects.create(owner=owner, day=today)
            except IntegrityError:
                continue  # another run sent it meanwhile
            digest.email = notices.queue_follow_up_digest(
                owner=owner, day=today, due=enquiries, unsubscribe_url=unsubscribe_url(owner)
            )
            digest.save(update_fields=["email"])
        queued += 1
    return queued
