"""The interest list ("tell me when a new batch is scheduled"), and who was told of which batch."""

from django.conf import settings
from django.db import models

from courses.models import Batch

from .enquiry import Enquiry, new_token


class InterestQuerySet(models.QuerySet["Interest"]):
    def subscribed(self) -> "InterestQuerySet":
        return self.filter(unsubscribed_at__isnull=True)

    def matching(self, batch: Batch) -> "InterestQuerySet":
        """Still listening, about this batch's course, month, track and mode ("" is either)."""
        return self.subscribed().filter(
            enquiry__course_id=batch.course_id,
            months__month=batch.month,
            track__in=["", batch.track],
            mode__in=["", batch.delivery],
        )


class Interest(models.Model):
    """What a learner on the interest list is waiting for; the lead itself is the enquiry
    (kind interest), so repeat detection, owner and pipeline are Enquire Now's."""

    enquiry = models.OneToOneField(Enquiry, on_delete=models.CASCADE, related_name="interest")
    track = models.CharField(
        max_length=10, choices=Batch.Track, blank=True, help_text="Empty: either track."
    )
    mode = models.CharField(
        max_length=10, choices=Batch.Delivery, blank=True, help_text="Empty: either mode."
    )
    # The unsubscribe link's token (private_token converter).
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_demand_board", "Can see the demand board"),
            ("invite_demand", "Can invite the people behind a demand board cell"),
        ]

    def __str__(self) -> str:
        return f"Interest in {self.enquiry.course} ({self.enquiry.reference})"


class InterestMonth(models.Model):
    """One month an interested learner could start in (the first day of the month)."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["interest", "month"], name="interest_month_once_per_interest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%B %Y}"


class BatchInvitation(models.Model):
    """A person emailed about a batch: when it was published for their interest, or by staff
    from the demand board. One per person (email) and batch, written under the batch's lock."""

    class Reason(models.TextChoices):
        INTEREST = "interest", "Published for their interest"
        INVITE = "invite", "Invited from the demand board"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="invitations")
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="invitations")
    reason = models.CharField(max_length=10, choices=Reason)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "enquiry"], name="batch_invitation_once_per_enquiry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.batch}"
