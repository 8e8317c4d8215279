"""Trainer assignment: every session checked against the trainer's other sessions (batches and
one-on-one plans), weekly availability and leave, across zones and daylight-saving changes."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from django.db import connection

from courses import services
from courses.models import Batch, TrainerLeave
from enquiries.services import trainers
from tests.factories import make_batch, make_course, make_plan, make_trainer

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # a Tuesday
WEEKDAYS = range(5)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def weekday_batch(course, start: dt.date, end: dt.date, times, zone: str) -> Batch:
    return make_batch(
        course=course,
        start_date=start,
        end_date=end,
        session_start=times[0],
        session_end=times[1],
        timezone=zone,
    )


@pytest.fixture
def course():
    return make_course(title="Python Basics")


@pytest.fixture
def london_trainer(course):
    return make_trainer(
        name="Asha Rao",
        timezone="Europe/London",
        courses=[course],
        days=WEEKDAYS,
        hours=(dt.time(8, 0), dt.time(20, 0)),
    )


# Zones: the session is placed in the trainer's own zone


@pytest.mark.django_db
def test_a_new_york_batch_fits_a_london_trainers_day_in_london_time(course, london_trainer):
    # 10:00-12:00 in New York is 15:00-17:00 in London in January.
    batch = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 29),
        (dt.time(10), dt.time(12)),
        "America/New_York",
    )

    trainers.assign_trainer(batch=batch, trainer=london_trainer)

    batch.refresh_from_db()
    assert batch.trainer == london_trainer


@pytest.mark.django_db
def test_a_new_york_evening_is_outside_a_london_trainers_availability(course, london_trainer):
    # 16:00-18:00 in New York is 21:00-23:00 in London: after the trainer's 20:00.
    batch = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 29),
        (dt.time(16), dt.time(18)),
        "America/New_York",
    )

    with pytest.raises(trainers.TrainerUnavailable) as refused:
        trainers.assign_trainer(batch=batch, trainer=london_trainer)

    assert str(refused.value) == (
        "Python Basics, weekday batch from Mon 4 Jan 2027 on Mon 4 Jan 2027, 21:00–23:00 "
        "Europe/London (Mon 4 Jan 2027, 16:00–18:00 America/New_York) is outside Asha Rao's "
        "availability (Monday: 08:00–20:00, Europe/London)."
    )
    batch.refresh_from_db()
    assert batch.trainer is None


@pytest.mark.django_db
def test_a_weekend_session_is_refused_when_the_trainer_works_weekdays_only(course, london_trainer):
    batch = make_batch(
        course=course,
        track=Batch.Track.WEEKEND,
        start_date=dt.date(2027, 1, 9),
        end_date=dt.date(2027, 1, 10),
        session_start=dt.time(10),
        session_end=dt.time(12),
        timezone="Europe/London",
    )

    with pytest.raises(trainers.TrainerUnavailable, match=r"Saturday: none, Europe/London"):
        trainers.assign_trainer(batch=batch, trainer=london_trainer)


# Daylight saving: New York and London change their clocks on different dates


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("london_dates", "ny_before_change", "ny_across_change", "first_clash"),
    [
        # New York springs forward on 14 March 2027, London on 28 March.
        (
            (dt.date(2027, 3, 1), dt.date(2027, 3, 26)),
            (dt.date(2027, 3, 1), dt.date(2027, 3, 12)),
            (dt.date(2027, 3, 1), dt.date(2027, 3, 19)),
            "Mon 15 Mar 2027, 14:00–15:00 Europe/London",
        ),
        # London falls back on 31 October 2027, New York on 7 November.
        (
            (dt.date(2027, 10, 18), dt.date(2027, 11, 5)),
            (dt.date(2027, 10, 18), dt.date(2027, 10, 29)),
            (dt.date(2027, 10, 18), dt.date(2027, 11, 5)),
            "Mon 1 Nov 2027, 14:00–15:00 Europe/London",
        ),
    ],
    ids=["march", "october"],
)
def test_sessions_overlap_only_in_the_weeks_the_two_zones_are_four_hours_apart(
    course, london_trainer, london_dates, ny_before_change, ny_across_change, first_clash
):
    # 14:00-15:00 London and 10:00-11:00 New York are back to back while the zones are five
    # hours apart, and the same hour while they are four hours apart.
    london = weekday_batch(course, *london_dates, (dt.time(14), dt.time(15)), "Europe/London")
    trainers.assign_trainer(batch=london, trainer=london_trainer)
    before = weekday_batch(
        course, *ny_before_change, (dt.time(10), dt.time(11)), "America/New_York"
    )
    across = make_batch(
        course=make_course(title="Data Analysis"),
        start_date=ny_across_change[0],
        end_date=ny_across_change[1],
        session_start=dt.time(10),
        session_end=dt.time(11),
        timezone="America/New_York",
    )
    london_trainer.courses.add(across.course)

    trainers.assign_trainer(batch=before, trainer=london_trainer)  # no clash before the change
    trainers.assign_trainer(batch=before, trainer=None)
    with pytest.raises(trainers.TrainerClash) as refused:
        trainers.assign_trainer(batch=across, trainer=london_trainer)

    message = str(refused.value)
    assert message.startswith("Asha Rao already teaches Python Basics, weekday batch from Mon ")
    assert f"on {first_clash}, which overlaps the session on {first_clash}" in message
    assert "10:00–11:00 America/New_York" in message
    assert refused.value.clashing.batch == london
    across.refresh_from_db()
    assert across.trainer is None


@pytest.mark.django_db
def test_back_to_back_sessions_do_not_clash(course, london_trainer):
    first = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(9), dt.time(11)),
        "Europe/London",
    )
    second = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(11), dt.time(13)),
        "Europe/London",
    )
    trainers.assign_trainer(batch=first, trainer=london_trainer)

    trainers.assign_trainer(batch=second, trainer=london_trainer)

    assert set(london_trainer.batches.all()) == {first, second}


@pytest.mark.django_db
def test_one_overlapping_session_is_enough_to_refuse_a_batch(course, london_trainer):
    # Two batches sharing one day only: the check is per session, not per batch.
    first = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(9), dt.time(11)),
        "Europe/London",
    )
    trainers.assign_trainer(batch=first, trainer=london_trainer)
    second = weekday_batch(
        course,
        dt.date(2027, 1, 8),
        dt.date(2027, 1, 15),
        (dt.time(10), dt.time(12)),
        "Europe/London",
    )

    with pytest.raises(trainers.TrainerClash, match=r"Fri 8 Jan 2027, 09:00–11:00"):
        trainers.assign_trainer(batch=second, trainer=london_trainer)


@pytest.mark.django_db
def test_a_cancelled_batch_no_longer_takes_the_trainers_time(course, london_trainer):
    first = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(9), dt.time(11)),
        "Europe/London",
    )
    trainers.assign_trainer(batch=first, trainer=london_trainer)
    Batch.objects.filter(pk=first.pk).update(status=Batch.Status.CANCELLED)
    second = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(10), dt.time(12)),
        "Europe/London",
    )

    trainers.assign_trainer(batch=second, trainer=london_trainer)


# One-on-one plans and batches share the trainer's time


@pytest.mark.django_db
def test_a_plan_session_clashes_with_a_batch_session_in_another_zone(course, london_trainer):
    batch = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(14), dt.time(16)),
        "Europe/London",
    )
    trainers.assign_trainer(batch=batch, trainer=london_trainer)
    # 10:00-11:00 in New York on Wednesday 6 January is 15:00-16:00 in London.
    plan = make_plan(course=course, sessions=[(utc(2027, 1, 6, 15), utc(2027, 1, 6, 16))])

    with pytest.raises(trainers.TrainerClash) as refused:
        trainers.assign_plan_trainer(plan=plan, trainer=london_trainer)

    assert str(refused.value) == (
        "Asha Rao already teaches Python Basics, weekday batch from Mon 4 Jan 2027 on "
        "Wed 6 Jan 2027, 14:00–16:00 Europe/London, which overlaps the session on "
        "Wed 6 Jan 2027, 15:00–16:00 Europe/London (Wed 6 Jan 2027, 10:00–11:00 "
        "America/New_York)."
    )


@pytest.mark.django_db
def test_a_batch_clashes_with_a_plan_the_trainer_already_has(course, london_trainer):
    plan = make_plan(course=course, sessions=[(utc(2027, 1, 6, 15), utc(2027, 1, 6, 16))])
    trainers.assign_plan_trainer(plan=plan, trainer=london_trainer)
    batch = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(14), dt.time(16)),
        "Europe/London",
    )

    with pytest.raises(trainers.TrainerClash) as refused:
        trainers.assign_trainer(batch=batch, trainer=london_trainer)

    reference = plan.request.enquiry.reference
    assert f"already teaches Python Basics, one-on-one plan {reference} on Wed 6 Jan 2027" in str(
        refused.value
    )
    assert "Maya" not in str(refused.value)


# Leave and courses


@pytest.mark.django_db
def test_a_session_on_the_trainers_leave_is_refused(course, london_trainer):
    TrainerLeave.objects.create(
        trainer=london_trainer,
        first_day=dt.date(2027, 1, 7),
        last_day=dt.date(2027, 1, 8),
        reason="conference",
    )
    batch = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(9), dt.time(11)),
        "Europe/London",
    )

    with pytest.raises(trainers.TrainerUnavailable) as refused:
        trainers.assign_trainer(batch=batch, trainer=london_trainer)

    assert str(refused.value) == (
        "Asha Rao is on leave Thu 7 Jan 2027–Fri 8 Jan 2027 (conference), so cannot take "
        "Python Basics, weekday batch from Mon 4 Jan 2027 on Thu 7 Jan 2027, 09:00–11:00 "
        "Europe/London."
    )


@pytest.mark.django_db
def test_a_trainer_is_only_given_courses_they_teach(london_trainer):
    batch = make_batch(
        course=make_course(title="Rust"),
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 1, 8),
        timezone="Europe/London",
        session_start=dt.time(9),
        session_end=dt.time(11),
    )

    with pytest.raises(trainers.TrainerUnavailable, match=r"Asha Rao does not teach Rust\."):
        trainers.assign_trainer(batch=batch, trainer=london_trainer)


@pytest.mark.django_db
def test_moving_an_assigned_batch_onto_another_session_is_refused(course, london_trainer):
    first = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(9), dt.time(11)),
        "Europe/London",
    )
    second = weekday_batch(
        course,
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 8),
        (dt.time(12), dt.time(13)),
        "Europe/London",
    )
    trainers.assign_trainer(batch=first, trainer=london_trainer)
    trainers.assign_trainer(batch=second, trainer=london_trainer)

    second.session_start = dt.time(10)
    with pytest.raises(trainers.TrainerClash):
        trainers.check_batch(batch=second)


# Under the lock: two assignments of one trainer at once


@pytest.mark.django_db(transaction=True)
def test_two_clashing_batches_assigned_at_once_get_the_trainer_only_once():
    course = make_course()
    trainer = make_trainer(courses=[course], timezone="Europe/London")
    batches = [
        make_batch(
            course=course,
            start_date=dt.date(2027, 1, 4),
            end_date=dt.date(2027, 1, 8),
            session_start=dt.time(9, n),
            session_end=dt.time(11),
            timezone="Europe/London",
        )
        for n in range(8)
    ]
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(batches))

    def assign(batch) -> None:
        try:
            start.wait()
            trainers.assign_trainer(batch=batch, trainer=trainer)
            outcome = "assigned"
        except trainers.TrainerClash:
            outcome = "clash"
        except Exception as error:  # counted, and shown by the assertion
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=assign, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"assigned": 1, "clash": len(batches) - 1}
    assert Batch.objects.filter(trainer=trainer).count() == 1


# Proposing a trainer for a batch not yet saved (the demand board's "Plan a batch")


def planned_january(course) -> services.PlannedBatch:
    """Weekdays from Mon 4 Jan 2027 for four weeks, 10:00-12:00 London."""
    return services.plan_batch(
        course=course, month=dt.date(2027, 1, 1), track=Batch.Track.WEEKDAY, today=NOW.date()
    )


@pytest.fixture
def london_course(course):
    course.default_timezone = "Europe/London"
    course.weekday_session_start, course.weekday_session_end = dt.time(10), dt.time(12)
    course.save()
    return course


@pytest.mark.django_db
def test_a_trainer_free_for_every_session_is_proposed(london_course, london_trainer):
    make_trainer(name="Zed Later", courses=[london_course], timezone="Europe/London")
    planned = planned_january(london_course)

    assert trainers.pick_available_trainer(planned=planned) == london_trainer
    assert not Batch.objects.exists()  # nothing is saved


@pytest.mark.django_db
def test_a_busy_unavailable_or_away_trainer_is_not_proposed(london_course, london_trainer):
    plan = make_plan(course=london_course, sessions=[(utc(2027, 1, 13, 11), utc(2027, 1, 13, 12))])
    trainers.assign_plan_trainer(plan=plan, trainer=london_trainer)  # Wed 13 Jan, 11:00 London
    make_trainer(
        name="Bo Afternoons",
        courses=[london_course],
        timezone="Europe/London",
        days=WEEKDAYS,
        hours=(dt.time(13), dt.time(20)),
    )
    away = make_trainer(name="Cy Away", courses=[london_course], timezone="Europe/London")
    TrainerLeave.objects.create(
        trainer=away, first_day=dt.date(2027, 1, 25), last_day=dt.date(2027, 1, 25)
    )
    make_trainer(name="Di Elsewhere", courses=[make_course()], timezone="Europe/London")
    planned = planned_january(london_course)

    assert trainers.pick_available_trainer(planned=planned) is None
    free = make_trainer(name="Eve Free", courses=[london_course], timezone="Europe/London")
    assert trainers.pick_available_trainers(planned=[planned, planned]) == [free, free]


@pytest.mark.django_db
def test_proposing_trainers_runs_the_same_queries_for_one_and_many_batches(
    london_course, london_trainer, django_assert_num_queries
):
    make_batch(course=london_course, start_date=dt.date(2027, 1, 4), trainer=london_trainer)
    one = [planned_january(london_course)]
    many = [
        services.plan_batch(course=london_course, month=month, track=track, today=NOW.date())
        for month in (dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1))
        for track in Batch.Track
    ]
    # The trainers, their courses, availability and leave; the batches and plan sessions.
    with django_assert_num_queries(6):
        trainers.pick_available_trainers(planned=one)
    with django_assert_num_queries(6):
        trainers.pick_available_trainers(planned=many)
