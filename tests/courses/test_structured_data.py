"""JSON-LD on the public pages, parsed back from the HTML and checked field by field."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine

from courses.models import FAQ, Article, Batch, Course
from enquiries import services
from enquiries.services import seats
from tests.factories import make_batch, make_course

TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
JAN_MON = dt.date(2027, 1, 4)
JAN_SAT = dt.date(2027, 1, 9)
FEB_MON = dt.date(2027, 2, 1)
SCHEMA = "https://schema.org"
WEEKDAYS = [f"{SCHEMA}/{day}" for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]
WEEKEND = [f"{SCHEMA}/Saturday", f"{SCHEMA}/Sunday"]

pytestmark = pytest.mark.usefixtures("_frozen_today")


@pytest.fixture
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(response) -> list[dict]:
    assert response.status_code == 200
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


def course_data(response) -> dict:
    [data] = [item for item in json_ld(response) if item.get("@type") == "Course"]
    return data


def take_seats(batch: Batch, count: int) -> None:
    for n in range(count):
        seats.enroll(
            batch=batch, learner=seats.Learner(name=f"Learner {n}", email=f"l{n}@example.com")
        )


@pytest.fixture
def python(db) -> Course:
    return make_course(
        title="Python Basics",
        slug="python",
        summary="Variables, loops and functions for beginners.",
        description="A **longer** description in Markdown.",
        level=Course.Level.INTERMEDIATE,
        duration_hours=40,
        price=Decimal("4999"),
        currency="INR",
    )


@pytest.mark.django_db
def test_course_page_describes_the_course(client, python, settings):
    settings.SITE_NAME = "Acme Training"

    data = course_data(client.get("/courses/python/"))

    assert data["@context"] == SCHEMA
    assert data["@type"] == "Course"
    assert data["name"] == "Python Basics"
    assert data["description"] == "Variables, loops and functions for beginners."
    assert data["url"] == "http://testserver/courses/python/"
    assert data["provider"] == {
        "@type": "Organization",
        "@id": "http://testserver/#organization",
        "name": "Acme Training",
        "url": "http://testserver/",
    }
    assert data["educationalLevel"] == "Intermediate"
    assert data["timeRequired"] == "PT40H"
    assert data["offers"] == [
        {
            "@type": "Offer",
            "url": "http://testserver/courses/python/",
            "availability": f"{SCHEMA}/OutOfStock",  # no batch scheduled
            "category": "Paid",
            "price": "4999.00",
            "priceCurrency": "INR",
        }
    ]
    assert "hasCourseInstance" not in data


@pytest.mark.django_db
def test_each_upcoming_batch_is_a_course_instance_with_its_weekly_schedule(client, python):
    make_batch(
        course=python,
        start_date=JAN_MON,
        end_date=dt.date(2027, 1, 29),
        timezone="America/New_York",
        capacity=20,
    )
    weekend = make_batch(
        course=python,
        track=Batch.Track.WEEKEND,
        start_date=JAN_SAT,
        end_date=dt.date(2027, 2, 14),
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 30),
        delivery=Batch.Delivery.CLASSROOM,
        location="MG Road, Pune",
        capacity=None,
    )
    take_seats(weekend, 2)  # unlimited: no capacity to report

    data = course_data(client.get("/courses/python/"))

    online, classroom = data["hasCourseInstance"]
    assert online == {
        "@type": "CourseInstance",
        "name": "Python Basics: Weekdays (Mon–Fri) batch",
        "courseMode": "online",
        "startDate": "2027-01-04",
        "endDate": "2027-01-29",
        "location": {"@type": "VirtualLocation", "url": "http://testserver/courses/python/"},
        "courseSchedule": {
            "@type": "Schedule",
            "repeatFrequency": "P1W",
            "byDay": WEEKDAYS,
            "startTime": "19:00:00",
            "endTime": "21:00:00",
            "duration": "PT2H",
            "scheduleTimezone": "America/New_York",
            "startDate": "2027-01-04",
            "endDate": "2027-01-29",
        },
        "maximumAttendeeCapacity": 20,
        "remainingAttendeeCapacity": 20,
    }
    assert classroom["courseMode"] == "onsite"
    assert classroom["startDate"] == "2027-01-09"
    assert classroom["endDate"] == "2027-02-14"
    assert classroom["location"] == {
        "@type": "Place",
        "name": "MG Road, Pune",
        "address": "MG Road, Pune",
    }
    schedule = classroom["courseSchedule"]
    assert schedule["byDay"] == WEEKEND
    assert (schedule["startTime"], schedule["endTime"]) == ("10:00:00", "13:30:00")
    assert schedule["duration"] == "PT3H30M"
    assert schedule["scheduleTimezone"] == "Asia/Kolkata"
    assert "maximumAttendeeCapacity" not in classroom
    assert "remainingAttendeeCapacity" not in classroom
    assert data["offers"][0]["availability"] == f"{SCHEMA}/InStock"


@pytest.mark.django_db
def test_remaining_capacity_counts_confirmed_seats(client, python):
    batch = make_batch(course=python, start_date=JAN_MON, capacity=5)
    take_seats(batch, 3)

    [instance] = course_data(client.get("/courses/python/"))["hasCourseInstance"]

    assert instance["maximumAttendeeCapacity"] == 5
    assert instance["remainingAttendeeCapacity"] == 2


@pytest.mark.django_db
def test_course_whose_batches_are_all_full_is_sold_out(client, python):
    full = make_batch(course=python, start_date=JAN_MON, capacity=1)
    take_seats(full, 1)

    data = course_data(client.get("/courses/python/"))

    assert data["offers"][0]["availability"] == f"{SCHEMA}/SoldOut"
    assert data["hasCourseInstance"][0]["remainingAttendeeCapacity"] == 0


@pytest.mark.django_db
def test_course_instances_leave_out_cancelled_unpublished_and_started_batches(client, python):
    open_batch = make_batch(course=python, start_date=FEB_MON)
    cancelled = make_batch(course=python, start_date=JAN_MON)
    services.cancel_batch(batch=cancelled, by=None)
    make_batch(course=python, start_date=dt.date(2027, 1, 11), is_published=False)
    make_batch(course=python, start_date=dt.date(2026, 11, 30))

    instances = course_data(client.get("/courses/python/"))["hasCourseInstance"]

    assert [instance["startDate"] for instance in instances] == [open_batch.start_date.isoformat()]


@pytest.mark.django_db
def test_course_without_a_price_has_an_offer_without_price(client):
    make_course(slug="python", price=None, currency="")

    [offer] = course_data(client.get("/courses/python/"))["offers"]

    assert "price" not in offer
    assert "priceCurrency" not in offer
    assert offer["availability"] == f"{SCHEMA}/OutOfStock"


@pytest.mark.django_db
def test_free_course_offer_says_free(client):
    make_course(slug="python", price=Decimal("0"), currency="USD")

    [offer] = course_data(client.get("/courses/python/"))["offers"]

    assert (offer["category"], offer["price"], offer["priceCurrency"]) == ("Free", "0.00", "USD")


BREAKOUT = "</script><script>alert(1)</script>"


@pytest.mark.django_db
def test_course_text_cannot_break_out_of_the_json_ld_block(client):
    course = make_course(
        slug="python",
        title=f"Python {BREAKOUT}",
        summary=f"Learn {BREAKOUT} & <!-- more -->",
        description=f"Details {BREAKOUT}",
    )
    make_batch(
        course=course,
        start_date=JAN_MON,
        delivery=Batch.Delivery.CLASSROOM,
        location=f"Room {BREAKOUT}",
    )

    response = client.get("/courses/python/")

    html = response.content.decode()
    assert "</script><script>" not in html
    assert "<script>alert(1)" not in html
    data = course_data(response)  # the block still parses, to the text as written
    assert data["name"] == course.title
    assert data["description"] == course.summary
    assert data["hasCourseInstance"][0]["location"]["name"] == f"Room {BREAKOUT}"
    assert "\\u003C/script\\u003E" in html


@pytest.mark.django_db
def test_home_page_describes_the_organization(client, settings):
    settings.SITE_NAME = "Acme Training"

    [organization] = json_ld(client.get("/"))

    assert organization == {
        "@context": SCHEMA,
        "@type": "Organization",
        "@id": "http://testserver/#organization",
        "name": "Acme Training",
        "url": "http://testserver/",
    }


# FAQs and articles


def json_ld_blocks(response) -> list[dict]:
    html = response.content.decode()
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.mark.django_db
def test_course_page_publishes_its_faqs_as_an_faq_page(client):
    course = make_course(slug="faq-course")
    FAQ.objects.create(course=course, question="Do I need a GPU?", answer="**No**, a laptop.")
    FAQ.objects.create(course=None, question="Can I pay in instalments?", answer="Yes.")

    [faq_page] = [
        d for d in json_ld_blocks(client.get("/courses/faq-course/")) if d["@type"] == "FAQPage"
    ]

    assert [q["name"] for q in faq_page["mainEntity"]] == [
        "Do I need a GPU?",
        "Can I pay in instalments?",
    ]
    answer = faq_page["mainEntity"][0]["acceptedAnswer"]
    assert answer == {"@type": "Answer", "text": "<p><strong>No</strong>, a laptop.</p>"}


@pytest.mark.django_db
def test_article_page_publishes_an_article(client):
    course = make_course(title="Deep Learning", slug="deep-learning")
    article = Article.objects.create(
        title="Preparing for interviews",
        slug="preparing",
        summary="How to prepare.",
        body="Text.",
        is_published=True,
        published_on=dt.date(2026, 9, 1),
    )
    article.courses.add(course)

    [data] = json_ld_blocks(client.get("/articles/preparing/"))

    assert data["@type"] == "Article"
    assert data["headline"] == "Preparing for interviews"
    assert data["description"] == "How to prepare."
    assert data["url"] == "http://testserver/articles/preparing/"
    assert data["datePublished"] == "2026-09-01"
    assert data["publisher"]["@type"] == "Organization"
    assert data["about"] == [
        {
            "@type": "Course",
            "name": "Deep Learning",
            "url": "http://testserver/courses/deep-learning/",
        }
    ]
