"""What was sent once and must never be sent twice: session reminders and follow-up digests.

Each row is written in the transaction that queues its email; a unique constraint refuses a
second row, so a task and the periodic safety net racing each other send one email.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from .mail import OutgoingEmail
from .one_on_one import PlanSession
from .seats import Enrollment


def reminder_lead() -> dt.timedelta:
    """How long before a start its reminder goes out (BATCHWISE_REMINDER_HOURS)."""
    return dt.timedelta(hours=settings.REMINDER_HOURS)


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def record_once(self, **fields) -> "Reminder | None":
        """Write the reminder's row, or None if one exists (the unique constraint decides)."""
        try:
            with transaction.atomic():
                return self.create(**fields)
        except IntegrityError:
            return None


class Reminder(models.Model):
    """A reminder sent before a batch's first session (for a seat) or a one-on-one session."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    session = models.ForeignKey(
        PlanSession, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    starts_at = models.DateTimeField(help_text="The start the reminder was about (UTC).")
    email = models.ForeignKey(OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrollment__isnull=True) ^ Q(session__isnull=True),
                name="reminder_for_a_seat_or_a_session",
                violation_error_message="A reminder is about a seat or a session, not both.",
            ),
            # A session moved to another time is reminded again, once, for its new time.
            models.UniqueConstraint(
                "enrollment",
                "starts_at",
                condition=Q(enrollment__isnull=False),
                name="reminder_once_per_seat_and_start",
            ),
            models.UniqueConstraint(
                "session",
                "starts_at",
                condition=Q(session__isnull=False),
                name="reminder_once_per_session_and_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.enrollment or self.session} at {self.starts_at:%Y-%m-%d %H:%M}"


class FollowUpDigest(models.Model):
    """One owner's morning digest of due follow-ups: at most one per owner per day."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_up_digests"
    )
    day = models.DateField(help_text="The provider's date (TIME_ZONE) the digest is for.")
    email = models.ForeignKey(OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                "day",
                name="follow_up_digest_once_per_owner_per_day",
                violation_error_message="This owner already has a digest for this day.",
            )
        ]

    def __str__(self) -> str:
        return f"Follow-up digest for {self.owner} on {self.day}"


class DigestOptOut(models.Model):
    """A staff member who turned the follow-up digest off (its List-Unsubscribe link)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "follow-up digest opt-out"

    def __str__(self) -> str:
        return f"{self.user} receives no follow-up digest"
