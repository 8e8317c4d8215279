"""The site in the dark colour scheme: followed from the system setting, and AA throughout."""

from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from courses.models import Batch
from tests.browser.conftest import axe_report, send_forms_as_a_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dark_page(browser: Browser, _server_clock: time_machine.Traveller) -> Iterator[Page]:
    """A page in a browser whose system asks for the dark colour scheme."""
    context = browser.new_context(bypass_csp=True, color_scheme="dark")
    send_forms_as_a_person(context, _server_clock)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def demo_catalog() -> None:
    """The demo's catalog, its course page showing each seat badge (the demo has one
    batch guaranteed to run there)."""
    call_command("load_demo", verbosity=0)
    empty = Batch.objects.open_for_enquiry().filter(
        course__slug="deep-learning", capacity__gt=2, seats_taken=0, seats_held=0
    )
    full, few = empty[:2]
    Batch.objects.filter(pk=full.pk).update(seats_taken=full.capacity)
    Batch.objects.filter(pk=few.pk).update(seats_taken=few.capacity - 2)


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("path", ["/", "/courses/deep-learning/"])
def test_a_dark_system_setting_gets_the_dark_scheme_with_aa_contrast(
    live_server, dark_page: Page, demo_catalog: None, path: str
):
    dark_page.goto(f"{live_server.url}{path}")

    assert background(dark_page) == "rgb(33, 37, 41)"
    assert axe_report(dark_page) == ""


def test_a_light_system_setting_gets_the_light_scheme(live_server, page: Page, demo_catalog: None):
    page.goto(f"{live_server.url}/courses/deep-learning/")

    assert background(page) == "rgb(255, 255, 255)"
    for badge in (".badge-full", ".badge-few-seats", ".badge-guaranteed"):
        assert page.locator(badge).count() >= 1, badge
    assert axe_report(page) == ""
