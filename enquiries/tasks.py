from django.tasks import task

from . import emails


@task
def deliver_email(email_id: int) -> str:
    return emails.deliver(email_id)
