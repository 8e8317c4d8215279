"""Batch planning: plan_batches() and copy_to_next_month(), called directly for their rules."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from courses.models import Batch, Course
from courses.services import PlanningError, copy_to_next_month, plan_batches
from tests.factories import make_batch, make_course

D = dt.date
WEEKDAY, WEEKEND = Batch.Track.WEEKDAY, Batch.Track.WEEKEND


@pytest.fixture(autouse=True)
def _planning_in_january_2026():
    # Planning skips start dates already past; these tests plan the months of 2026 and 2027.
    with time_machine.travel(dt.datetime(2026, 1, 1, 6, tzinfo=dt.UTC), tick=False):
        yield


def plan(courses, first: dt.date, last: dt.date | None = None, *, commit=False, by=None):
    return plan_batches(
        courses=courses, first_month=first, last_month=last or first, commit=commit, by=by
    )


def starts_and_ends(planned) -> list[tuple]:
    return [(item.track, item.start_date, item.end_date) for item in planned]


# Dates


@pytest.mark.parametrize(
    ("month", "weekday_batch", "weekend_batch"),
    [
        # August 2026 starts on a Saturday: the weekend batch starts on the 1st.
        pytest.param(
            D(2026, 8, 1),
            (D(2026, 8, 3), D(2026, 8, 28)),
            (D(2026, 8, 1), D(2026, 9, 6)),
            id="month-starting-on-saturday",
        ),
        # November 2026 starts on a Sunday: neither track starts on the 1st.
        pytest.param(
            D(2026, 11, 1),
            (D(2026, 11, 2), D(2026, 11, 27)),
            (D(2026, 11, 7), D(2026, 12, 13)),
            id="month-starting-on-sunday",
        ),
        # June 2026 starts on a Monday: the weekday batch starts on the 1st.
        pytest.param(
            D(2026, 6, 1),
            (D(2026, 6, 1), D(2026, 6, 26)),
            (D(2026, 6, 6), D(2026, 7, 12)),
            id="month-starting-on-monday",
        ),
        # May 2026 starts on a Friday.
        pytest.param(
            D(2026, 5, 1),
            (D(2026, 5, 4), D(2026, 5, 29)),
            (D(2026, 5, 2), D(2026, 6, 7)),
            id="month-starting-on-friday",
        ),
    ],
)
@pytest.mark.django_db
def test_plan_starts_on_first_monday_and_saturday_and_ends_on_friday_and_sunday(
    month, weekday_batch, weekend_batch
):
    course = make_course(weekday_batch_weeks=4, weekend_batch_weeks=6)

    planned = plan([course], month)

    assert starts_and_ends(planned) == [(WEEKDAY, *weekday_batch), (WEEKEND, *weekend_batch)]
    assert [item.start_date.strftime("%a") for item in planned] == ["Mon", "Sat"]
    assert [item.end_date.strftime("%a") for item in planned] == ["Fri", "Sun"]


@pytest.mark.django_db
def test_plan_covers_every_month_of_the_range_across_a_year_end():
    course = make_course(weekday_batch_weeks=1, weekend_batch_weeks=1)

    planned = plan([course], D(2026, 12, 1), D(2027, 2, 1))

    assert starts_and_ends(planned) == [
        (WEEKDAY, D(2026, 12, 7), D(2026, 12, 11)),
        (WEEKEND, D(2026, 12, 5), D(2026, 12, 6)),
        (WEEKDAY, D(2027, 1, 4), D(2027, 1, 8)),
        (WEEKEND, D(2027, 1, 2), D(2027, 1, 3)),
        (WEEKDAY, D(2027, 2, 1), D(2027, 2, 5)),
        (WEEKEND, D(2027, 2, 6), D(2027, 2, 7)),
    ]


@pytest.mark.django_db
def test_plan_accepts_any_day_of_the_first_and_last_month():
    course = make_course()

    planned = plan([course], D(2026, 6, 17), D(2026, 7, 31))

    assert [item.start_date for item in planned] == [
        D(2026, 6, 1),
        D(2026, 6, 6),
        D(2026, 7, 6),
        D(2026, 7, 4),
    ]


@pytest.mark.django_db
def test_plan_takes_each_course_batch_length_in_weeks():
    short = make_course(weekday_batch_weeks=1, weekend_batch_weeks=2)
    long = make_course(weekday_batch_weeks=8, weekend_batch_weeks=10)

    planned = plan([short, long], D(2026, 6, 1))

    assert starts_and_ends(planned) == [
        (WEEKDAY, D(2026, 6, 1), D(2026, 6, 5)),
        (WEEKEND, D(2026, 6, 6), D(2026, 6, 14)),
        (WEEKDAY, D(2026, 6, 1), D(2026, 7, 24)),
        (WEEKEND, D(2026, 6, 6), D(2026, 8, 9)),
    ]


# Defaults and writes


@pytest.mark.django_db
def test_committed_plan_creates_batches_with_the_course_scheduling_defaults():
    course = make_course(
        weekday_session_start=dt.time(18, 30),
        weekday_session_end=dt.time(20, 30),
        weekend_session_start=dt.time(9, 0),
        weekend_session_end=dt.time(12, 0),
        default_timezone="Europe/London",
        default_capacity=12,
    )

    plan([course], D(2026, 6, 1), commit=True)

    weekday, weekend = Batch.objects.order_by("track")
    assert (weekday.track, weekday.session_start, weekday.session_end) == (
        WEEKDAY,
        dt.time(18, 30),
        dt.time(20, 30),
    )
    assert (weekend.track, weekend.session_start, weekend.session_end) == (
        WEEKEND,
        dt.time(9, 0),
        dt.time(12, 0),
    )
    for batch in (weekday, weekend):
        assert batch.course == course
        assert batch.timezone == "Europe/London"
        assert batch.capacity == 12
        assert batch.delivery == Batch.Delivery.ONLINE
        assert batch.location == ""
        assert batch.status == Batch.Status.SCHEDULED
        assert batch.is_published


@pytest.mark.django_db
def test_planned_batches_have_unlimited_seats_when_the_course_has_no_default_capacity():
    course = make_course(default_capacity=None)

    plan([course], D(2026, 6, 1), commit=True)

    assert list(Batch.objects.values_list("capacity", flat=True)) == [None, None]


@pytest.mark.django_db
def test_preview_describes_the_batches_and_writes_nothing():
    course = make_course(default_timezone="Asia/Kolkata", default_capacity=20)

    planned = plan([course], D(2026, 6, 1), D(2026, 8, 1))

    assert not Batch.objects.exists()
    assert len(planned) == 6
    assert not any(item.exists for item in planned)
    first = planned[0]
    assert first.course == course
    assert (first.session_start, first.session_end) == (dt.time(19, 0), dt.time(21, 0))
    assert first.timezone == "Asia/Kolkata"
    assert first.capacity == 20
    assert first.track_label == "Weekdays (Mon–Fri)"
    assert first.session_times_label == "19:00–21:00 IST (Asia/Kolkata)"


@pytest.mark.django_db
def test_committing_the_same_plan_twice_creates_nothing_the_second_time():
    courses = [make_course(), make_course()]

    first = plan(courses, D(2026, 6, 1), D(2026, 7, 1), commit=True)
    second = plan(courses, D(2026, 6, 1), D(2026, 7, 1), commit=True)

    assert [item.exists for item in first] == [False] * 8
    assert [item.exists for item in second] == [True] * 8
    assert Batch.objects.count() == 8


@pytest.mark.django_db
def test_plan_skips_a_batch_that_already_exists_and_leaves_it_unchanged():
    course = make_course()
    existing = make_batch(
        course=course,
        track=WEEKEND,
        start_date=D(2026, 6, 6),
        end_date=D(2026, 6, 7),
        session_start=dt.time(10, 0),
        session_end=dt.time(11, 0),
        capacity=3,
        status=Batch.Status.CANCELLED,
    )

    preview = plan([course], D(2026, 6, 1))
    committed = plan([course], D(2026, 6, 1), commit=True)

    assert [(item.track, item.exists) for item in preview] == [(WEEKDAY, False), (WEEKEND, True)]
    assert [(item.track, item.exists) for item in committed] == [(WEEKDAY, False), (WEEKEND, True)]
    assert Batch.objects.count() == 2
    existing.refresh_from_db()
    assert (existing.end_date, existing.capacity, existing.status) == (
        D(2026, 6, 7),
        3,
        Batch.Status.CANCELLED,
    )


@pytest.mark.django_db
def test_a_batch_at_another_time_on_the_same_day_does_not_count_as_existing():
    course = make_course()
    make_batch(
        course=course,
        start_date=D(2026, 6, 1),
        session_start=dt.time(7, 0),
        session_end=dt.time(8, 0),
    )

    planned = plan([course], D(2026, 6, 1), commit=True)

    assert [item.exists for item in planned] == [False, False]
    assert Batch.objects.filter(start_date=D(2026, 6, 1)).count() == 2


@pytest.mark.django_db
def test_a_plan_that_fails_for_one_course_creates_nothing_for_any():
    good, broken = make_course(title="A good course"), make_course(title="Broken course")
    # A zone that slipped past validation (e.g. written from a shell with update()).
    Course.objects.filter(pk=broken.pk).update(default_timezone="Mars/Olympus_Mons")
    broken.refresh_from_db()

    with pytest.raises(PlanningError) as refused:
        plan([good, broken], D(2026, 6, 1), commit=True)

    assert str(refused.value).startswith("Broken course: ")
    assert "is not a time zone name" in str(refused.value)
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_planned_batches_record_who_planned_them_in_their_history(django_user_model):
    planner = django_user_model.objects.create_user(username="meera")
    course = make_course()

    plan([course], D(2026, 6, 1), commit=True, by=planner)

    for batch in Batch.objects.all():
        created = batch.history.get()
        assert created.history_type == "+"
        assert created.history_user == planner
        assert created.history_change_reason == "Planned with Plan batches"


@pytest.mark.django_db(transaction=True)
def test_concurrent_planners_of_the_same_months_never_create_a_batch_twice():
    courses = [make_course(), make_course()]
    created: list[int] = []
    errors: list[Exception] = []
    start = threading.Barrier(6)

    def plan_in_a_thread() -> None:
        try:
            start.wait()
            planned = plan(courses, D(2026, 6, 1), D(2026, 8, 1), commit=True)
            created.append(sum(1 for item in planned if not item.exists))
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=plan_in_a_thread) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(created) == 12
    assert sorted(created) == [0, 0, 0, 0, 0, 12]
    assert Batch.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_a_batch_make_one_copy():
    original = make_batch(start_date=D(2026, 3, 2), end_date=D(2026, 3, 27))
    copies: list = []
    errors: list[Exception] = []
    start = threading.Barrier(4)

    def copy_in_a_thread() -> None:
        try:
            start.wait()
            copies.append(copy_to_next_month(batch=original))
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=copy_in_a_thread) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(1 for copy in copies if copy is not None) == 1
    assert Batch.objects.count() == 2


# Range


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        pytest.param(
            D(2026, 7, 1),
            D(2026, 6, 1),
            "The last month (June 2026) is before the first month (July 2026).",
            id="backwards",
        ),
        pytest.param(
            D(2026, 1, 1),
            D(2027, 1, 1),
            "Plan at most 12 months at a time; January 2026 to January 2027 is 13 months.",
            id="thirteen-months",
        ),
    ],
)
@pytest.mark.parametrize("commit", [False, True])
@pytest.mark.django_db
def test_plan_refuses_a_bad_month_range_in_plain_words(first, last, message, commit):
    course = make_course()

    with pytest.raises(PlanningError) as refused:
        plan([course], first, last, commit=commit)

    assert str(refused.value) == message
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_plan_accepts_twelve_months():
    course = make_course()

    planned = plan([course], D(2026, 1, 1), D(2026, 12, 1))

    assert len(planned) == 24
    assert planned[-1].start_date == D(2026, 12, 5)


# Copy to next month


@pytest.mark.django_db
def test_copy_to_next_month_keeps_times_zone_delivery_location_capacity_and_length():
    original = make_batch(
        track=WEEKDAY,
        start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 27),
        session_start=dt.time(18, 0),
        session_end=dt.time(20, 30),
        timezone="Europe/London",
        delivery=Batch.Delivery.CLASSROOM,
        location="12 High Street, Leeds",
        capacity=14,
    )

    copy = copy_to_next_month(batch=original)

    copy.refresh_from_db()
    assert copy.pk != original.pk
    assert (copy.course, copy.track) == (original.course, WEEKDAY)
    # April 2026: first Monday the 6th; 25 days later is Friday 1 May, as the original.
    assert (copy.start_date, copy.end_date) == (D(2026, 4, 6), D(2026, 5, 1))
    assert (copy.session_start, copy.session_end) == (dt.time(18, 0), dt.time(20, 30))
    assert copy.timezone == "Europe/London"
    assert (copy.delivery, copy.location) == (Batch.Delivery.CLASSROOM, "12 High Street, Leeds")
    assert copy.capacity == 14
    assert copy.status == Batch.Status.SCHEDULED


@pytest.mark.django_db
def test_copy_to_next_month_is_idempotent():
    original = make_batch(start_date=D(2026, 3, 2), end_date=D(2026, 3, 27))

    first = copy_to_next_month(batch=original)
    second = copy_to_next_month(batch=original)

    assert first is not None
    assert second is None
    assert Batch.objects.count() == 2


@pytest.mark.parametrize(
    ("track", "start", "end", "copy_start", "copy_end"),
    [
        # Saturday to Sunday over six weeks; May 2026's first Saturday is the 2nd.
        pytest.param(
            WEEKEND,
            D(2026, 4, 4),
            D(2026, 5, 10),
            D(2026, 5, 2),
            D(2026, 6, 7),
            id="weekend-track",
        ),
        # Started on a Wednesday, ended on a Friday: the copy starts Monday, ends on a Friday.
        pytest.param(
            WEEKDAY,
            D(2026, 3, 4),
            D(2026, 3, 27),
            D(2026, 4, 6),
            D(2026, 5, 1),
            id="weekday-track-started-midweek",
        ),
        # Started on a Sunday, ended on a Sunday: the copy starts Saturday, ends on a Sunday.
        pytest.param(
            WEEKEND,
            D(2026, 3, 8),
            D(2026, 4, 12),
            D(2026, 4, 4),
            D(2026, 5, 10),
            id="weekend-track-started-on-sunday",
        ),
        # December to January of the next year.
        pytest.param(
            WEEKDAY,
            D(2026, 12, 7),
            D(2027, 1, 1),
            D(2027, 1, 4),
            D(2027, 1, 29),
            id="across-the-year-end",
        ),
        # One day, Friday to Saturday: the copy never ends before it starts.
        pytest.param(
            WEEKDAY,
            D(2026, 5, 29),
            D(2026, 5, 30),
            D(2026, 6, 1),
            D(2026, 6, 6),
            id="short-batch",
        ),
    ],
)
@pytest.mark.django_db
def test_copy_to_next_month_starts_on_the_tracks_first_day_and_ends_on_the_same_weekday(
    track, start, end, copy_start, copy_end
):
    original = make_batch(track=track, start_date=start, end_date=end)

    copy = copy_to_next_month(batch=original)

    assert (copy.start_date, copy.end_date) == (copy_start, copy_end)
    assert copy.end_date.weekday() == end.weekday()


@pytest.mark.django_db
def test_copy_of_a_cancelled_batch_is_scheduled():
    original = make_batch(start_date=D(2026, 3, 2), status=Batch.Status.CANCELLED)

    copy = copy_to_next_month(batch=original)

    assert copy.status == Batch.Status.SCHEDULED


@pytest.mark.django_db
def test_copy_to_next_month_records_who_copied_it(django_user_model):
    scheduler = django_user_model.objects.create_user(username="ravi")
    original = make_batch(start_date=D(2026, 3, 2))

    copy = copy_to_next_month(batch=original, by=scheduler)

    created = copy.history.get()
    assert created.history_user == scheduler
    assert created.history_change_reason == f"Copied from batch {original.pk}"


@pytest.mark.django_db
def test_planning_skips_start_dates_already_past():
    course = make_course()
    # 5 Aug 2026: August's first Monday (3rd) has passed; its first Saturday (1st) too.
    with time_machine.travel(dt.datetime(2026, 8, 5, 6, tzinfo=dt.UTC), tick=False):
        assert plan([course], D(2026, 8, 1)) == []
        planned = plan([course], D(2026, 8, 1), D(2026, 9, 1))

    assert [item.start_date for item in planned] == [D(2026, 9, 7), D(2026, 9, 5)]
