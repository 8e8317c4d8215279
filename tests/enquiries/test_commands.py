"""The periodic commands staff schedule (see docs/operations.md)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command

from enquiries import services
from enquiries.models import OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.factories import make_batch

TODAY = dt.date(2027, 1, 4)  # a Monday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2027, 1, 4, 6, 0, tzinfo=dt.UTC), tick=False):
        yield


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def fill(batch, count: int) -> None:
    for n in range(count):
        seats.enroll(batch=batch, learner=seats.Learner(name=f"L{n}", email=f"l{n}@example.com"))


@pytest.mark.django_db
def test_under_minimum_warning_lists_only_soon_batches_under_their_minimum_once_a_day(
    django_user_model, settings
):
    scheduler = django_user_model.objects.create_user("sam", email="sam@example.com", is_staff=True)
    scheduler.groups.add(Group.objects.get(name=services.SCHEDULER_GROUP))
    under = make_batch(start_date=dt.date(2027, 1, 11), min_participants=4, capacity=10)
    fill(under, 2)
    reached = make_batch(start_date=dt.date(2027, 1, 11), min_participants=2, capacity=10)
    fill(reached, 2)
    later = make_batch(start_date=dt.date(2027, 2, 1), min_participants=4, capacity=10)

    first = run("warn_under_minimum", "--days", "14")
    second = run("warn_under_minimum", "--days", "14")

    [email] = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.UNDER_MINIMUM)
    assert email.to == "sam@example.com"
    assert under.course.title in email.body_text
    assert "2 of at least 4 confirmed" in email.body_text
    assert reached.course.title not in email.body_text
    assert later.course.title not in email.body_text
    assert "emailed 1" in first
    assert "emailed 0 (1 already told today)" in second


@pytest.mark.django_db
def test_under_minimum_warning_goes_to_the_notify_address_without_schedulers(settings):
    settings.ENQUIRY_NOTIFY_EMAIL = "ops@example.com"
    make_batch(start_date=dt.date(2027, 1, 11), min_participants=3)

    run("warn_under_minimum")

    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["ops@example.com"]


@pytest.mark.django_db
def test_expire_command_passes_an_expired_offer_to_the_next_person(settings):
    settings.WAITLIST_OFFER_HOURS = 24
    batch = make_batch(capacity=1)
    fill(batch, 1)
    first = seats.join_waitlist(
        batch=batch, learner=seats.Learner(name="A", email="a@example.com"), consented=True
    )
    second = seats.join_waitlist(
        batch=batch, learner=seats.Learner(name="B", email="b@example.com"), consented=True
    )
    for place in (first, second):  # each opens the link emailed to them
        seats.confirm_place(token=place.token)
    seats.cancel_enrollment(enrollment=batch.enrollments.get(), by=None)
    first.refresh_from_db()
    assert first.status == WaitlistEntry.Status.OFFERED

    with time_machine.travel(dt.datetime(2027, 1, 5, 7, 0, tzinfo=dt.UTC), tick=False):
        assert "1 offer(s) expired" in run("expire_waitlist_offers")
        assert "0 offer(s) expired" in run("expire_waitlist_offers")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("expired", "offered")
