"""A learner in India asks for one-on-one training and later opens their plan, in a real browser."""

import datetime as dt
import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from courses.models import Course
from enquiries.models import Enquiry, Weekday
from enquiries.services import one_on_one
from tests.browser.conftest import (
    SERVER_NOW,
    AxeViolations,
    assert_no_axe_violations,
    axe_report,
    send_forms_as_a_person,
)
from tests.factories import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_in_kolkata(browser: Browser, _server_clock) -> Iterator[Page]:
    """Like the `page` fixture, in a browser whose clock and Intl time zone are Asia/Kolkata."""
    context = browser.new_context(timezone_id="Asia/Kolkata", bypass_csp=True)
    send_forms_as_a_person(context, _server_clock)
    failed: list[Response] = []
    context.on("response", lambda response: response.status < 400 or failed.append(response))
    try:
        yield context.new_page()
    finally:
        context.close()
    failures = [f"{r.status} {r.url}" for r in failed]
    assert not failures, f"Requests failed: {failures}"


@pytest.fixture
def course() -> Course:
    return make_course(title="Kubernetes for Developers", slug="kubernetes-for-developers")


def test_learner_in_kolkata_asks_for_one_on_one_training(
    live_server, page_in_kolkata: Page, course: Course, settings
):
    settings.TIME_ZONE = "UTC"  # the provider's zone: what the page offers without the script
    page = page_in_kolkata
    axe_reports = []

    page.goto(f"{live_server.url}/courses/{course.slug}/")
    page.get_by_role("link", name="One-on-one training").click()

    expect(page).to_have_url(re.compile(rf"/courses/{course.slug}/one-on-one/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "One-on-one training in Kubernetes for Developers"
    )
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("Asia/Kolkata")  # set by local-time-zone.js from the browser
    axe_reports.append(axe_report(page))

    # Too little: errors beside the fields, and what was chosen is kept.
    page.get_by_label("Tuesday").check()
    page.get_by_label("Earliest start time").fill("19:00")
    page.get_by_label("Latest end time").fill("20:00")
    page.get_by_label("Sessions a week").select_option("2")
    send = page.get_by_role("button", name="Send my request")
    send.click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(
        page.locator("form[data-once]").get_by_text("doesn't fit between 19:00 and 20:00")
    ).to_be_visible()
    expect(
        page.locator("form[data-once]").get_by_text("You ticked 1 day, so choose at most 1 session")
    ).to_be_visible()
    expect(page.locator("form[data-once]").get_by_text("Please tell us your name.")).to_be_visible()
    expect(page.get_by_label("Tuesday")).to_be_checked()
    expect(zone).to_have_value("Asia/Kolkata")
    axe_reports.append(axe_report(page))

    page.get_by_label("Thursday").check()
    page.get_by_label("Latest end time").fill("21:00")
    page.get_by_label("Earliest start date").fill(
        (SERVER_NOW.date() + dt.timedelta(days=7)).isoformat()
    )
    page.get_by_label("Full name").fill("Asha Verma")
    page.get_by_label("Email address").fill("asha@example.com")
    page.get_by_label("Phone number").fill("+91 98123 45678")
    page.get_by_label(re.compile("I agree to be contacted")).check()
    send.click()

    expect(page).to_have_url(re.compile(r"/enquiries/thanks/$"))
    enquiry = Enquiry.objects.get()
    assert enquiry.kind == Enquiry.Kind.ONE_ON_ONE
    assert enquiry.status == Enquiry.Status.NEW  # a person's, not caught by the time trap
    request = enquiry.one_on_one_request
    assert request.timezone == "Asia/Kolkata"
    assert request.preferred_days == [Weekday.TUESDAY, Weekday.THURSDAY]
    assert (request.window_start, request.window_end) == (dt.time(19), dt.time(21))
    if any(axe_reports):
        raise AxeViolations("\n".join(report for report in axe_reports if report))


def test_a_choice_sent_back_is_not_replaced_by_the_browsers_zone(
    live_server, page_in_kolkata: Page, course: Course
):
    page = page_in_kolkata
    page.goto(f"{live_server.url}/courses/{course.slug}/one-on-one/")
    page.get_by_label("Your time zone").select_option("Europe/London")

    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(
        page.locator("form[data-once]").get_by_text("Tick at least one day of the week.")
    ).to_be_visible()
    expect(
        page.locator("form[data-once]").get_by_text("Give the earliest time a session could start.")
    ).to_be_visible()
    expect(
        page.locator("form[data-once]").get_by_text("Tell us the first date you could start.")
    ).to_be_visible()
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/London")


def test_learners_plan_page_has_no_axe_violations(live_server, page: Page, course: Course):
    enquiry = one_on_one.submit_one_on_one(
        course=course,
        preferences=one_on_one.Preferences(
            preferred_days=(Weekday.TUESDAY, Weekday.THURSDAY),
            window_start=dt.time(18, 0),
            window_end=dt.time(21, 0),
            timezone="America/New_York",
            session_minutes=90,
            sessions_per_week=2,
            weeks=3,
            earliest_start=SERVER_NOW.date() + dt.timedelta(days=1),
        ),
        name="Maya Cohen",
        email="maya@example.com",
        phone="+12125550147",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    plan = one_on_one.generate_plan(request=enquiry.one_on_one_request, by=None)

    page.goto(f"{live_server.url}/training-plan/{plan.token}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your training plan")
    expect(page.locator("#plan-sessions tbody tr")).to_have_count(6)
    expect(page.get_by_role("link", name="Add to my calendar (.ics)")).to_be_visible()
    assert_no_axe_violations(page)
