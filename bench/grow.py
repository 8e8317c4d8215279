"""Grow the demo catalog to a number of upcoming batches, for the benchmark (bench/run.py).

    manage.py shell -c "from bench.grow import grow; grow(200)"

Each course of the demo gets more batches on each of its tracks, one a week from the coming
weeks on, with the session times, zone, seats and place the demo plans for that course and
track, until the schedule lists `upcoming` batches (published and scheduled, as the public
pages count them). The new batches hold no seats yet, so their seat ledger (all zeros) matches
their rows and `manage.py check_seats` passes.
"""

import datetime as dt
import itertools

from django.db import transaction
from django.utils import timezone

from courses.demo.catalog import COURSES, FIRST_DAY, LENGTH
from courses.models import Batch, Course


def public_upcoming(today: dt.date) -> int:
    return Batch.objects.published().scheduled().upcoming(today=today).count()


def grow(upcoming: int) -> int:
    """Add batches until `upcoming` are on the schedule (or, if the demo has more already,
    none); returns how many the schedule lists."""
    today = timezone.localdate()
    courses = Course.objects.filter(slug__in=COURSES, is_published=True).order_by("slug")
    lanes = [(course, track) for course in courses for track in COURSES[course.slug]["slots"]]
    if not lanes:
        raise SystemExit("No demo course to grow: run `manage.py load_demo` first.")
    missing = upcoming - public_upcoming(today)
    added = 0
    with transaction.atomic():
        for week in itertools.count(1):
            for course, track in lanes:
                if added >= missing:
                    return public_upcoming(today)
                first = today + dt.timedelta(weeks=week)
                start = first + dt.timedelta(days=(FIRST_DAY[track] - first.weekday()) % 7)
                slot = COURSES[course.slug]["slots"][track]
                key = {"course": course, "track": track, "start_date": start}
                if Batch.objects.filter(**key, session_start=slot.session_start).exists():
                    continue
                batch = Batch(**key, **slot._asdict(), end_date=start + LENGTH[track])
                batch.full_clean()
                batch.save()
                added += 1
    raise AssertionError("unreachable")
