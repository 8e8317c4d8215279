import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from courses.models import Batch, Course, validate_time_zone

from .phones import validate_e164

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

    OPEN_STATUSES = (Status.NEW, Status.CONTACTED, Status.QUALIFIED)

    reference = models.CharField(
        max_length=REFERENCE_LENGTH, unique=True, default=new_reference, editable=False
    )
    # One per rendered form: a double click, a refresh or a resubmission reuses it.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enquiries")
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiries"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(
        max_length=20, validators=[validate_e164], help_text="E.164, e.g. +919812345678."
    )
    message = models.TextField(blank=True)
    consent_at = models.DateTimeField(help_text="When the learner agreed to be contacted.")
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
                condition=(Q(kind="batch") & Q(batch__isnull=False))
                | (~Q(kind="batch") & Q(batch__isnull=True)),
                name="enquiry_batch_matches_kind",
                violation_error_message="A batch enquiry names a batch; other kinds do not.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.name} · {self.course}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

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


class OutgoingEmail(models.Model):
    """An email we owe someone: kept until delivered, retried with backoff when SMTP fails."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Enquiry acknowledgement"
        NOTIFICATION = "notification", "New enquiry notification"
        BATCH_CANCELLED = "batch_cancelled", "Batch cancelled"
        WAITLIST = "waitlist", "Waiting list place"
        SEAT_OFFER = "seat_offer", "Seat offer"
        UNDER_MINIMUM = "under_minimum", "Batch under its minimum"
        TRAINING_PLAN = "training_plan", "Training plan"
        SEAT_CHANGED = "seat_changed", "Seat cancelled or moved"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=30, choices=Kind)
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EnrollmentQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Enrollment.Status.CONFIRMED)


class Enrollment(models.Model):
    """A seat in a batch. Created and freed only by enquiries.seats."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        TRANSFERRED = "transferred", "Transferred"

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="enrollments")
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    status = models.CharField(max_length=12, choices=Status, default=Status.CONFIRMED)
    transferred_to = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferred_from",
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "batch",
                condition=Q(status="confirmed"),
                name="enrollment_one_confirmed_seat_per_learner",
                violation_error_message="This learner already has a seat in this batch.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.batch}"


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitlistEntry.Status.WAITING)

    def holding_offer(self, *, now=None):
        """Offers still open: each holds a seat until it is accepted or runs out."""
        return self.filter(
            status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now or timezone.now()
        )


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a seat"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Offer expired"
        LEFT = "left", "Left the list"
        CANCELLED = "cancelled", "Cancelled"

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="waitlist")
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entries"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    position = models.PositiveIntegerField(help_text="Lower goes first; staff may reorder.")
    consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the learner agreed to be contacted."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WaitlistEntryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["batch", "position", "created_at"]
        verbose_name = "waiting list entry"
        verbose_name_plural = "waiting list entries"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "batch",
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_place_per_learner",
                violation_error_message="This learner is already on this batch's waiting list.",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
                violation_error_message="An offer needs an expiry time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.batch} · #{self.position}"

    @property
    def shown_status(self) -> str:
        """The status a learner should see: an offer past its deadline has expired, even
        before the expiry task has run."""
        if self.status == self.Status.OFFERED and self.offer_expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.status


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OneOnOneRequest(models.Model):
    """What a learner asked for when requesting one-on-one training, in their own time zone."""

    enquiry = models.OneToOneField(
        Enquiry, on_delete=models.CASCADE, related_name="one_on_one_request"
    )
    preferred_days = models.JSONField(help_text="Days of the week, Monday = 0.")
    window_start = models.TimeField(help_text="Earliest start, learner's local time.")
    window_end = models.TimeField(help_text="Latest end, learner's local time.")
    timezone = models.CharField(max_length=64, validators=[validate_time_zone])
    session_minutes = models.PositiveSmallIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField()
    weeks = models.PositiveSmallIntegerField()
    earliest_start = models.DateField()

    class Meta:
        verbose_name = "one-on-one request"
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="one_on_one_window_ends_after_start",
                violation_error_message="The time window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=30) & Q(session_minutes__lte=480),
                name="one_on_one_session_length_sensible",
                violation_error_message="A session lasts between 30 minutes and 8 hours.",
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1) & Q(sessions_per_week__lte=7),
                name="one_on_one_sessions_per_week_1_to_7",
                violation_error_message="Choose 1 to 7 sessions a week.",
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=1) & Q(weeks__lte=52),
                name="one_on_one_weeks_1_to_52",
                violation_error_message="Choose 1 to 52 weeks.",
            ),
        ]

    def __str__(self) -> str:
        return f"One-on-one for {self.enquiry}"

    @property
    def preferred_day_names(self) -> list[str]:
        return [Weekday(day).label for day in sorted(self.preferred_days)]


class TrainingPlan(models.Model):
    """A learner's personal training calendar, shown to them through a private link."""

    request = models.OneToOneField(OneOnOneRequest, on_delete=models.CASCADE, related_name="plan")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    timezone = models.CharField(
        max_length=64, validators=[validate_time_zone], help_text="The learner's time zone."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    learner_notified_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    def __str__(self) -> str:
        return f"Training plan for {self.request.enquiry.name}"


class PlanSession(models.Model):
    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    topic = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="plan_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"
