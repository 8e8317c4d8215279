"""A learner asks to be told when a new batch is scheduled; a scheduler sees the demand on the
board, plans the batch from the cell and saves it (published); the learner is emailed once,
with the Enquire Now link, and the link opens Enquire Now for that batch. In real browsers:
the learner's, and a second one for staff with the site's CSP enforced."""

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from courses.models import Batch
from enquiries.models import Enquiry, OutgoingEmail
from tests.browser.conftest import AxeViolations, axe_report
from tests.factories import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "a long and known password"


@pytest.fixture
def staff_context(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    context = browser.new_context()
    refused: list[str] = []

    def note_csp(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    context.on("console", note_csp)
    try:
        yield context, refused
    finally:
        context.close()


def test_interest_shows_on_the_board_a_planned_batch_is_published_and_the_learner_is_emailed(
    live_server, page: Page, staff_context, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    course = make_course(title="Data Engineering", slug="data-engineering", default_capacity=12)
    axe_reports = []

    # No batch suits the learner: she asks to be told about a weekend batch in January.
    page.goto(f"{live_server.url}/courses/{course.slug}/")
    page.get_by_role("link", name="Tell me when a new batch is scheduled").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell me when a new batch is scheduled"
    )
    axe_reports.append(axe_report(page))
    page.get_by_label("January 2027").check()
    page.get_by_label("Weekend (Sat–Sun)").check()
    page.get_by_label("Your time zone").select_option("Europe/London")
    page.get_by_label("Full name").fill("Mina Okafor")
    page.get_by_label("Email address").fill("mina@example.com")
    page.get_by_label("Phone number").fill("+44 20 7946 0958")
    page.get_by_label(re.compile("I agree to be emailed")).check()
    page.get_by_role("button", name="Tell me when").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we have your enquiry")
    expect(page.locator("main")).to_contain_text("January 2027")
    enquiry = Enquiry.objects.get(email="mina@example.com")
    assert (enquiry.kind, enquiry.time_zone) == ("interest", "Europe/London")

    # A scheduler opens the board: one person for January, weekend, either mode.
    scheduler = get_user_model().objects.create_user(
        "planner", email="planner@example.com", password=STAFF_PASSWORD, is_staff=True
    )
    # What the Scheduler role grants for this (the group itself is emptied between
    # transactional tests, so the test gives the permissions by name).
    scheduler.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_demand_board",
                "add_batch",
                "change_batch",
                "view_batch",
                "view_course",
            ]
        )
    )
    context, csp_refusals = staff_context
    staff = context.new_page()
    staff.goto(f"{live_server.url}/admin/")
    staff.get_by_label("Username").fill("planner")
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("link", name="Demand board").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Demand board")
    cell = staff.locator(f'td[data-cell="{course.pk}.2027-01.weekend.any"]')
    expect(cell).to_contain_text("1 person")
    expect(cell).to_contain_text("UTC−2 to +1 (UK, West Europe and Africa): 1")

    # Plan a batch from the cell: the batch form comes pre-filled; saving publishes it.
    cell.get_by_role("link", name="Plan a batch").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Add batch")
    expect(staff.get_by_label("Start date")).to_have_value("2027-01-02")
    expect(staff.get_by_label("Track")).to_have_value("weekend")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    assert not csp_refusals, csp_refusals
    batch = Batch.objects.get(course=course)
    assert batch.is_published
    # London is UTC+0 in January: a 3-hour session from 19:00 IST is 13:30-16:30 there.
    assert batch.session_start.hour in range(14, 24)

    # The worker sends the news: one email to Mina, with the Enquire Now link.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    [email] = OutgoingEmail.objects.filter(kind="interest")
    assert email.to == "mina@example.com"
    link = re.search(
        r"https?://\S+(/courses/data-engineering/enquire/\?batch=\d+)", email.body_text
    )
    assert link and link.group(1).endswith(f"batch={batch.pk}")
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert OutgoingEmail.objects.filter(kind="interest").count() == 1

    page.goto(f"{live_server.url}{link.group(1)}")
    expect(page.locator("main")).to_contain_text("Sat 2 Jan 2027")
    if any(axe_reports):
        raise AxeViolations("\n".join(report for report in axe_reports if report))
