"""The time trap beside the honeypot: every public form carries when it was shown, signed.
Sent with no stamp, a forged one or too soon after it was shown, it is kept as spam, silently;
sent from a tab left open for days, it is shown again to be sent again."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing

from enquiries.models import Enquiry, OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.enquiries.test_enquire_page import fill_in
from tests.enquiries.test_one_on_one import WHAT_THE_LEARNER_TYPES as ONE_ON_ONE_TYPED
from tests.enquiries.test_one_on_one import read_form as read_one_on_one_form
from tests.factories import make_batch, make_course, shown_form_stamp

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
STAMP = re.compile(r'<input type="hidden" name="shown_at" value="([^"]+)"')
READING = dt.timedelta(seconds=20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def stamp_on(page) -> str:
    match = STAMP.search(page.content.decode())
    assert match, "the form carries no stamp"
    return match.group(1)


def full_batch():
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="Seated", email="seated@example.com"))
    return batch


def the_three_forms():
    """(url, what a learner sends without the stamp) for each public form."""
    course = make_course()
    batch = full_batch()
    learner = {
        "name": "Priya Sharma",
        "email": "priya@example.com",
        "phone": "+44 20 7946 0958",
        "consent": "on",
        "submission_token": "2f1e8a2c-5a8e-4f7e-9a37-6a6f0f1b9e11",
    }
    return {
        "enquiry": (f"/courses/{course.slug}/enquire/", learner),
        "waiting list": (
            f"/courses/{batch.course.slug}/waiting-list/?batch={batch.pk}",
            learner,
        ),
        "contact": ("/contact/", learner | {"message": "Do you train teams?"}),
        "one-on-one": (
            f"/courses/{course.slug}/one-on-one/",
            learner | {k: v for k, v in ONE_ON_ONE_TYPED.items() if k not in learner},
        ),
    }


# A bot's post is stored as spam, and it sees the usual page


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["enquiry", "waiting list", "one-on-one", "contact"])
@pytest.mark.parametrize(
    "stamp",
    ["absent", "forged", "sent at once"],
)
def test_a_post_without_a_fresh_form_is_kept_as_spam_and_answered_as_usual(client, form, stamp):
    url, learner = the_three_forms()[form]
    data = dict(learner)
    if stamp == "forged":
        data["shown_at"] = shown_form_stamp()[:-2] + "xx"
    elif stamp == "sent at once":
        data["shown_at"] = stamp_on(client.get(url))

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url in ("/enquiries/thanks/", "/waiting-list/emailed/")
    enquiry = Enquiry.objects.get(email="priya@example.com")
    assert enquiry.status == Enquiry.Status.SPAM
    assert not OutgoingEmail.objects.filter(to="priya@example.com").exists()
    assert not WaitlistEntry.objects.filter(email="priya@example.com").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["enquiry", "waiting list", "one-on-one", "contact"])
def test_a_form_sent_after_it_was_read_is_a_real_enquiry(client, clock, form):
    url, learner = the_three_forms()[form]
    stamp = stamp_on(client.get(url))
    clock.shift(READING)

    response = client.post(url, learner | {"shown_at": stamp})

    assert response.status_code == 302
    assert Enquiry.objects.get(email="priya@example.com").status == Enquiry.Status.NEW
    assert OutgoingEmail.objects.filter(to="priya@example.com").exists()


@pytest.mark.django_db
def test_the_minimum_time_is_a_setting(client, clock, settings):
    settings.BATCHWISE_FORM_MIN_SECONDS = 60
    url, learner = the_three_forms()["enquiry"]
    stamp = stamp_on(client.get(url))
    clock.shift(READING)

    client.post(url, learner | {"shown_at": stamp})

    assert Enquiry.objects.get().status == Enquiry.Status.SPAM


@pytest.mark.django_db
def test_a_stamp_from_another_purpose_is_forged(client):
    """A value signed by the same key for something else (a signed cookie, say)."""
    url, learner = the_three_forms()["enquiry"]
    other = signing.TimestampSigner(salt="something.else").sign("form")

    with time_machine.travel(NOW + READING, tick=False):
        client.post(url, learner | {"shown_at": other})

    assert Enquiry.objects.get().status == Enquiry.Status.SPAM


# A person's slow form


@pytest.mark.django_db
def test_a_form_left_open_for_days_comes_back_with_what_was_typed_and_a_fresh_stamp(client, clock):
    course = make_course()
    url = f"/courses/{course.slug}/enquire/"
    page = client.get(url)
    clock.shift(dt.timedelta(days=3))

    response = client.post(url, fill_in(page, message="Still interested."))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("This page was open for a long time") == 1
    assert 'value="Priya Sharma"' in html and "Still interested.</textarea>" in html
    assert stamp_on(response) != stamp_on(page)
    assert not Enquiry.objects.exists()
    # Sent straight back: the form was read already, so it is no bot's.
    sent = client.post(url, fill_in(response))
    assert sent.status_code == 302
    assert Enquiry.objects.get().status == Enquiry.Status.NEW


@pytest.mark.django_db
def test_waiting_list_and_one_on_one_forms_left_open_ask_to_be_sent_again(client, clock):
    forms = the_three_forms()
    stamps = {name: stamp_on(client.get(url)) for name, (url, _) in forms.items()}
    clock.shift(dt.timedelta(days=2))

    for name in ("waiting list", "one-on-one"):
        url, learner = forms[name]
        response = client.post(url, learner | {"shown_at": stamps[name]})
        assert response.status_code == 200, name
        assert "This page was open for a long time" in response.content.decode(), name
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_keeps_its_first_stamp(client, clock):
    course = make_course()
    url = f"/courses/{course.slug}/one-on-one/"
    page = client.get(url)
    clock.shift(dt.timedelta(seconds=2))
    data = read_one_on_one_form(page) | ONE_ON_ONE_TYPED | {"phone": "12"}

    corrected = client.post(url, data)

    assert corrected.status_code == 200
    assert stamp_on(corrected) == stamp_on(page)  # the clock did not restart
    clock.shift(dt.timedelta(seconds=2))
    client.post(url, read_one_on_one_form(corrected) | {"phone": "+1 212 555 0147"})
    assert Enquiry.objects.get().status == Enquiry.Status.NEW


@pytest.mark.django_db
def test_each_showing_of_a_form_has_its_own_stamp(client, clock):
    url, _ = the_three_forms()["enquiry"]
    first = stamp_on(client.get(url))
    clock.shift(dt.timedelta(seconds=5))
    assert stamp_on(client.get(url)) != first
