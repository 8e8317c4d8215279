"""Batches as iCalendar (.ics) files, built with the icalendar library.

Each batch is ONE recurring event: its first session (DTSTART/DTEND as wall-clock times with
TZID = the batch's IANA zone), repeated every weekday (Monday to Friday) or every weekend day
(Saturday and Sunday) until the end of the last session. The calendar carries a VTIMEZONE for
every zone it uses, so a calendar program places every session at the same local time on both
sides of a daylight-saving change, while its UTC time moves by the hour.

A batch keeps its UID (`batch-<pk>@<host>`) in every file it appears in: the single batch, its
course's calendar and the schedule's. Re-importing or refreshing a subscription therefore
updates the event in place. SEQUENCE and LAST-MODIFIED come from the latest save of the batch
or its course (the summary carries the course title), so the newer copy always wins.

A cancelled batch's own file says STATUS:CANCELLED, so importing it again marks the event
cancelled. The course and schedule calendars list open batches only: a subscribed calendar
drops a cancelled batch on its next refresh.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.dateformat import format as date_format
from icalendar import Calendar, Event, vRecur
from icalendar.enums import STATUS

from .models import Batch
from .site import absolute_url, site_host

# Subscribed calendars (a course's batches, the schedule) are fetched again at most this often.
REFRESH_INTERVAL = dt.timedelta(hours=12)

RECURRENCE_DAYS = {
    Batch.Track.WEEKDAY: ["MO", "TU", "WE", "TH", "FR"],
    Batch.Track.WEEKEND: ["SA", "SU"],
}
SUMMARY_TRACK = {
    Batch.Track.WEEKDAY: "Weekdays batch",
    Batch.Track.WEEKEND: "Weekend batch",
}

# SEQUENCE counts seconds from this instant to the last change: it grows with every save and
# stays within a signed 32-bit integer (what many calendar programs store) until 2092.
SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

# VTIMEZONE definitions cover the calendar's dates plus this margin on both sides.
TIME_ZONE_MARGIN = dt.timedelta(days=7)


DATE = "D j M Y"  # Mon 4 Jan 2027, as on the pages


def batch_uid(batch: Batch) -> str:
    return f"batch-{batch.pk}@{site_host()}"


def batch_last_changed(batch: Batch) -> dt.datetime:
    return max(batch.updated_at, batch.course.updated_at)


def batch_sequence(batch: Batch) -> int:
    """The event's revision: larger after every save of the batch or its course."""
    return batch_sequence_at(batch_last_changed(batch))


def batch_sequence_at(last_changed: dt.datetime) -> int:
    """An event's SEQUENCE from the moment it last changed."""
    return max(0, int((last_changed - SEQUENCE_EPOCH).total_seconds()))


def batch_location(batch: Batch) -> str:
    if batch.delivery == Batch.Delivery.CLASSROOM and batch.location:
        return batch.location
    return Batch.Delivery.ONLINE.label


def batch_summary(batch: Batch) -> str:
    return f"{batch.course.title} ({SUMMARY_TRACK[Batch.Track(batch.track)]})"


def batch_description(batch: Batch, *, course_url: str, joining_details: bool = False) -> str:
    """What the event says; the joining details only in a confirmed learner's own file."""
    lines = []
    if batch.status == Batch.Status.CANCELLED:
        lines.append("This batch has been cancelled.")
    # The zone's name, not an abbreviation: a batch may run across a daylight-saving change.
    lines += [
        f"{batch.get_track_display()}, {batch.session_start:%H:%M}–{batch.session_end:%H:%M} "
        f"{batch.timezone} time.",
        f"{date_format(batch.start_date, DATE)} to {date_format(batch.end_date, DATE)}.",
        (
            f"Classroom: {batch.location}."
            if batch.delivery == Batch.Delivery.CLASSROOM
            else f"{Batch.Delivery.ONLINE.label}."
        ),
    ]
    if joining_details and batch.joining_details:
        lines += ["", "How to join:", batch.joining_details.strip()]
    lines += ["", f"Course details, fees and enquiries: {course_url}"]
    return "\n".join(lines)


def batch_event(batch: Batch, *, joining_details: bool = False) -> Event:
    """The batch's sessions as one weekly-recurring event in the batch's own time zone.

    `joining_details` only for a learner with a confirmed seat: the public feeds never carry
    them."""
    zone = batch.zone
    first_start = dt.datetime.combine(batch.start_date, batch.session_start, tzinfo=zone)
    first_end = dt.datetime.combine(batch.start_date, batch.session_end, tzinfo=zone)
    last_end = dt.datetime.combine(batch.end_date, batch.session_end, tzinfo=zone)
    course_url = absolute_url(batch.course.get_absolute_url())
    event = Event.new(
        uid=batch_uid(batch),
        summary=batch_summary(batch),
        description=batch_description(
            batch, course_url=course_url, joining_details=joining_details
        ),
        location=batch_location(batch),
        url=course_url,
        start=first_start,
        end=first_end,
        sequence=batch_sequence(batch),
        last_modified=batch_last_changed(batch).astimezone(dt.UTC),
        status=STATUS.CANCELLED if batch.status == Batch.Status.CANCELLED else STATUS.CONFIRMED,
    )
    # UNTIL is in UTC, as RFC 5545 requires when DTSTART has a TZID.
    event.add(
        "RRULE",
        vRecur(
            freq="WEEKLY",
            byday=RECURRENCE_DAYS[Batch.Track(batch.track)],
            until=last_end.astimezone(dt.UTC),
        ),
    )
    return event


def new_calendar(*, name: str, key: str, page_url: str, feed_url: str) -> Calendar:
    """An empty subscribed calendar: `key` names it in its UID, `page_url` is the page it
    mirrors and `feed_url` the address a calendar program refreshes it from."""
    return Calendar.new(
        prodid=f"-//{settings.SITE_NAME}//Batch schedule//EN",
        name=name,
        uid=f"{key}@{site_host()}",
        method="PUBLISH",
        url=page_url,
        source=feed_url,
        refresh_interval=REFRESH_INTERVAL,
    )


def batches_calendar(
    batches: Iterable[Batch],
    *,
    name: str,
    key: str,
    page_url: str,
    feed_url: str,
) -> bytes:
    """An iCalendar file with one event per batch and the time zones those events use.

    `key` names this calendar in its UID (e.g. "course-python"); `page_url` is the web page it
    mirrors and `feed_url` the address a calendar program refreshes it from.
    """
    batches = list(batches)
    calendar = new_calendar(name=name, key=key, page_url=page_url, feed_url=feed_url)
    for batch in batches:
        calendar.add_component(batch_event(batch))
    if batches:
        calendar.add_missing_timezones(
            first_date=min(batch.start_date for batch in batches) - TIME_ZONE_MARGIN,
            last_date=max(batch.end_date for batch in batches) + TIME_ZONE_MARGIN,
        )
    return calendar.to_ical()


def seat_calendar(batch: Batch) -> bytes:
    """The batch as a confirmed learner's own calendar file, joining details included.

    The event keeps the batch's UID, so it updates the copy imported from a public feed."""
    calendar = Calendar.new(
        prodid=f"-//{settings.SITE_NAME}//Batch schedule//EN",
        name=batch_summary(batch),
        uid=f"seat-batch-{batch.pk}@{site_host()}",
        method="PUBLISH",
    )
    calendar.add_component(batch_event(batch, joining_details=True))
    calendar.add_missing_timezones(
        first_date=batch.start_date - TIME_ZONE_MARGIN,
        last_date=batch.end_date + TIME_ZONE_MARGIN,
    )
    return calendar.to_ical()
