"""One-on-one training: a learner's request, the plan staff make from it, and what the learner sees.

A learner asks through the site (`submit_one_on_one`, an enquiry of kind one-on-one with the
learner's preferences beside it). Staff turn the request into a personal calendar
(`generate_plan`), change its sessions in the admin and tell the learner (`notify_plan_changed`).
The learner follows a private link to a page and an .ics file (`plan_calendar`).

Time: the learner's preferences are wall-clock times in their own IANA time zone. Each session
is computed as a wall-clock time in that zone and stored in UTC, so a plan that crosses a
daylight-saving change keeps its local start time while its UTC time moves by an hour.
"""

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import dateformat, timezone
from icalendar import Calendar, Event

from courses.history import record_change
from courses.models import Course, validate_time_zone
from courses.site import absolute_url, site_host

from ..mail import notices, outbox
from ..models import (
    Enquiry,
    OneOnOneRequest,
    OutgoingEmail,
    PlanSession,
    Reminder,
    TrainingPlan,
    Weekday,
    new_token,
    reminder_lead,
)
from .intake import Attribution, submit_enquiry
from .pipeline import add_note

MIN_SESSION_MINUTES = 30
MAX_SESSION_MINUTES = 480
MAX_WEEKS = 52
# How far ahead a learner may ask to start: far enough for any real plan, near enough that
# a plan of MAX_WEEKS always has dates the calendar can hold.
START_HORIZON_MONTHS = 12


class PlanError(Exception):
    """A plan cannot be made or sent as asked; the message is shown to staff."""


class PlanAlreadyExists(PlanError):
    def __init__(self, plan: TrainingPlan):
        super().__init__(
            "This request already has a training plan. Change its sessions in the plan instead; "
            "making it again would throw those changes away."
        )
        self.plan = plan


@dataclass(frozen=True, kw_only=True)
class Preferences:
    """What a learner asked for: days, a daily time window in their own zone, and how much."""

    preferred_days: tuple[int, ...]  # Weekday values, Monday = 0
    window_start: dt.time
    window_end: dt.time
    timezone: str
    session_minutes: int
    sessions_per_week: int
    weeks: int
    earliest_start: dt.date

    @classmethod
    def of(cls, request: OneOnOneRequest) -> "Preferences":
        return cls(
            preferred_days=tuple(request.preferred_days),
            window_start=request.window_start,
            window_end=request.window_end,
            timezone=request.timezone,
            session_minutes=request.session_minutes,
            sessions_per_week=request.sessions_per_week,
            weeks=request.weeks,
            earliest_start=request.earliest_start,
        )

    @property
    def days(self) -> list[int]:
        """The preferred days, each once, in weekday order."""
        return sorted(set(self.preferred_days))


def learner_today(zone_name: str, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the learner is (a learner in Auckland may be a day ahead of us)."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localdate(now)
    return (now or timezone.now()).astimezone(zone).date()


def validate_preferences(preferences: Preferences, *, today: dt.date | None = None) -> None:
    """Raise a ValidationError keyed by field for every rule the preferences break.

    `today` (the learner's date) adds the rule that the plan may not start in the past; it
    applies when a learner asks, not when staff plan later.
    """
    errors = preference_errors(asdict(preferences), today=today)
    if errors:
        raise ValidationError(errors)


def preference_errors(values: Mapping[str, Any], *, today: dt.date | None = None) -> dict:
    """What is wrong with the preferences, by field. A missing value (the form already said
    so) skips the rules that need it, so a learner sees every other problem at once."""
    errors: dict[str, str] = {}
    days = values.get("preferred_days")
    if days is not None and not days:
        errors["preferred_days"] = "Tick at least one day of the week."
    elif days is not None and any(day not in Weekday.values for day in days):
        errors["preferred_days"] = "Choose days of the week from the list."
    zone = values.get("timezone")
    if zone is not None:
        try:
            validate_time_zone(zone)
        except ValidationError:
            errors["timezone"] = "Choose your time zone from the list."
    minutes = values.get("session_minutes")
    if minutes is not None and not MIN_SESSION_MINUTES <= minutes <= MAX_SESSION_MINUTES:
        errors["session_minutes"] = "A session lasts between 30 minutes and 8 hours."
    start, end = values.get("window_start"), values.get("window_end")
    if start is not None and end is not None:
        if end <= start:
            errors["window_end"] = (
                f"The latest end time must be after the earliest start time ({start:%H:%M})."
            )
        elif (
            minutes is not None
            and "session_minutes" not in errors
            and window_minutes(start, end) < minutes
        ):
            errors["window_end"] = (
                f"A {duration_label(minutes)} session doesn't fit between {start:%H:%M} "
                f"and {end:%H:%M}. Make the window longer or choose shorter sessions."
            )
    per_week = values.get("sessions_per_week")
    if per_week is not None and not 1 <= per_week <= 7:
        errors["sessions_per_week"] = "Choose 1 to 7 sessions a week."
    elif per_week is not None and days and "preferred_days" not in errors:
        chosen = len(set(days))
        if per_week > chosen:
            errors["sessions_per_week"] = (
                f"You ticked {chosen} day{'s' if chosen != 1 else ''}, so choose at most "
                f"{chosen} session{'s' if chosen != 1 else ''} a week, or tick more days."
            )
    weeks = values.get("weeks")
    if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
        errors["weeks"] = "Choose between 1 and 52 weeks."
    earliest_start = values.get("earliest_start")
    if earliest_start is not None and earliest_start > latest_start_allowed(today):
        errors["earliest_start"] = (
            f"We plan up to {START_HORIZON_MONTHS} months ahead. Choose a date on or before "
            f"{dateformat.format(latest_start_allowed(today), 'D j M Y')}."
        )
    elif today is not None and earliest_start is not None and earliest_start < today:
        errors["earliest_start"] = (
            f"That date has passed. Choose today ({dateformat.format(today, 'D j M Y')}) "
            "or a later date."
        )
    return errors


def latest_start_allowed(today: dt.date | None = None) -> dt.date:
    """The last earliest-start date a request may name: START_HORIZON_MONTHS from today."""
    return (today or timezone.localdate()) + relativedelta(months=START_HORIZON_MONTHS)


def window_minutes(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}-minute"
    if not rest:
        return f"{hours}-hour"
    return f"{minutes}-minute"


# Asking


def submit_one_on_one(
    *,
    course: Course,
    preferences: Preferences,
    name: str,
    email: str,
    phone: str,
    message: str = "",
    consented: bool,
    submission_token: uuid.UUID,
    attribution: Attribution | None = None,
    is_spam: bool = False,
) -> Enquiry:
    """Record a learner's one-on-one request: an enquiry of kind one-on-one and its preferences.

    The enquiry goes through intake.submit_enquiry, so consent, the submission token,
    duplicate linking, owner assignment and the emails are those of every other enquiry. A
    repeated token returns the enquiry the first submission created, and adds no request.
    """
    with transaction.atomic():
        existing = Enquiry.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
        validate_preferences(preferences, today=learner_today(preferences.timezone))
        enquiry = submit_enquiry(
            course=course,
            batch=None,
            name=name,
            email=email,
            phone=phone,
            message=message,
            consented=consented,
            submission_token=submission_token,
            attribution=attribution,
            is_spam=is_spam,
            kind=Enquiry.Kind.ONE_ON_ONE,
        )
        if enquiry.kind != Enquiry.Kind.ONE_ON_ONE or _has_request(enquiry):
            return enquiry  # a twin submission, committed while this one waited, made it
        fields = asdict(preferences) | {"preferred_days": preferences.days}
        request = OneOnOneRequest(enquiry=enquiry, **fields)
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            if not _has_request(enquiry):
                raise
    return enquiry


def _has_request(enquiry: Enquiry) -> bool:
    return OneOnOneRequest.objects.filter(enquiry=enquiry).exists()


# Planning


def plan_times(
    preferences: Preferences, *, now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Start and end (UTC) of each session the preferences ask for, from `now` on.

    The plan has `sessions_per_week * weeks` sessions, whatever day it is made. Weeks run
    Monday to Sunday, and each week takes at most `sessions_per_week` of the preferred days
    still to come, earliest first, from the earliest start date (or the learner's today, if
    that date has passed). A first week that holds fewer of them simply leaves its remainder
    to the weeks after, so the plan runs on until every session asked for has a date. Each
    session starts at the window's start, wall-clock time in the learner's zone, and lasts
    `session_minutes`.

    A start time that doesn't exist on a day the clocks go forward (02:30 in New York on
    8 March 2026) is read with the offset before the change, so it falls an hour later by
    the clock (03:30), as zoneinfo does.
    """
    if not preferences.days:
        return []
    zone = zoneinfo.ZoneInfo(preferences.timezone)
    length = dt.timedelta(minutes=preferences.session_minutes)
    wanted = preferences.sessions_per_week * preferences.weeks
    first_day = max(preferences.earliest_start, now.astimezone(zone).date())
    monday = first_day - dt.timedelta(days=first_day.weekday())
    times: list[tuple[dt.datetime, dt.datetime]] = []
    while len(times) < wanted:
        starts = [
            dt.datetime.combine(day, preferences.window_start, tzinfo=zone)
            for day in (monday + dt.timedelta(days=weekday) for weekday in preferences.days)
            if day >= first_day
        ]
        starts = [start for start in starts if start > now][: preferences.sessions_per_week]
        times += [
            (start.astimezone(dt.UTC), start.astimezone(dt.UTC) + length)
            for start in starts[: wanted - len(times)]
        ]
        monday += dt.timedelta(weeks=1)
    return times


def generate_plan(
    *, request: OneOnOneRequest, by: User | None, now: dt.datetime | None = None
) -> TrainingPlan:
    """Make the learner's training plan from their request and email them its private link.

    A request has one plan. Making it again is refused (PlanAlreadyExists): the preferences
    cannot change, so a second run could only throw away what staff have since edited.
    """
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            # Only this row: PostgreSQL cannot lock the nullable side of an outer join (the
            # enquiry's course, null for a general enquiry).
            OneOnOneRequest.objects.select_for_update(of=("self",))
            .select_related("enquiry__course")
            .get(pk=request.pk)
        )
        existing = TrainingPlan.objects.filter(request=request).first()
        if existing is not None:
            raise PlanAlreadyExists(existing)
        horizon = latest_start_allowed(learner_today(request.timezone, now=now))
        if request.earliest_start > horizon:
            raise PlanError(
                f"The learner asked to start on {request.earliest_start:%a %d %b %Y}, more than "
                f"{START_HORIZON_MONTHS} months ahead. Agree a nearer date with them first."
            )
        plan = TrainingPlan(request=request, timezone=request.timezone, learner_notified_at=now)
        plan.full_clean(exclude=["request"])
        record_change(plan, by=by)
        plan.save()
        sessions = [
            PlanSession(plan=plan, starts_at=starts, ends_at=ends)
            for starts, ends in plan_times(Preferences.of(request), now=now)
        ]
        for session in sessions:
            session.full_clean(exclude=["plan"])
        PlanSession.objects.bulk_create(sessions)
        _queue_plan_email(plan, sessions, template="training_plan_created")
        schedule_plan_reminders(plan)
        add_note(
            enquiry=request.enquiry,
            author=by,
            text=f"Training plan created with {len(sessions)} sessions; "
            "the learner was emailed their private link.",
        )
    return plan


def notify_plan_changed(*, plan: TrainingPlan, by: User | None = None) -> OutgoingEmail:
    """Email the learner that their plan changed, with its sessions and their private link."""
    with transaction.atomic():
        plan = (
            TrainingPlan.objects.select_for_update(of=("self",))  # see generate_plan
            .select_related("request__enquiry__course")
            .get(pk=plan.pk)
        )
        sessions = list(plan.sessions.all())
        if not sessions:
            raise PlanError("The plan has no sessions. Add one before telling the learner.")
        email = _queue_plan_email(plan, sessions, template="training_plan_changed")
        # Telling the learner is not a change to the plan: no new revision in the calendar file.
        TrainingPlan.objects.filter(pk=plan.pk).update(learner_notified_at=timezone.now())
        add_note(
            enquiry=plan.request.enquiry,
            author=by,
            text="The learner was emailed that their training plan changed.",
        )
    return email


def issue_new_plan_link(*, plan: TrainingPlan, by: User | None) -> TrainingPlan:
    """Give the plan a new private link and email it to the learner's address: the old page
    and calendar links (forwarded, leaked) stop working at once."""
    with transaction.atomic():
        plan = (
            TrainingPlan.objects.select_for_update(of=("self",))  # see generate_plan
            .select_related("request__enquiry__course")
            .get(pk=plan.pk)
        )
        plan.token = new_token()
        record_change(
            plan,
            by=by,
            reason="New private link emailed to the learner; the old page and calendar links "
            "no longer work",
        )
        # The token only: not a change to the sessions, so no new calendar revision.
        plan.save(update_fields=["token"])
        _queue_plan_email(plan, list(plan.sessions.all()), template="training_plan_new_link")
        add_note(
            enquiry=plan.request.enquiry,
            author=by,
            text="The learner was emailed a new private link to their training plan; "
            "the old link no longer works.",
        )
    return plan


def _queue_plan_email(plan: TrainingPlan, sessions: list[PlanSession], *, template: str):
    enquiry = plan.request.enquiry
    return outbox.queue_email(
        kind=OutgoingEmail.Kind.TRAINING_PLAN,
        to=enquiry.email,
        template=template,
        context={
            "plan": plan,
            "enquiry": enquiry,
            "course": enquiry.course,
            "sessions": local_sessions(plan, sessions),
            "plan_url": absolute_url(plan_url(plan)),
            "calendar_url": absolute_url(calendar_url(plan)),
        },
        enquiry=enquiry,
    )


# What the learner sees


def plan_url(plan: TrainingPlan) -> str:
    return reverse("enquiries:training_plan", args=[plan.token])


def calendar_url(plan: TrainingPlan) -> str:
    return reverse("enquiries:training_plan_calendar", args=[plan.token])


@dataclass(frozen=True)
class LocalSession:
    """A session as the learner reads it: in their own time zone, with its abbreviation."""

    session: PlanSession
    starts: dt.datetime
    ends: dt.datetime

    @property
    def date_label(self) -> str:
        return dateformat.format(self.starts, "D j M Y")

    @property
    def time_label(self) -> str:
        """Start to end and the zone ("18:00-19:30 EST", with an en dash); both zones when the
        clocks change during the session."""
        if self.starts.tzname() == self.ends.tzname():
            return f"{self.starts:%H:%M}–{self.ends:%H:%M} {self.ends.tzname()}"
        return f"{self.starts:%H:%M} {self.starts.tzname()}–{self.ends:%H:%M} {self.ends.tzname()}"

    @property
    def label(self) -> str:
        """The date and times together, e.g. "Tue 9 Mar 2027, 18:00-19:30 EST" (en dash)."""
        return f"{self.date_label}, {self.time_label}"


def local_sessions(plan: TrainingPlan, sessions) -> list[LocalSession]:
    zone = zoneinfo.ZoneInfo(plan.timezone)
    return [
        LocalSession(session, session.starts_at.astimezone(zone), session.ends_at.astimezone(zone))
        for session in sessions
    ]


def plan_revision(plan: TrainingPlan) -> int:
    """How many times the plan has been saved since it was made (the .ics SEQUENCE).

    Staff change sessions through the plan's admin page, which saves the plan, so each change
    adds a historical record.
    """
    return max(plan.history.count() - 1, 0)


def session_uid(plan: TrainingPlan, session: PlanSession) -> str:
    return f"plan-{plan.pk}-session-{session.pk}@{site_host()}"


def plan_calendar(plan: TrainingPlan, sessions: list[PlanSession]) -> bytes:
    """The plan as an iCalendar file: one event per session, in the learner's time zone.

    Each event keeps its UID across downloads, so importing a newer file updates the events
    already in the learner's calendar (a higher SEQUENCE and a later LAST-MODIFIED tell the
    calendar which copy is newer). The learner's zone is described by a VTIMEZONE covering
    the plan's dates.
    """
    course = plan.request.enquiry.course
    assert course is not None  # only a general enquiry names no course (a constraint)
    revision = plan_revision(plan)
    link = absolute_url(plan_url(plan))
    calendar = Calendar.new(
        prodid=f"-//{settings.SITE_NAME}//Training plan//EN",
        name=f"{course.title}: one-on-one training",
        uid=f"plan-{plan.pk}@{site_host()}",
        method="PUBLISH",
    )
    # The file is the learner's own (behind their private link): it may say how to join.
    joining = f"How to join:\n{plan.joining_details.strip()}\n\n" if plan.joining_details else ""
    for local in local_sessions(plan, sessions):
        session = local.session
        description = f"{session.topic}\n\n" if session.topic else ""
        calendar.add_component(
            Event.new(
                uid=session_uid(plan, session),
                summary=f"{course.title}: one-on-one session",
                description=f"{description}{joining}Your training plan: {link}",
                start=local.starts,
                end=local.ends,
                sequence=revision,
                last_modified=plan.updated_at.astimezone(dt.UTC),
                url=link,
            )
        )
    if sessions:
        calendar.add_missing_timezones(
            first_date=min(s.starts_at for s in sessions).date() - dt.timedelta(days=7),
            last_date=max(s.ends_at for s in sessions).date() + dt.timedelta(days=7),
        )
    return calendar.to_ical()


# The reminder before each session


def schedule_plan_reminders(plan: TrainingPlan) -> None:
    """After commit, schedule a reminder REMINDER_HOURS before each session still to come;
    called when the sessions are made or changed (`send_reminders` is the safety net)."""
    now = timezone.now()
    for pk, starts in plan.sessions.filter(starts_at__gt=now).values_list("pk", "starts_at"):
        _remind_when_due(pk, starts)


def _remind_when_due(session_id: int, starts: dt.datetime) -> None:
    run_after = starts - reminder_lead()
    transaction.on_commit(
        lambda: send_session_reminder_task.using(run_after=run_after).enqueue(
            session_id, starts.isoformat()
        ),
        robust=True,
    )


def session_reminder_due(session: PlanSession, *, starts: dt.datetime, now: dt.datetime) -> bool:
    """The one rule for a session's reminder: it still starts at `starts` (a moved session is
    reminded for its new time), its moment has come and the session has not begun, and the
    learner's details were not erased."""
    enquiry = session.plan.request.enquiry
    return (
        session.starts_at == starts
        and starts - reminder_lead() <= now < starts
        and enquiry.erased_at is None
        and bool(enquiry.email)
    )


def send_session_reminder(
    *, session_id: int, starts: dt.datetime, now: dt.datetime | None = None
) -> OutgoingEmail | None:
    """Queue one session's reminder if it is due and not yet sent; None otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        session = (
            PlanSession.objects.select_for_update(of=("self",))
            .select_related("plan__request__enquiry__course")
            .filter(pk=session_id)
            .first()
        )
        if session is None or not session_reminder_due(session, starts=starts, now=now):
            return None
        reminder = Reminder.objects.record_once(session=session, starts_at=starts)
        if reminder is None:
            return None
        plan = session.plan
        reminder.email = notices.queue_session_reminder(
            plan=plan,
            local=local_sessions(plan, [session])[0],
            plan_url=absolute_url(plan_url(plan)),
        )
        reminder.save(update_fields=["email"])
    return reminder.email


@task
def send_session_reminder_task(session_id: int, starts: str) -> bool:
    """Runs REMINDER_HOURS before a one-on-one session."""
    starts_at = dt.datetime.fromisoformat(starts)
    return send_session_reminder(session_id=session_id, starts=starts_at) is not None
