"""Cancelling a batch: who is told (the preview staff confirm) and the act itself."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from courses.models import Batch

from ..mail import notices
from .seats import release_batch


def cancel_batch(*, batch: Batch, by: AbstractBaseUser | None) -> list:
    """Cancel a batch: end its seats and waiting list, and email each person concerned once.

    Returns those told: open enquirers first, then learners with a seat or a waiting-list
    place who had not enquired under the same email.
    """
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
                notices.queue_batch_cancelled(person=enquiry, batch=batch)
                told.append(enquiry)
        for learner in release_batch(batch):
            if learner.email.lower() not in addresses:
                addresses.add(learner.email.lower())
                notices.queue_batch_cancelled(person=learner, batch=batch)
                told.append(learner)
    return told
