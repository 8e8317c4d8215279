"""The production command, `gunicorn -c config/gunicorn.conf.py config.wsgi`, run for real: its
config is valid, and its access log (text or JSON) never holds a private link's token."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from enquiries.services import seats
from tests.enquiries.test_seat_race_http import servers_database_url
from tests.factories import make_batch

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
SECONDS_TO_START = 30


def test_the_config_file_is_valid():
    result = subprocess.run(
        [*GUNICORN, "--check-config"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SECRET_KEY": "x", "DJANGO_ALLOWED_HOSTS": "localhost"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database pytest-django created, for the server process."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    return servers_database_url()


def get(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SECONDS_TO_START
    while time.monotonic() < deadline:
        try:
            get(f"{url}/robots.txt")
            return
        except OSError:
            pass
        try:
            code = process.wait(timeout=0.1)  # paces the loop; returns if it died
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"gunicorn exited with {code}:\n{log.read_text()}")
    pytest.fail(f"gunicorn did not answer in {SECONDS_TO_START}s:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_private_links_stay_out_of_gunicorn_s_logs(tmp_path, log_format):
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="A", email="a@example.com"))
    entry = seats.join_waitlist(
        batch=batch, learner=seats.Learner(name="B", email="b@example.com"), consented=True
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The suite's collected static files are in a temporary STATIC_ROOT that settings do
        # not read from the environment (see test_seat_race_http.py).
        "DJANGO_DEBUG": "1",
        "EMAIL_HOST": "",
        "DJANGO_LOG_FORMAT": log_format,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            GUNICORN, cwd=settings.BASE_DIR, env=environment, stdout=stdout, stderr=stderr
        )
        try:
            wait_until_answering(url, process, err)
            referer = f"https://courses.example.com/training-plan/{entry.token}/"
            assert get(f"{url}/waiting-list/{entry.token}/", Referer=referer) == 200
            assert get(f"{url}/waiting-list/AbCdEf123456/") == 404
            assert get(f"{url}/training-plan/AbCdEf123456/calendar.ics?x=1") == 404
        finally:
            process.terminate()
            process.wait(timeout=30)

    access, application = out.read_text(), err.read_text()
    for log in (access, application):
        assert entry.token not in log
        assert "AbCdEf123456" not in log
    requests = [line for line in access.splitlines() if "robots.txt" not in line]
    if log_format == "json":
        requests = [json.loads(line)["message"] for line in requests]
        for line in application.splitlines():
            json.loads(line)  # every line of the application's and gunicorn's own log
    # The request line, the status and the Referer of each.
    fields = [line.split('"') for line in requests]
    assert [(line[1], line[2].split()[0], line[3]) for line in fields] == [
        ("GET /waiting-list/<token>/ HTTP/1.1", "200", referer.replace(entry.token, "<token>")),
        ("GET /waiting-list/<token>/ HTTP/1.1", "404", "-"),
        ("GET /training-plan/<token>/calendar.ics?x=1 HTTP/1.1", "404", "-"),
    ]
