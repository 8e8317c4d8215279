"""Intake: every enquiry is created here, whether from the site, the admin or a shell."""

import datetime as dt
import uuid
from dataclasses import asdict, dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from courses import privacy
from courses.models import Batch, Course, iana_time_zones

from ..mail import notices
from ..models import Enquiry, new_reference
from . import seats
from .pipeline import next_sales_owner

DUPLICATE_WINDOW = dt.timedelta(days=30)


class EnquiryRefused(Exception):
    """The enquiry cannot be taken as asked; the message is shown to the learner."""


class BatchNotOpen(EnquiryRefused):
    pass


class BatchNotInCourse(EnquiryRefused):
    pass


class CourseNotOpen(EnquiryRefused):
    pass


class ConsentMissing(EnquiryRefused):
    pass


def clean_text(value: str, *, limit: int) -> str:
    """Drop control characters (a NUL breaks PostgreSQL) and cap the length."""
    return "".join(char for char in value if char.isprintable())[:limit]


@dataclass(frozen=True, kw_only=True)
class Attribution:
    came_from: str = ""
    landing_page: str = ""
    referrer: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
    utm_content: str = ""

    @classmethod
    def from_mapping(cls, values: dict, *, came_from: str = "") -> "Attribution":
        limits = {
            field.name: field.max_length for field in Enquiry._meta.fields if field.max_length
        }
        known = {
            name: clean_text(str(values.get(name, "")), limit=limits[name])
            for name in cls.__dataclass_fields__
        }
        return cls(**(known | {"came_from": clean_text(came_from, limit=limits["came_from"])}))


def consent_shown(kind: str) -> str:
    """The sentence beside the consent box of the form that makes an enquiry of this kind."""
    if kind == Enquiry.Kind.WAITING_LIST:
        return privacy.WAITLIST_CONSENT
    if kind == Enquiry.Kind.INTEREST:
        return privacy.INTEREST_CONSENT
    return privacy.ENQUIRY_CONSENT


def ensure_batch_open(*, course: Course, batch: Batch) -> None:
    """Raise unless a learner may enquire about this batch of this course today."""
    if batch.course_id != course.pk:
        raise BatchNotInCourse(f"That batch is not part of {course.title}.")
    reason = batch.closed_reason()
    if reason:
        raise BatchNotOpen(reason)


def submit_enquiry(
    *,
    course: Course | None,
    batch: Batch | None,
    name: str,
    email: str,
    phone: str,
    message: str = "",
    consented: bool,
    submission_token: uuid.UUID,
    attribution: Attribution | None = None,
    is_spam: bool = False,
    kind: str | None = None,
    source: str = Enquiry.Source.WEBSITE,
    entered_by: User | None = None,
    owner: User | None = None,
    time_zone: str = "",
) -> Enquiry:
    """Record a learner's enquiry, once per submission token, and tell both sides.

    A repeated token (double click, refresh, back-and-resubmit) returns the enquiry the first
    submission created. A filled honeypot (`is_spam`) is stored as spam without telling the
    sender, so bots learn nothing; the batch checks are skipped for it.

    A real enquiry is linked to an open one from the same person for the same course in the
    last 30 days (and goes to its owner), or else assigned round-robin within Sales. Without a
    course (the contact page) it is a general enquiry, linked to an open general one. The
    acknowledgement and the owner's notification are queued in the same transaction, so an
    enquiry that is rolled back sends nothing.

    A lead staff record (a `source` other than the website: a call, a walk-in, …) passes the
    same checks and repeat detection, but no consent box was ticked, so none is recorded
    (`consented` is ignored); it is owned by `owner` if given, else by `entered_by`.
    `time_zone` is the learner's IANA zone when known (the demand board groups learners
    by it); any other value is dropped.
    """
    existing = Enquiry.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    from_site = source == Enquiry.Source.WEBSITE
    if from_site and not consented:
        raise ConsentMissing("We can only take an enquiry when you agree to be contacted.")

    if course is None:
        batch, kind = None, Enquiry.Kind.GENERAL
    elif is_spam:
        if batch is not None and batch.course_id != course.pk:
            batch = None
    else:
        if not course.is_published:
            raise CourseNotOpen(f"{course.title} is not open for enquiries.")
        if batch is not None:
            ensure_batch_open(course=course, batch=batch)

    kind = kind or (Enquiry.Kind.BATCH if batch else Enquiry.Kind.COURSE)
    enquiry = Enquiry(
        submission_token=submission_token,
        kind=kind,
        course=course,
        batch=batch,
        name=name.strip(),
        email=email.strip(),
        phone=phone,
        message=message.strip(),
        time_zone=time_zone if time_zone in iana_time_zones() else "",
        consent_at=timezone.now() if from_site else None,
        consent_version=privacy.NOTICE_VERSION if from_site else "",
        consent_text=consent_shown(kind) if from_site else "",
        source=source,
        entered_by=entered_by,
        status=Enquiry.Status.SPAM if is_spam else Enquiry.Status.NEW,
        **asdict(attribution or Attribution()),
    )
    # Uniqueness is left to the database: _save_once handles a twin submission in a race. The
    # check constraints hold by construction above (kind from the batch, consent from the
    # site) and the database enforces them on insert; validating them here cost four queries.
    enquiry.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        if not is_spam:
            enquiry.duplicate_of = find_open_original(enquiry)
            enquiry.owner = owner or entered_by or _routed_owner(enquiry)
        saved = _save_once(enquiry)
        if saved is enquiry and not is_spam:
            notices.queue_enquiry_emails(enquiry)
    return saved


def join_waiting_list(
    *,
    course: Course,
    batch: Batch,
    name: str,
    email: str,
    phone: str,
    consented: bool,
    submission_token: uuid.UUID,
    attribution: Attribution | None = None,
    is_spam: bool = False,
) -> Enquiry:
    """A learner asks for a place on a full batch's waiting list.

    It is a lead like Enquire Now (an enquiry of kind waiting list: repeat detection, owner,
    pipeline), and a place that waits for the learner to confirm their address through the
    private link emailed to them. Someone already waiting, or with a seat, is emailed instead,
    and the enquiry is recorded all the same, so the caller cannot tell the cases apart and
    must not: it shows the same page whatever happened. A batch with a free seat takes no
    waiting list (seats.BatchHasFreeSeats, nothing recorded): the learner should enquire.
    """
    repeated = Enquiry.objects.filter(submission_token=submission_token).first()
    if repeated is not None:  # a double click or a refresh: done already
        return repeated
    with transaction.atomic():
        enquiry = submit_enquiry(
            course=course,
            batch=batch,
            name=name,
            email=email,
            phone=phone,
            consented=consented,
            submission_token=submission_token,
            attribution=attribution,
            is_spam=is_spam,
            kind=Enquiry.Kind.WAITING_LIST,
        )
        if enquiry.status != Enquiry.Status.SPAM:
            seats.join_waitlist(
                batch=batch,
                learner=seats.Learner(name=enquiry.name, email=enquiry.email, phone=enquiry.phone),
                consented=True,
                enquiry=enquiry,
            )
    return enquiry


def _routed_owner(enquiry: Enquiry) -> User | None:
    """A repeat goes to the original's owner; a new lead to the next member of Sales."""
    if enquiry.duplicate_of is not None:
        return enquiry.duplicate_of.owner
    return next_sales_owner()


def find_open_original(enquiry: Enquiry) -> Enquiry | None:
    """The earliest open enquiry with the same email or phone for the same course (or, for a
    general enquiry, without one), if recent."""
    since = timezone.now() - DUPLICATE_WINDOW
    return (
        Enquiry.objects.open()
        .filter(course_id=enquiry.course_id, created_at__gte=since)
        .filter(Q(email__iexact=enquiry.email) | Q(phone=enquiry.phone))
        .order_by("created_at", "pk")
        .first()
    )


def _save_once(enquiry: Enquiry, *, attempts: int = 3) -> Enquiry:
    """Insert, tolerating a concurrent twin submission and the rare reference collision."""
    for _ in range(attempts):
        try:
            with transaction.atomic():
                enquiry.save(force_insert=True)
            return enquiry
        except IntegrityError:
            twin = Enquiry.objects.filter(submission_token=enquiry.submission_token).first()
            if twin is not None:
                return twin
            enquiry.reference = new_reference()
    raise RuntimeError("Could not allocate a unique enquiry reference.")
