"""Enquiries (leads) and their pipeline: status changes, notes and the owner rotation."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from courses.models import Batch, Course, validate_time_zone

from ..phones import phone_time_zone, validate_e164

# No 0/O or 1/I/L: references are read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class EnquiryQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("course", "batch", "owner", "duplicate_of")

    def not_spam(self):
        return self.exclude(status=Enquiry.Status.SPAM)

    def open(self):
        """Still being worked: not enrolled, lost or spam."""
        return self.filter(status__in=Enquiry.OPEN_STATUSES)

    def follow_up_due(self, *, today=None):
        return self.open().filter(follow_up_on__lte=today or timezone.localdate())


class Enquiry(models.Model):
    class Kind(models.TextChoices):
        BATCH = "batch", "Batch"
        COURSE = "course", "Course (no batch chosen)"
        ONE_ON_ONE = "one_on_one", "One-on-one training"
        WAITING_LIST = "waitlist", "Waiting list of a full batch"
        GENERAL = "general", "General enquiry (contact page)"
        INTEREST = "interest", "Interest list (tell me when a batch is scheduled)"

    # Kinds that name a batch.
    BATCH_KINDS = (Kind.BATCH, Kind.WAITING_LIST)

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        ENROLLED = "enrolled", "Enrolled"
        LOST = "lost", "Lost"
        SPAM = "spam", "Spam"

    class LostReason(models.TextChoices):
        PRICE = "price", "Price"
        TIMING = "timing", "Dates or times don't suit"
        COMPETITOR = "competitor", "Chose another provider"
        NO_RESPONSE = "no_response", "Stopped responding"
        NOT_A_FIT = "not_a_fit", "Course not a fit"
        OTHER = "other", "Other"

    class Source(models.TextChoices):
        """How the lead reached us: the site's forms, or staff who recorded it."""

        WEBSITE = "website", "Website"
        PHONE = "phone", "Phone call"
        WALK_IN = "walk_in", "Walk-in"
        REFERRAL = "referral", "Referral"
        EVENT = "event", "Event"
        EMAIL = "email", "Email"
        OTHER = "other", "Other"

    OPEN_STATUSES = (Status.NEW, Status.CONTACTED, Status.QUALIFIED)

    reference = models.CharField(
        max_length=REFERENCE_LENGTH, unique=True, default=new_reference, editable=False
    )
    # One per rendered form: a double click, a refresh or a resubmission reuses it.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind)
    # Only a general enquiry (the contact page) may name no course; staff may file it under one.
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiries"
    )
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiries"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    # Required in clean(), except on an erased enquiry, which keeps no phone.
    phone = models.CharField(
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text="E.164, e.g. +919812345678.",
    )
    message = models.TextField(blank=True)
    # The zone the learner picked (the interest form) or browsed in (the footer's picker).
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="The learner's IANA time zone, when known.",
    )
    source = models.CharField(
        max_length=10,
        choices=Source,
        default=Source.WEBSITE,
        help_text="Website for the site's forms; otherwise how staff were told of the lead.",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The member of staff who recorded a lead that did not come through the site.",
    )
    # None for a lead staff recorded: the learner ticked no box on the site.
    consent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner agreed to be contacted on the site's form; empty for a "
        "lead staff recorded.",
    )
    consent_version = models.CharField(
        "privacy notice version",
        max_length=20,
        blank=True,
        help_text="The privacy notice in force when the learner agreed.",
    )
    consent_text = models.TextField(
        blank=True, help_text="The sentence the learner ticked, as the form showed it."
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the learner's details were erased (on request, or by the retention "
        "period); what remains identifies no one.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    lost_reason = models.CharField(max_length=20, choices=LostReason, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_enquiries",
        help_text="The person responsible for following this enquiry up.",
    )
    follow_up_on = models.DateField("follow up on", null=True, blank=True)
    first_response_at = models.DateTimeField(
        null=True, blank=True, help_text="When the enquiry first left “new”."
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="An earlier open enquiry from the same person for the same course.",
    )

    # Where the lead came from, recorded by the system.
    came_from = models.CharField(
        "page before the form", max_length=500, blank=True, help_text="Referer of the form page."
    )
    landing_page = models.CharField(max_length=500, blank=True)
    referrer = models.CharField("external referrer", max_length=500, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnquiryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["submission_token", "updated_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enquiries"
        permissions = [("export_enquiry", "Can export enquiries")]
        indexes = [
            models.Index(fields=["course", "email"]),
            models.Index(fields=["course", "phone"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="lost") | ~Q(lost_reason=""),
                name="enquiry_lost_has_reason",
                violation_error_message="Say why the enquiry was lost.",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["batch", "waitlist"]) & Q(batch__isnull=False))
                | (~Q(kind__in=["batch", "waitlist"]) & Q(batch__isnull=True)),
                name="enquiry_batch_matches_kind",
                violation_error_message=(
                    "A batch or waiting-list enquiry names a batch; other kinds do not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="general") | Q(course__isnull=False),
                name="enquiry_course_unless_general",
                violation_error_message="Choose the course this enquiry is about.",
            ),
            models.CheckConstraint(
                condition=~Q(source="website") | Q(consent_at__isnull=False),
                name="enquiry_website_has_consent",
                violation_error_message="An enquiry from the site records the learner's consent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.name} · {self.course or 'General enquiry'}"

    def clean(self) -> None:
        if not self.phone and self.erased_at is None:
            raise ValidationError({"phone": "Give a phone number with its country code."})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def learner_time_zone(self) -> tuple[str, str] | None:
        """The learner's zone as best we know it, and where it comes from: the zone they gave
        with a one-on-one request, else the one they picked or browsed in on the site, else
        their phone number's (when its country has one zone), else their batch's."""
        request = getattr(self, "one_on_one_request", None)
        if request is not None:
            return request.timezone, "from their one-on-one request"
        if self.time_zone:
            return self.time_zone, "the zone they chose on the site"
        zone = phone_time_zone(self.phone) if self.phone else None
        if zone:
            return zone, "from their phone number"
        if self.batch is not None:
            return self.batch.timezone, "the zone of their batch"
        return None

    @property
    def first_response_time(self):
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.created_at


class StatusChange(models.Model):
    """One step of an enquiry through the pipeline: from, to, who and when."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Enquiry.Status)
    to_status = models.CharField(max_length=10, choices=Enquiry.Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Note(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class RoundRobinCursor(models.Model):
    """Who was assigned last in a rotation, kept in the database so every process shares it."""

    name = models.CharField(max_length=50, unique=True)
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


def new_token() -> str:
    return secrets.token_urlsafe(24)
