"""The contact page: the provider's details, and a general enquiry that is a lead like any
other (honeypot, time trap, rate limit, consent, repeat detection, round-robin owner)."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses import privacy
from enquiries import dashboard, services
from enquiries.models import Enquiry, OutgoingEmail
from tests.enquiries.test_enquire_page import read_form
from tests.factories import make_course, make_enquiry

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
CONTACT_URL = "/contact/"
READING = dt.timedelta(minutes=1)
WHAT_THEY_TYPE = {
    "name": "Priya Sharma",
    "email": "priya@example.com",
    "phone": "+44 20 7946 0958",
    "message": "Do you run courses for a team of twelve?",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def shown_a_minute_ago(client):
    with time_machine.travel(NOW - READING, tick=False):
        return client.get(CONTACT_URL)


def send(client, **overrides):
    """Open the contact page, fill it in a minute later, send it."""
    page = shown_a_minute_ago(client)
    return client.post(CONTACT_URL, read_form(page).values | WHAT_THEY_TYPE | overrides)


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.fixture
def sales(django_user_model):
    group, _ = Group.objects.get_or_create(name=services.SALES_GROUP)
    people = [
        django_user_model.objects.create_user(name, email=f"{name}@example.com", is_staff=True)
        for name in ("anil", "bina")
    ]
    for person in people:
        person.groups.add(group)
    return people


@pytest.mark.django_db
def test_contact_page_shows_the_providers_details_from_settings(client, settings):
    settings.BATCHWISE_CONTACT_EMAIL = "learn@acme.example"
    settings.BATCHWISE_CONTACT_PHONE = "+44 20 7946 0000"
    settings.BATCHWISE_CONTACT_ADDRESS = "1 High Street, Cambridge CB1 1AA"

    html = client.get(CONTACT_URL).content.decode()

    assert '<a href="mailto:learn@acme.example">learn@acme.example</a>' in html
    assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in html
    address = re.search(r"<address[^>]*>(.*?)</address>", html, re.S).group(1)
    assert "1 High Street, Cambridge CB1 1AA" in address


@pytest.mark.django_db
def test_contact_form_asks_for_the_usual_details_and_links_consent_to_the_notice(client):
    page = client.get(CONTACT_URL)

    form = read_form(page)
    assert {"id_name", "id_email", "id_phone", "id_message", "id_consent"} <= set(form.labels)
    assert {"website", "shown_at", "submission_token"} <= set(form.values)
    assert "batch" not in form.values
    assert form.labels["id_message"].strip().startswith("Your message")
    assert 'href="/privacy/"' in page.content.decode()


@pytest.mark.django_db
def test_general_enquiry_is_a_lead_about_no_course_with_consent_recorded(client, sales):
    response = send(client)

    assert response.status_code == 302
    assert response.url == "/enquiries/thanks/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.batch) == (Enquiry.Kind.GENERAL, None, None)
    assert enquiry.status == Enquiry.Status.NEW
    assert enquiry.message == WHAT_THEY_TYPE["message"]
    assert enquiry.phone == "+442079460958"
    assert enquiry.consent_version == privacy.NOTICE_VERSION
    assert enquiry.consent_text == privacy.ENQUIRY_CONSENT
    assert enquiry.owner == sales[0]
    assert str(enquiry) == f"{enquiry.reference} · Priya Sharma · General enquiry"


@pytest.mark.django_db
def test_thanks_page_after_a_general_enquiry_says_what_happens_next(client):
    send(client)

    html = client.get("/enquiries/thanks/").content.decode()

    assert "A general enquiry from our contact page." in html
    assert "Someone from our team reads your message and replies within one working day." in html
    assert "reserve your seat" not in html


@pytest.mark.django_db
def test_general_enquiries_go_round_robin_and_a_repeat_goes_to_the_first_owner(client, sales):
    first = make_enquiry(course=None, email="priya@example.com")
    other = make_enquiry(course=None, email="ravi@example.com", phone="+919800000000")

    send(client, email="PRIYA@example.com")

    repeat = Enquiry.objects.get(email="PRIYA@example.com")
    assert (first.owner, other.owner) == (sales[0], sales[1])
    assert repeat.duplicate_of == first
    assert repeat.owner == first.owner


@pytest.mark.django_db
def test_a_general_enquiry_is_not_taken_for_a_repeat_of_a_course_enquiry(client):
    make_enquiry(course=make_course(), email="priya@example.com")

    send(client)

    assert Enquiry.objects.get(kind=Enquiry.Kind.GENERAL).duplicate_of is None


@pytest.mark.django_db
def test_acknowledgement_of_a_general_enquiry_names_no_course(client):
    send(client)

    enquiry = Enquiry.objects.get()
    ack = OutgoingEmail.objects.get(to="priya@example.com")
    assert ack.subject == f"Your enquiry (ref. {enquiry.reference})"
    for body in (ack.body_text, ack.body_html):
        assert "Thank you for your enquiry. Your reference is" in body
        assert "You wrote to us from our contact page" in body
        assert "reserve your seat" not in body
        assert "/schedule/" in body


@pytest.mark.django_db
def test_filled_honeypot_looks_like_success_and_is_stored_as_spam(client):
    response = send(client, website="http://spam.example")

    assert response.status_code == 302
    assert Enquiry.objects.get().status == Enquiry.Status.SPAM
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_missing_message_is_an_error_that_keeps_everything_else(client):
    response = send(client, message="")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please write your message." in html
    assert 'value="Priya Sharma"' in html
    assert title(response) == "Error: Contact us · Batchwise"
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_over_the_rate_limit_nothing_is_stored_and_the_form_is_kept(client):
    answers = [send(client).status_code for _ in range(4)]

    assert answers == [302, 302, 302, 429]  # 3 an hour to one address (the default)
    assert Enquiry.objects.count() == 3
    over = send(client, message="A fourth question")
    assert over.status_code == 429
    assert "A fourth question" in over.content.decode()
    assert "rate-limited" in over.content.decode()


@pytest.mark.django_db
def test_only_a_general_enquiry_may_name_no_course():
    enquiry = make_enquiry(course=make_course())
    enquiry.course = None

    with pytest.raises(ValidationError, match="Choose the course this enquiry is about"):
        enquiry.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.filter(pk=enquiry.pk).update(course=None)


@pytest.mark.django_db
def test_dashboard_counts_general_enquiries_under_their_own_name():
    make_enquiry(course=None)
    make_enquiry(course=make_course(title="Python"))

    weekly = dashboard.weekly_enquiries()

    assert sorted(series.label for series in weekly.series) == ["General enquiries", "Python"]
