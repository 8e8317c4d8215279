import secrets
import uuid

from django.db import models
from django.db.models import Q

from courses.models import Batch, Course

from .phones import validate_e164

# No 0/O or 1/I/L: references are read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class EnquiryQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("course", "batch", "batch__course")

    def not_spam(self):
        return self.exclude(status=Enquiry.Status.SPAM)


class Enquiry(models.Model):
    class Kind(models.TextChoices):
        BATCH = "batch", "Batch"
        COURSE = "course", "Course (no batch chosen)"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        ENROLLED = "enrolled", "Enrolled"
        LOST = "lost", "Lost"
        SPAM = "spam", "Spam"

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

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="batch") & Q(batch__isnull=False))
                | (~Q(kind="batch") & Q(batch__isnull=True)),
                name="enquiry_batch_matches_kind",
                violation_error_message="A batch enquiry names a batch; other kinds do not.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.name} · {self.course}"
