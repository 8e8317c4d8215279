"""Planning one batch for the demand board: the session time that suits most learners' zones,
and the batch planning would make for a course, month and track."""

import datetime as dt

import pytest

from courses import services, time_zones
from courses.models import Batch
from tests.factories import make_course

MONDAY = dt.date(2027, 2, 1)
TWO_HOURS = dt.timedelta(hours=2)


def propose(zones, *, batch_zone="Asia/Kolkata", on=MONDAY, default=dt.time(19)):
    return time_zones.propose_session_start(
        learner_zones=zones, batch_zone=batch_zone, on=on, length=TWO_HOURS, default=default
    )


def test_without_known_zones_the_course_default_stands():
    assert propose([]) == dt.time(19)
    assert propose(["Mars/Olympus_Mons"]) == dt.time(19)


def test_the_hour_that_suits_the_most_learners_wins():
    # 3 in London (UTC+0 in February), 1 in Tokyo (UTC+9): a session at 14:00-16:00 IST is
    # 8:30 London (too early); 15:00 IST is 9:30 London and 18:30 Tokyo: all four.
    assert propose(["Europe/London"] * 3 + ["Asia/Tokyo"]) == dt.time(15)


def test_a_majority_outweighs_one_learner_who_cannot_make_it():
    # Los Angeles (UTC-8) and Kolkata share no 2-hour slot in 9:00-21:00; three in Kolkata win,
    # at the hour nearest the default.
    assert propose(["Asia/Kolkata"] * 3 + ["America/Los_Angeles"]) == dt.time(19)


def test_daylight_saving_time_counts_on_the_batch_date():
    # New York is UTC-5 in February and UTC-4 in April: the earliest hour that suits it moves.
    winter = propose(["America/New_York"], batch_zone="UTC", default=dt.time(12))
    summer = propose(
        ["America/New_York"], batch_zone="UTC", on=dt.date(2027, 4, 5), default=dt.time(12)
    )
    assert (winter, summer) == (dt.time(14), dt.time(13))


def test_zones_fall_into_offset_bands():
    on = MONDAY
    assert time_zones.offset_band("Asia/Kolkata", on=on) == "UTC+4 to +6 (Gulf, South Asia)"
    assert time_zones.offset_band("Europe/London", on=on).startswith("UTC−2 to +1")
    assert time_zones.offset_band("Pacific/Kiritimati", on=on).startswith("UTC+10 to +14")
    assert time_zones.offset_band("", on=on) == time_zones.UNKNOWN_ZONE_BAND


@pytest.mark.django_db
def test_plan_batch_is_the_planned_batch_of_the_month_with_the_proposed_time():
    course = make_course(default_capacity=12, default_min_participants=4)
    planned = services.plan_batch(
        course=course,
        month=dt.date(2027, 3, 1),
        track=Batch.Track.WEEKEND,
        session_start=dt.time(15),
        today=dt.date(2027, 1, 11),
    )
    assert (planned.start_date, planned.end_date) == (dt.date(2027, 3, 6), dt.date(2027, 4, 11))
    assert (planned.session_start, planned.session_end) == (dt.time(15), dt.time(18))
    assert (planned.capacity, planned.min_participants) == (12, 4)


@pytest.mark.django_db
def test_plan_batch_in_a_month_under_way_starts_on_the_next_day_of_its_track():
    course = make_course()
    planned = services.plan_batch(
        course=course,
        month=dt.date(2027, 1, 1),
        track=Batch.Track.WEEKDAY,
        today=dt.date(2027, 1, 13),
    )
    assert planned.start_date == dt.date(2027, 1, 18)  # the first Monday from Wed 13 Jan


@pytest.mark.django_db
def test_planning_gives_batches_the_course_minimum():
    course = make_course(default_capacity=10, default_min_participants=5)
    [weekday, weekend] = services.plan_batches(
        courses=[course],
        first_month=dt.date(2030, 1, 1),
        last_month=dt.date(2030, 1, 1),
        commit=True,
    )
    assert {b.min_participants for b in Batch.objects.filter(course=course)} == {5}
    assert weekday.min_participants == weekend.min_participants == 5
