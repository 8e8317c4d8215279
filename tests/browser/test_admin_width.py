"""The enquiry list at 1366 px, a common laptop width: every column in view beside the filters,
nothing scrolls sideways."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from enquiries.services import assign
from tests.factories import make_batch, make_course, make_enquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and known password"
COLUMNS = [
    "Reference",
    "Name",
    "Contact",
    "Course and batch",
    "Status",
    "Owner",
    "Follow-up",
    "Repeat of",
    "Created",
]


def test_enquiry_list_fits_1366_px_with_every_column_beside_the_filters(live_server, page: Page):
    staff = get_user_model().objects.create_superuser(
        "frontdesk",
        email="frontdesk@example.com",
        password=PASSWORD,
        first_name="Anita",
        last_name="Ramachandran-Iyer",
    )
    batch = make_batch(course=make_course(title="Machine Learning Engineering in Production"))
    original = make_enquiry(
        batch=batch,
        name="Venkataraghavan Subramanian-Krishnamurthy",
        email="venkataraghavan.subramanian-krishnamurthy@example-company.co.in",
    )
    assign(enquiry=original, owner=staff, by=staff)
    make_enquiry(batch=batch, name="Venkat S", email=original.email)  # a repeat
    for n in range(3):
        make_enquiry(
            course=batch.course, email=f"learner{n}@example.com", phone=f"+4420794609{n:02}"
        )

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/enquiries/enquiry/")
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Select enquiry to change")

    filters = page.locator("#changelist-filter").bounding_box()
    assert filters is not None
    for name in COLUMNS:
        header = page.locator("#result_list thead th").filter(has_text=name).first
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= filters["x"], f"{name} is behind the filters"
    sideways = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.results')]
                 .filter(el => el.scrollWidth > el.clientWidth + 1)
                 .map(el => `${el.className || el.tagName}: ${el.scrollWidth}`)"""
    )
    assert sideways == []
    expect(page.get_by_role("link", name=original.email).first).to_have_attribute(
        "href", f"mailto:{original.email}"
    )
    expect(page.get_by_role("link", name="+91 98123 45678").first).to_have_attribute(
        "href", "tel:+919812345678"
    )
    expect(page.locator("#result_list")).to_contain_text("Anita Ramachandran-Iyer")
