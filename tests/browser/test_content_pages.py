"""The trust pages (About, Contact, Articles) and the error summary of the forms, in a browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from courses.models import Article
from enquiries.models import Enquiry
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import make_batch, make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def active_element_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_failed_enquiry_focuses_the_error_summary_whose_links_focus_each_field(
    live_server, page: Page
):
    batch = make_batch(course=make_course(title="Deep Learning"))
    page.goto(f"{live_server.url}/courses/{batch.course.slug}/enquire/?batch={batch.pk}")
    expect(page).to_have_title("Enquire about Deep Learning · Batchwise")

    page.get_by_role("button", name="Send enquiry").click()

    expect(page).to_have_title("Error: Enquire about Deep Learning · Batchwise")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert active_element_id(page) == "error-summary"
    expect(summary.get_by_role("alert")).to_contain_text("There is a problem")

    summary.get_by_role("link", name="Please tell us your name.").click()
    expect(page.get_by_label("Full name")).to_be_focused()
    summary.get_by_role("link", name=re.compile("Please tick this box")).click()
    assert active_element_id(page) == "id_consent"
    assert_no_axe_violations(page)


def test_visitor_sends_a_general_enquiry_from_the_contact_page(live_server, page: Page):
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact us")
    expect(page.get_by_role("main").locator("address")).to_contain_text("hello@batchwise.example")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_no_axe_violations(page)

    page.get_by_label("Full name").fill("Asha Verma")
    page.get_by_label("Email address").fill("asha@example.com")
    page.get_by_label("Phone number").fill("+91 98123 45678")
    page.get_by_label("Your message").fill("Do you train teams of ten?")
    page.get_by_label(re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Send message").click()

    expect(page).to_have_url(re.compile(r"/enquiries/thanks/$"))
    expect(page.get_by_role("main")).to_contain_text("A general enquiry from our contact page.")
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.message) == (
        Enquiry.Kind.GENERAL,
        None,
        "Do you train teams of ten?",
    )
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/about/", "About Batchwise"), ("/articles/", "Articles")],
    ids=["about", "articles"],
)
def test_content_page_has_no_axe_violations(live_server, page: Page, path: str, heading: str):
    article = Article.objects.create(
        title="Choosing your first cloud course",
        slug="choosing-a-cloud-course",
        summary="What to learn first.",
        body="Start with the basics.",
        is_published=True,
    )
    article.courses.add(make_course(title="Cloud Basics"))

    page.goto(f"{live_server.url}{path}")

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_axe_violations(page)
