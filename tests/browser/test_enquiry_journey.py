"""A learner finds a weekend batch on the schedule and sends an enquiry, in a real browser."""

import re
from dataclasses import dataclass

import pytest
from django.utils.dateformat import format as format_date
from playwright.sync_api import Page, expect

from courses.models import Batch, Course
from enquiries.models import Enquiry
from tests.browser.conftest import AxeViolations, assert_no_axe_violations, axe_report
from tests.factories import make_batch, make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Catalog:
    course: Course
    weekday: Batch
    weekend: Batch


@pytest.fixture
def catalog() -> Catalog:
    course = make_course(title="Kubernetes for Developers", slug="kubernetes-for-developers")
    return Catalog(
        course=course,
        weekday=make_batch(course=course, track=Batch.Track.WEEKDAY),
        weekend=make_batch(course=course, track=Batch.Track.WEEKEND),
    )


def test_learner_enquires_about_a_weekend_batch_from_the_schedule(
    live_server, page: Page, catalog: Catalog
):
    # axe runs at every step; its findings are raised at the end, so an accessibility
    # failure never hides whether the enquiry itself works.
    axe_reports = []

    page.goto(f"{live_server.url}/schedule/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Batch schedule")
    expect(page.locator("tr[data-track]")).to_have_count(2)
    axe_reports.append(axe_report(page))

    page.locator('tr[data-track="weekend"]').get_by_role(
        "link", name=re.compile("Enquire Now")
    ).click()

    expect(page).to_have_url(
        re.compile(rf"/courses/{catalog.course.slug}/enquire/\?batch={catalog.weekend.pk}$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Enquire about {catalog.course.title}"
    )
    summary = page.get_by_role("complementary", name="Your enquiry is about")
    expect(summary).to_contain_text(catalog.course.title)
    expect(summary).to_contain_text(catalog.weekend.get_track_display())
    expect(summary).to_contain_text(format_date(catalog.weekend.start_date, "D j M Y"))
    axe_reports.append(axe_report(page))

    send = page.get_by_role("button", name="Send enquiry")
    send.click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    # Each message beside its field, in the form (the summary above lists them too).
    expect(page.locator("form[data-once]").get_by_text("Please tell us your name.")).to_be_visible()
    expect(
        page.locator("form[data-once]").get_by_text("Please tick this box so we can contact you")
    ).to_be_visible()
    # The rejected form still names the weekend batch.
    expect(summary).to_contain_text(catalog.weekend.get_track_display())
    axe_reports.append(axe_report(page))

    page.get_by_label("Full name").fill("Asha Verma")
    page.get_by_label("Email address").fill("asha@example.com")
    page.get_by_label("Phone number").fill("+91 98123 45678")
    page.get_by_label(re.compile("I agree to be contacted")).check()
    send.click()

    expect(page).to_have_url(re.compile(r"/enquiries/thanks/$"))
    reference = page.locator("#enquiry-reference")
    expect(reference).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    expect(page.get_by_role("main")).to_contain_text(catalog.weekend.get_track_display())
    axe_reports.append(axe_report(page))

    # One record: the rejected empty form stored nothing.
    enquiry = Enquiry.objects.get()
    assert enquiry.reference == reference.inner_text()
    assert enquiry.batch == catalog.weekend
    assert enquiry.kind == Enquiry.Kind.BATCH
    assert enquiry.status == Enquiry.Status.NEW  # a person's, not caught by the time trap
    assert enquiry.course == catalog.course
    assert (enquiry.name, enquiry.email, enquiry.phone) == (
        "Asha Verma",
        "asha@example.com",
        "+919812345678",
    )
    if any(axe_reports):
        raise AxeViolations("\n".join(report for report in axe_reports if report))


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Learn with a live instructor, on your schedule"),
        ("/courses/", "Courses"),
        ("/courses/kubernetes-for-developers/", "Kubernetes for Developers"),
    ],
    ids=["home", "catalog", "course"],
)
def test_public_page_has_no_axe_violations(
    live_server, page: Page, catalog: Catalog, path: str, heading: str
):
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Each page lists the seeded course, so axe checks real cards and tables, not empty states.
    expect(page.get_by_role("main")).to_contain_text(catalog.course.title)
    assert_no_axe_violations(page)


def test_privacy_notice_has_no_axe_violations(live_server, page: Page):
    page.goto(f"{live_server.url}/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("main")).to_contain_text("Your rights")
    assert_no_axe_violations(page)
