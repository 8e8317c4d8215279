"""The Enquire Now page: GET the form for a course or batch, POST it, land on the thanks page."""

import datetime as dt
import re
import uuid
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils.html import escape

from courses.models import Batch, Course
from enquiries.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, Enquiry
from enquiries.views.public import RECEIVED_SESSION_KEY
from tests.factories import make_batch, make_course, next_weekday, shown_form_stamp

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
THANKS_URL = "/enquiries/thanks/"
REFERENCE_ON_THANKS_PAGE = re.compile(r'id="enquiry-reference">([^<]+)<')


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


class _PageForm(HTMLParser):
    """What a browser would send back from the page's form, and the text of each label."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._textarea: str | None = None
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.values[attrs["name"]] = attrs.get("value") or (
                    "on" if attrs.get("type") == "checkbox" else ""
                )
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""
        elif tag == "label":
            self._label = attrs.get("for", "")
            self.labels[self._label] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data
        if self._label is not None:
            self.labels[self._label] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            # Browsers drop the newline that follows <textarea>.
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "label":
            self._label = None


def read_form(response) -> _PageForm:
    page = _PageForm()
    page.feed(response.content.decode())
    return page


def field_html(response, name: str) -> str:
    """The rendered block of one field: its label, input, help text and error."""
    html = response.content.decode()
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end != -1 else html.index("</form>", start)]


def enquire_url(course: Course, batch: Batch | str | int | None = None) -> str:
    url = f"/courses/{course.slug}/enquire/"
    if batch is None:
        return url
    return f"{url}?batch={batch.pk if isinstance(batch, Batch) else batch}"


WHAT_THE_LEARNER_TYPES = {
    "name": "Priya Sharma",
    "email": "priya@example.com",
    "phone": "+44 20 7946 0958",
    "message": "Is there a discount for students?",
    "consent": "on",
}


def typed(batch: Batch | str | None = None, **overrides) -> dict[str, str]:
    """A learner's complete, valid form, as the browser posts it."""
    return (
        {
            "website": "",
            "batch": str(batch.pk if isinstance(batch, Batch) else batch or ""),
            "submission_token": str(uuid.uuid4()),
            "came_from": "",
            "shown_at": shown_form_stamp(),
        }
        | WHAT_THE_LEARNER_TYPES
        | overrides
    )


READING = dt.timedelta(minutes=1)  # from showing the form to sending it: a person reads


def shown_a_minute_ago(client, url: str, **headers):
    """GET the form as the learner did, a minute before they send it (the time trap)."""
    with time_machine.travel(NOW - READING, tick=False):
        return client.get(url, **headers)


def fill_in(page, **overrides) -> dict[str, str]:
    """The form on `page` (hidden fields included) with the learner's typing added."""
    return read_form(page).values | WHAT_THE_LEARNER_TYPES | overrides


def reference_on_thanks_page(client) -> str:
    response = client.get(THANKS_URL)
    assert response.status_code == 200
    match = REFERENCE_ON_THANKS_PAGE.search(response.content.decode())
    assert match, "the thanks page shows no reference"
    return match.group(1)


# GET: what the form is about


@pytest.mark.django_db
def test_form_page_describes_the_batch_with_weekdays_and_time_zone(client):
    course = make_course(title="Kubernetes for Developers")
    batch = make_batch(
        course=course,
        track=Batch.Track.WEEKEND,
        start_date=dt.date(2026, 3, 14),
        end_date=dt.date(2026, 4, 5),
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 0),
        timezone="Europe/London",
    )

    response = client.get(enquire_url(course, batch))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enquire about Kubernetes for Developers" in html
    assert "Weekend (Sat–Sun)" in html
    assert "Sat 14 Mar 2026" in html
    assert "Sun 5 Apr 2026" in html
    # Before the clocks change on 29 March, London is on GMT.
    assert "Sat–Sun, 10:00–13:00 GMT" in html
    assert "Europe/London" in html
    assert read_form(response).values["batch"] == str(batch.pk)


@pytest.mark.django_db
def test_form_page_labels_every_field_in_plain_words(client):
    batch = make_batch()

    labels = read_form(client.get(enquire_url(batch.course, batch))).labels

    assert labels["id_name"].strip().startswith("Full name")
    assert labels["id_email"].strip().startswith("Email address")
    assert labels["id_phone"].strip().startswith("Phone number")
    assert (
        labels["id_consent"]
        .strip()
        .startswith("I agree to be contacted by email or phone about this enquiry.")
    )


@pytest.mark.django_db
def test_form_page_carries_a_fresh_submission_token_on_each_visit(client):
    batch = make_batch()

    first = client.get(enquire_url(batch.course, batch))
    second = client.get(enquire_url(batch.course, batch))

    tokens = {read_form(page).values["submission_token"] for page in (first, second)}
    assert len(tokens) == 2
    assert str(first.context["form"]["submission_token"].value()) in tokens


# POST: success


@pytest.mark.django_db
def test_valid_batch_enquiry_is_recorded_and_redirects_to_the_thanks_page(client):
    course = make_course(title="Deep Learning")
    batch = make_batch(course=course)
    page = shown_a_minute_ago(client, enquire_url(course, batch))
    token = str(page.context["form"]["submission_token"].value())

    response = client.post(
        enquire_url(course),
        fill_in(page, name="Priya Sharma", email="priya@example.com", phone="+44 20 7946 0958"),
    )

    assert response.status_code == 302
    assert response.url == THANKS_URL
    enquiry = Enquiry.objects.get()
    assert enquiry.kind == Enquiry.Kind.BATCH
    assert (enquiry.course, enquiry.batch) == (course, batch)
    assert enquiry.status == Enquiry.Status.NEW
    assert enquiry.phone == "+442079460958"
    assert enquiry.consent_at == NOW
    assert str(enquiry.submission_token) == token
    assert len(enquiry.reference) == REFERENCE_LENGTH
    assert set(enquiry.reference) <= set(REFERENCE_ALPHABET)

    thanks = client.get(response.url)
    assert enquiry.reference in thanks.content.decode()
    assert "Deep Learning" in thanks.content.decode()
    for personal in ("Priya", "Sharma", "priya@example.com", "7946", "0958", "priya%40example.com"):
        assert personal not in response.url
        assert personal not in thanks.request["PATH_INFO"] + thanks.request["QUERY_STRING"]


@pytest.mark.django_db
def test_enquiry_without_a_batch_is_a_course_enquiry(client):
    course = make_course()
    page = shown_a_minute_ago(client, enquire_url(course))
    assert "A general enquiry about the course" in page.content.decode()

    response = client.post(enquire_url(course), fill_in(page))

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.batch) == (Enquiry.Kind.COURSE, course, None)


@pytest.mark.django_db
def test_thanks_page_without_an_enquiry_in_the_session_says_so(client):
    response = client.get(THANKS_URL)

    assert response.status_code == 200
    assert "No recent enquiry" in response.content.decode()


# POST: invalid fields


NAME_REQUIRED = "Please tell us your name."
EMAIL_INVALID = "Enter an email address like name@example.com."
PHONE_NEEDS_COUNTRY_CODE = (
    "Enter your phone number with its country code, starting with +, e.g. +91 98123 45678."
)
PHONE_INCOMPLETE = (
    "That doesn't look like a complete phone number for its country. "
    "Check the digits and the country code."
)
CONSENT_REQUIRED = "Please tick this box so we can contact you about your enquiry."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("name", "", NAME_REQUIRED, id="missing-name"),
        pytest.param("name", "   ", NAME_REQUIRED, id="blank-name"),
        pytest.param("email", "priya-at-example.com", EMAIL_INVALID, id="bad-email"),
        pytest.param("phone", "98123 45678", PHONE_NEEDS_COUNTRY_CODE, id="phone-no-country"),
        pytest.param("phone", "+44 123", PHONE_INCOMPLETE, id="phone-invalid-for-country"),
        pytest.param("consent", None, CONSENT_REQUIRED, id="missing-consent"),
    ],
)
@pytest.mark.django_db
def test_invalid_field_shows_its_message_beside_it_and_keeps_the_rest(
    client, field, value, message
):
    batch = make_batch()
    data = typed(batch) | {field: value}
    if value is None:
        del data[field]

    response = client.post(enquire_url(batch.course), data)

    assert response.status_code == 200
    assert escape(message) in field_html(response, field)
    assert "Please correct the fields marked below" in response.content.decode()
    kept = read_form(response).values
    for other in ("name", "email", "phone", "message", "consent", "batch", "submission_token"):
        if other != field:
            assert kept[other] == data[other], other
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_invalid_phone_is_shown_as_typed_so_the_learner_can_fix_it(client):
    batch = make_batch()

    response = client.post(enquire_url(batch.course), typed(batch, phone="98123 45678"))

    assert read_form(response).values["phone"] == "98123 45678"


@pytest.mark.django_db
def test_overlong_email_is_a_form_error_not_a_server_error(client):
    batch = make_batch()
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "com"  # 260 characters, valid syntax

    response = client.post(enquire_url(batch.course), typed(batch, email=email))

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Enquiry.objects.exists()


# POST: the same submission again


@pytest.mark.django_db
def test_double_submission_and_back_then_resubmit_record_one_enquiry(client):
    batch = make_batch()
    form = fill_in(shown_a_minute_ago(client, enquire_url(batch.course, batch)))

    # A double click: two posts before the thanks page loads.
    first = client.post(enquire_url(batch.course), form)
    reference_after_first = client.session[RECEIVED_SESSION_KEY]
    second = client.post(enquire_url(batch.course), form)

    assert (first.status_code, first.url) == (302, THANKS_URL)
    assert (second.status_code, second.url) == (302, THANKS_URL)
    reference = reference_on_thanks_page(client)
    assert reference == reference_after_first == Enquiry.objects.get().reference

    # Back from the thanks page to the form, and send it again.
    third = client.post(enquire_url(batch.course), form)

    assert (third.status_code, third.url) == (302, THANKS_URL)
    assert reference_on_thanks_page(client) == reference
    assert Enquiry.objects.count() == 1


# Batches that take no enquiries


def cancelled_batch(course: Course) -> str:
    return str(make_batch(course=course, status=Batch.Status.CANCELLED).pk)


def started_batch(course: Course) -> str:
    return str(make_batch(course=course, start_date=next_weekday(TODAY - dt.timedelta(7), 0)).pk)


def unpublished_batch(course: Course) -> str:
    return str(make_batch(course=course, is_published=False).pk)


def other_courses_batch(course: Course) -> str:
    return str(make_batch().pk)


def missing_batch(course: Course) -> str:
    return str(make_batch(course=course).pk + 1000)


REFUSED_BATCHES = [
    pytest.param(cancelled_batch, "This batch has been cancelled.", id="cancelled"),
    pytest.param(started_batch, "This batch has already started.", id="started"),
    pytest.param(unpublished_batch, "This batch is not open for enquiries.", id="unpublished"),
    pytest.param(
        other_courses_batch, "That batch is not part of Deep Learning.", id="other-course"
    ),
    pytest.param(missing_batch, "We couldn't find that batch.", id="nonexistent"),
    pytest.param(lambda course: "abc", "We couldn't find that batch.", id="not-a-number"),
    pytest.param(lambda course: "-1", "We couldn't find that batch.", id="negative"),
    pytest.param(lambda course: "9" * 25, "We couldn't find that batch.", id="beyond-bigint"),
]


@pytest.mark.parametrize(("batch_param", "refusal"), REFUSED_BATCHES)
@pytest.mark.django_db
def test_form_page_for_a_closed_batch_explains_and_links_to_the_schedule(
    client, batch_param, refusal
):
    course = make_course(title="Deep Learning", slug="deep-learning")

    response = client.get(enquire_url(course, batch_param(course)))

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(refusal) in html
    assert 'href="/schedule/?course=deep-learning"' in html
    assert "A general enquiry about the course" in html
    assert read_form(response).values["batch"] == ""


@pytest.mark.parametrize(("batch_param", "refusal"), REFUSED_BATCHES)
@pytest.mark.django_db
def test_posting_a_closed_batch_keeps_what_was_typed_and_resends_as_a_course_enquiry(
    client, batch_param, refusal
):
    course = make_course(title="Deep Learning", slug="deep-learning")
    data = typed(batch_param(course))

    response = client.post(enquire_url(course), data)

    assert response.status_code == 200
    assert escape(refusal) in response.content.decode()
    assert not Enquiry.objects.exists()
    kept = read_form(response).values
    for field in ("name", "email", "phone", "message", "consent", "submission_token"):
        assert kept[field] == data[field], field
    assert kept["batch"] == ""

    # The learner sends the re-rendered form as it is.
    resent = client.post(enquire_url(course), kept)

    assert (resent.status_code, resent.url) == (302, THANKS_URL)
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.batch) == (Enquiry.Kind.COURSE, course, None)


@pytest.mark.django_db
def test_batch_id_in_unicode_digits_is_refused_not_a_server_error(client):
    course = make_course()

    response = client.get(enquire_url(course, "²"))

    assert response.status_code == 200
    assert escape("We couldn't find that batch.") in response.content.decode()


@pytest.mark.django_db
def test_batch_that_starts_today_still_takes_enquiries(client):
    batch = make_batch(start_date=TODAY)

    response = client.post(enquire_url(batch.course), typed(batch))

    assert response.status_code == 302
    assert Enquiry.objects.get().batch == batch


# Honeypot


@pytest.mark.django_db
def test_filled_honeypot_looks_like_success_and_is_stored_as_spam(client):
    batch = make_batch()

    response = client.post(
        enquire_url(batch.course), typed(batch, website="https://cheap-pills.example")
    )

    assert (response.status_code, response.url) == (302, THANKS_URL)
    enquiry = Enquiry.objects.get()
    assert enquiry.status == Enquiry.Status.SPAM
    assert reference_on_thanks_page(client) == enquiry.reference


@pytest.mark.django_db
def test_filled_honeypot_with_a_closed_batch_still_looks_like_success(client):
    course = make_course()
    batch = make_batch(course=course, status=Batch.Status.CANCELLED)

    response = client.post(enquire_url(course), typed(batch, website="https://spam.example"))

    assert (response.status_code, response.url) == (302, THANKS_URL)
    enquiry = Enquiry.objects.get()
    # Stored as the bot sent it, for staff to see; no batch rule is applied to spam.
    assert (enquiry.status, enquiry.batch) == (Enquiry.Status.SPAM, batch)


# Where the lead came from


@pytest.mark.django_db
def test_campaign_visit_and_form_referer_are_recorded_on_the_enquiry(client):
    batch = make_batch()
    campaign_page = "/courses/?utm_source=newsletter&utm_medium=email&utm_campaign=dec"
    course_page = f"http://testserver/courses/{batch.course.slug}/"
    assert client.get(campaign_page).status_code == 200

    page = shown_a_minute_ago(client, enquire_url(batch.course, batch), HTTP_REFERER=course_page)
    response = client.post(enquire_url(batch.course), fill_in(page))

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.utm_source, enquiry.utm_medium, enquiry.utm_campaign) == (
        "newsletter",
        "email",
        "dec",
    )
    assert enquiry.landing_page == campaign_page
    assert enquiry.came_from == course_page
    assert enquiry.referrer == ""


@pytest.mark.django_db
def test_arrival_from_another_site_records_the_external_referrer(client):
    batch = make_batch()

    client.get("/courses/", HTTP_REFERER="https://www.google.com/")
    assert client.session["attribution"] == {
        "landing_page": "/courses/",
        "referrer": "https://www.google.com/",
    }
    page = shown_a_minute_ago(client, enquire_url(batch.course, batch))
    client.post(enquire_url(batch.course), fill_in(page))

    enquiry = Enquiry.objects.get()
    assert (enquiry.referrer, enquiry.landing_page) == ("https://www.google.com/", "/courses/")
    assert enquiry.utm_source == ""


@pytest.mark.django_db
def test_later_campaign_visit_replaces_the_earlier_attribution(client):
    client.get("/courses/", HTTP_REFERER="https://www.google.com/")
    client.get("/courses/?utm_source=linkedin")

    assert client.session["attribution"] == {
        "landing_page": "/courses/?utm_source=linkedin",
        "referrer": "",
        "utm_source": "linkedin",
    }


@pytest.mark.django_db
def test_plain_visit_writes_nothing_to_the_session(client, settings):
    batch = make_batch()

    client.get("/courses/")
    client.get(enquire_url(batch.course, batch), HTTP_REFERER="http://testserver/courses/")

    # No session cookie: nothing was stored. (Reading client.session would create one.)
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert "attribution" not in client.session


@pytest.mark.django_db
def test_campaign_link_with_a_nul_byte_does_not_break_the_enquiry(client):
    batch = make_batch()
    client.get("/courses/?utm_source=news%00letter")

    page = shown_a_minute_ago(client, enquire_url(batch.course, batch))
    response = client.post(enquire_url(batch.course), fill_in(page))

    assert response.status_code == 302
    assert "\x00" not in Enquiry.objects.get().utm_source


# Courses that take no enquiries


@pytest.mark.django_db
def test_unknown_course_is_not_found(client):
    assert client.get("/courses/no-such-course/enquire/").status_code == 404


@pytest.mark.django_db
def test_unpublished_course_is_not_found_and_takes_no_enquiries(client):
    course = make_course(is_published=False)

    assert client.get(enquire_url(course)).status_code == 404
    assert client.post(enquire_url(course), typed()).status_code == 404
    assert not Enquiry.objects.exists()
