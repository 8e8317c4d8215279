"""Contact at a click: email and call links on the enquiry list and page, the learner's time
now, and owners by their full name."""

import datetime as dt
import uuid

import pytest
import time_machine

from enquiries.services import assign, one_on_one
from tests.factories import make_batch, make_course, make_enquiry

ENQUIRIES = "/admin/enquiries/enquiry/"
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def change_page(client, enquiry) -> str:
    response = client.get(f"{ENQUIRIES}{enquiry.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_list_and_page_link_the_email_and_the_phone(admin_client):
    enquiry = make_enquiry(email="meera@example.com", phone="+919812345678")

    listed = admin_client.get(ENQUIRIES).content.decode()
    page = change_page(admin_client, enquiry)

    for html in (listed, page):
        assert '<a href="mailto:meera@example.com">meera@example.com</a>' in html
        assert '<a href="tel:+919812345678" class="nowrap">+91 98123 45678</a>' in html


@pytest.mark.parametrize(
    ("phone", "batch_zone", "expected"),
    [
        pytest.param(
            "+919812345678",
            "Europe/London",
            "Tue 01 Dec 2026, 15:30 IST (Asia/Kolkata, from their phone number)",
            id="phone-country-with-one-zone",
        ),
        pytest.param(
            "+61412345678",
            "Europe/London",
            "Tue 01 Dec 2026, 10:00 GMT (Europe/London, the zone of their batch)",
            id="phone-country-with-several-zones",
        ),
    ],
)
@pytest.mark.django_db
def test_the_page_shows_the_learners_time_now_and_where_the_zone_comes_from(
    admin_client, phone, batch_zone, expected
):
    enquiry = make_enquiry(batch=make_batch(timezone=batch_zone), phone=phone)

    assert expected in change_page(admin_client, enquiry)


@pytest.mark.django_db
def test_a_one_on_one_learners_time_is_in_the_zone_they_gave(admin_client):
    enquiry = one_on_one.submit_one_on_one(
        course=make_course(),
        preferences=one_on_one.Preferences(
            preferred_days=(1, 3),
            window_start=dt.time(18, 0),
            window_end=dt.time(21, 0),
            timezone="America/New_York",
            session_minutes=90,
            sessions_per_week=2,
            weeks=2,
            earliest_start=dt.date(2026, 12, 8),
        ),
        name="Maya Cohen",
        email="maya@example.com",
        phone="+919812345678",
        consented=True,
        submission_token=uuid.uuid4(),
    )

    assert "Tue 01 Dec 2026, 05:00 EST (America/New_York, from their one-on-one request)" in (
        change_page(admin_client, enquiry)
    )


@pytest.mark.django_db
def test_without_a_zone_the_page_says_the_time_is_not_known(admin_client):
    enquiry = make_enquiry(phone="+61412345678")  # Australia: several zones; no batch

    assert "Not known: no batch" in change_page(admin_client, enquiry)


@pytest.mark.django_db
def test_owners_show_by_full_name_on_the_list_and_in_the_owner_choice(
    admin_client, admin_user, django_user_model
):
    owner = django_user_model.objects.create_user(
        "rk", first_name="Ravi", last_name="Kumar", is_staff=True
    )
    enquiry = make_enquiry()
    assign(enquiry=enquiry, owner=owner, by=admin_user)

    listed = admin_client.get(ENQUIRIES).content.decode()
    page = change_page(admin_client, enquiry)

    assert '<td class="field-owner_column">Ravi Kumar</td>' in listed
    assert f'<option value="{owner.pk}" selected>Ravi Kumar</option>' in page
