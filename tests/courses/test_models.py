"""Course and Batch rules: database constraints, clean(), derived values and QuerySet reads."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses.models import Batch, Course
from tests.factories import make_batch, make_category, make_course

# "Today" for every test that depends on it: Tuesday 1 December 2026, before the 2027 batches.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2027, 1, 4)
SATURDAY = dt.date(2027, 1, 9)


def batch_fields(course: Course, **overrides) -> dict:
    """Everything a valid weekday batch needs; each test breaks one thing."""
    return {
        "course": course,
        "track": Batch.Track.WEEKDAY,
        "start_date": MONDAY,
        "end_date": MONDAY + dt.timedelta(days=25),
        "session_start": dt.time(19, 0),
        "session_end": dt.time(21, 0),
        "timezone": "Asia/Kolkata",
        "capacity": 20,
    } | overrides


def course_fields(**overrides) -> dict:
    return {
        "title": "Python Basics",
        "slug": "python-basics",
        "summary": "Learn Python.",
        "duration_hours": 40,
        "price": Decimal("15000.00"),
        "currency": "INR",
    } | overrides


BATCH_CHECKS = [
    pytest.param(
        {"end_date": MONDAY - dt.timedelta(days=1)},
        "batch_ends_after_start",
        "A batch cannot end before it starts.",
        id="ends-before-start",
    ),
    pytest.param(
        {"session_start": dt.time(19, 0), "session_end": dt.time(19, 0)},
        "batch_session_ends_after_start",
        "A session must end after it starts.",
        id="session-ends-when-it-starts",
    ),
    pytest.param(
        {"session_start": dt.time(19, 0), "session_end": dt.time(18, 0)},
        "batch_session_ends_after_start",
        "A session must end after it starts.",
        id="session-ends-before-it-starts",
    ),
    pytest.param(
        {"capacity": 0},
        "batch_capacity_positive",
        "Capacity must be at least one seat, or empty.",
        id="zero-capacity",
    ),
    pytest.param(
        {"delivery": Batch.Delivery.CLASSROOM, "location": ""},
        "batch_classroom_has_location",
        "A classroom batch needs a location.",
        id="classroom-without-location",
    ),
]


# Batch: database constraints


@pytest.mark.django_db
def test_valid_batch_fields_pass_full_clean_and_save():
    course = make_course()
    batch = Batch(**batch_fields(course))

    batch.full_clean()
    batch.save()

    assert Batch.objects.get().course == course


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "constraint", "message"), BATCH_CHECKS)
def test_database_rejects_batch_breaking_check_constraint(overrides, constraint, message):
    course = make_course()

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Batch.objects.create(**batch_fields(course, **overrides))

    assert not Batch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "constraint", "message"), BATCH_CHECKS)
def test_full_clean_reports_batch_check_constraint_in_plain_words(overrides, constraint, message):
    batch = Batch(**batch_fields(make_course(), **overrides))

    with pytest.raises(ValidationError) as error:
        batch.full_clean()

    assert error.value.messages == [message]


@pytest.mark.django_db
def test_classroom_batch_with_location_is_valid():
    batch = Batch(
        **batch_fields(make_course(), delivery=Batch.Delivery.CLASSROOM, location="MG Road, Pune")
    )

    batch.full_clean()


@pytest.mark.django_db
def test_database_rejects_second_batch_of_course_on_same_track_date_and_time():
    course = make_course()
    Batch.objects.create(**batch_fields(course))

    with pytest.raises(IntegrityError, match=r"(?i)unique"), transaction.atomic():
        Batch.objects.create(**batch_fields(course, end_date=MONDAY + dt.timedelta(days=40)))

    assert Batch.objects.count() == 1


@pytest.mark.django_db
def test_full_clean_reports_duplicate_batch_with_violation_message():
    course = make_course()
    make_batch(**batch_fields(course))
    twin = Batch(**batch_fields(course, capacity=5))

    with pytest.raises(ValidationError) as error:
        twin.full_clean()

    assert error.value.messages == [
        "This course already has a batch on this track starting at that date and time."
    ]


@pytest.mark.django_db
def test_same_start_is_allowed_for_other_time_other_track_or_other_course():
    course = make_course()
    make_batch(**batch_fields(course))

    make_batch(**batch_fields(course, session_start=dt.time(7, 0), session_end=dt.time(9, 0)))
    make_batch(**batch_fields(make_course()))
    make_batch(**batch_fields(course, track=Batch.Track.WEEKEND, start_date=SATURDAY))

    assert Batch.objects.count() == 4


# Batch.clean()


@pytest.mark.django_db
def test_weekday_batch_starting_on_saturday_is_rejected_on_start_date():
    batch = Batch(**batch_fields(make_course(), track=Batch.Track.WEEKDAY, start_date=SATURDAY))

    with pytest.raises(ValidationError) as error:
        batch.full_clean()

    assert error.value.message_dict == {
        "start_date": ["A weekday batch must start on a day from Monday to Friday."]
    }


@pytest.mark.django_db
def test_weekend_batch_starting_on_monday_is_rejected_on_start_date():
    batch = Batch(**batch_fields(make_course(), track=Batch.Track.WEEKEND, start_date=MONDAY))

    with pytest.raises(ValidationError) as error:
        batch.full_clean()

    assert error.value.message_dict == {
        "start_date": ["A weekend batch must start on a Saturday or Sunday."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("track", "start_date"),
    [
        (Batch.Track.WEEKDAY, MONDAY),
        (Batch.Track.WEEKDAY, MONDAY + dt.timedelta(days=4)),  # Friday
        (Batch.Track.WEEKEND, SATURDAY),
        (Batch.Track.WEEKEND, SATURDAY + dt.timedelta(days=1)),  # Sunday
    ],
)
def test_batch_starting_on_a_day_of_its_track_is_valid(track, start_date):
    batch = Batch(**batch_fields(make_course(), track=track, start_date=start_date))

    batch.full_clean()


@pytest.mark.django_db
def test_full_clean_rejects_unknown_time_zone_on_timezone_field():
    batch = Batch(**batch_fields(make_course(), timezone="Mars/Olympus"))

    with pytest.raises(ValidationError) as error:
        batch.full_clean()

    assert list(error.value.message_dict) == ["timezone"]
    assert all("Mars/Olympus" in message for message in error.value.message_dict["timezone"])


@pytest.mark.django_db
def test_full_clean_reports_unknown_time_zone_once():
    batch = Batch(**batch_fields(make_course(), timezone="Mars/Olympus"))

    with pytest.raises(ValidationError) as error:
        batch.full_clean()

    assert len(error.value.message_dict["timezone"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Europe/London", "America/New_York", "UTC"])
def test_iana_time_zone_is_valid(zone):
    batch = Batch(**batch_fields(make_course(), timezone=zone))

    batch.full_clean()


# Course: database constraints and clean()

COURSE_CHECKS = [
    pytest.param(
        {"duration_hours": 0},
        "course_duration_positive",
        "A course lasts at least one hour.",
        id="zero-duration",
    ),
    pytest.param(
        {"price": Decimal("-1.00")},
        "course_price_not_negative",
        "The price cannot be negative.",
        id="negative-price",
    ),
    pytest.param(
        {"price": Decimal("100.00"), "currency": ""},
        "course_price_has_currency",
        "A price needs a currency.",
        id="price-without-currency",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "constraint", "message"), COURSE_CHECKS)
def test_database_rejects_course_breaking_check_constraint(overrides, constraint, message):
    category = make_category()

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Course.objects.create(category=category, **course_fields(**overrides))

    assert not Course.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "constraint", "message"), COURSE_CHECKS)
def test_full_clean_reports_course_check_constraint_in_plain_words(overrides, constraint, message):
    course = Course(category=make_category(), **course_fields(**overrides))

    with pytest.raises(ValidationError) as error:
        course.full_clean()

    assert error.value.messages == [message]


@pytest.mark.django_db
def test_course_without_price_needs_no_currency_and_free_course_is_valid():
    category = make_category()

    Course(category=category, **course_fields(price=None, currency="")).full_clean()
    Course(category=category, **course_fields(slug="free", price=Decimal("0"))).full_clean()


@pytest.mark.django_db
def test_course_clean_uppercases_currency():
    course = Course(category=make_category(), **course_fields(currency="inr"))

    course.full_clean()

    assert course.currency == "INR"


@pytest.mark.django_db
@pytest.mark.parametrize("currency", ["RUPEES", "I1R", "IN"])
def test_course_clean_rejects_currency_that_is_not_three_letters(currency):
    course = Course(category=make_category(), **course_fields(currency=currency))

    with pytest.raises(ValidationError) as error:
        course.full_clean()

    assert "Use a three-letter ISO 4217 code such as INR." in error.value.message_dict["currency"]


# Batch: derived values


@pytest.mark.parametrize(
    ("zone", "start_date", "label"),
    [
        ("Europe/London", MONDAY, "19:00–21:00 GMT"),
        ("Europe/London", dt.date(2027, 7, 5), "19:00–21:00 BST"),
        ("Asia/Kolkata", MONDAY, "19:00–21:00 IST"),
        ("Asia/Kolkata", dt.date(2027, 7, 5), "19:00–21:00 IST"),
        ("America/New_York", MONDAY, "19:00–21:00 EST"),
    ],
)
def test_session_times_label_shows_zone_abbreviation_on_start_date(zone, start_date, label):
    batch = Batch(**batch_fields(Course(), timezone=zone, start_date=start_date))

    assert batch.session_times_label == label


def test_days_label_names_the_days_of_the_track():
    assert Batch(track=Batch.Track.WEEKDAY).days_label == "Mon–Fri"
    assert Batch(track=Batch.Track.WEEKEND).days_label == "Sat–Sun"


def test_month_is_first_day_of_start_month():
    assert Batch(start_date=dt.date(2027, 1, 29)).month == dt.date(2027, 1, 1)


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_closed_reason_is_none_for_open_batch():
    assert make_batch(start_date=MONDAY).closed_reason() is None


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_closed_reason_explains_cancelled_batch():
    batch = make_batch(start_date=MONDAY, status=Batch.Status.CANCELLED)

    assert batch.closed_reason() == "This batch has been cancelled."


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_closed_reason_explains_unpublished_batch():
    batch = make_batch(start_date=MONDAY, is_published=False)

    assert batch.closed_reason() == "This batch is not open for enquiries."


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_closed_reason_explains_batch_of_unpublished_course():
    batch = make_batch(start_date=MONDAY, course=make_course(is_published=False))

    assert batch.closed_reason() == "This batch is not open for enquiries."


@pytest.mark.django_db
def test_closed_reason_explains_batch_that_started_yesterday_but_not_one_starting_today():
    batch = make_batch(start_date=MONDAY)

    with time_machine.travel(dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        assert batch.closed_reason() == "This batch has already started."
    with time_machine.travel(dt.datetime(2027, 1, 4, 23, 59, tzinfo=dt.UTC), tick=False):
        assert batch.closed_reason() is None


@pytest.mark.django_db
def test_closed_reason_uses_given_today():
    batch = make_batch(start_date=MONDAY)

    assert batch.closed_reason(today=MONDAY + dt.timedelta(days=1)) == (
        "This batch has already started."
    )
    assert batch.closed_reason(today=MONDAY) is None


# BatchQuerySet


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_open_for_enquiry_excludes_cancelled_unpublished_and_past_batches():
    course = make_course()
    open_batch = make_batch(course=course, start_date=MONDAY)
    starts_today = make_batch(course=course, start_date=dt.date(2026, 12, 1))
    make_batch(course=course, start_date=dt.date(2026, 11, 30))  # started yesterday
    make_batch(course=course, start_date=MONDAY + dt.timedelta(days=7), status="cancelled")
    make_batch(course=course, start_date=MONDAY + dt.timedelta(days=14), is_published=False)
    make_batch(course=make_course(is_published=False), start_date=MONDAY)

    open_batches = Batch.objects.open_for_enquiry()

    assert set(open_batches) == {open_batch, starts_today}
    assert set(Batch.objects.open_for_enquiry(today=dt.date(2026, 12, 2))) == {open_batch}


@pytest.mark.django_db
def test_a_new_batch_has_an_empty_ledger_and_an_unlimited_one_has_no_seats_left_figure():
    course = make_course()
    unlimited = make_batch(course=course, start_date=MONDAY, capacity=None)
    limited = make_batch(course=course, start_date=MONDAY + dt.timedelta(days=7), capacity=12)

    rows = {batch.pk: batch for batch in Batch.objects.all()}

    assert rows[unlimited.pk].seats_taken == 0
    assert rows[unlimited.pk].seats_left is None
    assert not rows[unlimited.pk].is_full
    assert rows[limited.pk].seats_taken == 0
    assert rows[limited.pk].seats_left == 12
    assert not rows[limited.pk].is_full


def test_is_full_when_confirmed_seats_and_open_offers_use_every_seat():
    assert Batch(capacity=10, seats_taken=7, seats_held=3).is_full
    assert Batch(capacity=10, seats_taken=10).is_full
    assert not Batch(capacity=10, seats_taken=7, seats_held=2).is_full
    assert Batch(capacity=10, seats_taken=7, seats_held=2).seats_left == 1
    assert not Batch(capacity=None, seats_taken=500, seats_held=3).is_full


@pytest.mark.django_db
def test_seat_querysets_pick_the_batches_the_seat_properties_describe():
    course = make_course()
    ledgers = {  # capacity, minimum, confirmed seats, seats held by offers
        "full-by-offers": (10, 8, 7, 3),
        "full-by-seats": (10, None, 10, 0),
        "one-left": (10, 9, 7, 2),
        "three-left": (10, None, 7, 0),
        "four-left": (10, None, 6, 0),
        "roomy-under-minimum": (10, 5, 2, 0),
        "unlimited": (None, 3, 40, 0),
    }
    batches = {}
    for week, (name, (capacity, minimum, taken, held)) in enumerate(ledgers.items()):
        batch = make_batch(
            course=course,
            start_date=MONDAY + dt.timedelta(weeks=week),
            capacity=capacity,
            min_participants=minimum,
        )
        Batch.objects.filter(pk=batch.pk).update(seats_taken=taken, seats_held=held)
        batches[name] = Batch.objects.get(pk=batch.pk)

    def named(queryset) -> set[str]:
        return {name for name, batch in batches.items() if batch in queryset}

    def where(rule) -> set[str]:
        return {name for name, batch in batches.items() if rule(batch)}

    assert (
        named(Batch.objects.full())
        == where(lambda b: b.is_full)
        == {
            "full-by-offers",
            "full-by-seats",
        }
    )
    assert named(Batch.objects.with_room_for(1)) == where(lambda b: not b.is_full)
    assert named(Batch.objects.with_room_for(2)) == {
        "three-left",
        "four-left",
        "roomy-under-minimum",
        "unlimited",
    }
    assert (
        named(Batch.objects.few_seats_left())
        == where(lambda b: b.has_few_seats_left)
        == {"one-left", "three-left"}
    )
    assert (
        named(Batch.objects.under_minimum())
        == where(lambda b: b.is_under_minimum)
        == {
            "full-by-offers",
            "one-left",
            "roomy-under-minimum",
        }
    )
    assert named(Batch.objects.guaranteed()) == where(lambda b: b.is_guaranteed) == {"unlimited"}


ALL_SCHEDULE_BATCHES = {
    "py-jan-weekday",
    "py-jan-weekend",
    "k8s-feb-weekday",
    "k8s-feb-weekend",
    "py-feb-weekday",
}


@pytest.fixture
def schedule_batches(db):
    """Two courses in two categories, batches in two months, both tracks and both modes."""
    programming = make_category(name="Programming", slug="programming")
    cloud = make_category(name="Cloud", slug="cloud")
    python = make_course(title="Python", slug="python", category=programming)
    kubernetes = make_course(title="Kubernetes", slug="kubernetes", category=cloud)
    classroom = {"delivery": Batch.Delivery.CLASSROOM, "location": "MG Road, Pune"}
    return {
        "py-jan-weekday": make_batch(course=python, start_date=MONDAY),
        "py-jan-weekend": make_batch(
            course=python, track=Batch.Track.WEEKEND, start_date=SATURDAY, **classroom
        ),
        "k8s-feb-weekday": make_batch(course=kubernetes, start_date=dt.date(2027, 2, 1)),
        "k8s-feb-weekend": make_batch(
            course=kubernetes, track=Batch.Track.WEEKEND, start_date=dt.date(2027, 2, 6)
        ),
        "py-feb-weekday": make_batch(course=python, start_date=dt.date(2027, 2, 8), **classroom),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ALL_SCHEDULE_BATCHES),
        ({"course": "python"}, {"py-jan-weekday", "py-jan-weekend", "py-feb-weekday"}),
        ({"category": "cloud"}, {"k8s-feb-weekday", "k8s-feb-weekend"}),
        ({"month": dt.date(2027, 1, 1)}, {"py-jan-weekday", "py-jan-weekend"}),
        ({"track": "weekend"}, {"py-jan-weekend", "k8s-feb-weekend"}),
        ({"mode": "classroom"}, {"py-jan-weekend", "py-feb-weekday"}),
        ({"course": "python", "month": dt.date(2027, 2, 1)}, {"py-feb-weekday"}),
        ({"category": "cloud", "track": "weekend", "mode": "online"}, {"k8s-feb-weekend"}),
        ({"course": "kubernetes", "mode": "classroom"}, set()),
    ],
)
def test_matching_applies_each_given_filter(schedule_batches, filters, expected):
    matched = Batch.objects.matching(**filters)

    assert {name for name, batch in schedule_batches.items() if batch in matched} == expected
    assert matched.count() == len(expected)
