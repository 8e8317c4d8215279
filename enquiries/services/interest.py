"""The interest list ("tell me when a new batch is scheduled") and inviting people to a batch.

Joining is a lead like Enquire Now: an enquiry of kind interest through intake.submit_enquiry
(consent, the submission token, repeat detection, owner, pipeline), with the months, track and
mode the learner would like. When a batch is published, everyone whose interest matches it is
emailed once about it (`notify_interested`, a task enqueued on commit by `batch_saved` after
every save of a published batch, whichever path saved it). From the demand board, staff may
invite the people behind a cell to a matching batch (`invite_cell`). Either way a person is
emailed about a batch at most once: a BatchInvitation per person and batch, written under the
batch's row lock.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.functions import Lower
from django.tasks import task
from django.utils import timezone

from courses.models import Batch, Course

from .. import demand
from ..mail import notices
from ..models import BatchInvitation, Enquiry, Interest, InterestMonth
from .intake import Attribution, EnquiryRefused, submit_enquiry

# How far ahead a learner may ask for: this month and the next eleven.
MONTHS_AHEAD = 12


class InterestRefused(EnquiryRefused):
    pass


class InviteRefused(Exception):
    """The people of a cell cannot be invited to that batch; the message is shown to staff."""


def months_offered(*, today: dt.date | None = None) -> list[dt.date]:
    """The months a learner may pick: the first day of this month and of the next eleven."""
    month = (today or timezone.localdate()).replace(day=1)
    months = []
    for _ in range(MONTHS_AHEAD):
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def register_interest(
    *,
    course: Course,
    months: Iterable[dt.date],
    track: str,
    mode: str,
    time_zone: str,
    name: str,
    email: str,
    phone: str,
    consented: bool,
    submission_token: uuid.UUID,
    attribution: Attribution | None = None,
    is_spam: bool = False,
) -> Enquiry:
    """Put a learner on the interest list of `course` for the given months, track and mode
    ("" is either). Raises InterestRefused for no month or one outside months_offered()."""
    repeated = Enquiry.objects.filter(submission_token=submission_token).first()
    if repeated is not None:  # a double click or a refresh: done already
        return repeated
    months = sorted({month.replace(day=1) for month in months})
    offered = set(months_offered())
    if not months:
        raise InterestRefused("Choose at least one month.")
    if not set(months) <= offered:
        raise InterestRefused("Choose months from this month to a year ahead.")
    if track not in ("", *Batch.Track.values) or mode not in ("", *Batch.Delivery.values):
        raise InterestRefused("Choose a track and a mode from the list.")
    with transaction.atomic():
        enquiry = submit_enquiry(
            course=course,
            batch=None,
            name=name,
            email=email,
            phone=phone,
            consented=consented,
            submission_token=submission_token,
            attribution=attribution,
            is_spam=is_spam,
            kind=Enquiry.Kind.INTEREST,
            time_zone=time_zone,
        )
        if (
            enquiry.status != Enquiry.Status.SPAM
            and not Interest.objects.filter(enquiry=enquiry).exists()
        ):
            interest = Interest.objects.create(enquiry=enquiry, track=track, mode=mode)
            InterestMonth.objects.bulk_create(
                InterestMonth(interest=interest, month=month) for month in months
            )
    return enquiry


def unsubscribe(*, token: str) -> Interest | None:
    """Take the interest with this link off the list (no more emails); None for no such link."""
    interest = Interest.objects.filter(token=token).first()
    if interest is not None and interest.unsubscribed_at is None:
        interest.unsubscribed_at = timezone.now()
        interest.save(update_fields=["unsubscribed_at"])
    return interest


# Telling people about a batch


def batch_saved(sender, instance: Batch, raw: bool = False, **kwargs) -> None:
    """post_save of every Batch (the admin, planning, copy to next month, the shell): once a
    published, scheduled batch is committed, tell the interested people (a task; it emails
    each person once, so saving again sends nothing new)."""
    if raw or not instance.is_published or instance.status != Batch.Status.SCHEDULED:
        return
    batch_id = instance.pk
    transaction.on_commit(lambda: notify_interested_task.enqueue(batch_id), robust=True)


def notify_interested(*, batch: Batch) -> int:
    """Email everyone on the interest list whose course, month, track and mode match `batch`,
    if it is open for enquiries, once each; returns how many were emailed now."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("course").get(pk=batch.pk)
        if batch.closed_reason() is not None:
            return 0
        interested = (
            Enquiry.objects.not_spam()
            .filter(
                kind=Enquiry.Kind.INTEREST,
                erased_at__isnull=True,
                interest__in=Interest.objects.matching(batch).values("pk"),
            )
            .select_related("interest")
            .order_by("created_at", "pk")
        )
        return _invite(batch, interested, reason=BatchInvitation.Reason.INTEREST)


@task
def notify_interested_task(batch_id: int) -> int:
    batch = Batch.objects.filter(pk=batch_id).first()
    return notify_interested(batch=batch) if batch else 0


def invite_cell(*, key: demand.CellKey, batch: Batch, by: User | None = None) -> int:
    """Email the people behind a demand board cell about `batch`, once each; returns how many
    were emailed now. The batch must be open for enquiries and match the cell."""
    if (
        batch.course_id != key.course_id
        or key.month is None
        or batch.month != key.month
        or key.track not in ("", batch.track)
        or key.mode not in ("", batch.delivery)
    ):
        raise InviteRefused("That batch does not match this course, month, track and mode.")
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("course").get(pk=batch.pk)
        reason = batch.closed_reason()
        if reason is not None:
            raise InviteRefused(reason)
        people = (
            demand.enquiries_in_cell(key)
            .filter(erased_at__isnull=True)
            .select_related("interest")
            .order_by("created_at", "pk")
        )
        return _invite(batch, people, reason=BatchInvitation.Reason.INVITE, by=by)


def _invite(
    batch: Batch, enquiries: Iterable[Enquiry], *, reason: str, by: User | None = None
) -> int:
    """Within the batch's lock: one invitation and one email per person not yet told about
    this batch (people are email addresses, without case)."""
    told = set(
        BatchInvitation.objects.filter(batch=batch).values_list(Lower("enquiry__email"), flat=True)
    )
    sent = 0
    for enquiry in enquiries:
        person = enquiry.email.lower()
        if person in told:
            continue
        told.add(person)
        BatchInvitation.objects.create(batch=batch, enquiry=enquiry, reason=reason, invited_by=by)
        interest = (
            getattr(enquiry, "interest", None) if enquiry.kind == Enquiry.Kind.INTEREST else None
        )
        if interest is not None and interest.unsubscribed_at is not None:
            interest = None
        notices.queue_new_batch(enquiry=enquiry, batch=batch, interest=interest)
        sent += 1
    return sent
