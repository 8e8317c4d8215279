"""The demo trainers: who they are, what they teach, their weekly hours and a week of leave.

Loaded by the same rule as the catalog (courses.demo.fill): a trainer is found by email and
left as staff left it; availability and leave are added only with a trainer this run created.
Which demo batches they teach is given to them by enquiries' `load_demo`, through the trainer
check (enquiries.services.trainers), which courses cannot call.
"""

import datetime as dt
from typing import NamedTuple

from courses.models import Batch, Course, Trainer, TrainerAvailability, TrainerLeave

from .fill import Fill

WEEKDAY, WEEKEND = Batch.Track.WEEKDAY, Batch.Track.WEEKEND
WEEKDAYS, WEEKEND_DAYS = range(5), (5, 6)


class TrainerSpec(NamedTuple):
    name: str
    timezone: str
    bio: str
    courses: tuple[str, ...]  # slugs of the courses they teach
    # The demo batches they are given: (course slug, track, months ahead). A weekend batch
    # lasts six weeks, into the next month's, so they take every other month's.
    teaches: tuple[tuple[str, Batch.Track, tuple[int, ...]], ...]
    # (days, start, end) in their own zone
    hours: tuple[tuple[range | tuple[int, ...], dt.time, dt.time], ...]
    leave_weeks_ahead: int  # a week of leave, Monday to Friday, this many weeks from today


TRAINERS = {
    "asha.rao@batchwise.example": TrainerSpec(
        name="Asha Rao",
        timezone="Asia/Kolkata",
        bio="Data scientist for ten years in retail and banking; teaches pandas by example.",
        courses=("python-for-data-analysis", "deep-learning"),
        teaches=(
            ("python-for-data-analysis", WEEKDAY, (1, 2, 3)),
            ("python-for-data-analysis", WEEKEND, (1, 3)),
        ),
        hours=(
            (WEEKDAYS, dt.time(7), dt.time(22)),
            (WEEKEND_DAYS, dt.time(9), dt.time(14)),
        ),
        leave_weeks_ahead=26,
    ),
    "tom.hughes@batchwise.example": TrainerSpec(
        name="Tom Hughes",
        timezone="Europe/London",
        bio="Runs Kubernetes clusters for a living; a CNCF ambassador.",
        courses=("kubernetes-in-production", "aws-cloud-foundations"),
        teaches=(
            ("kubernetes-in-production", WEEKDAY, (1, 2, 3)),
            ("kubernetes-in-production", WEEKEND, (1, 3)),
        ),
        hours=(
            (WEEKDAYS, dt.time(8), dt.time(21)),
            (WEEKEND_DAYS, dt.time(9), dt.time(13)),
        ),
        leave_weeks_ahead=30,
    ),
}


def load_trainers(*, today: dt.date, fill: Fill) -> dict[str, Trainer]:
    """The demo trainers by email, created if missing (with their courses, hours and leave)."""
    trainers = {}
    for email, spec in TRAINERS.items():
        trainer = fill.ensure(
            Trainer,
            {"email": email},
            {"name": spec.name, "timezone": spec.timezone, "bio": spec.bio},
        )
        if trainer is None:
            continue
        trainers[email] = trainer
        if not fill.is_new(trainer):
            continue
        trainer.courses.set(Course.objects.filter(slug__in=spec.courses))
        TrainerAvailability.objects.bulk_create(
            TrainerAvailability(trainer=trainer, weekday=day, start_time=start, end_time=end)
            for days, start, end in spec.hours
            for day in days
        )
        first = today + dt.timedelta(weeks=spec.leave_weeks_ahead, days=-today.weekday())
        TrainerLeave.objects.create(
            trainer=trainer,
            first_day=first,
            last_day=first + dt.timedelta(days=4),
            reason="Holiday",
        )
    return trainers
