"""A worker killed in the middle of sending an email: the email still arrives, once, and the
task row it left running is recovered.

The worker is a real `manage.py db_worker` process on the test database, sending to a real
SMTP server on this machine that takes the message and then does not answer until the worker
has been killed with SIGKILL. The rest (the periodic commands, the next worker) runs here,
with the clock moved by time-machine; the killed worker ran on the machine's real clock, so
everything here is timed from the claim it recorded.
"""

import asyncio
import datetime as dt
import email
import os
import socket
import subprocess
import sys
import threading
import time
from email import policy
from urllib.parse import quote, urlencode

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from enquiries import mail, task_queue
from enquiries.models import OutgoingEmail
from tests.factories import make_enquiry

# Long before the machine's clock, so what is queued here is long due for the real worker.
QUEUED_AT = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)
SECONDS_TO_WAIT = 60


class AnswersLateOnce:
    """SMTP that receives the first message whole, then keeps the sender waiting for its reply
    until released, and never accepts it. Every later message is accepted."""

    def __init__(self):
        self.first_data = threading.Event()
        self.release = threading.Event()
        self.unanswered: list[email.message.EmailMessage] = []
        self.accepted: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if self.first_data.is_set():
            self.accepted.append(message)
            return "250 OK"
        self.unanswered.append(message)
        self.first_data.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, SECONDS_TO_WAIT)
        return "451 Try again later"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The database pytest-django created, as another process's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    options = f"?{urlencode(db['OPTIONS'])}" if db["OPTIONS"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}{port}/"
        f"{quote(db['NAME'], safe='')}{options}"
    )


@pytest.fixture
def smtp(settings):
    handler = AnswersLateOnce()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        yield handler, controller.port
    finally:
        handler.release.set()
        controller.stop()


def start_worker(*, smtp_port: int, log) -> subprocess.Popen:
    """`manage.py db_worker` on the test database, sending to the test's SMTP server."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "30",  # it must still be waiting for the reply when it is killed
    }
    return subprocess.Popen(
        [
            *(sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"),
            *("--no-startup-delay", "--worker-id", "doomed-worker"),
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_one_delivery_with_one_message_id(smtp, tmp_path):
    inbox, smtp_port = smtp
    with time_machine.travel(QUEUED_AT, tick=False) as clock:
        make_enquiry()  # no owner, no notify address: one email, the acknowledgement
        outgoing = OutgoingEmail.objects.get()
        log_path = tmp_path / "worker.log"
        with log_path.open("w") as log:
            worker = start_worker(smtp_port=smtp_port, log=log)
            try:
                # The worker has sent the whole message and waits for the server's reply.
                deadline = time.monotonic() + SECONDS_TO_WAIT
                while not inbox.first_data.wait(timeout=0.2):
                    if worker.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"The worker never sent:\n{log_path.read_text()}")
                worker.kill()
                assert worker.wait(timeout=SECONDS_TO_WAIT) == -9
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
                inbox.release.set()

        outgoing.refresh_from_db()
        assert (outgoing.status, outgoing.attempts) == ("sending", 1)
        killed_task = DBTaskResult.objects.get()
        assert (killed_task.status, killed_task.worker_ids) == ("RUNNING", ["doomed-worker"])
        claimed_at = outgoing.claimed_at
        assert claimed_at > QUEUED_AT + dt.timedelta(days=365)  # due for years, claimed now

        # A second later: the claim is fresh (the worker might still be sending), so nothing
        # is offered again, however long ago the email fell due.
        clock.move_to(claimed_at + dt.timedelta(seconds=1))
        call_command("send_pending_emails", verbosity=0)
        call_command("recover_stuck_tasks", verbosity=0)
        run_worker()
        assert inbox.accepted == []
        outgoing.refresh_from_db()
        assert outgoing.status == "sending"
        assert DBTaskResult.objects.get().status == "RUNNING"

        # Past the claim window and the stuck-task window: offered again, and sent.
        windows = max(settings.EMAIL_CLAIM_TIMEOUT, settings.TASK_STUCK_AFTER)
        clock.move_to(claimed_at + dt.timedelta(seconds=windows + 1))
        call_command("recover_stuck_tasks", verbosity=0)
        call_command("send_pending_emails", verbosity=0)
        run_worker()

    # The message the killed worker sent and the one that was delivered are the same email:
    # a server that had kept the first would drop the second by its Message-ID.
    outgoing.refresh_from_db()
    assert (outgoing.status, outgoing.attempts) == ("sent", 2)
    [unanswered] = inbox.unanswered
    [delivered] = inbox.accepted
    assert unanswered["Message-ID"] == delivered["Message-ID"] == outgoing.message_id
    assert delivered["To"] == "asha@example.com"
    killed_task.refresh_from_db()
    assert killed_task.status == TaskResultStatus.FAILED
    assert killed_task.exception_class_path == "enquiries.task_queue.WorkerLost"
    assert not DBTaskResult.objects.running().exists()


@pytest.mark.django_db(transaction=True)
def test_only_task_rows_running_past_the_stuck_window_are_marked_failed(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_STUCK_AFTER = 3600
    with time_machine.travel(QUEUED_AT, tick=False) as clock:
        old, fresh, waiting = (
            DBTaskResult.objects.get(pk=mail.deliver_email.enqueue(email_id).id)
            for email_id in (1, 2, 3)
        )
        old.claim("gone-worker")  # as django-tasks-db's worker claims a row
        clock.shift(dt.timedelta(minutes=30))
        fresh.claim("busy-worker")
        clock.shift(dt.timedelta(minutes=30, seconds=1))

        assert task_queue.recover_stuck_tasks() == 1

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "FAILED", fresh.pk: "RUNNING", waiting.pk: "READY"}
    old.refresh_from_db()
    assert old.finished_at == QUEUED_AT + dt.timedelta(hours=1, seconds=1)
    assert "its worker stopped without finishing it" in old.traceback
