"""The site when what it stands on fails: a plain 503 while the database is unreachable, and
/healthz telling a load balancer what works.

The failures are real: the connection is pointed at a port nothing listens on (PostgreSQL) or
a database file that cannot be opened (SQLite), and the cache at a Redis that is not there.
"""

import datetime as dt
import json
import logging
import socket
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import path

from config import urls as site_urls
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)


def closed_port() -> int:
    """A port on this machine that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(transactional_db, tmp_path, monkeypatch):
    """From here on every connection to the database fails, as when its server is down."""
    course = make_course(slug="python-basics")
    batch = make_batch(course=course)
    connection.close()
    if connection.vendor == "postgresql":
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", str(closed_port()))
    else:
        missing = tmp_path / "no-such-directory" / "db.sqlite3"
        monkeypatch.setitem(connection.settings_dict, "NAME", str(missing))
    yield batch
    connection.close()
    monkeypatch.undo()  # before the test database is flushed


def assert_plain_503(response, caplog) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response  # the security layers still answer
    page = response.content.decode()
    assert "is back in a moment" in page
    assert "Please try again in 30 seconds" in page
    assert "Traceback" not in page and "OperationalError" not in page
    # One line says why; nothing else is logged, no traceback.
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith("Database unavailable, answered 503 (OperationalError: ")
    assert "\n" not in record.getMessage()
    assert record.exc_info is None


# Database unreachable: 503


def test_a_public_page_is_a_plain_503_while_the_database_is_unreachable(
    client, database_down, caplog
):
    assert_plain_503(client.get("/"), caplog)


def test_an_enquiry_posted_while_the_database_is_unreachable_is_a_503(
    client, database_down, caplog
):
    batch = database_down
    response = client.post(
        f"/courses/{batch.course.slug}/enquire/",
        {
            "name": "Priya Sharma",
            "email": "priya@example.com",
            "phone": "+44 20 7946 0958",
            "message": "",
            "consent": "on",
            "batch": str(batch.pk),
            "website": "",
            "came_from": "",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert_plain_503(response, caplog)


def test_an_admin_login_while_the_database_is_unreachable_is_a_503(client, database_down, caplog):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staff", "password": "correct horse battery"}
    )
    assert_plain_503(response, caplog)


def test_a_session_that_cannot_be_saved_after_the_view_is_a_503(client, database_down, caplog):
    # A campaign visit is remembered in the session; the page itself reads no table, so the
    # database is first needed when the session is saved, after the view.
    assert_plain_503(client.get("/robots.txt?utm_source=newsletter"), caplog)


def test_a_returning_visitor_from_a_campaign_gets_a_503_from_deeper_middleware(
    database_down, caplog
):
    # Remembering the campaign loads the visitor's session in a middleware inside ours.
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    assert_plain_503(client.get("/robots.txt?utm_source=newsletter"), caplog)


def broken(request):
    raise RuntimeError("a bug, not the database")


# This module is also the URLconf of the test below: the site's, plus a page with a bug.
urlpatterns = [path("broken/", broken), *site_urls.urlpatterns]
handler500 = site_urls.handler500


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page(caplog):
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Retry-After" not in response


def test_the_database_coming_back_serves_pages_again(client, database_down, monkeypatch):
    assert client.get("/").status_code == 503
    monkeypatch.undo()
    connection.close()
    assert client.get("/").status_code == 200


# /healthz


def report(response) -> dict:
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


@pytest.mark.django_db
def test_health_is_ok_when_the_database_and_cache_answer_and_nothing_waits(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert report(response) == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "email": {
            "oldest_seconds": None,
            "behind_after_seconds": settings.HEALTH_EMAIL_BEHIND_AFTER,
            "behind": False,
        },
        "tasks": {
            "oldest_seconds": None,
            "behind_after_seconds": settings.HEALTH_TASK_BEHIND_AFTER,
            "behind": False,
        },
    }


@pytest.mark.django_db
def test_health_answers_a_probe_by_address_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    probe = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert probe.status_code == 200
    assert report(probe)["status"] == "ok"
    # Every other page still refuses a Host that is not allowed.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_health_is_degraded_but_up_when_the_workers_fall_behind(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_EMAIL_BEHIND_AFTER = 900
    settings.HEALTH_TASK_BEHIND_AFTER = 300
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            make_enquiry()  # its acknowledgement is queued, and no worker runs
        clock.shift(dt.timedelta(minutes=10))
        ten_minutes = report(client.get("/healthz"))
        clock.shift(dt.timedelta(minutes=6))
        sixteen_minutes = client.get("/healthz")

    assert ten_minutes["status"] == "degraded"
    assert ten_minutes["email"] == {
        "oldest_seconds": 600,
        "behind_after_seconds": 900,
        "behind": False,
    }
    assert ten_minutes["tasks"] == {
        "oldest_seconds": 600,
        "behind_after_seconds": 300,
        "behind": True,
    }
    assert sixteen_minutes.status_code == 200
    assert report(sixteen_minutes)["email"]["behind"] is True


def test_health_is_503_when_the_database_is_unreachable(client, database_down, caplog):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = report(response)
    assert (body["status"], body["database"], body["cache"]) == ("unavailable", "error", "ok")
    assert body["email"]["oldest_seconds"] is None
    # Why is in the log, not in a public answer.
    assert "Error" not in response.content.decode()
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.getMessage().startswith("Health check failed (database: OperationalError: ")


@pytest.mark.django_db
def test_health_is_503_when_the_cache_is_unreachable(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = report(response)
    assert (body["status"], body["database"], body["cache"]) == ("unavailable", "ok", "error")
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.getMessage().startswith("Health check failed (cache: ConnectionError: ")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/courses/", "/courses/python-basics/", "/schedule/"])
def test_public_pages_are_rendered_while_the_cache_is_unreachable(client, settings, url):
    make_batch(course=make_course(slug="python-basics", title="Python Basics"), capacity=3)
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        },
        "fragments": settings.CACHES["fragments"],
    }

    for _ in range(2):  # and again, with nothing kept
        response = client.get(url)
        assert response.status_code == 200
        assert "Python Basics" in response.content.decode()
