"""Emails we owe people are rows in OutgoingEmail, written in the caller's transaction.

A task delivers each one after the transaction commits. When SMTP fails the row stays, and is
retried with exponential backoff; a row is claimed before it is sent, so two workers never
send the same email. A worker that dies mid-send leaves its claim, which is offered again once
it is older than any send takes (EMAIL_CLAIM_TIMEOUT): at least once, and every attempt carries
the row's one Message-ID, so the receiving side can drop a second copy.
"""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Enquiry, OutgoingEmail

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = dt.timedelta(minutes=1)
LONGEST_RETRY_DELAY = dt.timedelta(hours=6)


def queue_email(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict,
    enquiry: Enquiry | None = None,
    headers: dict[str, str] | None = None,
) -> OutgoingEmail:
    """Render templates/emails/<template>{_subject.txt,.txt,.html} and queue the message;
    `headers` (e.g. List-Unsubscribe) are sent with it."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    email = OutgoingEmail.objects.create(
        kind=kind,
        enquiry=enquiry,
        to=to,
        subject=" ".join(render_to_string(f"emails/{template}_subject.txt", context).split()),
        body_text=render_to_string(f"emails/{template}.txt", context),
        body_html=render_to_string(f"emails/{template}.html", context),
        headers=headers or {},
    )
    _deliver_after_commit(email)
    return email


def _deliver_after_commit(email: OutgoingEmail) -> None:
    """Enqueue delivery once the row is committed (at once outside a transaction)."""
    run_after, email_id = email.next_attempt_at, email.pk
    transaction.on_commit(
        lambda: deliver_email.using(run_after=run_after).enqueue(email_id), robust=True
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def deliver(email_id: int) -> str:
    """Send one queued email if it is due; returns what happened (sent, retry, failed, skipped)."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.due(now=now)
        .filter(pk=email_id)
        .update(status=OutgoingEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        to=[email.to],
        headers=email.headers | {"Message-ID": email.message_id},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status = OutgoingEmail.Status.FAILED
            email.save(update_fields=["status", "last_error"])
            logger.error("Giving up on email %s after %s attempts", email.pk, email.attempts)
            return "failed"
        email.status = OutgoingEmail.Status.PENDING
        email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
        _deliver_after_commit(email)
        logger.warning("Email %s not sent (%s); retrying later", email.pk, email.last_error)
        return "retry"
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.save(update_fields=["status", "sent_at"])
    return "sent"


def requeue_due(*, now: dt.datetime | None = None) -> int:
    """Offer again every email that is due, including claims whose worker died.

    The periodic safety net (`manage.py send_pending_emails`): delivery tasks are normally
    enqueued on commit, but a task lost with a worker must not lose the email. A claim counts
    as dead from when it was made, never from when the email fell due: one due an hour ago
    and claimed a second ago is being sent now.
    """
    now = now or timezone.now()
    OutgoingEmail.objects.stale_claims(now=now).update(status=OutgoingEmail.Status.PENDING)
    due = list(OutgoingEmail.objects.due(now=now))
    for email in due:
        _deliver_after_commit(email)
    return len(due)


def retry_now(emails) -> int:
    """Staff's "retry now": failed or waiting emails become due immediately."""
    emails = list(
        emails.filter(status__in=[OutgoingEmail.Status.FAILED, OutgoingEmail.Status.PENDING])
    )
    for email in emails:
        email.status = OutgoingEmail.Status.PENDING
        email.next_attempt_at = timezone.now()
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.attempts = settings.EMAIL_MAX_ATTEMPTS - 1
        email.save(update_fields=["status", "next_attempt_at", "attempts"])
        _deliver_after_commit(email)
    return len(emails)


@task
def deliver_email(email_id: int) -> str:
    return deliver(email_id)
