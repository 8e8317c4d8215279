"""The benchmark's catalog growth: as many upcoming batches as asked, a consistent seat ledger."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from bench.grow import grow, public_upcoming
from courses.models import Batch


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 12, 8, 10, tzinfo=dt.UTC), tick=False)
def test_grow_lists_the_batches_asked_for_across_courses_and_tracks():
    call_command("load_demo", stdout=StringIO())

    listed = grow(120)

    today = dt.date(2026, 12, 8)
    assert listed == public_upcoming(today) == 120
    upcoming = Batch.objects.published().scheduled().upcoming(today=today)
    assert upcoming.values("course").distinct().count() > 1
    assert {batch.track for batch in upcoming} == set(Batch.Track)
    call_command("check_seats", stdout=StringIO())  # raises if any ledger drifted


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 12, 8, 10, tzinfo=dt.UTC), tick=False)
def test_grow_adds_nothing_when_the_schedule_has_enough():
    call_command("load_demo", stdout=StringIO())
    before = Batch.objects.count()

    listed = grow(10)

    assert listed > 10
    assert Batch.objects.count() == before
