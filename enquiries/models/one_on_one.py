"""One-on-one requests and the personal training plans staff make from them."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from courses.models import Trainer, Weekday, validate_time_zone

from .enquiry import Enquiry, new_token

__all__ = ["OneOnOneRequest", "PlanSession", "TrainingPlan", "Weekday"]


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
    # Assigned through enquiries.services.trainers (every session checked, under a lock).
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        help_text="Checked session by session against the trainer's other sessions, weekly "
        "availability and leave.",
    )
    joining_details = models.TextField(
        blank=True,
        help_text="The meeting link, or the address and how to find the room. Shown only to "
        "the learner: their plan page, calendar file, plan emails and session reminders.",
    )

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
