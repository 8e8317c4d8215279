"""Batch times in the viewer's zone: the conversions, the zone picker, the pages, the labels."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from courses.models import Batch
from courses.time_zones import (
    VIEWER_TZ_COOKIE,
    starts_in_label,
    viewer_zone_choice,
    your_time_label,
)
from tests.factories import make_batch, make_course

Zone = zoneinfo.ZoneInfo
# "Today" for the page tests: Tuesday 1 December 2026, before the 2027 batches.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
PICKER = "/preferences/time-zone/"


def batch(track=Batch.Track.WEEKDAY, *, starts, ends, at, until, zone) -> Batch:
    """An unsaved batch: the conversions need no database."""
    return Batch(
        track=track,
        start_date=starts,
        end_date=ends,
        session_start=at,
        session_end=until,
        timezone=zone,
    )


def kolkata_evenings(starts: dt.date, ends: dt.date) -> Batch:
    return batch(
        starts=starts, ends=ends, at=dt.time(19, 0), until=dt.time(21, 0), zone="Asia/Kolkata"
    )


# Conversions


def test_kolkata_batch_seen_from_berlin_in_winter_is_four_and_a_half_hours_earlier():
    january = kolkata_evenings(dt.date(2027, 1, 4), dt.date(2027, 1, 29))

    assert your_time_label(january, Zone("Europe/Berlin")) == "your time 14:30–16:30 CET"


def test_kolkata_batch_seen_from_berlin_in_summer_is_three_and_a_half_hours_earlier():
    july = kolkata_evenings(dt.date(2027, 7, 5), dt.date(2027, 7, 30))

    assert your_time_label(july, Zone("Europe/Berlin")) == "your time 15:30–17:30 CEST"


def test_kolkata_batch_seen_from_berlin_says_from_when_berlin_changes_to_summer_time():
    # Berlin moves its clocks on Sunday 28 March 2027; Kolkata never does.
    spring = kolkata_evenings(dt.date(2027, 3, 15), dt.date(2027, 4, 9))

    assert your_time_label(spring, Zone("Europe/Berlin")) == (
        "your time 14:30–16:30 CET, then 15:30–17:30 CEST from Mon 29 Mar"
    )


@pytest.mark.parametrize(
    ("viewer", "label"),
    [
        ("Europe/London", "your time 15:30–17:30 GMT, then 14:30–16:30 GMT from Mon 15 Mar"),
        ("Asia/Kolkata", "your time 21:00–23:00 IST, then 20:00–22:00 IST from Mon 15 Mar"),
        # Both zones change on the same night: the clock times stay, only the name changes.
        ("America/Los_Angeles", "your time 07:30–09:30 PST"),
    ],
)
def test_new_york_batch_across_the_2027_03_14_change_shows_each_sessions_local_time(viewer, label):
    # New York moves its clocks on Sunday 14 March 2027, between two weeks of sessions.
    march = batch(
        starts=dt.date(2027, 3, 1),
        ends=dt.date(2027, 3, 26),
        at=dt.time(10, 30),
        until=dt.time(12, 30),
        zone="America/New_York",
    )

    assert your_time_label(march, Zone(viewer)) == label


def test_auckland_morning_batch_is_the_previous_weekday_in_los_angeles():
    # Across the date line: Monday 09:00 in Auckland is Sunday 12:00 in Los Angeles.
    auckland = batch(
        starts=dt.date(2027, 1, 4),
        ends=dt.date(2027, 1, 29),
        at=dt.time(9, 0),
        until=dt.time(11, 0),
        zone="Pacific/Auckland",
    )

    assert your_time_label(auckland, Zone("America/Los_Angeles")) == (
        "your time Sun–Thu, 12:00–14:00 PST"
    )


def test_los_angeles_weekend_evenings_are_sunday_and_monday_in_auckland_and_move_in_november():
    autumn = batch(
        Batch.Track.WEEKEND,
        starts=dt.date(2027, 10, 2),
        ends=dt.date(2027, 11, 14),
        at=dt.time(19, 0),
        until=dt.time(21, 0),
        zone="America/Los_Angeles",
    )

    # Los Angeles leaves summer time on Sunday 7 November 2027.
    assert your_time_label(autumn, Zone("Pacific/Auckland")) == (
        "your time Sun–Mon, 15:00–17:00 NZDT, then Sun–Mon, 16:00–18:00 NZDT from Mon 8 Nov"
    )


def test_kolkata_saturday_morning_is_friday_night_in_new_york_ending_after_midnight():
    weekend = batch(
        Batch.Track.WEEKEND,
        starts=dt.date(2027, 1, 9),
        ends=dt.date(2027, 1, 31),
        at=dt.time(10, 0),
        until=dt.time(13, 0),
        zone="Asia/Kolkata",
    )

    assert your_time_label(weekend, Zone("America/New_York")) == (
        "your time Fri–Sat, 23:30–02:30 EST (ends next day)"
    )


@pytest.mark.parametrize("viewer", ["Asia/Kolkata", "Asia/Calcutta"])
def test_no_second_time_when_the_viewer_clock_shows_the_same_time(viewer):
    january = kolkata_evenings(dt.date(2027, 1, 4), dt.date(2027, 1, 29))

    assert your_time_label(january, Zone(viewer)) == ""


@pytest.mark.parametrize(
    ("viewer", "label"),
    [
        ("Asia/Dubai", "your time 17:30–19:30 GMT+4"),
        ("Asia/Kathmandu", "your time 19:15–21:15 GMT+5:45"),
    ],
)
def test_zones_without_an_abbreviation_show_their_offset(viewer, label):
    january = kolkata_evenings(dt.date(2027, 1, 4), dt.date(2027, 1, 29))

    assert your_time_label(january, Zone(viewer)) == label


# Relative labels


@pytest.mark.parametrize(
    ("now", "label"),
    [
        (dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.UTC), "starts today"),
        (dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC), "started today"),
        (dt.datetime(2027, 1, 3, 10, 0, tzinfo=dt.UTC), "starts tomorrow"),
        (dt.datetime(2026, 12, 30, 10, 0, tzinfo=dt.UTC), "starts in 5 days"),
        (dt.datetime(2026, 12, 21, 10, 0, tzinfo=dt.UTC), "starts in 14 days"),
        (dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.UTC), ""),
        (dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.UTC), ""),
    ],
)
def test_starts_in_label_counts_calendar_days(now, label):
    starts_at = dt.datetime(2027, 1, 4, 19, 0, tzinfo=Zone("Asia/Kolkata"))  # 13:30 UTC

    assert starts_in_label(starts_at, zone=dt.UTC, now=now) == label


@pytest.mark.parametrize(
    ("viewer", "label"),
    [
        ("Asia/Kolkata", "starts today"),  # already Saturday 01:30 there
        ("America/New_York", "starts today"),  # Friday 15:00; the session is Friday 23:30
        ("Europe/London", "starts tomorrow"),  # Friday 20:00; the session is Saturday 04:30
    ],
)
def test_starts_in_label_counts_days_on_the_viewers_calendar(viewer, label):
    starts_at = dt.datetime(2027, 3, 6, 10, 0, tzinfo=Zone("Asia/Kolkata"))
    now = dt.datetime(2027, 3, 5, 20, 0, tzinfo=dt.UTC)

    assert starts_in_label(starts_at, zone=Zone(viewer), now=now) == label


# The cookie


@pytest.mark.parametrize(
    ("cookie", "choice"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("batch", "batch"),
        ("Mars/Olympus_Mons", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_viewer_zone_choice_accepts_only_iana_names_and_batch(rf, cookie, choice):
    request = rf.get("/")
    if cookie is not None:
        request.COOKIES[VIEWER_TZ_COOKIE] = cookie

    assert viewer_zone_choice(request) == choice


# The zone picker


@pytest.mark.django_db
def test_picking_a_zone_sets_a_year_long_lax_cookie_and_goes_back(client):
    response = client.post(PICKER, {"zone": "Europe/Berlin", "next": "/schedule/?track=weekend"})

    assert response.status_code == 302
    assert response["Location"] == "/schedule/?track=weekend"
    cookie = response.cookies[VIEWER_TZ_COOKIE]
    assert cookie.value == "Europe/Berlin"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    assert not cookie["secure"]
    page = client.get("/schedule/").content.decode()
    assert "Batch times now also show your time in Europe/Berlin." in page
    assert '<option value="Europe/Berlin" selected>Europe/Berlin</option>' in page


@pytest.mark.django_db
def test_picking_a_zone_over_https_sets_a_secure_cookie(client):
    response = client.post(PICKER, {"zone": "Asia/Tokyo", "next": "/"}, secure=True)

    assert response.cookies[VIEWER_TZ_COOKIE]["secure"]


@pytest.mark.django_db
def test_picking_the_batch_zone_only_is_remembered(client):
    response = client.post(PICKER, {"zone": "batch", "next": "/"})

    assert response.cookies[VIEWER_TZ_COOKIE].value == "batch"
    page = client.get("/").content.decode()
    assert '<option value="batch" selected>Batch\'s own zone only</option>' in page


@pytest.mark.django_db
def test_picking_automatic_forgets_the_zone(client):
    client.cookies[VIEWER_TZ_COOKIE] = "Europe/Berlin"

    response = client.post(PICKER, {"zone": "", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[VIEWER_TZ_COOKIE].value == ""
    assert response.cookies[VIEWER_TZ_COOKIE]["max-age"] == 0
    assert '<option value="" selected>' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/../../etc/passwd", "BATCH"])
def test_an_unknown_zone_sets_no_cookie_and_says_so(client, zone):
    client.cookies[VIEWER_TZ_COOKIE] = "Europe/Berlin"

    response = client.post(PICKER, {"zone": zone, "next": "/schedule/"})

    assert response.status_code == 302
    assert response["Location"] == "/schedule/"
    assert VIEWER_TZ_COOKIE not in response.cookies
    page = client.get("/schedule/").content.decode()
    assert escape("We don't know that time zone, so times are shown as before.") in page
    assert '<option value="Europe/Berlin" selected>' in page  # the earlier choice stands


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/schedule/",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "",
    ],
)
def test_an_unsafe_or_missing_next_goes_home(client, next_url):
    response = client.post(PICKER, {"zone": "Europe/Berlin", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[VIEWER_TZ_COOKIE].value == "Europe/Berlin"


@pytest.mark.django_db
def test_the_picker_only_answers_post(client):
    response = client.get(PICKER, {"zone": "Europe/Berlin"})

    assert response.status_code == 405
    assert VIEWER_TZ_COOKIE not in response.cookies


@pytest.mark.django_db
def test_the_footer_form_needs_no_token_but_refuses_other_sites():
    browser = Client(enforce_csrf_checks=True)
    response = browser.get("/schedule/?month=2027-01")
    page = response.content.decode()
    next_url = re.search(r'name="next" value="([^"]+)"', page).group(1)
    posted = {"zone": "Asia/Tokyo", "next": next_url}

    # The page carries no token, so it sets no cookie and can be cached.
    assert "csrfmiddlewaretoken" not in page
    assert not response.cookies
    from_here = browser.post(PICKER, posted, headers={"sec-fetch-site": "same-origin"})
    by_origin = browser.post(PICKER, posted, headers={"origin": "http://testserver"})
    cross_site = browser.post(PICKER, posted, headers={"sec-fetch-site": "cross-site"})
    other_origin = browser.post(PICKER, posted, headers={"origin": "https://evil.example"})

    assert from_here.status_code == by_origin.status_code == 302
    assert from_here["Location"] == "/schedule/?month=2027-01"
    assert from_here.cookies[VIEWER_TZ_COOKIE].value == "Asia/Tokyo"
    assert cross_site.status_code == other_origin.status_code == 403
    assert VIEWER_TZ_COOKIE not in cross_site.cookies
    assert VIEWER_TZ_COOKIE not in other_origin.cookies


@pytest.mark.django_db
def test_footer_offers_a_labelled_zone_picker_with_the_batch_zone_only_choice(client):
    page = client.get("/courses/").content.decode()

    assert '<label for="viewer-zone">Show times in</label>' in page
    assert '<select class="form-select form-select-sm w-auto" id="viewer-zone" name="zone"' in page
    assert '<option value="batch">Batch\'s own zone only</option>' in page
    assert '<option value="America/New_York">America/New York</option>' in page
    assert f'action="{PICKER}"' in page


@pytest.mark.django_db
def test_a_chosen_zone_outside_the_common_list_is_listed_and_selected(client):
    client.cookies[VIEWER_TZ_COOKIE] = "America/St_Johns"

    page = client.get("/").content.decode()

    assert '<option value="America/St_Johns" selected>America/St Johns</option>' in page


# Pages


def times_cell(page: str, batch: Batch) -> str:
    """The session-times markup of the batch's row (from its <time> to the zone name)."""
    match = re.search(
        rf'<time class="batch-times"[^>]*>.*?</time>.*?{re.escape(batch.timezone)}</span>',
        page[: page.index(f"?batch={batch.pk}")].rsplit("<tr", 1)[1],
        re.DOTALL,
    )
    assert match, f"no session times for batch {batch.pk}"
    return " ".join(match.group(0).split())


@pytest.fixture
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def january(_frozen_today) -> Batch:
    return make_batch(
        course=make_course(slug="python"),
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 1, 29),
        timezone="Asia/Kolkata",
    )


@pytest.mark.django_db
def test_times_carry_the_first_sessions_start_and_end_for_the_script(client, january):
    cell = times_cell(client.get("/schedule/").content.decode(), january)

    assert cell.startswith(
        '<time class="batch-times" datetime="2027-01-04T19:00:00+05:30"'
        ' data-end="2027-01-04T21:00:00+05:30" data-local-times="auto"'
        ' data-batch-zone="Asia/Kolkata" data-weekdays="1,2,3,4,5"'
        ' data-first-date="2027-01-04" data-last-date="2027-01-29"'
        ' data-session-start="19:00" data-session-end="21:00">Mon–Fri, 19:00–21:00 IST</time>'
    )
    assert "your time" not in cell


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/schedule/", "/courses/python/"])
def test_pages_show_your_time_in_the_zone_from_the_cookie(client, january, url):
    client.cookies[VIEWER_TZ_COOKIE] = "Europe/Berlin"

    cell = times_cell(client.get(url).content.decode(), january)

    assert 'data-local-times="server"' in cell
    assert (
        'Mon–Fri, 19:00–21:00 IST</time><span class="your-time"> · your time 14:30–16:30 CET'
        "</span>" in cell
    )


@pytest.mark.django_db
def test_enquiry_page_shows_your_time_in_the_zone_from_the_cookie(client, january):
    client.cookies[VIEWER_TZ_COOKIE] = "America/New_York"

    page = client.get(f"/courses/python/enquire/?batch={january.pk}").content.decode()

    assert (
        'Mon–Fri, 19:00–21:00 IST</time><span class="your-time"> · your time 08:30–10:30 EST'
        in page
    )


@pytest.mark.django_db
def test_a_weekend_batch_shows_the_viewers_weekday_when_it_differs(client, _frozen_today):
    weekend = make_batch(
        track=Batch.Track.WEEKEND,
        start_date=dt.date(2027, 1, 9),
        end_date=dt.date(2027, 1, 31),
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 0),
        timezone="Asia/Kolkata",
    )
    client.cookies[VIEWER_TZ_COOKIE] = "America/New_York"

    cell = times_cell(client.get("/schedule/").content.decode(), weekend)

    assert "Sat–Sun, 10:00–13:00 IST</time>" in cell
    assert "· your time Fri–Sat, 23:30–02:30 EST (ends next day)</span>" in cell


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["batch", "Asia/Kolkata"])
def test_no_your_time_when_the_viewer_wants_the_batch_zone_or_shares_it(client, january, cookie):
    client.cookies[VIEWER_TZ_COOKIE] = cookie

    cell = times_cell(client.get("/schedule/").content.decode(), january)

    assert "your time" not in cell
    # Either way the script must not add one: "off", or "server" (converted: nothing to add).
    assert f'data-local-times="{"off" if cookie == "batch" else "server"}"' in cell


@pytest.mark.django_db
def test_a_tampered_cookie_is_ignored(client, january):
    client.cookies[VIEWER_TZ_COOKIE] = "<script>alert(1)</script>"

    response = client.get("/schedule/")

    assert response.status_code == 200
    cell = times_cell(response.content.decode(), january)
    assert 'data-local-times="auto"' in cell
    assert "<script>alert" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "rows"), [("/", 5), ("/schedule/", 4), ("/courses/python/", 5)])
def test_reading_the_zone_cookie_adds_no_query(client, settings, url, rows):
    # The view's own queries: a page from the cache, or from kept fragments, runs none.
    settings.BATCHWISE_PAGE_CACHE = False
    settings.BATCHWISE_FRAGMENT_CACHE = False
    with time_machine.travel(TODAY, tick=False):
        course = make_course(slug="python")
        for week in range(5):
            make_batch(
                course=course,
                start_date=dt.date(2027, 1, 4) + dt.timedelta(weeks=week),
                timezone=["Asia/Kolkata", "Europe/London", "America/New_York"][week % 3],
            )
        counts = {}
        for cookie in (None, "Europe/Berlin", "batch"):
            if cookie:
                client.cookies[VIEWER_TZ_COOKIE] = cookie
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url).content.decode()
            counts[cookie] = len(queries)
            assert page.count('class="batch-times"') == rows  # the schedule: January's

    assert counts["Europe/Berlin"] == counts[None] == counts["batch"]


# Relative labels on the pages


def start_label(page: str, batch: Batch) -> tuple[str, str]:
    """The batch row's start label: its markup and its text."""
    row = page[: page.index(f"?batch={batch.pk}")].rsplit("<tr", 1)[1]
    match = re.search(r'<span class="batch-starts"[^>]*>([^<]*)</span>', row)
    assert match, f"no start label for batch {batch.pk}"
    return match.group(0), match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now", "label"),
    [
        (dt.datetime(2027, 1, 4, 5, 0, tzinfo=dt.UTC), " (starts today)"),
        (dt.datetime(2027, 1, 3, 9, 0, tzinfo=dt.UTC), " (starts tomorrow)"),
        (dt.datetime(2026, 12, 30, 9, 0, tzinfo=dt.UTC), " (starts in 5 days)"),
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), ""),  # more than two weeks ahead
    ],
)
def test_schedule_says_when_a_batch_starts_relative_to_today(client, now, label):
    with time_machine.travel(TODAY, tick=False):
        january = make_batch(start_date=dt.date(2027, 1, 4), timezone="Asia/Kolkata")

    with time_machine.travel(now, tick=False):
        page = client.get("/schedule/").content.decode()

    markup, text = start_label(page, january)
    assert text == label
    assert 'data-starts-at="2027-01-04T19:00:00+05:30"' in markup
    assert "data-viewer-zone" not in markup
    assert f"Mon 4 Jan 2027</time>{markup} – <time" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "label"),
    [
        (None, " (starts tomorrow)"),  # the site's zone, UTC: Friday 20:00, session Sat 04:30
        ("America/New_York", " (starts today)"),  # Friday 15:00, session Friday 23:30
        ("Asia/Kolkata", " (starts today)"),  # already Saturday 01:30
        ("batch", " (starts tomorrow)"),  # no viewer zone: the site's
    ],
)
def test_relative_label_counts_days_in_the_viewers_zone(client, cookie, label):
    with time_machine.travel(TODAY, tick=False):
        weekend = make_batch(
            track=Batch.Track.WEEKEND,
            start_date=dt.date(2027, 3, 6),
            session_start=dt.time(10, 0),
            session_end=dt.time(13, 0),
            timezone="Asia/Kolkata",
        )
    if cookie:
        client.cookies[VIEWER_TZ_COOKIE] = cookie

    with time_machine.travel(dt.datetime(2027, 3, 5, 20, 0, tzinfo=dt.UTC), tick=False):
        page = client.get("/schedule/").content.decode()

    markup, text = start_label(page, weekend)
    assert text == label
    if cookie and cookie != "batch":
        assert f'data-viewer-zone="{cookie}"' in markup
    else:
        assert "data-viewer-zone" not in markup
