"""A learner joins the waiting list of a full batch and confirms the place through the link
emailed to them; staff free a seat in the admin; the learner accepts the offer. In real
browsers: the learner's, and a second one for staff."""

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from courses.models import Batch
from enquiries.models import Enquiry, Enrollment, OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.browser.conftest import AxeViolations, axe_report
from tests.factories import make_batch, make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "a long and known password"


@pytest.fixture
def full_batch() -> Batch:
    """One seat, taken."""
    course = make_course(title="Kubernetes in Production", slug="kubernetes-in-production")
    batch = make_batch(course=course, capacity=1)
    seat = seats.enroll(
        batch=batch, learner=seats.Learner(name="Seated Learner", email="seated@example.com")
    )
    assert isinstance(seat, Enrollment)
    return batch


@pytest.fixture
def staff_context(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A second browser for staff, with the site's CSP enforced (no bypass): the admin pages
    must work without inline scripts or styles. Yields the context and the CSP reports."""
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


def test_learner_waits_staff_free_a_seat_and_the_learner_accepts_it(
    live_server, page: Page, full_batch: Batch, staff_context
):
    axe_reports = []

    # The learner finds the batch full and joins its waiting list.
    page.goto(f"{live_server.url}/schedule/")
    row = page.locator("tr[data-track]").filter(has_text=full_batch.course.title)
    expect(row).to_contain_text("Full")
    row.get_by_role("link", name=re.compile("Full — join the waiting list")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waiting list")
    axe_reports.append(axe_report(page))
    page.get_by_label("Full name").fill("Ben Rao")
    page.get_by_label("Email address").fill("ben@example.com")
    page.get_by_label("Phone number").fill("+44 20 7946 0958")
    page.get_by_label(re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Join the waiting list").click()

    # The page says only where the link went; the link itself is in the email.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("#waitlist-emailed")).to_contain_text("ben@example.com")
    axe_reports.append(axe_report(page))
    entry = WaitlistEntry.objects.get(batch=full_batch, email="ben@example.com")
    assert entry.status == WaitlistEntry.Status.UNCONFIRMED
    assert entry.token not in page.content()
    assert Enquiry.objects.get(email="ben@example.com").kind == Enquiry.Kind.WAITING_LIST
    [confirm] = OutgoingEmail.objects.filter(kind="waitlist", to="ben@example.com")
    link = re.search(r"https?://\S+(/waiting-list/[\w-]+/)", confirm.body_text).group(1)

    # Ben opens the link in the email: his place is confirmed and in line.
    page.goto(f"{live_server.url}{link}")
    expect(page.locator("#waitlist-position")).to_have_text("number 1")
    axe_reports.append(axe_report(page))
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING

    # Staff log in and cancel the confirmed seat, which offers it to Ben.
    get_user_model().objects.create_superuser(
        "frontdesk", email="frontdesk@example.com", password=STAFF_PASSWORD
    )
    context, csp_refusals = staff_context
    staff = context.new_page()
    staff.goto(f"{live_server.url}/admin/")
    staff.get_by_label("Username").fill("frontdesk")
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    expect(staff.get_by_role("link", name="Enrollments")).to_be_visible()
    staff.get_by_role("link", name="Enrollments").click()

    expect(staff.get_by_role("heading", level=1)).to_have_text("Select enrollment to change")
    staff.get_by_role("row").filter(has_text="Seated Learner").get_by_role("checkbox").check()
    staff.get_by_role("combobox", name=re.compile("^Action")).select_option(label="Cancel seat")
    staff.get_by_role("button", name="Run").click()
    expect(staff.locator("#seats-to-cancel")).to_contain_text("seated@example.com")
    staff.get_by_role("button", name="Yes, cancel 1 seat").click()
    expect(staff.locator(".messagelist")).to_contain_text(
        "The freed seat was offered to the next person on the waiting list, who is emailed: "
        "Ben Rao (ben@example.com)"
    )
    assert not csp_refusals, csp_refusals

    # Ben opens his private page (the offer email links to it) and accepts the seat.
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    page.goto(f"{live_server.url}/waiting-list/{entry.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A seat is waiting for you")
    page.get_by_role("button", name="Accept my seat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your seat is confirmed")

    confirmed = Enrollment.objects.confirmed().filter(batch=full_batch)
    assert confirmed.filter(email="ben@example.com").count() == 1
    assert confirmed.count() == full_batch.capacity
    assert Batch.objects.get(pk=full_batch.pk).seats_left == 0
    assert seats.ledger_drift() == []
    if any(axe_reports):
        raise AxeViolations("\n".join(report for report in axe_reports if report))
