"""Emails we owe people, kept until delivered."""

from django.db import models
from django.utils import timezone

from .enquiry import Enquiry


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
