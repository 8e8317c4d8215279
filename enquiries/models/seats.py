"""Seats (enrollments) and waiting-list places; created and changed only by the seat service."""

from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from courses.models import Batch

from ..phones import validate_e164
from .enquiry import Enquiry, new_token


class EnrollmentQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Enrollment.Status.CONFIRMED)


class Enrollment(models.Model):
    """A seat in a batch. Created and freed only by enquiries.services.seats."""

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

    def open_places(self):
        """Places that still stand: not yet confirmed, waiting, or holding an offer."""
        return self.filter(status__in=WaitlistEntry.OPEN_STATUSES)

    def holding_offer(self, *, now=None):
        """Offers still open: each holds a seat until it is accepted or runs out."""
        return self.filter(
            status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now or timezone.now()
        )

    def with_position(self):
        """Annotate `waiting_position`: 1 for the next person to be offered a seat, counted
        among the confirmed places waiting in the same batch (None for other statuses)."""
        ahead = (
            WaitlistEntry.objects.waiting()
            .filter(batch=OuterRef("batch"), position__lt=OuterRef("position"))
            .order_by()
            .values("batch")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            waiting_position=Case(
                When(
                    status=WaitlistEntry.Status.WAITING,
                    then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
                ),
                default=None,
                output_field=IntegerField(),
            )
        )


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Email not confirmed yet"
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a seat"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Offer expired"
        LEFT = "left", "Left the list"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.UNCONFIRMED, Status.WAITING, Status.OFFERED)

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
    consent_version = models.CharField(
        "privacy notice version",
        max_length=20,
        blank=True,
        help_text="The privacy notice in force when the learner agreed.",
    )
    consent_text = models.TextField(
        blank=True, help_text="The sentence the learner ticked, as the form showed it."
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.WAITING)
    email_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner opened the private link emailed to them; only a confirmed "
        "place is offered a seat.",
    )
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
                condition=Q(status__in=["unconfirmed", "waiting", "offered"]),
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
        expires = self.offer_expires_at
        if self.status == self.Status.OFFERED and expires is not None and expires <= timezone.now():
            return self.Status.EXPIRED
        return self.status
