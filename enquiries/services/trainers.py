"""Who teaches a session: the one check of a trainer's sessions, and assigning trainers.

A trainer may take a session when, for every session (not per batch or per plan):
- the trainer teaches the course;
- the whole session, in the trainer's own zone, lies inside one of their weekly availability
  windows that day, and no leave covers that day;
- it does not overlap any other session of theirs: another batch's (cancelled ones aside) or
  a one-on-one plan's. Back-to-back sessions do not overlap.

Batch sessions come from `Batch.sessions()` (the track's weekdays, the wall-clock times in the
batch's zone); plan sessions are stored rows in UTC. Everything is compared as UTC instants, so
zones and daylight-saving changes land right. The check locks the trainer's row first inside
`transaction.atomic()`, and the lock is held until the caller's transaction ends: two
assignments of one trainer never both pass. The admin's batch and plan forms, batch planning
and "Copy to next month" all come here.
"""

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import dateformat
from icalendar import Event

from courses import calendars
from courses.history import record_change
from courses.models import Batch, Course, Trainer, new_calendar_token
from courses.services import PlannedBatch
from courses.site import site_host

from ..models import PlanSession, TrainingPlan

# Batches whose dates lie this close to a session are expanded when looking for clashes (a
# session on the 3rd in one zone may be on the 2nd or the 4th in another).
DATE_MARGIN = dt.timedelta(days=2)


class TrainerError(Exception):
    """The trainer cannot take these sessions; the message says which session and why."""


class TrainerUnavailable(TrainerError):
    """A session is outside the trainer's availability, on their leave, or of a course they
    do not teach."""


class TrainerClash(TrainerError):
    """A session overlaps another session of the same trainer."""

    def __init__(self, message: str, *, session: "Session", clashing: "Session"):
        super().__init__(message)
        self.session = session
        self.clashing = clashing


@dataclass(frozen=True, kw_only=True)
class Session:
    """One session of a batch or plan, as UTC instants, with what names it."""

    kind: str  # "batch" or "plan"
    title: str  # e.g. "Python Basics, weekday batch from Mon 1 Mar 2027"
    course: Course | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: str  # the zone the session is set in: the batch's, or the learner's
    trainer: Trainer | None
    batch: Batch | None = None
    plan: TrainingPlan | None = None

    def overlaps(self, other: "Session") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def when(self, zone: str) -> str:
        """The session in zone, e.g. "Mon 8 Mar 2027, 19:00-21:00 Europe/London"."""
        tz = zoneinfo.ZoneInfo(zone)
        starts, ends = self.starts_at.astimezone(tz), self.ends_at.astimezone(tz)
        return f"{dateformat.format(starts, 'D j M Y, H:i')}–{ends:%H:%M} {zone}"

    def when_for(self, trainer: Trainer) -> str:
        """The time in the trainer's zone, and in the session's own zone when that differs."""
        label = self.when(trainer.timezone)
        if self.zone != trainer.timezone:
            label += f" ({self.when(self.zone)})"
        return label


def batch_sessions(batch: Batch) -> list[Session]:
    title = (
        f"{batch.course.title}, {batch.track} batch "
        f"from {dateformat.format(batch.start_date, 'D j M Y')}"
    )
    return [
        Session(
            kind="batch",
            title=title,
            course=batch.course,
            starts_at=starts,
            ends_at=ends,
            zone=batch.timezone,
            trainer=batch.trainer,
            batch=batch,
        )
        for starts, ends in batch.sessions()
    ]


def plan_title(plan: TrainingPlan) -> str:
    """A plan named without the learner's name: Schedulers see the calendar, not the lead."""
    enquiry = plan.request.enquiry
    course = enquiry.course.title if enquiry.course else "One-on-one"
    return f"{course}, one-on-one plan {enquiry.reference}"


def plan_sessions(
    plan: TrainingPlan, intervals: Iterable[tuple[dt.datetime, dt.datetime]]
) -> list[Session]:
    title = plan_title(plan)
    return [
        Session(
            kind="plan",
            title=title,
            course=plan.request.enquiry.course,
            starts_at=starts,
            ends_at=ends,
            zone=plan.timezone,
            trainer=plan.trainer,
            plan=plan,
        )
        for starts, ends in intervals
    ]


def stored_plan_sessions(rows: Iterable[PlanSession]) -> list[Session]:
    """Sessions of stored rows (select_related("plan__request__enquiry__course"))."""
    return [
        session
        for row in rows
        for session in plan_sessions(row.plan, [(row.starts_at, row.ends_at)])
    ]


def sessions_between(
    *,
    starts: dt.datetime,
    ends: dt.datetime,
    trainer: Trainer | None = None,
    exclude_batch: int | None = None,
    exclude_plan: int | None = None,
) -> list[Session]:
    """Every session overlapping [starts, ends): of one trainer, or of all (trainer=None).

    Two queries whatever the number of sessions; cancelled batches are left out.
    """
    batches = (
        Batch.objects.scheduled()
        .filter(
            start_date__lte=(ends + DATE_MARGIN).date(), end_date__gte=(starts - DATE_MARGIN).date()
        )
        .select_related("course", "trainer")
    )
    rows = PlanSession.objects.filter(starts_at__lt=ends, ends_at__gt=starts).select_related(
        "plan__request__enquiry__course", "plan__trainer"
    )
    if trainer is not None:
        batches = batches.filter(trainer=trainer)
        rows = rows.filter(plan__trainer=trainer)
    if exclude_batch is not None:
        batches = batches.exclude(pk=exclude_batch)
    if exclude_plan is not None:
        rows = rows.exclude(plan_id=exclude_plan)
    window = Session(
        kind="", title="", course=None, starts_at=starts, ends_at=ends, zone="UTC", trainer=None
    )
    found = [
        session
        for batch in batches
        for session in batch_sessions(batch)
        if session.overlaps(window)
    ]
    found += stored_plan_sessions(rows)
    return sorted(found, key=lambda session: (session.starts_at, session.title))


def check_trainer_sessions(
    *,
    trainer: Trainer,
    sessions: list[Session],
    course: Course | None,
    exclude_batch: int | None = None,
    exclude_plan: int | None = None,
) -> None:
    """Raise TrainerUnavailable or TrainerClash for the first session the trainer cannot take.

    Locks the trainer's row first; the lock lasts until the caller's transaction ends, so the
    caller saves the batch or plan in the same transaction.
    """
    with transaction.atomic():
        trainer = Trainer.objects.select_for_update().get(pk=trainer.pk)
        if course is not None and not trainer.courses.filter(pk=course.pk).exists():
            raise TrainerUnavailable(f"{trainer} does not teach {course.title}.")
        if not sessions:
            return
        windows = _windows(trainer)
        leave = list(trainer.leave.all())
        for session in sessions:
            _check_available(trainer, session, windows=windows, leave=leave)
        others = sessions_between(
            starts=min(session.starts_at for session in sessions),
            ends=max(session.ends_at for session in sessions),
            trainer=trainer,
            exclude_batch=exclude_batch,
            exclude_plan=exclude_plan,
        )
        _check_no_clash(trainer, sessions, others=others)


def _windows(trainer: Trainer) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """The trainer's weekly availability: weekday → [(start, end)] in their zone."""
    windows: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in trainer.availability.all():
        windows.setdefault(row.weekday, []).append((row.start_time, row.end_time))
    return windows


def _check_no_clash(trainer: Trainer, sessions: list[Session], *, others: list[Session]) -> None:
    """Raise TrainerClash for the first session that overlaps one of `others` (the trainer's
    other sessions) or another of `sessions`."""
    for session in sessions:
        for other in others:
            if session.overlaps(other):
                raise TrainerClash(
                    f"{trainer} already teaches {other.title} on "
                    f"{other.when_for(trainer)}, which overlaps the session on "
                    f"{session.when_for(trainer)}.",
                    session=session,
                    clashing=other,
                )
    # Two sessions of the same batch or plan may not overlap each other either.
    ordered = sorted(sessions, key=lambda session: session.starts_at)
    for first, second in itertools.pairwise(ordered):
        if first.overlaps(second):
            raise TrainerClash(
                f"The sessions on {first.when_for(trainer)} and {second.when_for(trainer)} "
                "overlap each other.",
                session=second,
                clashing=first,
            )


def _check_available(
    trainer: Trainer,
    session: Session,
    *,
    windows: dict[int, list[tuple[dt.time, dt.time]]],
    leave: list,
) -> None:
    zone = trainer.zone
    starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    for away in leave:
        if away.first_day <= starts.date() <= away.last_day or (
            away.first_day <= ends.date() <= away.last_day
        ):
            raise TrainerUnavailable(
                f"{trainer} is on leave {away}{f' ({away.reason})' if away.reason else ''}, "
                f"so cannot take {session.title} on {session.when_for(trainer)}."
            )
    day_windows = windows.get(starts.weekday(), [])
    fits = starts.date() == ends.date() and any(
        start <= starts.time() and ends.time() <= end for start, end in day_windows
    )
    if not fits:
        weekday = dateformat.format(starts, "l")
        available = (
            ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in day_windows)
            if day_windows
            else "none"
        )
        raise TrainerUnavailable(
            f"{session.title} on {session.when_for(trainer)} is outside {trainer}'s "
            f"availability ({weekday}: {available}, {trainer.timezone})."
        )


def pick_available_trainers(*, planned: Sequence[PlannedBatch]) -> list[Trainer | None]:
    """For each planned batch (not saved), the trainer to propose: the first, by name, who
    teaches its course and could take every one of its sessions (the same per-session check
    as assigning: availability, leave, no clash with their other sessions), or None.

    Nothing is locked or saved: the batch form checks again, under the lock, when it is saved.
    A fixed number of queries however many batches and trainers (the demand board proposes
    one per cell).
    """
    if not planned:
        return []
    wanted = [batch_sessions(item.to_batch()) for item in planned]
    every = [session for sessions in wanted for session in sessions]
    candidates = list(
        Trainer.objects.filter(courses__in={item.course.pk for item in planned})
        .distinct()
        .order_by("name", "pk")
        .prefetch_related("courses", "availability", "leave")
    )
    if not candidates or not every:
        return [None] * len(planned)
    taken: dict[int, list[Session]] = {}
    for session in sessions_between(
        starts=min(session.starts_at for session in every),
        ends=max(session.ends_at for session in every),
    ):
        if session.trainer is not None:
            taken.setdefault(session.trainer.pk, []).append(session)
    return [
        next(
            (
                trainer
                for trainer in candidates
                if _could_take(trainer, sessions, course=item.course, others=taken)
            ),
            None,
        )
        for item, sessions in zip(planned, wanted, strict=True)
    ]


def pick_available_trainer(*, planned: PlannedBatch) -> Trainer | None:
    """The trainer to propose for one planned batch (see pick_available_trainers)."""
    [trainer] = pick_available_trainers(planned=[planned])
    return trainer


def _could_take(
    trainer: Trainer, sessions: list[Session], *, course: Course, others: dict[int, list[Session]]
) -> bool:
    """Whether the trainer (courses, availability and leave prefetched) passes the check for
    these sessions, given every trainer's other sessions."""
    if course.pk not in {taught.pk for taught in trainer.courses.all()}:
        return False
    windows, leave = _windows(trainer), list(trainer.leave.all())
    try:
        for session in sessions:
            _check_available(trainer, session, windows=windows, leave=leave)
        _check_no_clash(trainer, sessions, others=others.get(trainer.pk, []))
    except TrainerError:
        return False
    return True


def check_batch(*, batch: Batch) -> None:
    """Check every session of batch (unsaved changes included) against its trainer."""
    if batch.trainer is None or batch.status == Batch.Status.CANCELLED:
        return
    check_trainer_sessions(
        trainer=batch.trainer,
        sessions=batch_sessions(batch),
        course=batch.course,
        exclude_batch=batch.pk,
    )


def check_plan(*, plan: TrainingPlan, intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> None:
    """Check the plan's sessions (given as UTC intervals, as they are about to be saved)."""
    if plan.trainer is None:
        return
    check_trainer_sessions(
        trainer=plan.trainer,
        sessions=plan_sessions(plan, intervals),
        course=plan.request.enquiry.course,
        exclude_plan=plan.pk,
    )


def assign_trainer(*, batch: Batch, trainer: Trainer | None, by: User | None = None) -> Batch:
    """Give batch its trainer (None: no trainer), every session checked under the lock."""
    with transaction.atomic():
        batch.trainer = trainer
        check_batch(batch=batch)
        record_change(batch, by=by, reason=f"Trainer: {trainer or 'none'}")
        batch.save(update_fields=["trainer", "updated_at"])
    return batch


def assign_plan_trainer(
    *, plan: TrainingPlan, trainer: Trainer | None, by: User | None = None
) -> TrainingPlan:
    """Give plan its trainer, every stored session checked under the lock."""
    with transaction.atomic():
        plan.trainer = trainer
        check_plan(
            plan=plan,
            intervals=[(row.starts_at, row.ends_at) for row in plan.sessions.all()],
        )
        record_change(plan, by=by, reason=f"Trainer: {trainer or 'none'}")
        plan.save(update_fields=["trainer", "updated_at"])
    return plan


def reissue_calendar_link(*, trainer: Trainer) -> Trainer:
    """A new private calendar token: the old feed address is a 404 at once."""
    with transaction.atomic():
        trainer = Trainer.objects.select_for_update().get(pk=trainer.pk)
        trainer.calendar_token = new_calendar_token()
        trainer.save(update_fields=["calendar_token", "updated_at"])
    return trainer


# Reading: a month of sessions for the scheduler's calendar, and a trainer's calendar feed


@dataclass(frozen=True, kw_only=True)
class CalendarEntry:
    session: Session
    times: str  # "09:00-11:00" in the calendar's zone


@dataclass(frozen=True, kw_only=True)
class CalendarDay:
    day: dt.date
    entries: list[CalendarEntry]


def month_sessions(
    *, month: dt.date, zone: str, trainer: Trainer | None = None
) -> list[CalendarDay]:
    """Every session starting in month (dates in zone), per day, earliest first; the days
    without a session are left out. Two queries whatever the number of sessions."""
    tz = zoneinfo.ZoneInfo(zone)
    first = dt.datetime.combine(month.replace(day=1), dt.time(0), tzinfo=tz)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last = dt.datetime.combine(following, dt.time(0), tzinfo=tz)
    days: dict[dt.date, list[CalendarEntry]] = {}
    for session in sessions_between(starts=first, ends=last, trainer=trainer):
        if first <= session.starts_at < last:
            starts, ends = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
            days.setdefault(starts.date(), []).append(
                CalendarEntry(session=session, times=f"{starts:%H:%M}–{ends:%H:%M}")
            )
    return [CalendarDay(day=day, entries=days[day]) for day in sorted(days)]


# A trainer's feed covers sessions from this long ago onwards.
FEED_PAST = dt.timedelta(days=31)


def trainer_calendar(*, trainer: Trainer, now: dt.datetime, feed_url: str, page_url: str) -> bytes:
    """The trainer's batches (one recurring event each, as on the public calendars) and plan
    sessions (one event each) as an iCalendar file."""
    since = now - FEED_PAST
    batches = list(
        trainer.batches.filter(end_date__gte=since.date()).select_related("course", "trainer")
    )
    rows = list(
        PlanSession.objects.filter(plan__trainer=trainer, ends_at__gte=since).select_related(
            "plan__request__enquiry__course"
        )
    )
    calendar = calendars.new_calendar(
        name=f"{trainer.name}: sessions",
        key=f"trainer-{trainer.pk}",
        page_url=page_url,
        feed_url=feed_url,
    )
    for batch in batches:
        calendar.add_component(calendars.batch_event(batch))
    for row in rows:
        calendar.add_component(
            Event.new(
                uid=f"trainer-session-{row.pk}@{site_host()}",
                summary=plan_title(row.plan),
                start=row.starts_at,
                end=row.ends_at,
                last_modified=row.plan.updated_at.astimezone(dt.UTC),
                sequence=calendars.batch_sequence_at(row.plan.updated_at),
            )
        )
    dates = [day for batch in batches for day in (batch.start_date, batch.end_date)]
    dates += [moment.date() for row in rows for moment in (row.starts_at, row.ends_at)]
    if dates:
        calendar.add_missing_timezones(
            first_date=min(dates) - calendars.TIME_ZONE_MARGIN,
            last_date=max(dates) + calendars.TIME_ZONE_MARGIN,
        )
    return calendar.to_ical()
