"""Writes with rules: every enquiry is created here, whether from the site, the admin or a shell."""

import datetime as dt
import uuid
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from courses.models import Batch, Course

from . import emails
from .models import Enquiry, Note, RoundRobinCursor, StatusChange, new_reference

SALES_GROUP = "Sales"
SCHEDULER_GROUP = "Scheduler"
DUPLICATE_WINDOW = dt.timedelta(days=30)

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


class PipelineError(Exception):
    """A status change the pipeline does not allow; the message is shown to staff."""


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
        limits = {field.name: field.max_length for field in Enquiry._meta.fields}
        known = {
            name: clean_text(str(values.get(name, "")), limit=limits[name])
            for name in cls.__dataclass_fields__
        }
        return cls(**(known | {"came_from": clean_text(came_from, limit=limits["came_from"])}))


def ensure_batch_open(*, course: Course, batch: Batch) -> None:
    """Raise unless a learner may enquire about this batch of this course today."""
    if batch.course_id != course.pk:
        raise BatchNotInCourse(f"That batch is not part of {course.title}.")
    reason = batch.closed_reason()
    if reason:
        raise BatchNotOpen(reason)


def submit_enquiry(
    *,
    course: Course,
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
) -> Enquiry:
    """Record a learner's enquiry, once per submission token, and tell both sides.

    A repeated token (double click, refresh, back-and-resubmit) returns the enquiry the first
    submission created. A filled honeypot (`is_spam`) is stored as spam without telling the
    sender, so bots learn nothing; the batch checks are skipped for it.

    A real enquiry is linked to an open one from the same person for the same course in the
    last 30 days (and goes to its owner), or else assigned round-robin within Sales. The
    acknowledgement and the owner's notification are queued in the same transaction, so an
    enquiry that is rolled back sends nothing.
    """
    existing = Enquiry.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    if not consented:
        raise ConsentMissing("We can only take an enquiry when you agree to be contacted.")

    if is_spam:
        if batch is not None and batch.course_id != course.pk:
            batch = None
    else:
        if not course.is_published:
            raise CourseNotOpen(f"{course.title} is not open for enquiries.")
        if batch is not None:
            ensure_batch_open(course=course, batch=batch)

    enquiry = Enquiry(
        submission_token=submission_token,
        kind=kind or (Enquiry.Kind.BATCH if batch else Enquiry.Kind.COURSE),
        course=course,
        batch=batch,
        name=name.strip(),
        email=email.strip(),
        phone=phone,
        message=message.strip(),
        consent_at=timezone.now(),
        status=Enquiry.Status.SPAM if is_spam else Enquiry.Status.NEW,
        **asdict(attribution or Attribution()),
    )
    # Uniqueness is left to the database: _save_once handles a twin submission in a race.
    enquiry.full_clean(validate_unique=False)
    with transaction.atomic():
        if not is_spam:
            enquiry.duplicate_of = find_open_original(enquiry)
            enquiry.owner = (
                enquiry.duplicate_of.owner if enquiry.duplicate_of else next_sales_owner()
            )
        saved = _save_once(enquiry)
        if saved is enquiry and not is_spam:
            emails.queue_enquiry_emails(enquiry)
    return saved


def find_open_original(enquiry: Enquiry) -> Enquiry | None:
    """The earliest open enquiry with the same email or phone for the same course, if recent."""
    since = timezone.now() - DUPLICATE_WINDOW
    return (
        Enquiry.objects.open()
        .filter(course_id=enquiry.course_id, created_at__gte=since)
        .filter(Q(email__iexact=enquiry.email) | Q(phone=enquiry.phone))
        .order_by("created_at", "pk")
        .first()
    )


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


def cancel_batch(*, batch: Batch, by: AbstractBaseUser | None) -> list:
    """Cancel a batch: end its seats and waiting list, and email each person concerned once.

    Returns those told: open enquirers first, then learners with a seat or a waiting-list
    place who had not enquired under the same email.
    """
    from .seats import release_batch  # seats builds on this module

    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("course").get(pk=batch.pk)
        if batch.status == Batch.Status.CANCELLED:
            return []
        batch.status = Batch.Status.CANCELLED
        batch._history_user = by
        batch.save(update_fields=["status", "updated_at"])
        told, addresses = [], set()
        for enquiry in batch.enquiries.open().select_related("course").order_by("created_at"):
            if enquiry.email.lower() not in addresses:  # one email per person
                addresses.add(enquiry.email.lower())
                emails.queue_batch_cancelled(person=enquiry, batch=batch)
                told.append(enquiry)
        for learner in release_batch(batch):
            if learner.email.lower() not in addresses:
                addresses.add(learner.email.lower())
                emails.queue_batch_cancelled(person=learner, batch=batch)
                told.append(learner)
    return told


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
