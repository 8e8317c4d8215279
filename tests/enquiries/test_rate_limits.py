"""Rate limits on the public forms: per client IP and per email address, through the cache
that every process shares, answered with the same form, what was typed and a 429."""

import datetime as dt
import threading
import uuid

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from courses import rate_limits
from courses.models import Batch
from courses.time_zones import VIEWER_TZ_COOKIE
from enquiries.models import Enquiry, OneOnOneRequest, OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.conftest import TEST_REDIS_URL
from tests.enquiries.test_one_on_one import typed as one_on_one_typed
from tests.factories import make_batch, make_course, shown_form_stamp

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday; the one-on-one form's today


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def enquiry_form(email: str = "priya@example.com", **fields) -> dict[str, str]:
    """A valid Enquire Now form as a browser sends it, shown a minute before."""
    return {
        "name": "Priya Sharma",
        "email": email,
        "phone": "+44 20 7946 0958",
        "message": "Is there a discount for students?",
        "consent": "on",
        "website": "",
        "batch": "",
        "came_from": "",
        "submission_token": str(uuid.uuid4()),
        "shown_at": shown_form_stamp(),
    } | fields


def enquire(client, course, form: dict, **headers):
    return client.post(f"/courses/{course.slug}/enquire/", form, **headers)


def acknowledgements_to(address: str) -> int:
    return OutgoingEmail.objects.filter(to__iexact=address).count()


def full_batch() -> Batch:
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="Seated", email="seated@example.com"))
    return batch


# The failures these limits answer


@pytest.mark.django_db
def test_thirty_enquiries_from_one_ip_are_not_all_accepted(client):
    course = make_course()

    answers = [
        enquire(client, course, enquiry_form(email=f"learner{n}@example.com")).status_code
        for n in range(30)
    ]

    assert answers == [302] * 20 + [429] * 10  # 20 an hour from one address (the default)
    assert Enquiry.objects.count() == 20


@pytest.mark.django_db
def test_ten_enquiries_to_one_address_send_at_most_three_emails(client):
    course = make_course()

    answers = [
        enquire(client, course, enquiry_form(email="victim@example.com")).status_code
        for _ in range(10)
    ]

    assert answers == [302] * 3 + [429] * 7
    assert Enquiry.objects.count() == 3
    assert acknowledgements_to("victim@example.com") == 3


@pytest.mark.django_db
def test_ten_waiting_list_joins_to_one_address_send_at_most_three_emails(client):
    batch = full_batch()
    url = f"/courses/{batch.course.slug}/waiting-list/?batch={batch.pk}"
    # Each from its own address: only the per-email limit stands in the way.
    answers = [
        client.post(url, enquiry_form(email="victim@example.com"), REMOTE_ADDR=f"198.51.100.{n}")
        for n in range(10)
    ]

    assert [answer.status_code for answer in answers] == [302] * 3 + [429] * 7
    assert acknowledgements_to("victim@example.com") == 3
    assert WaitlistEntry.objects.filter(email="victim@example.com").count() == 1


@pytest.mark.django_db
def test_the_per_email_limit_ignores_case_and_spaces(client):
    course = make_course()
    for address in ("victim@example.com", "Victim@Example.com", " VICTIM@example.com "):
        assert enquire(client, course, enquiry_form(email=address)).status_code == 302

    assert enquire(client, course, enquiry_form(email="victim@EXAMPLE.com")).status_code == 429


# The page over the limit


@pytest.mark.django_db
def test_over_the_limit_the_form_comes_back_with_what_was_typed_and_a_429(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "1/hour", "email": "off"}}
    course = make_course()
    enquire(client, course, enquiry_form(email="first@example.com"))
    typed = enquiry_form(email="second@example.com", message="Evenings suit me.")

    response = enquire(client, course, typed)

    assert response.status_code == 429
    assert response["Retry-After"] == str(30 * 60)  # the hour's window ends at 10:00
    page = response.content.decode()
    assert "You have sent several requests in a short time." in page
    assert "Please try again in 30 minutes." in page
    for name in ("name", "email", "phone", "submission_token", "shown_at"):
        assert f'value="{typed[name]}"' in page, name
    assert "Evenings suit me.</textarea>" in page
    assert 'id="id_consent" checked' in page
    assert not Enquiry.objects.filter(email="second@example.com").exists()
    assert acknowledgements_to("second@example.com") == 0


@pytest.mark.django_db
def test_the_same_form_is_accepted_again_once_the_window_is_over(client, clock, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "1/hour", "email": "off"}}
    course = make_course()
    enquire(client, course, enquiry_form(email="first@example.com"))
    typed = enquiry_form(email="second@example.com")
    refused = enquire(client, course, typed)

    clock.shift(dt.timedelta(seconds=int(refused["Retry-After"])))
    again = enquire(client, course, typed)

    assert (refused.status_code, again.status_code) == (429, 302)
    assert Enquiry.objects.filter(email="second@example.com").count() == 1


@pytest.mark.django_db
def test_one_on_one_over_the_limit_keeps_the_request_and_stores_nothing(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"one_on_one": {"ip": "off", "email": "1/hour"}}
    course = make_course()
    url = f"/courses/{course.slug}/one-on-one/"
    assert (
        client.post(url, one_on_one_typed() | {"shown_at": shown_form_stamp()}).status_code == 302
    )

    response = client.post(url, one_on_one_typed() | {"shown_at": shown_form_stamp()})

    assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent several requests in a short time." in page
    assert 'value="18:00"' in page and 'value="2026-03-03"' in page
    assert '<option value="America/New_York" selected>' in page
    assert (Enquiry.objects.count(), OneOnOneRequest.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_waiting_list_over_the_limit_keeps_the_form_and_stores_nothing(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"waitlist": {"ip": "1/hour", "email": "off"}}
    batch = full_batch()
    url = f"/courses/{batch.course.slug}/waiting-list/?batch={batch.pk}"
    client.post(url, enquiry_form(email="first@example.com"))

    response = client.post(url, enquiry_form(email="second@example.com", name="Ben Rao"))

    assert response.status_code == 429
    assert "Join the waiting list" in response.content.decode()
    assert 'value="Ben Rao"' in response.content.decode()
    assert not WaitlistEntry.objects.filter(email="second@example.com").exists()


# What is counted


@pytest.mark.django_db
def test_forms_with_errors_are_not_counted(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "2/hour", "email": "2/hour"}}
    course = make_course()
    for _ in range(5):  # a learner fighting with the phone field
        assert enquire(client, course, enquiry_form(phone="12")).status_code == 200

    assert enquire(client, course, enquiry_form()).status_code == 302


@pytest.mark.django_db
def test_a_double_click_or_a_resubmission_counts_once(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "2/hour", "email": "2/hour"}}
    course = make_course()
    form = enquiry_form()
    for _ in range(4):
        assert enquire(client, course, form).status_code == 302

    assert enquire(client, course, enquiry_form()).status_code == 302  # the second one
    assert enquire(client, course, enquiry_form()).status_code == 429
    assert Enquiry.objects.count() == 2


@pytest.mark.django_db
def test_spam_caught_by_the_honeypot_is_counted_too(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "2/hour", "email": "off"}}
    course = make_course()
    for n in range(2):
        enquire(client, course, enquiry_form(website="http://spam.example", email=f"{n}@x.com"))

    assert enquire(client, course, enquiry_form()).status_code == 429
    assert Enquiry.objects.filter(status=Enquiry.Status.SPAM).count() == 2


@pytest.mark.django_db
def test_limits_are_per_form(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {
        "enquiry": {"ip": "1/hour", "email": "off"},
        "one_on_one": {"ip": "1/hour", "email": "off"},
    }
    course = make_course()
    assert enquire(client, course, enquiry_form()).status_code == 302

    response = client.post(
        f"/courses/{course.slug}/one-on-one/",
        one_on_one_typed() | {"shown_at": shown_form_stamp()},
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_limits_can_be_switched_off(client, settings):
    settings.BATCHWISE_RATE_LIMITS_ENABLED = False
    course = make_course()

    answers = {enquire(client, course, enquiry_form()).status_code for _ in range(30)}

    assert answers == {302}
    assert acknowledgements_to("priya@example.com") == 30


# Who the client is


@pytest.mark.django_db
def test_each_client_ip_has_its_own_count(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "1/hour", "email": "off"}}
    course = make_course()

    first = enquire(client, course, enquiry_form(), REMOTE_ADDR="203.0.113.1")
    other = enquire(client, course, enquiry_form(), REMOTE_ADDR="203.0.113.2")
    again = enquire(client, course, enquiry_form(), REMOTE_ADDR="203.0.113.1")

    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


@pytest.mark.django_db
def test_x_forwarded_for_is_ignored_unless_a_proxy_of_ours_is_in_front(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "1/hour", "email": "off"}}
    settings.BATCHWISE_TRUSTED_PROXIES = 0
    course = make_course()
    enquire(client, course, enquiry_form(), HTTP_X_FORWARDED_FOR="198.51.100.1")

    # A bot making up a new address for each request is still one client.
    response = enquire(client, course, enquiry_form(), HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_our_proxy_the_address_it_saw_counts_not_the_one_the_client_sent(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "1/hour", "email": "off"}}
    settings.BATCHWISE_TRUSTED_PROXIES = 1
    course = make_course()
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    enquire(client, course, enquiry_form(), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **proxy)

    spoofed = enquire(
        client, course, enquiry_form(), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **proxy
    )
    neighbour = enquire(client, course, enquiry_form(), HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)

    assert (spoofed.status_code, neighbour.status_code) == (429, 302)


def test_client_ip_reads_the_hop_our_proxies_added(rf, settings):
    settings.BATCHWISE_TRUSTED_PROXIES = 2
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1"
    )
    assert rate_limits.client_ip(request) == "203.0.113.9"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not an address, 10.0.0.1")
    assert rate_limits.client_ip(request) == "10.0.0.2"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert rate_limits.client_ip(request) == "203.0.113.9"


@pytest.mark.django_db
def test_an_ipv6_client_is_counted_by_its_64_bit_network(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "1/hour", "email": "off"}}
    course = make_course()
    enquire(client, course, enquiry_form(), REMOTE_ADDR="2001:db8:1:2::1")

    same_home = enquire(client, course, enquiry_form(), REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = enquire(client, course, enquiry_form(), REMOTE_ADDR="2001:db8:1:3::1")

    assert (same_home.status_code, elsewhere.status_code) == (429, 302)


# The time-zone form


@pytest.mark.django_db
def test_time_zone_form_over_its_limit_keeps_the_choice_and_sets_no_cookie(client, settings):
    settings.BATCHWISE_RATE_LIMITS = {"time_zone": {"ip": "2/10m"}}
    for zone in ("Europe/London", "Asia/Tokyo"):
        client.post("/preferences/time-zone/", {"zone": zone, "next": "/schedule/"})

    response = client.post(
        "/preferences/time-zone/", {"zone": "Asia/Kolkata", "next": "/schedule/"}
    )

    assert response.status_code == 429
    assert response["Retry-After"] == str(10 * 60)  # the window of 09:30 to 09:40
    assert VIEWER_TZ_COOKIE not in response.cookies
    page = response.content.decode()
    assert "Please try again in 10 minutes." in page
    assert '<option value="Asia/Kolkata" selected>' in page
    assert '<input type="hidden" name="next" value="/schedule/">' in page
    assert client.cookies[VIEWER_TZ_COOKIE].value == "Asia/Tokyo"


# Settings


def test_rates_are_read_as_count_per_period():
    assert rate_limits.Rate.parse("10/hour") == rate_limits.Rate(count=10, period=3600)
    assert rate_limits.Rate.parse("3/h") == rate_limits.Rate(count=3, period=3600)
    assert rate_limits.Rate.parse("30/10m") == rate_limits.Rate(count=30, period=600)
    assert rate_limits.Rate.parse(" 5/Days ") == rate_limits.Rate(count=5, period=86400)
    assert rate_limits.Rate.parse("off") is None


@pytest.mark.parametrize("text", ["10", "ten/hour", "0/hour", "10/fortnight", "10/0h", ""])
def test_a_mistyped_rate_stops_start_up(settings, text):
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": text, "email": "3/hour"}}
    with pytest.raises(ImproperlyConfigured, match="10/hour"):
        rate_limits.check_configuration()


# Shared by every process


def test_two_cache_clients_share_the_counts(redis_cache, rf, settings):
    """Two RedisCache instances, each with its own connections, as two gunicorn workers
    (or hosts) have: the third submission is over a limit of two whichever sends it."""
    settings.BATCHWISE_RATE_LIMITS = {"enquiry": {"ip": "2/hour", "email": "off"}}
    request = rf.post("/", REMOTE_ADDR="203.0.113.50")
    clients, outcomes = [], []

    def worker() -> None:
        # Django keeps one cache instance per thread: this worker's own client.
        clients.append(caches["default"])
        try:
            rate_limits.count_submission(request, form="enquiry")
        except rate_limits.RateLimited as limited:
            outcomes.append(limited.retry_after)
        else:
            outcomes.append(0)

    for _ in range(3):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()

    assert len({id(client) for client in clients}) == 3
    assert all(type(client).__name__ == "RedisCache" for client in clients)
    assert outcomes == [0, 0, 30 * 60]


def test_keys_hold_no_email_address_or_ip(redis_cache, rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.51")
    rate_limits.count_submission(
        request, form="enquiry", email="private.person@example.com", submission="token-1"
    )

    keys = b" ".join(redis.Redis.from_url(TEST_REDIS_URL).keys(f"{redis_cache}:*"))
    assert keys.count(b":rl:") == 3  # the submission seen, its IP, its email
    assert b"private" not in keys and b"example.com" not in keys and b"203.0.113" not in keys
