"""No input gives a 500: property-based requests over every public URL, GET parameter, form
field, header and cookie the site reads.

Each example is one request through the test client against a small real catalog (a course
with an open batch, a full batch with a waiting list and an open offer, an article, a training
plan), with the real slugs, ids and tokens mixed with junk so the fuzz reaches the code behind
them. The client re-raises a view's exception, so a 500 fails with its traceback and
Hypothesis shrinks it to the smallest input. Every example runs in a savepoint that is rolled
back, so each sees the same data and a failure replays.

The examples per property and the seed come from the Hypothesis profile (tests/conftest.py):
"ci" by default (bounded and derandomized, the same inputs on every run), "deep" for a long
random search: pytest tests/test_fuzz.py --hypothesis-profile=deep.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from courses.models import Article, Batch
from courses.time_zones import BATCH_ZONE_ONLY, COMMON_TIME_ZONES, VIEWER_TZ_COOKIE
from enquiries.models import WaitlistEntry
from enquiries.services import one_on_one, seats
from tests.factories import make_batch, make_course

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
URLENCODED = "application/x-www-form-urlencoded"

# Hypothesis builds a fixture's value once per test, not per example; the rollback around
# each request is what keeps the examples independent.
fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- The catalog the requests run against ------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    slugs: list[str]  # a published course's, a draft's, an article's, none
    batch_ids: list[int]
    full_batch_id: int
    place_tokens: list[str]  # a place waiting, a place offered a seat
    plan_token: str
    months: list[str]
    # One client for every example: building one loads the middleware, which is slow.
    client: Client


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    # As deployed: X-Forwarded-Proto from the proxy decides https, so it is read, and fuzzed.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def catalog(db, django_user_model) -> Catalog:
    django_user_model.objects.create_user(
        username="staff", password="correct horse battery", is_staff=True
    )
    with time_machine.travel(NOW, tick=False):
        course = make_course(title="Python Basics", slug="python")
        hidden = make_course(slug="draft", is_published=False)
        open_batch = make_batch(course=course)
        weekend = make_batch(
            course=course,
            track=Batch.Track.WEEKEND,
            delivery=Batch.Delivery.CLASSROOM,
            start_date=dt.date(2027, 3, 6),
            end_date=dt.date(2027, 4, 25),
            timezone="Europe/London",
            location="12 Hill Street, London",
        )
        full = make_batch(course=course, capacity=1, start_date=dt.date(2027, 2, 1))
        learner = seats.Learner
        seats.enroll(batch=full, learner=learner(name="Seated", email="seated@example.com"))
        seats.enroll(batch=full, learner=learner(name="Waiting", email="waiting@example.com"))
        # An open offer: a seat freed in a full batch goes to the first one waiting.
        offered = make_batch(course=course, capacity=1, start_date=dt.date(2027, 2, 8))
        seat = seats.enroll(batch=offered, learner=learner(name="Gone", email="gone@example.com"))
        seats.enroll(batch=offered, learner=learner(name="Offered", email="offer@example.com"))
        seats.cancel_enrollment(enrollment=seat, by=None)
        article = Article.objects.create(
            title="Why Python",
            slug="why-python",
            summary="Because.",
            body="Text.",
            is_published=True,
            published_on=NOW.date(),
        )
        article.courses.add(course)
        enquiry = one_on_one.submit_one_on_one(
            course=course,
            preferences=one_on_one.Preferences(
                preferred_days=(1, 3),
                window_start=dt.time(18, 0),
                window_end=dt.time(21, 0),
                timezone="America/New_York",
                session_minutes=90,
                sessions_per_week=2,
                weeks=2,
                earliest_start=dt.date(2027, 1, 19),
            ),
            name="Maya Cohen",
            email="maya@example.com",
            phone="+12125550147",
            consented=True,
            submission_token=uuid.uuid4(),
        )
        plan = one_on_one.generate_plan(request=enquiry.one_on_one_request, by=None)
        # The clock stays at NOW while the examples run, so "open" and "upcoming" hold.
        yield Catalog(
            slugs=[course.slug, hidden.slug, article.slug, "no-such-course"],
            batch_ids=[open_batch.pk, weekend.pk, full.pk, offered.pk],
            full_batch_id=full.pk,
            place_tokens=list(WaitlistEntry.objects.values_list("token", flat=True)),
            plan_token=plan.token,
            months=["2027-01", "2027-02", "2027-03", "2026-12"],
            client=Client(),
        )


# --- Values: plausible ones mixed with junk ----------------------------------------------

SPECIAL = st.sampled_from(
    [
        *["", " ", "\x00", "a\x00b", "%00", "\t", "\u2028", "\ufeff", "\u202e", "\u200b"],
        *["-1", "0", "00", "+1", "1.5", "1e9", "NaN", "inf", "-inf", "²", "٣", "１２"],
        *["None", "null", "true", "[]", "{}", "../", "..%2F", "//", "%", "%zz", "%c3"],
        *["<script>", "'; --", '"', "\\", "*", "?", "#", "&", "=", "a=b&c=d"],
        *["99999-01-01", "0000-00-00", "0001-01-01", "9999-12-31", "2027-02-30", "2027-13"],
        *["2027-00", "-0001-01", "10000-01", "2027-1", "27-01", "2027-01-01T00:00", "2027/01"],
        *["24:00", "25:61", "23:59:60", "00:00", "12:00:00.000001", "6pm", "-1:00"],
        *[str(2**31), str(2**63 - 1), str(2**63), str(-(2**63) - 1), "9" * 30, "9" * 5000],
    ]
)
TEXT = st.text(max_size=40)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    # Past 4,300 digits int() refuses a string.
    st.builds(str.__mul__, st.sampled_from("19"), st.integers(min_value=20, max_value=6000)),
)
DATES = st.one_of(
    st.dates().map(str),
    st.builds("{}-{:02}".format, st.integers(min_value=-1, max_value=100_000), st.integers(0, 99)),
)
# Long values: a repeated character, cheap to draw, past every max_length and column size.
LONG = st.builds(
    str.__mul__, st.characters(codec="utf-8"), st.integers(min_value=200, max_value=20_000)
)
JUNK = st.one_of(SPECIAL, TEXT, NUMBERS, DATES, LONG)


def mostly(usual: st.SearchStrategy, unusual: st.SearchStrategy, *, odds: int = 3):
    """`usual` `odds` times out of `odds` + 1, else `unusual`; shrinking goes back to `usual`."""
    return st.integers(min_value=0, max_value=odds).flatmap(
        lambda n: unusual if n == odds else usual
    )


def value(*plausible) -> st.SearchStrategy[str]:
    """One value: a real-looking one two times in three, else junk."""
    if not plausible:
        return JUNK
    return mostly(st.sampled_from([str(v) for v in plausible]), JUNK, odds=2)


def repeated(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """A parameter sent once or several times (QueryDict lists)."""
    return mostly(strategy.map(lambda v: [v]), st.lists(strategy, min_size=2, max_size=3))


def extra_names() -> st.SearchStrategy[dict[str, list[str]]]:
    """Now and then, names nobody reads."""
    return mostly(st.just({}), st.dictionaries(TEXT, repeated(JUNK), min_size=1, max_size=2))


def fields(spec: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Any of the named parameters, each maybe repeated: for GET filters and cookies."""
    known = st.fixed_dictionaries({}, optional={name: repeated(s) for name, s in spec.items()})
    return st.builds(lambda extra, named: extra | named, extra_names(), known)


def form(valid: dict[str, str], other: dict[str, st.SearchStrategy[str]]):
    """A form a browser would send with one field changed, now and then more or none: left
    out, repeated, or given another plausible value or junk. The other fields stay valid, so
    the change is checked on its own and a valid form reaches the service behind the view."""

    @st.composite
    def changed(draw) -> dict[str, list[str]]:
        sent = {name: [text] for name, text in valid.items()}
        names = draw(
            mostly(
                st.sampled_from(list(valid)).map(lambda n: [n]),
                st.lists(st.sampled_from(list(valid)), max_size=len(valid), unique=True),
            )
        )
        for name in names:
            change = draw(mostly(repeated(other.get(name, JUNK)), st.none()))
            if change is None:
                del sent[name]
            else:
                sent[name] = change
        return draw(extra_names()) | sent

    return changed()


def segment(*plausible) -> st.SearchStrategy[str]:
    """A path segment: a real slug, id or token, or junk, percent-encoded as a browser sends."""
    shaped = st.from_regex(r"\A[A-Za-z0-9_-]{1,70}\Z")
    junk = st.one_of(shaped, JUNK.map(lambda s: quote(s, safe="")))
    if not plausible:
        return junk
    return mostly(st.sampled_from([str(v) for v in plausible]), junk, odds=2)


# Header values: any byte a server passes on (WSGI decodes headers as latin-1), but no CR or
# LF, which end a header line, and no longer than gunicorn's limit_request_field_size (8190
# bytes by default): the server answers a longer header line with a 400 itself.
MAX_HEADER = 8000


def as_header(s: str) -> str:
    return s.encode("utf-8").decode("latin-1").replace("\r", "").replace("\n", "")[:MAX_HEADER]


def header(*plausible) -> st.SearchStrategy[str]:
    raw = st.binary(max_size=80).map(lambda b: b.decode("latin-1"))
    return mostly(st.sampled_from(plausible), st.one_of(JUNK, raw)).map(as_header)


@st.composite
def headers(draw) -> dict[str, str]:
    """Every request header the site reads, and a few it should not care about."""
    cookie = draw(
        fields(
            {
                VIEWER_TZ_COOKIE: value(*COMMON_TIME_ZONES, BATCH_ZONE_ONLY, "Asia/Calcutta"),
                "sessionid": value("0" * 32, "a" * 32),
                "messages": JUNK,
                "csrftoken": value("A" * 32, "A" * 64),
            }
        )
    )
    chosen = {
        "referer": header(
            "https://www.google.com/search?q=python",
            "http://testserver/courses/python/",
            "http://[::1",
            "https://[not an address]/",
            "http://[",
            "http://[::1]:80/",
            "//evil.example",
            "javascript:alert(1)",
        ),
        "user-agent": header("Mozilla/5.0", "curl/8.0"),
        "accept-language": header("en-GB,en;q=0.9", "*", "xx-YY;q=2"),
        "accept": header("text/html", "*/*", "text/calendar"),
        "x-forwarded-for": header("203.0.113.7", "203.0.113.7, 10.0.0.1", "::1", "unknown"),
        "x-forwarded-proto": header("https", "http", "https, http"),
        "if-modified-since": header("Wed, 21 Oct 2026 07:28:00 GMT"),
        "if-none-match": header('"abc"', "*"),
    }
    sent = draw(st.fixed_dictionaries({}, optional=chosen))
    # A host not in ALLOWED_HOSTS is a 400 before any view, so mostly an allowed one.
    sent["host"] = draw(
        mostly(
            st.sampled_from(["testserver", "localhost", "127.0.0.1:8000"]),
            header("evil.example", "[::1", "testserver:99999", "TESTSERVER."),
            odds=8,
        )
    )
    if cookie:
        sent["cookie"] = as_header(
            "; ".join(f"{name}={v}" for name, values in cookie.items() for v in values)
        )
    return sent


def browser_headers() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {"host": st.just("testserver")},
        optional={
            "referer": st.sampled_from(
                ["https://www.google.com/", "http://testserver/courses/python/"]
            ),
            "cookie": st.sampled_from(COMMON_TIME_ZONES).map(f"{VIEWER_TZ_COOKIE}={{}}".format),
        },
    )


def ip_addresses() -> st.SearchStrategy[str]:
    # Each example from its own address, so a per-address limit shows as a 429, not on all.
    return st.one_of(st.ip_addresses().map(str), st.just("127.0.0.1"))


# --- Sending ------------------------------------------------------------------------------


def send(
    data: st.DataObject,
    catalog: Catalog,
    *,
    method: str,
    path: str,
    query: dict[str, list[str]] | None = None,
    form: dict[str, list[str]] | None = None,
    sent: st.SearchStrategy[dict[str, str]] | None = None,
) -> int:
    """Send one request, and the request its redirect leads to, in a savepoint that is rolled
    back; return the first response's status code. The headers: `sent`, else mostly what a
    browser sends, now and then anything (test_no_header_... fuzzes them all the time)."""
    client = catalog.client
    # Production checks CSRF; the test client does not unless asked. Mostly not, so most
    # posts reach the view behind the check.
    client.handler.enforce_csrf_checks = data.draw(mostly(st.just(False), st.just(True)))
    client.cookies.clear()  # only the drawn Cookie header, then what the site sets
    sent_headers = data.draw(mostly(browser_headers(), headers()) if sent is None else sent)
    address = data.draw(ip_addresses())
    if query:
        path += "?" + urlencode(query, doseq=True)
    body: dict = {}
    if form is not None:
        if data.draw(st.booleans()):
            body = {"data": encode_multipart(BOUNDARY, form), "content_type": MULTIPART_CONTENT}
        else:
            body = {"data": urlencode(form, doseq=True), "content_type": URLENCODED}
    with transaction.atomic():
        response = client.generic(method, path, headers=sent_headers, REMOTE_ADDR=address, **body)
        read(response)
        assert response.status_code < 500, (method, path, form, sent_headers)
        event(f"status {response.status_code}")  # the spread: --hypothesis-show-statistics
        location = response.get("Location", "")
        if response.status_code in (301, 302, 303) and location.startswith("/"):
            # Where a browser goes next, with the session and messages just set: the
            # thanks page reads the enquiry from the session, the zone picker's flash.
            sent_headers.pop("cookie", None)
            followed = client.get(location, headers=sent_headers, REMOTE_ADDR=address)
            read(followed)
            assert followed.status_code < 500, (location, sent_headers)
        transaction.set_rollback(True)
    return response.status_code


def read(response) -> None:
    """Read a streamed body (a static file) to its end, as a server does: that closes it."""
    if response.streaming:
        b"".join(response.streaming_content)


# --- The properties -----------------------------------------------------------------------


def public_paths(catalog: Catalog) -> st.SearchStrategy[str]:
    """Every public URL, mostly with a real slug, id or token, else with junk."""
    course = mostly(st.just("python"), segment(*catalog.slugs), odds=2)
    article = mostly(st.just("why-python"), segment(*catalog.slugs), odds=2)
    batch_id = segment(*catalog.batch_ids, 0, 2**63, 10**30)
    place = segment(*catalog.place_tokens, catalog.plan_token)
    plan = segment(catalog.plan_token, *catalog.place_tokens)
    return st.one_of(
        st.sampled_from(
            [
                "/",
                "/courses/",
                "/schedule/",
                "/schedule/calendar.ics",
                "/enquiries/thanks/",
                "/waiting-list/emailed/",
                "/preferences/time-zone/",
                "/sitemap.xml",
                "/robots.txt",
                "/admin/login/",
                "/static/batchwise/local-times.js",
            ]
        ),
        course.map("/courses/{}/".format),
        course.map("/courses/{}/enquire/".format),
        course.map("/courses/{}/waiting-list/".format),
        course.map("/courses/{}/one-on-one/".format),
        course.map("/courses/{}/calendar.ics".format),
        article.map("/articles/{}/".format),
        batch_id.map("/schedule/batches/{}.ics".format),
        place.map("/waiting-list/{}/".format),
        place.map("/waiting-list/{}/leave/".format),
        place.map("/waiting-list/{}/accept/".format),
        plan.map("/training-plan/{}/".format),
        plan.map("/training-plan/{}/calendar.ics".format),
        segment().map("/{}".format),
        segment().map("/static/{}".format),
    )


def query_parameters(catalog: Catalog) -> st.SearchStrategy[dict[str, list[str]]]:
    """Every GET parameter a public page reads, with real and junk values."""
    return fields(
        {
            "q": value("python", "PYTHON basics", "%"),
            "category": value("category-1", "no-such-category"),
            "page": value(1, 2, 999, "last"),
            "p": value(1, 2),  # the sitemap's page
            "course": value(*catalog.slugs),
            "month": value(*catalog.months),
            "track": value(*Batch.Track.values),
            "mode": value(*Batch.Delivery.values),
            "batch": value(*catalog.batch_ids),
            "next": value("/", "/courses/"),
            **{key: value("newsletter", "cpc") for key in ("utm_source", "utm_medium")},
            **{key: value("spring") for key in ("utm_campaign", "utm_term", "utm_content")},
        }
    )


def enquiry_fields(catalog: Catalog) -> dict[str, st.SearchStrategy[str]]:
    """Other values for each Enquire Now field: plausible, near misses, and junk."""
    return {
        "name": value("A", "Ng", "Zoë Ó Briain"),
        "email": st.one_of(value("a@b.co", "asha@example.com ", "用户@例子.广告"), st.emails()),
        "phone": value("+44 20 7946 0958", "+1", "00919812345678", "98123 45678"),
        "message": value("When is the next batch?"),
        "consent": value("true", "false", "0", "off"),
        "website": value("http://spam.example"),
        "batch": value(*catalog.batch_ids),
        "submission_token": mostly(st.uuids().map(str), JUNK),
        "came_from": value("https://www.google.com/", "http://[::1"),
    }


def valid_enquiry(batch_id: int | str = "") -> dict[str, str]:
    return {
        "name": "Asha Verma",
        "email": "asha@example.com",
        "phone": "+919812345678",
        "message": "",
        "consent": "on",
        "website": "",
        "batch": str(batch_id),
        "submission_token": str(uuid.uuid4()),
        "came_from": "",
    }


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_get_request_to_a_public_page_gives_a_server_error(catalog, data):
    send(
        data,
        catalog,
        method=data.draw(mostly(st.just("GET"), st.sampled_from(["HEAD", "OPTIONS", "PUT"]))),
        path=data.draw(public_paths(catalog)),
        query=data.draw(query_parameters(catalog)),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_header_or_cookie_gives_a_server_error(catalog, data):
    """Every header and cookie the site reads, and some it ignores, on any public page."""
    send(
        data,
        catalog,
        method=data.draw(mostly(st.just("GET"), st.just("POST"))),
        path=data.draw(public_paths(catalog)),
        query=data.draw(mostly(st.just({}), query_parameters(catalog))),
        sent=headers(),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_post_to_a_public_url_gives_a_server_error(catalog, data):
    """Any URL, any fields: GET-only pages, private links, forms given another form's fields."""
    spec = enquiry_fields(catalog) | {"zone": value(*COMMON_TIME_ZONES), "next": value("/")}
    send(
        data,
        catalog,
        method="POST",
        path=data.draw(public_paths(catalog)),
        query=data.draw(query_parameters(catalog)),
        form=data.draw(fields(spec)),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_enquiry_gives_a_server_error(catalog, data):
    batch_id = data.draw(st.sampled_from(["", *catalog.batch_ids]))
    send(
        data,
        catalog,
        method="POST",
        path=f"/courses/{data.draw(mostly(st.just('python'), segment(*catalog.slugs)))}/enquire/",
        query=data.draw(fields({"batch": value(*catalog.batch_ids)})),
        form=data.draw(form(valid_enquiry(batch_id), enquiry_fields(catalog))),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_waiting_list_join_gives_a_server_error(catalog, data):
    valid = valid_enquiry()
    del valid["batch"], valid["message"]
    batch = data.draw(mostly(st.just(str(catalog.full_batch_id)), value(*catalog.batch_ids)))
    send(
        data,
        catalog,
        method="POST",
        path=f"/courses/{data.draw(mostly(st.just('python'), segment(*catalog.slugs)))}"
        "/waiting-list/",
        query=data.draw(mostly(st.just({"batch": [batch]}), fields({"batch": JUNK}))),
        form=data.draw(form(valid, enquiry_fields(catalog))),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_one_on_one_request_gives_a_server_error(catalog, data):
    valid = valid_enquiry() | {
        "preferred_days": "1",
        "window_start": "18:00",
        "window_end": "21:00",
        "timezone": "America/New_York",
        "session_minutes": "90",
        "sessions_per_week": "1",
        "weeks": "4",
        "earliest_start": "2027-01-19",
    }
    del valid["batch"]
    other = enquiry_fields(catalog) | {
        "preferred_days": value(0, 2, 3, 4, 5, 6, 7),
        "window_start": value("09:30", "00:00", "23:59", "21:00", "18:00:00"),
        "window_end": value("23:59", "18:00", "00:00", "18:30"),
        "timezone": value("Asia/Kolkata", "UTC", "Asia/Calcutta", "EST", "Europe/Kyiv"),
        "session_minutes": value(60, 120, 180, 30, 480, 481),
        "sessions_per_week": value(2, 3, 7, 8, 0),
        "weeks": value(1, 52, 53, 0),
        "earliest_start": value("2027-01-11", "2027-01-10", "2028-01-11", "2028-01-12"),
    }
    send(
        data,
        catalog,
        method="POST",
        path=f"/courses/{data.draw(mostly(st.just('python'), segment(*catalog.slugs)))}"
        "/one-on-one/",
        form=data.draw(form(valid, other)),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_private_link_action_gives_a_server_error(catalog, data):
    """A waiting place's page, leave and accept (the place waiting and the one offered a
    seat), and the training plan's page and calendar, by GET and POST."""
    place = segment(*catalog.place_tokens)
    plan = segment(catalog.plan_token)
    path = data.draw(
        st.one_of(
            place.map("/waiting-list/{}/".format),
            place.map("/waiting-list/{}/leave/".format),
            place.map("/waiting-list/{}/accept/".format),
            plan.map("/training-plan/{}/".format),
            plan.map("/training-plan/{}/calendar.ics".format),
        )
    )
    send(
        data,
        catalog,
        method=data.draw(st.sampled_from(["GET", "POST"])),
        path=path,
        form=data.draw(fields({})),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_zone_picker_post_gives_a_server_error(catalog, data):
    other = {
        "zone": value(*COMMON_TIME_ZONES, BATCH_ZONE_ONLY, "", "Asia/Calcutta", "Etc/GMT+5"),
        "next": value("/", "/schedule/?month=2027-01", "UTC", "//x", "/\\x", "/%0d%0a"),
    }
    valid = {"zone": "Asia/Kolkata", "next": "/courses/python/"}
    send(
        data,
        catalog,
        method="POST",
        path="/preferences/time-zone/",
        form=data.draw(form(valid, other)),
    )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_admin_login_attempt_gives_a_server_error(catalog, data):
    """The back office's login page is public: any user name, password and next."""
    other = {
        "username": value("admin", "STAFF", "staff "),
        "password": value("wrong", ""),
        "next": value("/admin/dashboard/", "//evil.example/", "UTC"),
    }
    valid = {"username": "staff", "password": "correct horse battery", "next": "/admin/"}
    send(data, catalog, method="POST", path="/admin/login/", form=data.draw(form(valid, other)))


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_no_request_body_gives_a_server_error(catalog, data):
    """Bodies no browser sends: a broken multipart, an unknown charset, JSON, raw bytes."""
    path = data.draw(
        st.sampled_from(
            [
                "/courses/python/enquire/",
                "/courses/python/one-on-one/",
                "/preferences/time-zone/",
                "/admin/login/",
            ]
        )
    )
    content_type = data.draw(
        value(
            "multipart/form-data; boundary=BoUnDaRy",
            "multipart/form-data",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/json",
            "text/plain",
        ).map(as_header)
    )
    body = data.draw(
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from(
                [
                    b'--BoUnDaRy\r\nContent-Disposition: form-data; name="name"\r\n\r\nx',
                    b'--BoUnDaRy\r\nContent-Disposition: form-data; name="a"; filename="'
                    + b"x" * 5000
                    + b'"\r\n\r\nx\r\n--BoUnDaRy--\r\n',
                    b"name=%ff%fe&email=%00",
                    b"=&&=&a",
                    b"name=" + b"x" * 3_000_000,
                ]
            ),
        )
    )
    with transaction.atomic():
        response = catalog.client.generic(
            "POST",
            path,
            data=body,
            content_type=content_type,
            REMOTE_ADDR=data.draw(ip_addresses()),
        )
        read(response)
        transaction.set_rollback(True)
    assert response.status_code < 500
    event(f"status {response.status_code}")
