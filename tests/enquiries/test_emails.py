"""Emails are never lost: queued with the enquiry, retried while SMTP is down, sent once.

A real SMTP server (aiosmtpd) runs on this machine for these tests; only it stands in for the
outside world.
"""

import datetime as dt
import email
import re
import socket
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from courses.models import Batch
from enquiries import mail, services
from enquiries.models import Enquiry, OutgoingEmail
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A local SMTP server that a test can stop and start on a fixed port."""

    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SmtpServer(free_port())
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield server
    server.stop()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def run_worker():
    """Run every task that is due, then return (what `manage.py db_worker` does forever).

    These tests commit for real (transaction=True): the worker and on_commit behave as in
    production.
    """

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    return run


def enquire(**overrides) -> Enquiry:
    return make_enquiry(**overrides)


@pytest.mark.django_db(transaction=True)
def test_email_is_kept_while_smtp_is_down_and_sent_exactly_once_when_it_returns(
    run_worker, smtp, clock, settings
):
    settings.ENQUIRY_NOTIFY_EMAIL = "sales@example.com"
    enquiry = enquire(batch=make_batch())

    run_worker()  # the server is down: nothing can be delivered

    assert Enquiry.objects.filter(pk=enquiry.pk).exists()
    pending = OutgoingEmail.objects.filter(enquiry=enquiry)
    assert [(e.status, e.attempts) for e in pending] == [("pending", 1)] * 2
    assert all("ConnectionRefusedError" in e.last_error for e in pending)
    retry_at = pending.first().next_attempt_at
    assert retry_at == NOW + dt.timedelta(minutes=1)

    smtp.start()
    run_worker()  # the retry is not due yet
    assert smtp.inbox.messages == []

    clock.move_to(retry_at + dt.timedelta(seconds=1))
    run_worker()
    run_worker()  # a second pass finds nothing left to send

    recipients = sorted(message["To"] for message in smtp.inbox.messages)
    assert recipients == ["asha@example.com", "sales@example.com"]
    assert set(pending.values_list("status", "attempts")) == {("sent", 2)}


@pytest.mark.django_db(transaction=True)
def test_retries_back_off_and_the_email_is_marked_failed_after_the_last_attempt(
    run_worker, smtp, clock, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    enquire()  # no owner, no notify address: one email
    outgoing = OutgoingEmail.objects.get()

    delays = []
    for _ in range(3):
        clock.move_to(outgoing.next_attempt_at)
        before = outgoing.next_attempt_at
        run_worker()
        outgoing.refresh_from_db()
        delays.append(outgoing.next_attempt_at - before)

    assert delays[:2] == [dt.timedelta(minutes=1), dt.timedelta(minutes=2)]
    assert (outgoing.status, outgoing.attempts) == ("failed", 3)


@pytest.mark.django_db(transaction=True)
def test_staff_retry_sends_a_failed_email(run_worker, smtp, clock, settings):
    settings.EMAIL_MAX_ATTEMPTS = 1
    enquire()
    run_worker()
    assert OutgoingEmail.objects.get().status == "failed"

    smtp.start()
    assert mail.retry_now(OutgoingEmail.objects.all()) == 1
    run_worker()

    assert len(smtp.inbox.messages) == 1
    assert OutgoingEmail.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_periodic_command_requeues_an_email_whose_worker_died(run_worker, smtp, clock, settings):
    enquire()
    # A worker claimed it and died before sending: it stays "sending", its task is gone.
    OutgoingEmail.objects.update(status="sending", attempts=1, claimed_at=NOW)
    DBTaskResult.objects.all().delete()
    smtp.start()

    clock.shift(dt.timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT - 1))
    call_command("send_pending_emails", verbosity=0)
    run_worker()
    assert smtp.inbox.messages == []  # the claim might still be sending

    clock.shift(dt.timedelta(seconds=2))
    call_command("send_pending_emails", verbosity=0)
    run_worker()

    assert len(smtp.inbox.messages) == 1
    assert OutgoingEmail.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_an_email_due_long_ago_and_claimed_just_now_is_not_offered_again(
    run_worker, smtp, clock, settings
):
    smtp.start()
    enquire()
    DBTaskResult.objects.all().delete()  # its task is lost: only the periodic command offers it
    clock.shift(dt.timedelta(minutes=20))
    # A worker claims it now, twenty minutes after it fell due, and is still talking to SMTP.
    assert OutgoingEmail.objects.filter(status="pending").update(
        status="sending", attempts=1, claimed_at=NOW + dt.timedelta(minutes=20)
    )
    clock.shift(dt.timedelta(seconds=1))

    assert mail.requeue_due() == 0
    run_worker()

    assert smtp.inbox.messages == []
    assert OutgoingEmail.objects.get().status == "sending"


@pytest.mark.django_db(transaction=True)
def test_every_attempt_carries_the_one_message_id_made_with_the_email(
    run_worker, smtp, clock, settings
):
    settings.SITE_URL = "https://courses.example.com"
    settings.ENQUIRY_NOTIFY_EMAIL = "sales@example.com"
    smtp.start()
    enquire()
    run_worker()
    # Sent again, as after a worker died between SMTP's reply and marking the row sent.
    OutgoingEmail.objects.update(status="pending")
    mail.requeue_due()
    run_worker()

    ids = dict(OutgoingEmail.objects.values_list("to", "message_id"))
    assert len(set(ids.values())) == 2
    assert all(re.fullmatch(r"<\S+@courses\.example\.com>", id_) for id_ in ids.values())
    received = sorted((m["To"], m["Message-ID"]) for m in smtp.inbox.messages)
    assert received == sorted([*ids.items(), *ids.items()])


@pytest.mark.django_db(transaction=True)
def test_rolled_back_enquiry_sends_nothing(run_worker, smtp):
    smtp.start()
    batch = make_batch()

    with pytest.raises(RuntimeError), transaction.atomic():
        make_enquiry(batch=batch)
        raise RuntimeError("something later in the request failed")
    run_worker()

    assert not Enquiry.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert smtp.inbox.messages == []


@pytest.mark.django_db(transaction=True)
def test_spam_is_not_acknowledged(run_worker, smtp):
    enquire(batch=make_batch(), is_spam=True)

    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_tells_the_learner_the_reference_batch_and_next_steps(
    run_worker, smtp, clock
):
    smtp.start()
    course = make_course(title="Deep Learning", slug="deep-learning")
    batch = make_batch(
        course=course,
        track=Batch.Track.WEEKEND,
        start_date=dt.date(2027, 3, 6),
        end_date=dt.date(2027, 4, 11),
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 0),
        timezone="Europe/London",
    )
    enquiry = enquire(batch=batch, name="Asha Verma")
    run_worker()

    [message] = smtp.inbox.messages
    assert message["To"] == "asha@example.com"
    assert message["Subject"] == f"Your enquiry about Deep Learning (ref. {enquiry.reference})"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Hello Asha Verma" in body
        assert enquiry.reference in body
        assert "Weekend (Sat–Sun)" in body
        assert "Saturday 6 March 2027" in body and "Sunday 11 April 2027" in body
        # Session times in the batch's own zone: GMT in March, before the clocks change.
        assert "Sat–Sun, 10:00–13:00 GMT (Europe/London)" in body
        assert "What happens next" in body
        assert "/courses/deep-learning/" in body


@pytest.mark.django_db(transaction=True)
def test_owner_is_notified_with_the_learner_details_and_a_link_to_the_admin(
    run_worker, smtp, clock, django_user_model, settings
):
    smtp.start()
    settings.SITE_URL = "https://courses.example.com"
    owner = django_user_model.objects.create_user("meera", email="meera@example.com", is_staff=True)
    owner.groups.add(sales_group())
    batch = make_batch()
    enquiry = enquire(
        batch=batch,
        phone="+442079460958",
        message="Can I pay in two instalments?",
    )
    run_worker()

    assert enquiry.owner == owner
    notification = next(m for m in smtp.inbox.messages if m["To"] == "meera@example.com")
    assert notification["Subject"].startswith(f"New enquiry {enquiry.reference}: ")
    admin_url = f"https://courses.example.com/admin/enquiries/enquiry/{enquiry.pk}/change/"
    for part in ("plain", "html"):
        body = notification.get_body(preferencelist=(part,)).get_content()
        assert "assigned to you" in body
        assert "asha@example.com" in body and "+442079460958" in body
        assert "Can I pay in two instalments?" in body
        assert admin_url in body


@pytest.mark.django_db(transaction=True)
def test_without_owner_the_notification_goes_to_the_configured_address(
    run_worker, smtp, clock, settings
):
    smtp.start()
    settings.ENQUIRY_NOTIFY_EMAIL = "enquiries@example.com"
    enquire()
    run_worker()

    assert sorted(m["To"] for m in smtp.inbox.messages) == [
        "asha@example.com",
        "enquiries@example.com",
    ]


def sales_group():
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=services.SALES_GROUP)[0]
