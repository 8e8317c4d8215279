"""Admin sign-in lockout (django-axes): failures per username and IP together, a cool-off,
the unlock commands, and the same client IP as the rate limits."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LOGIN = "/admin/login/"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(
        username="meera", email="meera@example.com", password=PASSWORD
    )


def sign_in(client, password: str, username: str = "meera", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def wrong_passwords(client, count: int, username: str = "meera", **headers) -> list[int]:
    return [sign_in(client, f"guess {n}", username, **headers).status_code for n in range(count)]


@pytest.mark.django_db
def test_twenty_wrong_passwords_then_the_right_one_does_not_sign_in(client, staff):
    wrong_passwords(client, 20)

    response = sign_in(client, PASSWORD)

    assert not signed_in(client)
    assert response.status_code == 429
    assert response["Retry-After"] == str(30 * 60)
    page = response.content.decode()
    assert "Sign-in paused" in page
    assert "paused for 30 minutes" in page
    assert PASSWORD not in page


@pytest.mark.django_db
def test_the_fifth_failure_locks_and_the_page_says_so(client, staff):
    answers = wrong_passwords(client, 5)

    assert answers == [200, 200, 200, 200, 429]  # the login form again, then the lockout


@pytest.mark.django_db
def test_after_the_cool_off_the_right_password_signs_in(client, clock, staff):
    wrong_passwords(client, 20)
    clock.shift(dt.timedelta(minutes=31))

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_a_few_mistakes_then_the_right_password_signs_in_and_starts_the_count_again(client, staff):
    wrong_passwords(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()

    wrong_passwords(client, 4)  # four more: no lockout, the success reset the count
    assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_lockout_holds_one_username_from_one_ip_only(client, staff, django_user_model):
    django_user_model.objects.create_superuser(username="anil", password=PASSWORD)
    wrong_passwords(client, 20, REMOTE_ADDR="203.0.113.10")

    # Meera at her own desk, and a colleague on the attacker's network, still sign in.
    assert sign_in(client, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302
    client.logout()
    assert sign_in(client, PASSWORD, "anil", REMOTE_ADDR="203.0.113.10").status_code == 302
    client.logout()
    assert sign_in(client, PASSWORD, REMOTE_ADDR="203.0.113.10").status_code == 429


@pytest.mark.django_db
def test_behind_our_proxy_the_lockout_follows_the_address_the_proxy_saw(client, staff, settings):
    settings.BATCHWISE_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    wrong_passwords(client, 20, HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)

    elsewhere = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)

    assert elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.10"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command", [("axes_reset_username", "meera"), ("axes_reset_ip", "127.0.0.1"), ("axes_reset",)]
)
def test_the_unlock_commands_let_the_person_sign_in_at_once(client, staff, command):
    wrong_passwords(client, 20)
    assert sign_in(client, PASSWORD).status_code == 429

    call_command(*command, stdout=StringIO())

    assert sign_in(client, PASSWORD).status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_force_login_and_client_login_with_a_request_still_work(client, staff, rf):
    assert client.login(request=rf.post(LOGIN), username="meera", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
