"""Small factory functions: sensible defaults, every field overridable."""

import datetime as dt
import itertools
import uuid

from django.utils import timezone

from courses.models import Batch, Category, Course, Trainer, TrainerAvailability
from enquiries import services
from enquiries.forms import time_trap
from enquiries.models import Enquiry, PlanSession, TrainingPlan

_sequence = itertools.count(1)


def shown_form_stamp(*, seconds_ago: float = 60) -> str:
    """The time trap's stamp of a public form shown `seconds_ago`: what a person's browser
    posts back after reading the form (tests that post without loading the page use it)."""
    return time_trap.stamp(age=seconds_ago)


def next_weekday(start: dt.date, weekday: int) -> dt.date:
    """The first date on or after `start` falling on `weekday` (Monday is 0)."""
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def make_category(**overrides) -> Category:
    n = next(_sequence)
    fields = {"name": f"Category {n}", "slug": f"category-{n}"} | overrides
    return Category.objects.create(**fields)


def make_course(**overrides) -> Course:
    n = next(_sequence)
    fields = {
        "title": f"Course {n}",
        "slug": f"course-{n}",
        "summary": f"What course {n} teaches.",
        "description": "A longer description.",
        "duration_hours": 40,
        "is_published": True,
    } | overrides
    if "category" not in fields:
        fields["category"] = make_category()
    course = Course(**fields)
    course.full_clean()
    course.save()
    return course


def make_batch(**overrides) -> Batch:
    """A published weekday batch starting on the first Monday at least two weeks ahead."""
    track = overrides.get("track", Batch.Track.WEEKDAY)
    if "start_date" not in overrides:
        soon = timezone.localdate() + dt.timedelta(days=14)
        overrides["start_date"] = next_weekday(soon, 0 if track == Batch.Track.WEEKDAY else 5)
    start = overrides["start_date"]
    fields = {
        "track": track,
        "end_date": start + dt.timedelta(days=25),
        "session_start": dt.time(19, 0),
        "session_end": dt.time(21, 0),
        "timezone": "Asia/Kolkata",
        "capacity": 20,
    } | overrides
    if "course" not in fields:
        fields["course"] = make_course()
    batch = Batch(**fields)
    batch.full_clean()
    batch.save()
    return batch


def make_enquiry(**overrides) -> Enquiry:
    """An enquiry created the way the site creates one: through the service.

    course=None makes a general enquiry (the contact page's); without course, one is made."""
    batch = overrides.pop("batch", None)
    if "course" in overrides:
        course = overrides.pop("course")
    else:
        course = batch.course if batch else make_course()
    fields = {
        "name": "Asha Verma",
        "email": "asha@example.com",
        "phone": "+919812345678",
        "message": "",
        "consented": True,
        "submission_token": uuid.uuid4(),
    } | overrides
    return services.submit_enquiry(course=course, batch=batch, **fields)


def make_trainer(
    *,
    courses=(),
    days=range(7),
    hours: tuple[dt.time, dt.time] = (dt.time(0, 0), dt.time(23, 59)),
    **overrides,
) -> Trainer:
    """A trainer who teaches `courses`, available `hours` (their own zone) on `days`."""
    n = next(_sequence)
    fields = {
        "name": f"Trainer {n}",
        "email": f"trainer{n}@example.com",
        "timezone": "Asia/Kolkata",
    } | overrides
    trainer = Trainer(**fields)
    trainer.full_clean()
    trainer.save()
    trainer.courses.set(courses)
    TrainerAvailability.objects.bulk_create(
        TrainerAvailability(trainer=trainer, weekday=day, start_time=hours[0], end_time=hours[1])
        for day in days
    )
    return trainer


def make_plan(*, course: Course, sessions, timezone: str = "America/New_York") -> TrainingPlan:
    """A learner's one-on-one plan with exactly `sessions` ((start, end) in UTC), made from a
    request the way the site makes it."""
    soon = sessions[0][0].date()
    enquiry = services.one_on_one.submit_one_on_one(
        course=course,
        preferences=services.one_on_one.Preferences(
            preferred_days=(0,),
            window_start=dt.time(9, 0),
            window_end=dt.time(17, 0),
            timezone=timezone,
            session_minutes=60,
            sessions_per_week=1,
            weeks=1,
            earliest_start=soon,
        ),
        name="Maya Cohen",
        email=f"maya{next(_sequence)}@example.com",
        phone="+12125550147",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    plan = services.one_on_one.generate_plan(
        request=enquiry.one_on_one_request, by=None, now=sessions[0][0] - dt.timedelta(days=7)
    )
    plan.sessions.all().delete()
    PlanSession.objects.bulk_create(
        PlanSession(plan=plan, starts_at=starts, ends_at=ends) for starts, ends in sessions
    )
    return plan
