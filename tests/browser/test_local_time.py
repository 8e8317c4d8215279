"""Batch times in the visitor's own zone, in a real browser set to New York or Kolkata.

The batches are in March 2027, around the two daylight-saving changes: New York's on 14 March,
London's on 28 March. The server's clock doesn't matter: the batches are in the future either
way (the browser tests fix the server's clock at 1 December 2026), and the browser's clock is
set where a test needs "starts today".
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from courses.models import Batch
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import make_batch, make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_in(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context set to a time zone (en-US, like most browsers).

    The site's CSP allows only its own scripts; bypass it so axe can be injected.
    """
    contexts = []
    failed: list[Response] = []

    def open_page(timezone_id: str, *, javascript: bool = True) -> Page:
        context = browser.new_context(
            timezone_id=timezone_id,
            locale="en-US",
            bypass_csp=True,
            java_script_enabled=javascript,
        )
        context.on("response", lambda r: r.status < 400 or failed.append(r))
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()
    failures = [f"{r.status} {r.url}" for r in failed]
    assert not failures, f"Requests failed: {failures}"


@dataclass
class Batches:
    london: Batch  # weekdays 15 Mar to 9 Apr 2027 at 10:00 (London's clocks change 28 Mar)
    new_york: Batch  # weekdays 1 to 26 Mar 2027 at 10:30 (New York's change on 14 Mar)
    kolkata: Batch  # weekends in January 2027 at 10:00 IST: Friday night in New York


@pytest.fixture
def batches() -> Batches:
    course = make_course(title="Kubernetes for Developers", slug="kubernetes-for-developers")
    return Batches(
        london=make_batch(
            course=course,
            start_date=dt.date(2027, 3, 15),
            end_date=dt.date(2027, 4, 9),
            session_start=dt.time(10, 0),
            session_end=dt.time(12, 0),
            timezone="Europe/London",
        ),
        new_york=make_batch(
            course=course,
            start_date=dt.date(2027, 3, 1),
            end_date=dt.date(2027, 3, 26),
            session_start=dt.time(10, 30),
            session_end=dt.time(12, 30),
            timezone="America/New_York",
        ),
        kolkata=make_batch(
            course=course,
            track=Batch.Track.WEEKEND,
            start_date=dt.date(2027, 1, 9),
            end_date=dt.date(2027, 1, 31),
            session_start=dt.time(10, 0),
            session_end=dt.time(13, 0),
            timezone="Asia/Kolkata",
        ),
    )


def row(page: Page, batch: Batch) -> Locator:
    return page.locator("tr", has=page.locator(f'a[href*="?batch={batch.pk}"]'))


def test_new_york_browser_shows_each_batch_in_new_york_time_across_the_clock_changes(
    live_server, page_in, batches: Batches
):
    page = page_in("America/New_York")
    page.goto(f"{live_server.url}/courses/{batches.london.course.slug}/")

    london = row(page, batches.london)
    expect(london.locator("time.batch-times")).to_have_text("Mon–Fri, 10:00–12:00 GMT")
    # New York is on summer time from 14 March, London only from 28 March.
    expect(london.locator(".your-time")).to_have_text(
        "· your time 06:00–08:00 EDT, then 05:00–07:00 EDT from Mon 29 Mar"
    )
    # Across the date line of the day: Saturday morning in Kolkata is Friday night here.
    expect(row(page, batches.kolkata).locator(".your-time")).to_have_text(
        "· your time Fri–Sat, 23:30–02:30 EST (ends next day)"
    )
    # The batch's own zone: nothing to add.
    new_york = row(page, batches.new_york)
    expect(new_york.locator("time.batch-times")).to_have_attribute("data-local-times", "browser")
    expect(new_york.locator(".your-time")).to_have_count(0)
    assert_no_axe_violations(page)


def test_kolkata_browser_shows_each_batch_in_kolkata_time_across_the_clock_changes(
    live_server, page_in, batches: Batches
):
    page = page_in("Asia/Kolkata")
    page.goto(f"{live_server.url}/courses/{batches.london.course.slug}/")

    expect(row(page, batches.london).locator(".your-time")).to_have_text(
        "· your time 15:30–17:30 GMT+5:30, then 14:30–16:30 GMT+5:30 from Mon 29 Mar"
    )
    expect(row(page, batches.new_york).locator(".your-time")).to_have_text(
        "· your time 21:00–23:00 GMT+5:30, then 20:00–22:00 GMT+5:30 from Mon 15 Mar"
    )
    expect(row(page, batches.kolkata).locator(".your-time")).to_have_count(0)
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    ("timezone_id", "label"),
    [
        # 02:00 UTC on Monday 15 March: still Sunday evening in New York, where the first
        # session is Monday 06:00; already Monday morning in Kolkata (session 15:30).
        ("America/New_York", "(starts tomorrow)"),
        ("Asia/Kolkata", "(starts today)"),
    ],
)
def test_start_label_counts_days_on_the_browsers_calendar(
    live_server, page_in, batches: Batches, timezone_id: str, label: str
):
    page = page_in(timezone_id)
    page.clock.set_fixed_time(dt.datetime(2027, 3, 15, 2, 0, tzinfo=dt.UTC))
    page.goto(f"{live_server.url}/schedule/?month=2027-03")

    expect(row(page, batches.london).locator(".batch-starts")).to_have_text(label)
    # Already started in the browser's clock: no label.
    expect(row(page, batches.new_york).locator(".batch-starts")).to_have_text("")


def test_picked_zone_is_shown_by_the_server_and_not_added_twice(
    live_server, page_in, batches: Batches
):
    page = page_in("America/New_York")
    page.goto(f"{live_server.url}/schedule/?track=weekday")

    page.get_by_label("Show times in").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/schedule/?track=weekday")
    expect(page.get_by_role("status").first).to_have_text(
        "Batch times now also show your time in Asia/Kolkata."
    )
    london = row(page, batches.london)
    expect(london.locator("time.batch-times")).to_have_attribute("data-local-times", "server")
    expect(london.locator(".your-time")).to_have_text(
        "· your time 15:30–17:30 IST, then 14:30–16:30 IST from Mon 29 Mar"
    )
    expect(row(page, batches.new_york).locator(".your-time")).to_have_text(
        "· your time 21:00–23:00 IST, then 20:00–22:00 IST from Mon 15 Mar"
    )
    expect(page.get_by_label("Show times in")).to_have_value("Asia/Kolkata")
    assert_no_axe_violations(page)

    page.get_by_label("Show times in").select_option("batch")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".your-time")).to_have_count(0)


def test_zone_picker_works_without_javascript(live_server, page_in, batches: Batches):
    page = page_in("America/New_York", javascript=False)
    page.goto(f"{live_server.url}/schedule/?month=2027-03")
    expect(row(page, batches.london).locator("time.batch-times")).to_have_text(
        "Mon–Fri, 10:00–12:00 GMT"
    )
    expect(page.locator(".your-time")).to_have_count(0)

    page.get_by_label("Show times in").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/schedule/?month=2027-03")
    # London and Berlin change their clocks on the same night: the same time throughout.
    expect(row(page, batches.london).locator(".your-time")).to_have_text(
        "· your time 11:00–13:00 CET"
    )
    expect(row(page, batches.new_york).locator(".your-time")).to_have_text(
        "· your time 16:30–18:30 CET, then 15:30–17:30 CET from Mon 15 Mar"
    )
