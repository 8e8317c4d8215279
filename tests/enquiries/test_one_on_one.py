"""Asking for one-on-one training: the page, its form, and submit_one_on_one's rules."""

import datetime as dt
import re
import threading
import uuid
from collections import Counter
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.html import escape

from enquiries import services
from enquiries.models import Enquiry, OneOnOneRequest, OutgoingEmail, Weekday
from enquiries.services.one_on_one import Preferences, submit_one_on_one
from enquiries.views.public import RECEIVED_SESSION_KEY
from tests.factories import make_course, make_enquiry, shown_form_stamp

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
THANKS_URL = "/enquiries/thanks/"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


class _PageForm(HTMLParser):
    """What a browser would send back from the page's form: every value, ticked box and choice."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") != "submit":
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self._add(name, attrs.get("value") or ("on" if attrs["type"] == "checkbox" else ""))
            else:
                self.values.setdefault(name, [])
        elif tag == "select":
            self._select = name
            self.values[name] = []
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs["value"])
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self.values[self._textarea][0] = self.values[self._textarea][0].removeprefix("\n")
            self._textarea = None


def read_form(response) -> dict[str, list[str]]:
    page = _PageForm()
    page.feed(response.content.decode())
    return page.values


def field_html(response, name: str) -> str:
    """The rendered block of one field: its label, input, help text and error."""
    html = response.content.decode()
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end != -1 else html.index("</form>", start)]


def one_on_one_url(course) -> str:
    return f"/courses/{course.slug}/one-on-one/"


WHAT_THE_LEARNER_TYPES = {
    "preferred_days": ["1", "3"],  # Tuesday, Thursday
    "window_start": "18:00",
    "window_end": "21:00",
    "timezone": "America/New_York",
    "session_minutes": "90",
    "sessions_per_week": "2",
    "weeks": "4",
    "earliest_start": "2026-03-03",
    "name": "Maya Cohen",
    "email": "maya@example.com",
    "phone": "+1 212 555 0147",
    "message": "I work shifts; evenings suit me.",
    "consent": "on",
}


def typed(**overrides) -> dict:
    """A learner's complete, valid form, as the browser posts it."""
    return (
        {
            "website": "",
            "submission_token": str(uuid.uuid4()),
            "came_from": "",
            "shown_at": shown_form_stamp(),
        }
        | WHAT_THE_LEARNER_TYPES
        | overrides
    )


def preferences(**overrides) -> Preferences:
    fields = {
        "preferred_days": (Weekday.TUESDAY, Weekday.THURSDAY),
        "window_start": dt.time(18, 0),
        "window_end": dt.time(21, 0),
        "timezone": "America/New_York",
        "session_minutes": 90,
        "sessions_per_week": 2,
        "weeks": 4,
        "earliest_start": dt.date(2026, 3, 3),
    } | overrides
    return Preferences(**fields)


def learner(**overrides) -> dict:
    return {
        "name": "Maya Cohen",
        "email": "maya@example.com",
        "phone": "+12125550147",
        "consented": True,
        "submission_token": uuid.uuid4(),
    } | overrides


# The page


@pytest.mark.django_db
def test_course_page_links_to_one_on_one_training(client):
    course = make_course(title="Deep Learning", slug="deep-learning")

    html = client.get(course.get_absolute_url()).content.decode()

    assert 'href="/courses/deep-learning/one-on-one/">One-on-one training</a>' in html


@pytest.mark.django_db
def test_form_page_asks_for_days_times_zone_and_amount_with_native_inputs(client):
    course = make_course(title="Deep Learning")

    response = client.get(one_on_one_url(course))

    assert response.status_code == 200
    html = response.content.decode()
    assert "One-on-one training in Deep Learning" in html
    for label in (
        "Days that suit you",
        "Earliest start time",
        "Latest end time",
        "Your time zone",
        "Length of each session",
        "Sessions a week",
        "Number of weeks",
        "Earliest start date",
        "Full name",
        "Email address",
        "Phone number",
    ):
        assert label in html, label
    for day in Weekday:
        assert f'value="{day.value}"' in field_html(response, "preferred_days")
        assert day.label in field_html(response, "preferred_days")
    assert 'type="time" name="window_start"' in html
    assert 'type="time" name="window_end"' in html
    assert 'type="date" name="earliest_start"' in html
    lengths = field_html(response, "session_minutes")
    for value, label in [
        ("60", "1 hour"),
        ("90", "1½ hours"),
        ("120", "2 hours"),
        ("180", "3 hours"),
    ]:
        assert f'<option value="{value}"' in lengths and label in lengths
    assert '<optgroup label="America">' in field_html(response, "timezone")
    assert 'name="batch"' not in html
    assert re.search(r"/static/batchwise/local-time-zone\.\w+\.js", html)
    assert "<script>" not in html  # no inline script: the CSP forbids it


@pytest.mark.django_db
def test_time_zone_defaults_to_the_providers_zone_and_is_marked_for_the_script(client, settings):
    settings.TIME_ZONE = "Europe/London"
    course = make_course()

    response = client.get(one_on_one_url(course))

    form = read_form(response)
    assert form["timezone"] == ["Europe/London"]
    zone = field_html(response, "timezone")
    assert 'data-local-time-zone="default"' in zone
    assert "Asia/Calcutta&quot;:&quot;Asia/Kolkata" in zone  # the browser alias map
    assert 'value="Asia/Calcutta"' not in zone  # old names are not offered twice


@pytest.mark.django_db
def test_form_page_of_an_unpublished_course_is_not_found(client):
    course = make_course(is_published=False)

    assert client.get(one_on_one_url(course)).status_code == 404


# Sending it


@pytest.mark.django_db
def test_valid_request_is_a_one_on_one_enquiry_with_its_preferences(client):
    course = make_course(title="Deep Learning")
    with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):  # read, then sent
        page = client.get(one_on_one_url(course))
    data = read_form(page) | {
        k: v for k, v in typed().items() if k not in ("submission_token", "shown_at")
    }

    response = client.post(one_on_one_url(course), data)

    assert (response.status_code, response.url) == (302, THANKS_URL)
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.batch) == (Enquiry.Kind.ONE_ON_ONE, course, None)
    assert enquiry.status == Enquiry.Status.NEW
    assert (enquiry.name, enquiry.email, enquiry.phone) == (
        "Maya Cohen",
        "maya@example.com",
        "+12125550147",
    )
    assert enquiry.message == "I work shifts; evenings suit me."
    assert enquiry.consent_at == NOW
    assert str(enquiry.submission_token) == data["submission_token"][0]
    request = enquiry.one_on_one_request
    assert request.preferred_days == [Weekday.TUESDAY, Weekday.THURSDAY]
    assert (request.window_start, request.window_end) == (dt.time(18), dt.time(21))
    assert request.timezone == "America/New_York"
    assert (request.session_minutes, request.sessions_per_week, request.weeks) == (90, 2, 4)
    assert request.earliest_start == dt.date(2026, 3, 3)
    assert client.session[RECEIVED_SESSION_KEY] == enquiry.reference
    assert enquiry.reference in client.get(THANKS_URL).content.decode()
    [acknowledgement] = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT)
    assert acknowledgement.to == "maya@example.com"


NAME_REQUIRED = "Please tell us your name."
EMAIL_INVALID = "Enter an email address like name@example.com."
PHONE_NEEDS_COUNTRY_CODE = (
    "Enter your phone number with its country code, starting with +, e.g. +91 98123 45678."
)
CONSENT_REQUIRED = "Please tick this box so we can contact you about your enquiry."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("preferred_days", None, "Tick at least one day of the week.", id="no-day"),
        pytest.param(
            "preferred_days", ["9"], "Choose days of the week from the list.", id="bad-day"
        ),
        pytest.param(
            "window_start", "", "Give the earliest time a session could start.", id="no-from"
        ),
        pytest.param("window_start", "25:00", "Enter a time like 18:00.", id="bad-from"),
        pytest.param("window_end", "", "Give the latest time a session could end.", id="no-to"),
        pytest.param(
            "window_end",
            "17:00",
            "The latest end time must be after the earliest start time (18:00).",
            id="to-before-from",
        ),
        pytest.param(
            "timezone", "Mars/Olympus_Mons", "Choose your time zone from the list.", id="bad-zone"
        ),
        pytest.param(
            "session_minutes", "45", "Choose a session length from the list.", id="bad-length"
        ),
        pytest.param("sessions_per_week", "8", "Choose 1 to 7 sessions a week.", id="8-a-week"),
        pytest.param("weeks", "0", "Choose at least 1 week.", id="0-weeks"),
        pytest.param("weeks", "53", "Choose at most 52 weeks.", id="53-weeks"),
        pytest.param("weeks", "six", "Enter a whole number of weeks, like 6.", id="words"),
        pytest.param("earliest_start", "", "Tell us the first date you could start.", id="no-date"),
        pytest.param(
            "earliest_start", "next Tuesday", "Enter a date like 2026-03-16.", id="bad-date"
        ),
        pytest.param(
            "earliest_start",
            "9999-12-27",
            "We plan up to 12 months ahead. Choose a date on or before Tue 2 Mar 2027.",
            id="beyond-horizon",
        ),
        pytest.param(
            "earliest_start",
            "2027-03-03",
            "We plan up to 12 months ahead. Choose a date on or before Tue 2 Mar 2027.",
            id="a-day-past-horizon",
        ),
        pytest.param("name", "  ", NAME_REQUIRED, id="blank-name"),
        pytest.param("email", "maya-at-example.com", EMAIL_INVALID, id="bad-email"),
        pytest.param("phone", "212 555 0147", PHONE_NEEDS_COUNTRY_CODE, id="phone-no-country"),
        pytest.param("consent", None, CONSENT_REQUIRED, id="no-consent"),
    ],
)
@pytest.mark.django_db
def test_invalid_field_shows_its_message_beside_it_and_keeps_the_rest(
    client, field, value, message
):
    course = make_course()
    data = typed(**{field: value})
    if value is None:
        del data[field]

    response = client.post(one_on_one_url(course), data)

    assert response.status_code == 200
    assert escape(message) in field_html(response, field)
    assert "Please correct the fields marked below" in response.content.decode()
    assert_everything_else_is_kept(response, data, but=field)
    assert not Enquiry.objects.exists()
    assert not OneOnOneRequest.objects.exists()


def assert_everything_else_is_kept(response, data: dict, *, but: str) -> None:
    kept = read_form(response)
    for name in [*WHAT_THE_LEARNER_TYPES, "submission_token"]:
        if name == but:
            continue
        sent = data[name] if isinstance(data[name], list) else [data[name]]
        assert kept[name] == sent, name
    # A rejected form is the learner's: the script must not replace the zone they sent.
    assert "data-local-time-zone" not in field_html(response, "timezone")


@pytest.mark.django_db
def test_window_shorter_than_a_session_is_refused_beside_the_end_time(client):
    course = make_course()
    data = typed(window_start="18:00", window_end="19:00", session_minutes="90")

    response = client.post(one_on_one_url(course), data)

    assert response.status_code == 200
    assert escape(
        "A 90-minute session doesn't fit between 18:00 and 19:00. "
        "Make the window longer or choose shorter sessions."
    ) in field_html(response, "window_end")
    assert_everything_else_is_kept(response, data, but="window_end")
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_window_exactly_as_long_as_a_session_is_accepted(client):
    course = make_course()

    response = client.post(
        one_on_one_url(course),
        typed(window_start="18:00", window_end="20:00", session_minutes="120"),
    )

    assert response.status_code == 302
    assert Enquiry.objects.get().one_on_one_request.session_minutes == 120


@pytest.mark.django_db
def test_more_sessions_a_week_than_days_ticked_is_refused(client):
    course = make_course()
    data = typed(preferred_days=["5"], sessions_per_week="2")

    response = client.post(one_on_one_url(course), data)

    assert response.status_code == 200
    assert escape(
        "You ticked 1 day, so choose at most 1 session a week, or tick more days."
    ) in field_html(response, "sessions_per_week")
    assert_everything_else_is_kept(response, data, but="sessions_per_week")
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_start_date_in_the_past_is_refused(client):
    course = make_course()
    data = typed(earliest_start="2026-03-01")

    response = client.post(one_on_one_url(course), data)

    assert response.status_code == 200
    assert escape("That date has passed. Choose today (Mon 2 Mar 2026) or a later date.") in (
        field_html(response, "earliest_start")
    )
    assert_everything_else_is_kept(response, data, but="earliest_start")
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_the_past_is_judged_by_the_learners_own_date(client):
    course = make_course()
    # 02:00 UTC on Monday 2 March: still Sunday 1 March in Los Angeles, Monday in Kolkata.
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        in_kolkata = client.post(
            one_on_one_url(course), typed(timezone="Asia/Kolkata", earliest_start="2026-03-01")
        )
        in_los_angeles = client.post(
            one_on_one_url(course),
            typed(timezone="America/Los_Angeles", earliest_start="2026-03-01"),
        )

    assert in_kolkata.status_code == 200
    assert "That date has passed" in field_html(in_kolkata, "earliest_start")
    assert in_los_angeles.status_code == 302
    assert Enquiry.objects.get().one_on_one_request.timezone == "America/Los_Angeles"


@pytest.mark.django_db
def test_double_submission_records_one_enquiry_and_one_request(client):
    course = make_course()
    data = typed()

    first = client.post(one_on_one_url(course), data)
    reference = client.session[RECEIVED_SESSION_KEY]
    second = client.post(one_on_one_url(course), data)

    assert (first.status_code, first.url) == (302, THANKS_URL)
    assert (second.status_code, second.url) == (302, THANKS_URL)
    assert client.session[RECEIVED_SESSION_KEY] == reference
    assert Enquiry.objects.get().reference == reference
    assert OneOnOneRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT).count() == 1


@pytest.mark.django_db
def test_filled_honeypot_is_stored_as_spam_without_telling_the_sender(client):
    course = make_course()

    response = client.post(one_on_one_url(course), typed(website="http://spam.example"))

    assert (response.status_code, response.url) == (302, THANKS_URL)
    enquiry = Enquiry.objects.get()
    assert (enquiry.status, enquiry.kind) == (Enquiry.Status.SPAM, Enquiry.Kind.ONE_ON_ONE)
    assert enquiry.owner is None
    assert OneOnOneRequest.objects.filter(enquiry=enquiry).exists()
    assert not OutgoingEmail.objects.exists()


# The service


@pytest.mark.django_db
def test_submit_one_on_one_records_the_enquiry_and_request_together():
    course = make_course()

    enquiry = submit_one_on_one(course=course, preferences=preferences(), **learner())

    enquiry.refresh_from_db()
    assert enquiry.kind == Enquiry.Kind.ONE_ON_ONE
    assert enquiry.batch is None
    request = OneOnOneRequest.objects.get(enquiry=enquiry)
    assert request.preferred_days == [1, 3]
    assert request.timezone == "America/New_York"


@pytest.mark.django_db
def test_submit_one_on_one_stores_days_once_in_weekday_order():
    enquiry = submit_one_on_one(
        course=make_course(),
        preferences=preferences(preferred_days=(4, 0, 4, 2), sessions_per_week=3),
        **learner(),
    )

    assert enquiry.one_on_one_request.preferred_days == [0, 2, 4]


@pytest.mark.django_db
def test_repeated_token_returns_the_first_enquiry_and_adds_no_request():
    course = make_course()
    token = uuid.uuid4()
    first = submit_one_on_one(
        course=course, preferences=preferences(), **learner(submission_token=token)
    )

    again = submit_one_on_one(
        course=course,
        preferences=preferences(weeks=10),
        **learner(submission_token=token, name="Someone Else"),
    )

    assert again.pk == first.pk
    assert Enquiry.objects.count() == 1
    assert OneOnOneRequest.objects.get().weeks == 4


@pytest.mark.django_db
def test_token_of_a_course_enquiry_returns_it_unchanged():
    course = make_course()
    token = uuid.uuid4()
    enquiry = make_enquiry(course=course, submission_token=token)

    returned = submit_one_on_one(
        course=course, preferences=preferences(), **learner(submission_token=token)
    )

    assert returned.pk == enquiry.pk
    returned.refresh_from_db()
    assert returned.kind == Enquiry.Kind.COURSE
    assert not OneOnOneRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"preferred_days": ()}, "preferred_days", id="no-days"),
        pytest.param({"preferred_days": (7,)}, "preferred_days", id="day-7"),
        pytest.param({"timezone": "Asia/Bombay_Beach"}, "timezone", id="zone"),
        pytest.param({"session_minutes": 20}, "session_minutes", id="too-short"),
        pytest.param({"session_minutes": 500}, "session_minutes", id="too-long"),
        pytest.param({"window_end": dt.time(18)}, "window_end", id="empty-window"),
        pytest.param({"window_end": dt.time(19)}, "window_end", id="window-short"),
        pytest.param({"sessions_per_week": 3}, "sessions_per_week", id="more-than-days"),
        pytest.param({"sessions_per_week": 0}, "sessions_per_week", id="none-a-week"),
        pytest.param({"weeks": 53}, "weeks", id="53-weeks"),
        pytest.param({"earliest_start": dt.date(2026, 3, 1)}, "earliest_start", id="past"),
    ],
)
@pytest.mark.django_db
def test_submit_one_on_one_refuses_preferences_that_break_a_rule(overrides, field):
    with pytest.raises(ValidationError) as refused:
        submit_one_on_one(course=make_course(), preferences=preferences(**overrides), **learner())

    assert set(refused.value.message_dict) == {field}
    assert not Enquiry.objects.exists()
    assert not OneOnOneRequest.objects.exists()


@pytest.mark.django_db
def test_submit_one_on_one_needs_consent_and_records_nothing_without_it():
    with pytest.raises(services.ConsentMissing):
        submit_one_on_one(
            course=make_course(), preferences=preferences(), **learner(consented=False)
        )

    assert not Enquiry.objects.exists()
    assert not OneOnOneRequest.objects.exists()


@pytest.mark.django_db
def test_submit_one_on_one_refuses_an_unpublished_course():
    with pytest.raises(services.CourseNotOpen):
        submit_one_on_one(
            course=make_course(is_published=False), preferences=preferences(), **learner()
        )

    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_one_on_one_request_is_linked_to_an_open_enquiry_and_goes_to_its_owner(
    django_user_model,
):
    sales, _ = Group.objects.get_or_create(name=services.SALES_GROUP)
    anil = django_user_model.objects.create_user(username="anil", email="anil@example.com")
    anil.groups.add(sales)
    course = make_course()
    earlier = make_enquiry(course=course, email="maya@example.com", phone="+12125550147")
    assert earlier.owner == anil

    enquiry = submit_one_on_one(course=course, preferences=preferences(), **learner())

    assert enquiry.duplicate_of == earlier
    assert enquiry.owner == anil
    assert enquiry.kind == Enquiry.Kind.ONE_ON_ONE
    notification = OutgoingEmail.objects.filter(
        enquiry=enquiry, kind=OutgoingEmail.Kind.NOTIFICATION
    ).get()
    assert notification.to == "anil@example.com"


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_at_once_from_many_tabs_is_recorded_once():
    course = make_course()
    token = uuid.uuid4()
    references: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(8)

    def send() -> None:
        try:
            start.wait()
            enquiry = submit_one_on_one(
                course=course, preferences=preferences(), **learner(submission_token=token)
            )
            outcome = enquiry.reference
        except Exception as error:  # counted, and shown by the assertion
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            references[outcome] += 1

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    enquiry = Enquiry.objects.get()
    assert references == {enquiry.reference: 8}
    assert enquiry.kind == Enquiry.Kind.ONE_ON_ONE
    assert OneOnOneRequest.objects.filter(enquiry=enquiry).count() == 1
