"""The back office: staff find enquiries and read where they came from; batches at a glance."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Batch
from enquiries.admin.enquiries import SOURCE_FIELDS
from enquiries.models import Enquiry
from enquiries.services import Attribution
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
ENQUIRIES = "/admin/enquiries/enquiry/"
BATCHES = "/admin/courses/batch/"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# Enquiries


@pytest.mark.django_db
def test_enquiry_changelist_lists_enquiries_with_their_batch(admin_client):
    batch = make_batch(start_date=dt.date(2026, 3, 16))
    enquiry = make_enquiry(batch=batch, name="Priya Sharma")

    response = admin_client.get(ENQUIRIES)

    assert listed(response) == [enquiry]
    html = response.content.decode()
    assert enquiry.reference in html
    assert "Priya Sharma" in html
    assert "Weekdays (Mon–Fri) from Mon 16 Mar 2026" in html


@pytest.fixture
def two_enquiries():
    priya = make_enquiry(name="Priya Sharma", email="priya@example.com", phone="+919812345678")
    tom = make_enquiry(name="Tom Baker", email="tom@example.org", phone="+442079460958")
    return priya, tom


@pytest.mark.parametrize(
    ("search", "who"),
    [
        pytest.param(lambda enquiry: enquiry.reference, 1, id="reference"),
        pytest.param(lambda enquiry: enquiry.reference.lower(), 1, id="reference-lowercase"),
        pytest.param(lambda enquiry: "Tom Baker", 1, id="full-name"),
        pytest.param(lambda enquiry: "priya", 0, id="first-name"),
        pytest.param(lambda enquiry: "tom@example.org", 1, id="email"),
        pytest.param(lambda enquiry: "+442079460958", 1, id="phone-e164"),
        pytest.param(lambda enquiry: "+44 20 7946 0958", 1, id="phone-as-displayed"),
        pytest.param(lambda enquiry: "98123", 0, id="part-of-phone"),
    ],
)
@pytest.mark.django_db
def test_enquiry_search_finds_the_right_enquiry(admin_client, two_enquiries, search, who):
    enquiry = two_enquiries[who]

    response = admin_client.get(ENQUIRIES, {"q": search(enquiry)})

    assert listed(response) == [enquiry]


@pytest.mark.django_db
def test_enquiry_filter_by_status_shows_only_that_status(admin_client):
    real = make_enquiry()
    spam = make_enquiry(is_spam=True)

    assert listed(admin_client.get(ENQUIRIES, {"status__exact": "spam"})) == [spam]
    assert listed(admin_client.get(ENQUIRIES, {"status__exact": "new"})) == [real]


@pytest.mark.django_db
def test_enquiry_change_page_shows_the_source_read_only_and_the_status_editable(admin_client):
    enquiry = make_enquiry(
        phone="+442079460958",
        attribution=Attribution(
            came_from="http://testserver/schedule/",
            landing_page="/courses/?utm_source=newsletter",
            referrer="https://www.google.com/",
            utm_source="newsletter",
            utm_medium="email",
            utm_campaign="dec",
            utm_term="python",
            utm_content="banner",
        ),
    )

    response = admin_client.get(f"{ENQUIRIES}{enquiry.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    for field in SOURCE_FIELDS:
        assert f'name="{field}"' not in html, field
        assert f'<div class="readonly">{getattr(enquiry, field)}</div>' in html, field
    assert f'<div class="readonly">{enquiry.reference}</div>' in html
    assert '<a href="tel:+442079460958" class="nowrap">+44 20 7946 0958</a>' in html
    assert 'name="status"' in html
    assert 'name="name"' in html


@pytest.mark.django_db
def test_the_enquiry_list_offers_to_record_a_lead(admin_client):
    make_enquiry()

    changelist = admin_client.get(ENQUIRIES)

    assert changelist.context["has_add_permission"] is True
    assert f'<a href="{ENQUIRIES}add/" class="addlink">Record a lead</a>' in (
        changelist.content.decode()
    )
    assert admin_client.get(f"{ENQUIRIES}add/").status_code == 200


@pytest.mark.django_db
def test_enquiry_changelist_query_count_does_not_grow_with_rows(admin_client):
    def queries_for_rows(count: int) -> int:
        Enquiry.objects.all().delete()
        batch = make_batch()
        for _ in range(count):
            make_enquiry(batch=batch)
        with CaptureQueriesContext(connection) as queries:
            assert len(listed(admin_client.get(ENQUIRIES))) == count
        return len(queries)

    assert queries_for_rows(5) == queries_for_rows(100)


# Batches


@pytest.mark.django_db
def test_batch_changelist_shows_course_track_session_times_with_zone_and_the_seat_ledger(
    admin_client,
):
    make_batch(
        course=make_course(title="Deep Learning"),
        track=Batch.Track.WEEKEND,
        start_date=dt.date(2026, 3, 14),
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 0),
        timezone="Europe/London",
    )

    response = admin_client.get(BATCHES)

    html = response.content.decode()
    assert "Deep Learning" in html
    assert "Weekend (Sat–Sun)" in html
    assert "Sat–Sun 10:00–13:00 GMT (Europe/London)" in html
    for column in ("Confirmed seats", "Seats held by offers", "Seats left", "People waiting"):
        assert re.search(rf"<a [^>]*>{column}</a>", html), column
    assert [(b.seats_taken, b.seats_held, b.waiting_count) for b in listed(response)] == [(0, 0, 0)]


@pytest.mark.django_db
def test_batch_filter_by_track_shows_only_that_track(admin_client):
    course = make_course()
    weekday = make_batch(course=course, track=Batch.Track.WEEKDAY)
    weekend = make_batch(course=course, track=Batch.Track.WEEKEND)

    assert listed(admin_client.get(BATCHES, {"track__exact": "weekend"})) == [weekend]
    assert listed(admin_client.get(BATCHES, {"track__exact": "weekday"})) == [weekday]


@pytest.mark.django_db
def test_batch_filter_by_month_shows_only_batches_starting_that_month(admin_client):
    course = make_course()
    march = make_batch(course=course, start_date=dt.date(2026, 3, 30))
    april = make_batch(course=course, start_date=dt.date(2026, 4, 6))
    make_batch(course=course, start_date=dt.date(2027, 4, 5))

    response = admin_client.get(BATCHES, {"month": "2026-04"})

    assert listed(response) == [april]
    assert listed(admin_client.get(BATCHES, {"month": "2026-03"})) == [march]
    assert "April 2026" in response.content.decode()


@pytest.mark.parametrize("month", ["April", "2026", "2026-xx"])
@pytest.mark.django_db
def test_batch_filter_with_a_malformed_month_is_rejected_not_a_server_error(admin_client, month):
    make_batch()

    response = admin_client.get(BATCHES, {"month": month})

    # The admin's answer to bad filter parameters: back to the list with ?e=1.
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


@pytest.mark.django_db
def test_batch_changelist_query_count_does_not_grow_with_rows(admin_client):
    def queries_for_rows(count: int) -> int:
        Batch.objects.all().delete()
        course = make_course()
        for week in range(count):
            make_batch(course=course, start_date=dt.date(2026, 3, 16) + dt.timedelta(weeks=week))
        with CaptureQueriesContext(connection) as queries:
            assert len(listed(admin_client.get(BATCHES))) == count
        return len(queries)

    assert queries_for_rows(5) == queries_for_rows(100)
