"""The scheduler's calendar in a real browser: a Scheduler picks a trainer and a month without
JavaScript, on a 320 px screen; the page does not scroll sideways and passes axe."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from courses.models import Batch
from tests.browser.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and known password"
PHONE = {"width": 320, "height": 800}


def log_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill("planner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Calendar")).to_be_visible()


@pytest.fixture
def scheduler() -> None:
    """Staff who may see batches (a transactional test has no groups from the migrations)."""
    call_command("load_demo", stdout=StringIO())
    user = get_user_model().objects.create_user("planner", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_batch", "view_trainer"])
    )


def test_a_scheduler_picks_a_trainer_and_month_without_javascript(
    live_server, browser: Browser, scheduler
):
    batch = (
        Batch.objects.filter(trainer__name="Tom Hughes", track=Batch.Track.WEEKDAY)
        .order_by("start_date")
        .first()
    )
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, live_server.url)
        page.get_by_role("link", name="Calendar").click()

        page.get_by_label("Month").fill(f"{batch.start_date:%Y-%m}")
        page.get_by_label("Trainer").select_option(label="Tom Hughes")
        page.get_by_role("button", name="Show").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Calendar")
        expect(page.locator("#content-main")).to_contain_text("Europe/London")
        first_day = page.locator(f"#day-{batch.start_date:%Y-%m-%d}").locator("..")
        expect(first_day).to_contain_text("18:30–20:30")
        expect(first_day).to_contain_text("Kubernetes in Production, weekday batch")
        assert "Asha Rao" not in page.locator(".calendar-sessions").first.inner_text()
    finally:
        context.close()


def test_the_calendar_fits_a_phone_and_passes_axe(live_server, page: Page, scheduler):
    batch = Batch.objects.filter(trainer__isnull=False).order_by("start_date").first()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/calendar/?month={batch.start_date:%Y-%m}")

    expect(page.locator(".calendar-session").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)
