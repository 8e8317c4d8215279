"""Calendar files (.ics) for a batch, a course and the schedule, parsed back with icalendar."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar, Event

from courses.models import Batch, Course
from enquiries import services
from enquiries.services import seats
from tests.factories import make_batch, make_category, make_course

# "Today": Tuesday 1 December 2026, before the 2027 batches.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
JAN_MON = dt.date(2027, 1, 4)
JAN_SAT = dt.date(2027, 1, 9)
FEB_MON = dt.date(2027, 2, 1)
FEB_SAT = dt.date(2027, 2, 6)
CLASSROOM = {"delivery": Batch.Delivery.CLASSROOM, "location": "MG Road, Pune"}
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = pytest.mark.usefixtures("_frozen_today", "_site_url")


@pytest.fixture
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def _site_url(settings):
    settings.SITE_URL = "https://courses.example.com"


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list[Event]:
    return calendar.walk("VEVENT")


def only_event(response) -> Event:
    [event] = events(parse(response))
    return event


def uids(response) -> set[str]:
    return {str(event["UID"]) for event in events(parse(response))}


def uid(batch: Batch) -> str:
    return f"batch-{batch.pk}@courses.example.com"


def batch_url(batch: Batch) -> str:
    return f"/schedule/batches/{batch.pk}.ics"


def occurrences(event: Event) -> list[dt.datetime]:
    """Every session start the event's RRULE produces, from its DTSTART."""
    [rule] = event.rrules
    return list(rrulestr(rule.to_ical().decode(), dtstart=event.start))


# One batch


@pytest.mark.django_db
def test_batch_calendar_is_one_weekly_event_on_weekdays_in_the_batch_time_zone(client):
    course = make_course(title="Python Basics", slug="python")
    batch = make_batch(course=course, start_date=JAN_MON, end_date=dt.date(2027, 1, 29))

    response = client.get(batch_url(batch))

    assert response["Content-Disposition"] == (
        'attachment; filename="python-weekday-2027-01-04.ics"'
    )
    calendar = parse(response)
    [event] = events(calendar)
    assert event.start == dt.datetime(2027, 1, 4, 19, 0, tzinfo=KOLKATA)
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert event.end == dt.datetime(2027, 1, 4, 21, 0, tzinfo=KOLKATA)
    [rule] = event.rrules
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    # The end of the last session (Fri 29 Jan, 21:00 IST) in UTC.
    assert rule["UNTIL"] == [dt.datetime(2027, 1, 29, 15, 30, tzinfo=dt.UTC)]
    assert len(occurrences(event)) == 20  # four weeks of Monday to Friday
    assert str(event["SUMMARY"]) == "Python Basics (Weekdays batch)"
    assert str(event["LOCATION"]) == "Live online"
    assert str(event["URL"]) == "https://courses.example.com/courses/python/"
    assert "https://courses.example.com/courses/python/" in str(event["DESCRIPTION"])
    assert "19:00–21:00 Asia/Kolkata time" in str(event["DESCRIPTION"])
    assert str(event["UID"]) == uid(batch)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.stamp == TODAY
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Kolkata"]
    assert calendar.get_missing_tzids() == set()


@pytest.mark.django_db
def test_weekend_classroom_batch_repeats_on_saturday_and_sunday_at_its_venue(client):
    course = make_course(title="Python Basics", slug="python")
    batch = make_batch(
        course=course,
        track=Batch.Track.WEEKEND,
        start_date=JAN_SAT,
        end_date=dt.date(2027, 2, 14),
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 0),
        **CLASSROOM,
    )

    event = only_event(client.get(batch_url(batch)))

    assert event.start == dt.datetime(2027, 1, 9, 10, 0, tzinfo=KOLKATA)
    [rule] = event.rrules
    assert rule["BYDAY"] == ["SA", "SU"]
    assert rule["UNTIL"] == [dt.datetime(2027, 2, 14, 7, 30, tzinfo=dt.UTC)]
    sessions = occurrences(event)
    assert len(sessions) == 12  # six weekends
    assert {session.weekday() for session in sessions} == {5, 6}
    assert str(event["SUMMARY"]) == "Python Basics (Weekend batch)"
    assert str(event["LOCATION"]) == "MG Road, Pune"


@pytest.mark.django_db
def test_sessions_across_daylight_saving_stay_at_local_time_while_utc_moves(client):
    # New York moves to daylight time on Sunday 14 March 2027.
    batch = make_batch(
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 3, 26),
        session_start=dt.time(18, 0),
        session_end=dt.time(20, 0),
        timezone="America/New_York",
    )

    calendar = parse(client.get(batch_url(batch)))

    [event] = events(calendar)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    sessions = occurrences(event)
    assert len(sessions) == 20
    assert {session.astimezone(NEW_YORK).time() for session in sessions} == {dt.time(18, 0)}
    utc_times = {session.date(): session.astimezone(dt.UTC).time() for session in sessions}
    assert utc_times[dt.date(2027, 3, 1)] == dt.time(23, 0)  # EST, UTC-5
    assert utc_times[dt.date(2027, 3, 12)] == dt.time(23, 0)
    assert utc_times[dt.date(2027, 3, 15)] == dt.time(22, 0)  # EDT, UTC-4
    assert utc_times[dt.date(2027, 3, 26)] == dt.time(22, 0)
    # The VTIMEZONE in the file, read on its own, describes the same change.
    [vtimezone] = calendar.timezones
    assert vtimezone.tz_name == "America/New_York"
    embedded = vtimezone.to_tz(lookup_tzid=False)
    before = dt.datetime(2027, 3, 12, 18, 0, tzinfo=embedded)
    after = dt.datetime(2027, 3, 15, 18, 0, tzinfo=embedded)
    assert before.utcoffset() == dt.timedelta(hours=-5)
    assert after.utcoffset() == dt.timedelta(hours=-4)


@pytest.mark.django_db
def test_batch_keeps_its_uid_and_a_change_raises_its_sequence(client):
    batch = make_batch(start_date=JAN_MON)
    first = only_event(client.get(batch_url(batch)))
    again = only_event(client.get(batch_url(batch)))

    with time_machine.travel(TODAY + dt.timedelta(minutes=5), tick=False):
        batch.refresh_from_db()
        batch.capacity = 25
        batch.full_clean()
        batch.save()
        changed = only_event(client.get(batch_url(batch)))

    assert str(first["UID"]) == str(again["UID"]) == str(changed["UID"]) == uid(batch)
    assert first["SEQUENCE"] == again["SEQUENCE"]
    assert changed["SEQUENCE"] > first["SEQUENCE"]
    assert changed["LAST-MODIFIED"].dt > first["LAST-MODIFIED"].dt


@pytest.mark.django_db
def test_renaming_the_course_raises_the_sequence_of_its_batches(client):
    course = make_course(title="Python Basics")
    batch = make_batch(course=course, start_date=JAN_MON)
    before = only_event(client.get(batch_url(batch)))

    with time_machine.travel(TODAY + dt.timedelta(hours=1), tick=False):
        course.title = "Python Foundations"
        course.full_clean()
        course.save()
        after = only_event(client.get(batch_url(batch)))

    assert str(after["SUMMARY"]) == "Python Foundations (Weekdays batch)"
    assert after["SEQUENCE"] > before["SEQUENCE"]


@pytest.mark.django_db
def test_cancelled_batch_stays_downloadable_marked_cancelled_with_a_higher_sequence(client):
    batch = make_batch(start_date=JAN_MON)
    before = only_event(client.get(batch_url(batch)))

    with time_machine.travel(TODAY + dt.timedelta(days=1), tick=False):
        services.cancel_batch(batch=batch, by=None)
        after = only_event(client.get(batch_url(batch)))

    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["DESCRIPTION"]).startswith("This batch has been cancelled.")
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hidden",
    [
        {"is_published": False},
        {"course": {"is_published": False}},
    ],
    ids=["unpublished batch", "unpublished course"],
)
def test_unpublished_batch_calendar_is_not_found(client, hidden):
    if "course" in hidden:
        batch = make_batch(course=make_course(**hidden["course"]), start_date=JAN_MON)
    else:
        batch = make_batch(start_date=JAN_MON, **hidden)

    response = client.get(batch_url(batch))

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


@pytest.mark.django_db
def test_calendar_of_a_batch_that_does_not_exist_is_not_found(client):
    assert client.get("/schedule/batches/999999.ics").status_code == 404


# A course's batches


@pytest.fixture
def schedule(db):
    """Two courses in two categories, batches in January and February on both tracks."""
    programming = make_category(name="Programming", slug="programming")
    cloud = make_category(name="Cloud", slug="cloud")
    python = make_course(title="Python Basics", slug="python", category=programming)
    kubernetes = make_course(title="Kubernetes", slug="kubernetes", category=cloud)
    return {
        "py-jan-weekday": make_batch(course=python, start_date=JAN_MON),
        "py-jan-weekend": make_batch(
            course=python, track=Batch.Track.WEEKEND, start_date=JAN_SAT, **CLASSROOM
        ),
        "k8s-feb-weekday": make_batch(course=kubernetes, start_date=FEB_MON),
        "k8s-feb-weekend": make_batch(
            course=kubernetes, track=Batch.Track.WEEKEND, start_date=FEB_SAT
        ),
        "py-feb-weekday": make_batch(
            course=python, start_date=dt.date(2027, 2, 8), timezone="Europe/London", **CLASSROOM
        ),
    }


@pytest.fixture
def cancelled_batch(schedule):
    """An upcoming Python batch that was cancelled: feeds keep it, marked CANCELLED."""
    cancelled = make_batch(course=schedule["py-jan-weekday"].course, start_date=dt.date(2027, 3, 1))
    services.cancel_batch(batch=cancelled, by=None)
    return cancelled


@pytest.fixture
def hidden_batches(schedule):
    """Batches no public calendar but the single-batch one may list."""
    python = schedule["py-jan-weekday"].course
    return [
        make_batch(course=python, start_date=dt.date(2027, 3, 8), is_published=False),
        make_batch(course=python, start_date=dt.date(2026, 11, 30)),  # already started
        make_batch(course=make_course(slug="hidden", is_published=False), start_date=JAN_MON),
    ]


def statuses(response) -> dict[str, str]:
    return {str(event["UID"]): str(event["STATUS"]) for event in parse(response).walk("VEVENT")}


def named(schedule: dict[str, Batch], *names: str) -> set[str]:
    return {uid(schedule[name]) for name in names}


PYTHON = ("py-jan-weekday", "py-jan-weekend", "py-feb-weekday")
ALL = (*PYTHON, "k8s-feb-weekday", "k8s-feb-weekend")


@pytest.mark.django_db
def test_course_calendar_has_the_courses_upcoming_batches_and_marks_a_cancelled_one(
    client, schedule, hidden_batches, cancelled_batch
):
    response = client.get("/courses/python/calendar.ics")

    assert uids(response) == named(schedule, *PYTHON) | {uid(cancelled_batch)}
    assert statuses(response) == {
        **dict.fromkeys(named(schedule, *PYTHON), "CONFIRMED"),
        uid(cancelled_batch): "CANCELLED",
    }
    assert response["Content-Disposition"] == 'attachment; filename="python-batches.ics"'
    calendar = parse(response)
    assert {tz.tz_name for tz in calendar.timezones} == {"Asia/Kolkata", "Europe/London"}
    assert calendar.get_missing_tzids() == set()
    assert str(calendar["X-WR-CALNAME"]) == "Python Basics: upcoming batches · Batchwise"


@pytest.mark.django_db
def test_course_calendar_of_an_unpublished_course_is_not_found(client):
    batch = make_batch(course=make_course(slug="secret", is_published=False), start_date=JAN_MON)

    response = client.get("/courses/secret/calendar.ics")

    assert response.status_code == 404
    assert uid(batch).encode() not in response.content


@pytest.mark.django_db
def test_course_calendar_without_batches_is_an_empty_calendar(client):
    make_course(slug="python")

    calendar = parse(client.get("/courses/python/calendar.ics"))

    assert events(calendar) == []
    assert calendar.timezones == []


# The schedule


@pytest.mark.django_db
def test_schedule_calendar_lists_every_upcoming_batch_and_nothing_else(
    client, schedule, hidden_batches, cancelled_batch
):
    response = client.get("/schedule/calendar.ics")

    assert uids(response) == named(schedule, *ALL) | {uid(cancelled_batch)}
    assert statuses(response)[uid(cancelled_batch)] == "CANCELLED"
    assert response["Content-Disposition"] == 'attachment; filename="batchwise-schedule.ics"'
    assert str(parse(response)["X-WR-CALNAME"]) == "Batchwise batch schedule"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"course": "python"}, PYTHON),
        ({"category": "cloud"}, ("k8s-feb-weekday", "k8s-feb-weekend")),
        ({"month": "2027-01"}, ("py-jan-weekday", "py-jan-weekend")),
        ({"track": "weekend"}, ("py-jan-weekend", "k8s-feb-weekend")),
        ({"mode": "classroom"}, ("py-jan-weekend", "py-feb-weekday")),
        ({"month": "2027-02", "track": "weekday", "mode": "online"}, ("k8s-feb-weekday",)),
        # As on the page: a filter that isn't understood is ignored, the others apply.
        ({"track": "xyz", "course": "python"}, PYTHON),
        ({"month": "banana", "category": "cloud"}, ("k8s-feb-weekday", "k8s-feb-weekend")),
        ({"course": "nope"}, ALL),
    ],
)
def test_schedule_calendar_honours_the_schedule_filters(
    client, schedule, hidden_batches, query, expected
):
    response = client.get("/schedule/calendar.ics", query)

    assert uids(response) == named(schedule, *expected)


@pytest.mark.django_db
def test_filtered_schedule_calendar_is_named_after_its_filters(client, schedule, settings):
    settings.SITE_URL = "https://courses.example.com"
    calendar = parse(client.get("/schedule/calendar.ics", {"course": "python", "month": "2027-01"}))

    assert str(calendar["X-WR-CALNAME"]) == "Batchwise batch schedule: Python Basics, January 2027"
    assert str(calendar["SOURCE"]) == (
        "https://courses.example.com/schedule/calendar.ics?course=python&month=2027-01"
    )


@pytest.mark.django_db
def test_a_batch_has_the_same_uid_in_every_calendar_it_appears_in(client, schedule):
    batch = schedule["py-jan-weekday"]

    assert uid(batch) in uids(client.get(batch_url(batch)))
    assert uid(batch) in uids(client.get("/courses/python/calendar.ics"))
    assert uid(batch) in uids(client.get("/schedule/calendar.ics"))


# Links on the pages


def calendar_link(batch: Batch, name: str) -> str:
    return (
        f'href="/schedule/batches/{batch.pk}.ics">Add to calendar'
        f'<span class="visually-hidden">: {name} (.ics file)</span></a>'
    )


@pytest.mark.django_db
def test_every_batch_row_links_to_its_calendar_with_a_name_that_says_which_batch(client, schedule):
    jan_weekday, jan_weekend = schedule["py-jan-weekday"], schedule["py-jan-weekend"]
    weekday_link = calendar_link(
        jan_weekday, "Python Basics, Weekdays (Mon–Fri) batch starting Mon 4 Jan 2027"
    )
    weekend_link = calendar_link(
        jan_weekend, "Python Basics, Weekend (Sat–Sun) batch starting Sat 9 Jan 2027"
    )

    # The schedule shows a month at a time: all its months together list every batch.
    months = sorted({f"{schedule[name].start_date:%Y-%m}" for name in ALL})
    expected = {
        "/": ALL,  # the home page's next batches
        "/schedule/": ALL,
        "/courses/python/": PYTHON,
    }
    for url, names in expected.items():
        if url == "/schedule/":
            page = "".join(client.get(url, {"month": m}).content.decode() for m in months)
        else:
            page = client.get(url).content.decode()
        assert weekday_link in page, url
        assert weekend_link in page, url
        linked = {int(pk) for pk in re.findall(r"/schedule/batches/(\d+)\.ics", page)}
        assert linked == {schedule[name].pk for name in names}, url


@pytest.mark.django_db
def test_schedule_page_offers_its_calendar_with_the_filters_it_applied(client, schedule):
    page = client.get(
        "/schedule/",
        {"course": "python", "track": "xyz", "month": "2027-01", "utm_source": "newsletter"},
    ).content.decode()

    # The misunderstood track and the tracking parameter are not carried over.
    assert (
        '<a href="/schedule/calendar.ics?course=python&amp;month=2027-01">'
        "Subscribe / download this schedule (.ics)</a>"
    ) in page


@pytest.mark.django_db
def test_unfiltered_schedule_page_offers_the_whole_schedule_calendar(client, schedule):
    page = client.get("/schedule/").content.decode()

    assert '<a href="/schedule/calendar.ics">Subscribe / download this schedule (.ics)</a>' in (
        page
    )


@pytest.mark.django_db
def test_course_page_offers_the_courses_calendar(client, schedule):
    page = client.get("/courses/python/").content.decode()

    assert 'href="/courses/python/calendar.ics"' in page


# Queries


def grow_batches(course: Course, size: int, made: int) -> None:
    """Bulk-add valid batches one week apart, alternating tracks, zones and modes."""
    first_monday = dt.date(2027, 1, 4)
    batches = []
    for i in range(made, size):
        weekend = i % 2 == 1
        start = first_monday + dt.timedelta(weeks=i, days=5 if weekend else 0)
        batches.append(
            Batch(
                course=course,
                track=Batch.Track.WEEKEND if weekend else Batch.Track.WEEKDAY,
                start_date=start,
                end_date=start + dt.timedelta(days=25),
                session_start=dt.time(9 + i % 10),
                session_end=dt.time(11 + i % 10),
                timezone=["Asia/Kolkata", "Europe/London", "America/New_York"][i % 3],
                delivery=Batch.Delivery.CLASSROOM if i % 3 == 0 else Batch.Delivery.ONLINE,
                location=f"Room {i}" if i % 3 == 0 else "",
                capacity=None if i % 4 == 0 else 10,
            )
        )
    Batch.objects.bulk_create(batches)


# The batch with its course; a course and its batches; the filter's courses and the batches.
BATCH_CALENDAR_QUERIES = 1
COURSE_CALENDAR_QUERIES = 2
SCHEDULE_CALENDAR_QUERIES = 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        ("/courses/python/calendar.ics", COURSE_CALENDAR_QUERIES),
        ("/schedule/calendar.ics", SCHEDULE_CALENDAR_QUERIES),
        ("/schedule/calendar.ics?course=python&track=weekday", SCHEDULE_CALENDAR_QUERIES),
    ],
)
def test_calendars_run_the_same_queries_for_5_and_50_batches(client, url, pinned):
    course = make_course(slug="python")
    counts = {}
    made = 0
    for size in (5, 50):
        grow_batches(course, size, made)
        made = size
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[size] = len(queries)
        expected = size if "track" not in url else (size + 1) // 2
        assert len(events(parse(response))) == expected, f"{url} with {size} batches"

    assert counts[5] == counts[50] == pinned


@pytest.mark.django_db
def test_batch_calendar_runs_one_query(client, django_assert_num_queries):
    batch = make_batch(start_date=JAN_MON)

    with django_assert_num_queries(BATCH_CALENDAR_QUERIES):
        client.get(batch_url(batch))


@pytest.mark.django_db
def test_a_learner_with_a_seat_does_not_change_the_calendar(client):
    """Seats are not in the file: taking one must not make calendars re-import the event."""
    batch = make_batch(start_date=JAN_MON)
    before = only_event(client.get(batch_url(batch)))

    with time_machine.travel(TODAY + dt.timedelta(minutes=5), tick=False):
        seats.enroll(batch=batch, learner=seats.Learner(name="Asha", email="asha@example.com"))
        after = only_event(client.get(batch_url(batch)))

    assert after["SEQUENCE"] == before["SEQUENCE"]
