"""Writes with rules about the schedule: planning a range of months, copying a batch forward.

A batch is the same batch when its course, track, start date and session start match (the
database's UniqueConstraint on Batch). Both services look that key up after locking the
course row, so two staff planning the same course at once never create a batch twice.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.history import record_change

from .models import Batch, Course

MAX_PLANNED_MONTHS = 12


def track_days(track: str) -> tuple[int, int]:
    """A batch on `track` starts on the first of its days in the month and ends on the last
    day of its last week: Monday to Friday, Saturday to Sunday."""
    weekdays = Batch.Track(track).weekdays
    return weekdays[0], weekdays[-1]


class PlanningError(Exception):
    """The schedule cannot be planned as asked; the message is shown to staff."""


@dataclass(frozen=True, kw_only=True)
class PlannedBatch:
    """One batch of a plan: what it would be, and whether the schedule already has it."""

    course: Course
    track: Batch.Track
    start_date: dt.date
    end_date: dt.date
    session_start: dt.time
    session_end: dt.time
    timezone: str
    capacity: int | None
    min_participants: int | None = None
    exists: bool = False
    # The batch planning created (commit=True), for what follows: e.g. giving it a trainer.
    created: Batch | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple:
        return (self.course.pk, self.track, self.start_date, self.session_start)

    def to_batch(self) -> Batch:
        """An unsaved Batch, online and published, as planning creates it."""
        return Batch(
            course=self.course,
            track=self.track,
            start_date=self.start_date,
            end_date=self.end_date,
            session_start=self.session_start,
            session_end=self.session_end,
            timezone=self.timezone,
            capacity=self.capacity,
            min_participants=self.min_participants,
            delivery=Batch.Delivery.ONLINE,
            is_published=True,
        )

    # For previews: the same wording as the schedule and the admin list.

    @property
    def track_label(self) -> str:
        return Batch.Track(self.track).label

    @property
    def session_times_label(self) -> str:
        """The batch's session times with its zone, and the IANA name in brackets."""
        return f"{self.to_batch().session_times_label} ({self.timezone})"


def first_weekday_of_month(month: dt.date, weekday: int) -> dt.date:
    """The first date of month's month falling on weekday (Monday is 0)."""
    first = month.replace(day=1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first_month: dt.date, last_month: dt.date) -> list[dt.date]:
    """The first days of every month from first_month to last_month, both included.

    Raises PlanningError when the range runs backwards or spans more than twelve months.
    """
    first, last = first_month.replace(day=1), last_month.replace(day=1)
    if last < first:
        raise PlanningError(
            f"The last month ({last:%B %Y}) is before the first month ({first:%B %Y})."
        )
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count > MAX_PLANNED_MONTHS:
        raise PlanningError(
            f"Plan at most {MAX_PLANNED_MONTHS} months at a time; "
            f"{first:%B %Y} to {last:%B %Y} is {count} months."
        )
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


def plan_batches(
    *,
    courses: Iterable[Course],
    first_month: dt.date,
    last_month: dt.date,
    commit: bool,
    by: User | None = None,
) -> list[PlannedBatch]:
    """Plan a weekday and a weekend batch of each course in each month of the range.

    A weekday batch starts on the month's first Monday and ends on the Friday of its last
    week (course.weekday_batch_weeks); a weekend batch starts on the first Saturday and ends
    on the Sunday of its last week (course.weekend_batch_weeks). Times, zone and capacity are
    the course's scheduling defaults; batches are online and published.

    With commit=False nothing is written: the list is a preview. With commit=True the
    batches that don't exist yet are created in one transaction; the returned list then
    marks as `exists` every batch that was already there, so a second run creates nothing.
    """
    courses = list(courses)
    months = months_between(first_month, last_month)
    if not courses:
        raise PlanningError("Choose at least one course to plan.")
    if not commit:
        return _mark_existing(_plan(courses, months))
    with transaction.atomic():
        _lock_courses([course.pk for course in courses])
        planned = _mark_existing(_plan(courses, months))
        result = []
        for item in planned:
            if not item.exists:
                batch = item.to_batch()
                created = _create(batch, by=by, reason="Planned with Plan batches")
                item = replace(item, created=batch) if created else replace(item, exists=True)
            result.append(item)
    return result


def copy_to_next_month(*, batch: Batch, by: User | None = None) -> Batch | None:
    """Create the same batch in the following month; None if that month already has it.

    The copy starts on the first Monday (weekday track) or Saturday (weekend track) of the
    next month, lasts as many days as the original, moved to the nearest date on the
    original's last weekday, and keeps its times, zone, delivery, location, capacity and
    whether it is published. It is scheduled even if the original was cancelled. It has no
    trainer: the caller gives it the original's through enquiries.services.trainers, which
    checks every session.
    """
    first_day, _ = track_days(batch.track)
    start = first_weekday_of_month(next_month(batch.start_date), first_day)
    end = _nearest_on_weekday(
        start + (batch.end_date - batch.start_date),
        weekday=batch.end_date.weekday(),
        not_before=start,
    )
    copy = Batch(
        course_id=batch.course_id,
        track=batch.track,
        start_date=start,
        end_date=end,
        session_start=batch.session_start,
        session_end=batch.session_end,
        timezone=batch.timezone,
        delivery=batch.delivery,
        location=batch.location,
        capacity=batch.capacity,
        is_published=batch.is_published,
    )
    with transaction.atomic():
        _lock_courses([batch.course_id])
        if _existing_keys([(batch.course_id, batch.track, start, batch.session_start)]):
            return None
        created = _create(copy, by=by, reason=f"Copied from batch {batch.pk}")
    return copy if created else None


def _plan(courses: list[Course], months: list[dt.date]) -> list[PlannedBatch]:
    """The batches of the range that start today or later: a date already past is skipped."""
    today = timezone.localdate()
    planned = []
    for course in courses:
        for month in months:
            for track in (Batch.Track.WEEKDAY, Batch.Track.WEEKEND):
                item = _planned(course, month, track)
                if item.start_date >= today:
                    planned.append(item)
    return planned


def _planned(
    course: Course, month: dt.date, track: Batch.Track, *, start: dt.date | None = None
) -> PlannedBatch:
    """The course's default batch on `track` starting on the first of the track's days in
    `month` (or on `start`), with the course's scheduling defaults."""
    weekday = track == Batch.Track.WEEKDAY
    weeks = course.weekday_batch_weeks if weekday else course.weekend_batch_weeks
    first_day, last_day = track_days(track)
    start = start or first_weekday_of_month(month, first_day)
    return PlannedBatch(
        course=course,
        track=track,
        start_date=start,
        end_date=start + dt.timedelta(weeks=weeks - 1, days=last_day - first_day),
        session_start=course.weekday_session_start if weekday else course.weekend_session_start,
        session_end=course.weekday_session_end if weekday else course.weekend_session_end,
        timezone=course.default_timezone,
        capacity=course.default_capacity,
        min_participants=course.default_min_participants,
    )


def plan_batch(
    *,
    course: Course,
    month: dt.date,
    track: Batch.Track,
    session_start: dt.time | None = None,
    today: dt.date | None = None,
) -> PlannedBatch:
    """One batch of `course` in `month` on `track`, as planning would make it, for staff to
    check and save (the demand board's "Plan a batch"); nothing is written.

    It starts on the first of the track's days in the month, or, in a month already under
    way, on the first such day from today on (which may fall in the next month). A given
    `session_start` moves the session, keeping the course's default length.
    """
    today = today or timezone.localdate()
    first_day, _ = track_days(track)
    start = first_weekday_of_month(month, first_day)
    if start < today:
        start = today + dt.timedelta(days=(first_day - today.weekday()) % 7)
    planned = _planned(course, month, track, start=start)
    if session_start is None:
        return planned
    length = dt.datetime.combine(start, planned.session_end) - dt.datetime.combine(
        start, planned.session_start
    )
    session_end = (dt.datetime.combine(start, session_start) + length).time()
    if session_end <= session_start:  # would run past midnight: keep the course's times
        return planned
    return replace(planned, session_start=session_start, session_end=session_end)


def _mark_existing(planned: list[PlannedBatch]) -> list[PlannedBatch]:
    existing = _existing_keys([item.key for item in planned])
    return [replace(item, exists=item.key in existing) for item in planned]


def _existing_keys(keys: list[tuple]) -> set[tuple]:
    """Which of the (course id, track, start date, session start) keys are batches; one query."""
    if not keys:
        return set()
    candidates = Batch.objects.filter(
        course_id__in={key[0] for key in keys}, start_date__in={key[2] for key in keys}
    ).values_list("course_id", "track", "start_date", "session_start")
    return set(candidates) & set(keys)


def _lock_courses(course_ids: list[int]) -> None:
    """Serialise planners of the same courses (a row lock on PostgreSQL; SQLite is IMMEDIATE)."""
    list(
        Course.objects.select_for_update()
        .filter(pk__in=course_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _create(batch: Batch, *, by: User | None, reason: str) -> bool:
    """Validate and insert batch; False if an identical batch appeared meanwhile."""
    key = (batch.course_id, batch.track, batch.start_date, batch.session_start)
    try:
        batch.full_clean()
    except ValidationError as error:
        # Someone added it outside planning (e.g. the admin's add form) after our check.
        if _existing_keys([key]):
            return False
        raise PlanningError(f"{batch.course}: {' '.join(error.messages)}") from error
    record_change(batch, by=by, reason=reason)
    try:
        with transaction.atomic():
            batch.save(force_insert=True)
    except IntegrityError:
        if _existing_keys([key]):
            return False
        raise
    return True


def _nearest_on_weekday(day: dt.date, *, weekday: int, not_before: dt.date) -> dt.date:
    """The date closest to day that falls on weekday (ahead on a tie), never before not_before."""
    ahead = (weekday - day.weekday()) % 7
    nearest = day + dt.timedelta(days=ahead) if ahead <= 3 else day - dt.timedelta(days=7 - ahead)
    return nearest if nearest >= not_before else nearest + dt.timedelta(weeks=1)
