"""The thank-you page after an enquiry: what happens next, in words that fit its kind."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine

from courses.models import Batch
from enquiries.views.public import RECEIVED_SESSION_KEY
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
SEAT_IN_THE_BATCH = "When you are ready, they reserve your seat in the batch."


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def thanks_page_text(client, enquiry) -> str:
    """The text of the thanks page's main content, as a reader hears it (tags dropped)."""
    session = client.session
    session[RECEIVED_SESSION_KEY] = enquiry.reference
    session.save()
    html = client.get("/enquiries/thanks/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", "", main)).split())


def one_on_one_enquiry():
    return make_enquiry(course=make_course(), kind="one_on_one")


@pytest.mark.django_db
def test_batch_enquiry_thanks_page_names_the_batch_without_a_space_before_the_full_stop(client):
    batch = make_batch(
        track=Batch.Track.WEEKDAY, start_date=dt.date(2026, 3, 16), end_date=dt.date(2026, 4, 10)
    )

    text = thanks_page_text(client, make_enquiry(batch=batch))

    assert (
        "Weekdays (Mon–Fri) batch, Mon 16 Mar 2026 (starts in 14 days) – Fri 10 Apr 2026. Sessions"
        in text
    )
    assert SEAT_IN_THE_BATCH in text


@pytest.mark.django_db
def test_one_on_one_thanks_page_promises_a_personal_schedule_not_a_seat_in_a_batch(client):
    text = thanks_page_text(client, one_on_one_enquiry())

    assert "They propose a personal schedule on your days and times" in text
    assert "private link to your training plan" in text
    assert "batch" not in text.split("What happens next")[1].split("Back to the schedule")[0]


@pytest.mark.django_db
def test_course_enquiry_thanks_page_offers_to_suggest_batches(client):
    text = thanks_page_text(client, make_enquiry(course=make_course()))

    assert "They suggest the batches that suit you" in text
    assert "they reserve your seat in the batch you choose." in text
    assert SEAT_IN_THE_BATCH not in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["batch", "course", "one_on_one", "general"])
def test_no_thanks_page_has_a_space_before_punctuation(client, kind):
    enquiry = {
        "batch": lambda: make_enquiry(batch=make_batch()),
        "course": lambda: make_enquiry(course=make_course()),
        "one_on_one": one_on_one_enquiry,
        "general": lambda: make_enquiry(course=None),
    }[kind]()

    text = thanks_page_text(client, enquiry)

    assert not re.search(r"\s[.,;:]", text), text


@pytest.mark.django_db
def test_thanks_page_after_a_contact_message_calls_it_a_message(client):
    text = thanks_page_text(client, make_enquiry(course=None))

    assert text.startswith("Thank you — we have your message")
    assert "enquiry" not in text.split("Your reference")[0]
