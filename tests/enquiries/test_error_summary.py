"""After a submit with errors, every public form opens on an error summary that takes the
focus and links to each field in error, and the page's title starts with "Error: "."""

import datetime as dt
import re
import uuid

import pytest
import time_machine

from enquiries.services import seats
from tests.factories import make_batch, make_course

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
SUMMARY = re.compile(
    r'<div class="alert alert-danger error-summary" id="error-summary" tabindex="-1" autofocus>'
    r"(.*?)</div>\s*</div>",
    re.S,
)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def form_urls() -> dict[str, str]:
    course = make_course(title="Python Basics")
    full = make_batch(course=course, capacity=1)
    seats.enroll(batch=full, learner=seats.Learner(name="Seated", email="seated@example.com"))
    return {
        "enquiry": f"/courses/{course.slug}/enquire/",
        "waiting list": f"/courses/{course.slug}/waiting-list/?batch={full.pk}",
        "one-on-one": f"/courses/{course.slug}/one-on-one/",
        "contact": "/contact/",
    }


TITLES = {
    "enquiry": "Enquire about Python Basics · Batchwise",
    "waiting list": "Join the waiting list: Python Basics · Batchwise",
    "one-on-one": "One-on-one training in Python Basics · Batchwise",
    "contact": "Contact us · Batchwise",
}
FORMS = list(TITLES)


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def send_empty(client, url: str) -> str:
    response = client.post(url, {"submission_token": str(uuid.uuid4())})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_form_page_title_has_no_error_prefix_before_a_submit(client, form):
    html = client.get(form_urls()[form]).content.decode()

    assert title(html) == TITLES[form]
    assert 'id="error-summary"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_failed_submit_titles_the_page_error(client, form):
    html = send_empty(client, form_urls()[form])

    assert title(html) == f"Error: {TITLES[form]}"


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_failed_submit_opens_on_a_summary_linking_to_each_field_in_error(client, form):
    html = send_empty(client, form_urls()[form])

    summary = SUMMARY.search(html)
    assert summary, "no error summary with the focus"
    assert html.index('id="error-summary"') < html.index('<form method="post"')
    links = re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert ("id_name", "Please tell us your name.") in links
    assert ("id_email", "Please give an email address so we can reply.") in links
    for target, _ in links:  # every link lands on a field of the form
        assert re.search(rf'<(input|select|textarea)[^>]* id="{target}"', html), target


@pytest.mark.django_db
def test_summary_of_a_choice_of_days_links_to_its_first_box(client):
    html = send_empty(client, form_urls()["one-on-one"])

    summary = SUMMARY.search(html).group(1)
    assert 'href="#id_preferred_days_0"' in summary
    assert 'id="id_preferred_days_0"' in html


@pytest.mark.django_db
def test_summary_shows_an_error_of_the_whole_form_without_field_links(client):
    """A tab left open for days: the form asks to be sent again, nothing is wrong with a field."""
    url = form_urls()["contact"]
    stale = {
        "submission_token": str(uuid.uuid4()),
        "name": "Priya Sharma",
        "email": "priya@example.com",
        "phone": "+442079460958",
        "message": "Hello",
        "consent": "on",
    }
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        stale["shown_at"] = re.search(
            r'name="shown_at" value="([^"]+)"', client.get(url).content.decode()
        ).group(1)

    html = client.post(url, stale).content.decode()

    summary = SUMMARY.search(html).group(1)
    assert "This page was open for a long time" in summary
    assert "<a href" not in summary
    assert title(html).startswith("Error: ")
