"""Every public page at phone, tablet and desktop widths: nothing scrolls sideways, every
batch's action is in view, and the schedule and course page pass axe in both layouts.

One page is reused and resized per width. With BATCHWISE_SCREENSHOTS set (`make screenshots`)
the home, course, schedule and enquiry pages are also saved, full page, to docs/screenshots/.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from courses.models import Article, Batch, Course
from tests.browser.conftest import axe_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390, 768, 1366)
ACTION_WIDTHS = (*WIDTHS, 1920)  # the action check also at a wide desktop
PHONE, DESKTOP = 390, 1366
HEIGHT = 800
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOT_PAGES = {"home", "course", "schedule", "enquiry"}
BATCH_PAGES = {"home", "course", "schedule"}  # pages that list batches with an action each

# Each batch's action (Enquire Now / Full — join the waiting list) that is not wholly in view:
# hidden, outside the viewport's width, or cut off by an ancestor that scrolls or clips.
ACTIONS_OUT_OF_VIEW = """() => {
  const actions = [...document.querySelectorAll('a[href*="?batch="]')]
    .filter((a) => /Enquire Now|join the waiting list/.test(a.textContent));
  const out = [];
  for (const action of actions) {
    const box = action.getBoundingClientRect();
    let reason = "";
    if (box.width === 0 || box.height === 0 || getComputedStyle(action).visibility !== "visible") {
      reason = "hidden";
    } else if (box.left < 0 || box.right > window.innerWidth) {
      reason = `outside the viewport (${Math.round(box.left)}–${Math.round(box.right)})`;
    } else {
      for (let parent = action.parentElement; parent; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX === "visible") continue;
        const clip = parent.getBoundingClientRect();
        if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5) {
          reason = `cut off by ${parent.tagName.toLowerCase()}.${parent.className}`;
          break;
        }
      }
    }
    if (reason) out.push(`${action.href}: ${reason}`);
  }
  return {count: actions.length, out};
}"""


@pytest.fixture
def public_pages() -> dict[str, str]:
    """The demo site's public pages, by name: one of each kind, with real content."""
    call_command("load_demo", stdout=StringIO())
    course = Course.objects.get(slug="deep-learning")
    batch = course.batches.open_for_enquiry().for_schedule().first()
    full = Batch.objects.open_for_enquiry().full().select_related("course").first()
    article = Article.objects.published().order_by("slug").first()
    return {
        "home": "/",
        "courses": "/courses/",
        "course": course.get_absolute_url(),
        "schedule": "/schedule/",
        "article": article.get_absolute_url(),
        "enquiry": f"/courses/{course.slug}/enquire/?batch={batch.pk}",
        "waiting-list": f"/courses/{full.course.slug}/waiting-list/?batch={full.pk}",
        "one-on-one": f"/courses/{course.slug}/one-on-one/",
        "privacy": "/privacy/",
        "enquiry-thanks": "/enquiries/thanks/",
        "waiting-list-thanks": "/waiting-list/emailed/",
    }


def test_no_page_scrolls_sideways_and_every_batch_action_is_in_view(
    live_server, page: Page, public_pages: dict[str, str]
):
    problems = []
    for width in ACTION_WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, path in public_pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, f"{path}: {response}"
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            inner_width = page.evaluate("window.innerWidth")
            if scroll_width > inner_width:
                problems.append(f"{width}px {name}: page is {scroll_width}px wide")
            if name in BATCH_PAGES:
                actions = page.evaluate(ACTIONS_OUT_OF_VIEW)
                if not actions["count"]:
                    problems.append(f"{width}px {name}: no batch action found")
                problems.extend(f"{width}px {name}: {out}" for out in actions["out"])

    assert not problems, "\n".join(problems)
    if os.environ.get("BATCHWISE_SCREENSHOTS"):
        save_screenshots(page, live_server.url, public_pages)


def save_screenshots(page: Page, base_url: str, public_pages: dict[str, str]) -> None:
    """Full-page screenshots at phone and desktop width; the schedule shows its first month
    only, so the picture stays a reasonable size."""
    first = Batch.objects.open_for_enquiry().order_by("start_date").first()
    paths = {name: public_pages[name] for name in SCREENSHOT_PAGES}
    paths["schedule"] += f"?month={first.start_date:%Y-%m}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, layout in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, path in sorted(paths.items()):
            page.goto(f"{base_url}{path}")
            page.screenshot(path=SCREENSHOTS / f"{name}-{layout}.png", full_page=True)


def test_schedule_and_course_page_pass_axe_as_cards_and_as_tables(
    live_server, page: Page, public_pages: dict[str, str]
):
    reports = []
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name in ("schedule", "course"):
            page.goto(f"{live_server.url}{public_pages[name]}")
            report = axe_report(page)
            if report:
                reports.append(f"{width}px {name}: {report}")

    assert not reports, "\n\n".join(reports)


def test_course_facts_and_enquire_now_are_in_view_on_arrival_and_while_reading(
    live_server, page: Page, public_pages: dict[str, str]
):
    def enquire_now_in_view() -> bool:
        """A course-level Enquire Now (no ?batch=) wholly inside the viewport."""
        return page.evaluate("""() => [...document.querySelectorAll('a.btn')]
          .filter((a) => a.textContent.trim() === "Enquire Now" && !a.href.includes("?batch="))
          .some((a) => {
            const box = a.getBoundingClientRect();
            return box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight
              && box.left >= 0 && box.right <= window.innerWidth;
          })""")

    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(f"{live_server.url}{public_pages['course']}")
        for fact in ("Level", "Duration", "Fee", "Next start", "Modes"):
            term = page.locator("dt:visible", has_text=fact).first
            assert term.is_visible(), f"{width}px: {fact} not shown"
            assert term.bounding_box()["y"] < HEIGHT, f"{width}px: {fact} below the fold"
        assert enquire_now_in_view(), f"{width}px: no Enquire Now on arrival"

        page.locator("#faq").scroll_into_view_if_needed()
        assert enquire_now_in_view(), f"{width}px: Enquire Now out of reach by the FAQ"

        # One tap from anywhere (Bootstrap scrolls smoothly: expect waits for the scroll).
        page.get_by_role("link", name="See dates").locator("visible=true").first.click()
        expect(page.get_by_role("heading", name="Course Schedule")).to_be_in_viewport()

        # At the very bottom the phone's bar covers nothing: the footer ends above it.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        footer = page.locator("footer").bounding_box()
        assert footer is not None
        bars = page.locator(".fixed-bottom:visible")
        if bars.count():
            bar = bars.first.bounding_box()
            assert bar is not None and footer["y"] + footer["height"] <= bar["y"] + 1
