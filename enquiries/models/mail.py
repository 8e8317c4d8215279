"""Emails we owe people, kept until delivered."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import make_msgid
from django.db import models
from django.utils import timezone

from .enquiry import Enquiry


def new_message_id() -> str:
    """A Message-ID in the site's own domain, made once per email and sent on every attempt."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def due(self, *, now: dt.datetime) -> "OutgoingEmailQuerySet":
        """Waiting to be sent, and its time has come."""
        return self.filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)

    def stale_claims(self, *, now: dt.datetime) -> "OutgoingEmailQuerySet":
        """Claimed for sending longer ago than any send takes: the worker died."""
        cutoff = now - dt.timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)
        return self.filter(status=OutgoingEmail.Status.SENDING, claimed_at__lte=cutoff)


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
        SEAT_CONFIRMED = "seat_confirmed", "Seat confirmed"
        REMINDER = "reminder", "Session reminder"
        FOLLOW_UP_DIGEST = "follow_up_digest", "Follow-up digest"
        INTEREST = "interest", "New batch for someone interested"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=30, choices=Kind)
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Extra headers (List-Unsubscribe for a staff digest or the interest list); transactional
    # emails have none.
    headers = models.JSONField(default=dict, blank=True)
    # One attached file at most, kept as text: the .ics of a confirmed seat.
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last claimed it for sending."
    )
    # Receiving servers and mail programs drop a second copy with the same Message-ID, so an
    # email re-sent after a worker died mid-send reaches the inbox once.
    message_id = models.CharField(
        max_length=255, unique=True, default=new_message_id, editable=False
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}"
