"""Two server processes on one database, fifty learners over HTTP, one free seat.

test_seat_concurrency.py races threads of one process through the services; here the same
question goes through everything production has in between: two gunicorn processes (each
with its own workers and connections), the views, CSRF and the session. It needs PostgreSQL,
whose row locks the server processes share; the SQLite run skips it.

The free seat is not offered to anyone when the race starts: everyone in line has asked for
a place but not yet opened the link emailed to them, and opening it (confirm_place) is what
offers a free seat. So the 25 people in line open their links at the same moment, as 25
newcomers submit the waiting-list form, and then all of them press Accept.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import connection

from enquiries import services
from enquiries.models import Enrollment, WaitlistEntry
from enquiries.services import seats
from tests.factories import make_batch, make_course

CAPACITY = 5
IN_LINE = 25  # asked for a place, have not opened their link yet
NEWCOMERS = 25  # submit the waiting-list form during the race
SECONDS_TO_START = 30


# The servers


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def servers_database_url() -> str:
    """The database pytest-django created, as the servers' DATABASE_URL."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    options = f"?{urlencode(db['OPTIONS'])}" if db["OPTIONS"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}{port}/"
        f"{quote(db['NAME'], safe='')}{options}"
    )


def wait_until_answering(server: Server) -> None:
    """Poll until the server answers, failing with its log if it exits or never answers."""
    opener, deadline = direct_opener(), time.monotonic() + SECONDS_TO_START
    while time.monotonic() < deadline:
        try:
            with opener.open(f"{server.url}/robots.txt", timeout=1) as response:
                if response.status == 200:
                    return
                pytest.fail(f"{server.url} answered {response.status}:\n{server.log.read_text()}")
        except OSError:
            pass  # not accepting connections yet
        try:
            code = server.process.wait(timeout=0.1)  # paces the loop; returns if it died
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"{server.url} exited with {code}:\n{server.log.read_text()}")
    pytest.fail(f"{server.url} did not answer in {SECONDS_TO_START}s:\n{server.log.read_text()}")


@pytest.fixture
def two_servers(transactional_db, tmp_path) -> Iterator[list[str]]:
    """Two gunicorn processes on the test database; always stopped, whatever the test did."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: the server processes must share row locks "
            "(test_seat_concurrency.py races threads on SQLite)."
        )
    environment = {
        **os.environ,
        "DATABASE_URL": servers_database_url(),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The suite's collected static files are in a temporary STATIC_ROOT (tests/conftest.py)
        # that settings do not read from the environment; the manifest storage used with DEBUG
        # off would fail every page without them.
        "DJANGO_DEBUG": "1",
        "EMAIL_HOST": "",  # emails are queued rows; nothing may leave the machine
        # Fifty learners on one address (127.0.0.1), each sending the form the moment the race
        # starts: what the rate limits and the time trap's minimum are there to refuse.
        "BATCHWISE_RATE_LIMITS_ENABLED": "0",
        "BATCHWISE_FORM_MIN_SECONDS": "0",
    }
    servers: list[Server] = []
    with ExitStack() as logs:
        try:
            for name in ("a", "b"):
                port = free_port()
                log = tmp_path / f"server-{name}.log"
                # Threads, each with its own connection, put many transactions at the batch's
                # lock at once. The control socket defaults to one path in $HOME: two servers
                # would fight over it.
                process = subprocess.Popen(
                    [
                        *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                        *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
                        *("--preload", "--graceful-timeout", "5", "--no-control-socket"),
                    ],
                    cwd=settings.BASE_DIR,
                    env=environment,
                    stdout=logs.enter_context(log.open("w")),
                    stderr=subprocess.STDOUT,
                )
                servers.append(Server(url=f"http://127.0.0.1:{port}", process=process, log=log))
            for server in servers:
                wait_until_answering(server)
            yield [server.url for server in servers]
        finally:
            for server in servers:
                server.process.terminate()
            for server in servers:
                try:
                    server.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.process.kill()
                    server.process.wait()
                # Shown only when the test fails: the tracebacks behind any 500.
                print(f"--- {server.url} log ---\n{server.log.read_text()}")


# A learner's browser


def direct_opener(*handlers) -> urllib.request.OpenerDirector:
    """Plain HTTP to the servers: no proxy from the environment, and every response handed
    back as it is (no redirect followed, no status raised)."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), *handlers):
        opener.add_handler(handler)
    return opener


@dataclass
class Browser:
    """One learner: their own cookies (session, CSRF), and every status they were sent."""

    base_url: str
    seen: list[tuple[str, str, int]] = field(default_factory=list)
    csrf_token: str = ""
    shown_at: str = ""

    def __post_init__(self) -> None:
        self.opener = direct_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def visit(self, path: str, form: dict | None = None) -> tuple[str, str]:
        """GET the path, or POST the form to it, then follow redirects: (final path, page)."""
        url, data = self.base_url + path, None
        if form is not None:
            data = urlencode({"csrfmiddlewaretoken": self.csrf_token, **form}).encode()
        for _ in range(5):
            request = urllib.request.Request(url, data=data)
            with self.opener.open(request, timeout=20) as response:
                status, page = response.status, response.read().decode()
                location = response.headers.get("Location")
            parts = urlsplit(url)
            path = f"{parts.path}?{parts.query}" if parts.query else parts.path
            self.seen.append(("POST" if data else "GET", path, status))
            if status not in (301, 302, 303):
                return path, page
            url, data = urljoin(url, location), None
        raise AssertionError(f"Redirected too often, last to {url}")

    def open_form(self, path: str) -> None:
        """Load a page with a form, keeping the CSRF token and the time trap's stamp it carries."""
        _, page = self.visit(path)
        self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        self.shown_at = re.search(r'name="shown_at" value="([^"]+)"', page)[1]


# The race


def race(*learners) -> Counter:
    """Run each learner's journey in its own thread, all starting at the same moment."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(learners), timeout=SECONDS_TO_START)

    def run(journey) -> None:
        try:
            start.wait()
            outcome = journey()
        except Exception as error:  # counted, and shown by the assertion
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(journey,)) for journey in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def open_link_and_accept(browser: Browser, token: str) -> str:
    """Open the private link (which confirms the place) and press Accept straight away.

    Everyone presses it, offered or not (an old tab, a forged post): only an open offer may
    become a seat.
    """
    browser.visit(f"/waiting-list/{token}/")
    _, page = browser.visit(f"/waiting-list/{token}/accept/", form={})
    return "seated" if 'id="seat-confirmed"' in page else "not seated"


@pytest.mark.django_db(transaction=True)
def test_one_free_seat_goes_to_one_of_fifty_learners_racing_through_two_servers(two_servers):
    course = make_course()
    batch = make_batch(course=course, capacity=CAPACITY)
    seated = [
        seats.enroll(
            batch=batch, learner=seats.Learner(name=f"Seated {n}", email=f"seated{n}@example.com")
        )
        for n in range(CAPACITY)
    ]
    for n in range(IN_LINE):
        services.join_waiting_list(
            course=course,
            batch=batch,
            name=f"In Line {n}",
            email=f"inline{n}@example.com",
            phone=f"+4420794602{n:02d}",
            consented=True,
            submission_token=uuid.uuid4(),
        )
    links = dict(WaitlistEntry.objects.filter(batch=batch).values_list("email", "token"))
    join_path = f"/courses/{course.slug}/waiting-list/?batch={batch.pk}"

    # Everyone has the waiting-list form open while the batch is full, half on each server.
    browsers = [Browser(two_servers[n % 2]) for n in range(IN_LINE + NEWCOMERS)]
    for browser in browsers:
        browser.open_form(join_path)
    seats.cancel_enrollment(enrollment=seated[0], by=None)
    batch.refresh_from_db()
    # Nobody has confirmed a place, so the seat is free and offered to no one yet.
    assert (batch.seats_left, batch.seats_held, batch.waiting_count) == (1, 0, 0)

    def in_line(n: int, browser: Browser):
        return lambda: f"in line, {open_link_and_accept(browser, links[f'inline{n}@example.com'])}"

    def newcomer(n: int, browser: Browser):
        def journey() -> str:
            email = f"new{n}@example.com"
            landed, _ = browser.visit(
                join_path,
                form={
                    "name": f"Newcomer {n}",
                    "email": email,
                    "phone": f"+4420794603{n:02d}",
                    "consent": "on",
                    "submission_token": str(uuid.uuid4()),
                    "came_from": "",
                    "website": "",
                    "shown_at": browser.shown_at,
                },
            )
            if landed.startswith(f"/courses/{course.slug}/enquire/"):
                return "newcomer, sent to enquire (a seat was free)"
            assert landed == "/waiting-list/emailed/", landed
            # Their private link, as the email gives it.
            token = WaitlistEntry.objects.values_list("token", flat=True).get(email=email)
            return f"newcomer, joined, {open_link_and_accept(browser, token)}"

        return journey

    started = time.monotonic()
    outcomes = race(
        *(in_line(n, browser) for n, browser in enumerate(browsers[:IN_LINE])),
        *(newcomer(n, browser) for n, browser in enumerate(browsers[IN_LINE:])),
    )
    print(f"{len(browsers)} learners, {time.monotonic() - started:.1f}s: {dict(outcomes)}")

    # Every answer a redirect or a page: no 500 from the ledger's constraint, no refused token.
    answers = [seen for browser in browsers for seen in browser.seen]
    assert [seen for seen in answers if seen[2] not in (200, 302)] == []
    # One person in line won the seat; a newcomer never jumps the queue.
    joined = outcomes["newcomer, joined, not seated"]
    assert outcomes == Counter(
        {
            "in line, seated": 1,
            "in line, not seated": IN_LINE - 1,
            "newcomer, joined, not seated": joined,
            "newcomer, sent to enquire (a seat was free)": NEWCOMERS - joined,
        }
    )
    winner = WaitlistEntry.objects.get(batch=batch, status=WaitlistEntry.Status.ACCEPTED)
    confirmed = Enrollment.objects.confirmed().filter(batch=batch).values_list("email", flat=True)
    assert sorted(confirmed) == sorted([*(seat.email for seat in seated[1:]), winner.email])
    assert winner.email in links
    batch.refresh_from_db()
    assert (batch.seats_taken, batch.seats_held, batch.waiting_count) == (
        CAPACITY,
        0,
        IN_LINE - 1 + joined,
    )
    assert seats.ledger_drift() == []
