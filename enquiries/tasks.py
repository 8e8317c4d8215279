from django.tasks import task

from . import emails


@task
def deliver_email(email_id: int) -> str:
    return emails.deliver(email_id)


@task
def expire_offers_task(batch_id: int) -> int:
    """Runs when a batch's offers fall due: expired offers pass to the next person."""
    from courses.models import Batch

    from . import seats

    batch = Batch.objects.filter(pk=batch_id).first()
    return seats.expire_offers(batch=batch) if batch else 0
