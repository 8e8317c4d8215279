"""What the application's log prints: each line once, no traceback for a 4xx, no private
token, and one JSON object per line when asked."""

import io
import json
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import configure_logging

from config.logs import logging_config, redact_private_links


@pytest.fixture
def printed(monkeypatch):
    """What the configured handlers print: Django's logging set up as at start-up (Django's
    defaults, then settings.LOGGING), with stderr captured. A function of the format."""
    stream = io.StringIO()

    def configure(log_format: str = "text") -> io.StringIO:
        monkeypatch.setattr(sys, "stderr", stream)
        configure_logging(
            settings.LOGGING_CONFIG, logging_config(log_format=log_format, level="INFO")
        )
        return stream

    yield configure
    monkeypatch.undo()
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


@pytest.fixture
def staff_without_permissions(client):
    user = User.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_not_found_page_is_one_line(client, printed, settings, debug):
    settings.DEBUG = debug
    stream = printed()

    assert client.get("/no-such-page/").status_code == 404

    assert [line.split(" ", 3)[2:] for line in lines(stream)] == [
        ["WARNING", "django.request Not Found: /no-such-page/"]
    ]


@pytest.mark.django_db
def test_a_forbidden_page_is_one_line_without_a_traceback(staff_without_permissions, printed):
    stream = printed()

    assert staff_without_permissions.get("/admin/enquiries/enquiry/").status_code == 403

    [line] = lines(stream)
    assert line.endswith(
        "WARNING django.request Forbidden (Permission denied): /admin/enquiries/enquiry/"
    )


@pytest.mark.django_db
def test_a_private_link_is_logged_without_its_token(client, printed):
    stream = printed()

    assert client.get("/waiting-list/AbCdEf123456/").status_code == 404
    assert client.get("/training-plan/Zy-x_98/calendar.ics").status_code == 404

    assert [line.split(" ", 3)[3] for line in lines(stream)] == [
        "django.request Not Found: /waiting-list/<token>/",
        "django.request Not Found: /training-plan/<token>/calendar.ics",
    ]


@pytest.mark.django_db
def test_json_lines_are_one_object_each_without_the_request_or_the_token(client, printed):
    stream = printed("json")

    client.get("/waiting-list/AbCdEf123456/accept/")
    client.get("/no-such-page/")

    records = [json.loads(line) for line in lines(stream)]
    assert [(r["level"], r["logger"], r["message"], r["status_code"]) for r in records] == [
        ("WARNING", "django.request", "Not Found: /waiting-list/<token>/accept/", 404),
        ("WARNING", "django.request", "Not Found: /no-such-page/", 404),
    ]
    assert all(set(r) == {"time", "level", "logger", "message", "status_code"} for r in records)
    assert "AbCdEf123456" not in stream.getvalue()


def test_an_unknown_log_format_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_LOG_FORMAT is text or json"):
        logging_config(log_format="xml", level="INFO")


@pytest.mark.parametrize(
    ("logged", "written"),
    [
        ("GET /waiting-list/AbC-12_x/ HTTP/1.1", "GET /waiting-list/<token>/ HTTP/1.1"),
        ("/waiting-list/AbC/leave/", "/waiting-list/<token>/leave/"),
        ("/waiting-list/AbC/accept/", "/waiting-list/<token>/accept/"),
        ("/training-plan/AbC/", "/training-plan/<token>/"),
        (
            "https://x.example/training-plan/AbC/calendar.ics",
            "https://x.example/training-plan/<token>/calendar.ics",
        ),
        ("next=%2Fwaiting-list%2FAbC%2F", "next=%2Fwaiting-list%2F<token>%2F"),
        ("/waiting-list/emailed/", "/waiting-list/emailed/"),
        ("/waiting-list/emailedAbC/", "/waiting-list/<token>/"),
        ("/courses/python/waiting-list/?batch=3", "/courses/python/waiting-list/?batch=3"),
    ],
)
def test_redaction_replaces_the_token_of_every_private_link(logged, written):
    assert redact_private_links(logged) == written


# Errors: emailed to ADMINS, and the 500 page says so only then


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.config.failing_urls"


@pytest.mark.django_db
def test_a_server_error_is_emailed_to_the_admins_and_the_page_says_so(
    client, failing_site, settings
):
    settings.ADMINS = ["ada@example.com", "ops@example.com"]
    settings.SERVER_EMAIL = "errors@example.com"
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "We have been told about it." in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["ada@example.com", "ops@example.com"]
    assert email.from_email == "errors@example.com"
    assert "ZeroDivisionError" in email.body


@pytest.mark.django_db
def test_without_admins_the_error_page_does_not_claim_anyone_was_told(
    client, failing_site, settings
):
    settings.ADMINS = []
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "We have been told" not in page
    assert "It has been recorded in our logs." in page
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_error_email_that_cannot_be_sent_still_gives_the_error_page(
    client, failing_site, settings, printed
):
    settings.ADMINS = ["ada@example.com"]
    # An SMTP server that refuses connections: port 9 (discard) has no listener here.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    client.raise_request_exception = False
    stream = printed()

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Internal Server Error: /broken/" in stream.getvalue()
    assert "ConnectionRefusedError" in stream.getvalue()  # the email's failure, logged
