"""The seat ledger on the batch row: written only by the seat service, refused by the database
when it would overbook or leave seats in a cancelled batch, and proved by `check_seats`.
"""

import datetime as dt
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from courses.models import Batch
from enquiries import services
from enquiries.models import Enquiry, Enrollment, OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
DEADLINE = NOW + dt.timedelta(hours=48)
Waiting = WaitlistEntry.Status.WAITING
Offered = WaitlistEntry.Status.OFFERED
Unconfirmed = WaitlistEntry.Status.UNCONFIRMED


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("meera", email="meera@example.com", is_staff=True)


def learner(name: str) -> seats.Learner:
    return seats.Learner(name=name.title(), email=f"{name}@example.com")


def enroll(batch: Batch, name: str) -> Enrollment | WaitlistEntry:
    return seats.enroll(batch=batch, learner=learner(name))


def entry_of(batch: Batch, name: str) -> WaitlistEntry:
    return WaitlistEntry.objects.get(batch=batch, email=f"{name}@example.com")


def ledger(batch: Batch) -> tuple[int, int, int]:
    """The stored ledger: confirmed seats, seats held by offers, people waiting."""
    row = Batch.objects.get(pk=batch.pk)
    return row.seats_taken, row.seats_held, row.waiting_count


def joined_publicly(batch: Batch, name: str) -> Enquiry:
    """`name` joins the waiting list through the public form's service."""
    return services.join_waiting_list(
        course=batch.course,
        batch=batch,
        name=name.title(),
        email=f"{name}@example.com",
        phone="+442079460958",
        consented=True,
        submission_token=uuid.uuid4(),
    )


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# Capacity is never set below confirmed seats plus open offers


@pytest.fixture
def batch_with_an_offer() -> Batch:
    """Three seats: two confirmed, one held by an offer to Ben; Cara waits."""
    batch = make_batch(capacity=3)
    leaving = enroll(batch, "asha")
    enroll(batch, "seat1")
    enroll(batch, "seat2")
    enroll(batch, "ben")
    enroll(batch, "cara")
    seats.cancel_enrollment(enrollment=leaving, by=None)
    assert ledger(batch) == (2, 1, 1)
    return batch


@pytest.mark.django_db
def test_change_capacity_refuses_below_confirmed_seats_plus_open_offers_with_the_numbers(
    batch_with_an_offer, staff
):
    batch = batch_with_an_offer

    with pytest.raises(seats.CapacityBelowLedger) as refusal:
        seats.change_capacity(batch=batch, capacity=2, by=staff)

    assert str(refusal.value) == (
        f"{batch} has 2 confirmed seats and 1 open offer, so its capacity cannot go below 3."
    )
    assert Batch.objects.get(pk=batch.pk).capacity == 3
    assert entry_of(batch, "ben").status == Offered
    assert seats.change_capacity(batch=batch, capacity=3, by=staff) == []


@pytest.mark.django_db
def test_database_refuses_a_capacity_below_confirmed_seats_plus_open_offers(batch_with_an_offer):
    batch = batch_with_an_offer

    with (
        pytest.raises(IntegrityError, match="batch_seats_within_capacity"),
        transaction.atomic(),
    ):
        Batch.objects.filter(pk=batch.pk).update(capacity=2)

    assert Batch.objects.get(pk=batch.pk).capacity == 3


@pytest.mark.django_db
def test_a_stale_batch_lowering_capacity_below_the_ledger_is_refused_by_the_database():
    batch = make_batch(capacity=3)
    stale = Batch.objects.get(pk=batch.pk)  # loaded before two seats were confirmed
    enroll(batch, "asha")
    enroll(batch, "ben")
    stale.capacity = 1
    stale.full_clean()  # the stale ledger it carries (no seats) cannot see the problem

    with (
        pytest.raises(IntegrityError, match="batch_seats_within_capacity"),
        transaction.atomic(),
    ):
        stale.save()

    assert Batch.objects.get(pk=batch.pk).capacity == 3
    assert ledger(batch) == (2, 0, 0)


@pytest.mark.django_db
def test_clean_refuses_a_capacity_below_the_ledger_with_the_numbers(batch_with_an_offer):
    batch = Batch.objects.get(pk=batch_with_an_offer.pk)
    batch.capacity = 1

    with pytest.raises(ValidationError) as refusal:
        batch.full_clean()

    assert refusal.value.message_dict["capacity"] == [
        "This batch has 2 confirmed seats and 1 open offer, so its capacity cannot go below 3. "
        "Cancel or move seats first."
    ]


# The ledger's rules hold outside the admin


@pytest.mark.django_db
@pytest.mark.parametrize(
    "holds", ["a confirmed seat", "an open offer and a waiting place"], ids=["seat", "offer"]
)
def test_a_batch_holding_seats_cannot_be_cancelled_by_a_plain_save(holds):
    batch = make_batch(capacity=1)
    seat = enroll(batch, "asha")
    if holds == "an open offer and a waiting place":
        enroll(batch, "ben")
        enroll(batch, "cara")
        seats.cancel_enrollment(enrollment=seat, by=None)
        assert ledger(batch) == (0, 1, 1)
    row = Batch.objects.get(pk=batch.pk)
    row.status = Batch.Status.CANCELLED

    with (
        pytest.raises(IntegrityError, match="batch_cancelled_holds_no_seats"),
        transaction.atomic(),
    ):
        row.save()

    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.SCHEDULED
    services.cancel_batch(batch=batch, by=None)  # the way that releases the seats
    assert (Batch.objects.get(pk=batch.pk).status, ledger(batch)) == ("cancelled", (0, 0, 0))


@pytest.mark.django_db
def test_saving_a_batch_loaded_before_a_seat_was_confirmed_keeps_the_ledger_right():
    batch = make_batch(capacity=3)
    stale = Batch.objects.get(pk=batch.pk)  # as an admin form loads it
    enroll(batch, "asha")  # a seat is confirmed meanwhile

    stale.min_participants = 2
    stale.save()

    row = Batch.objects.get(pk=batch.pk)
    assert (row.min_participants, row.seats_taken, row.seats_left) == (2, 1, 2)
    assert seats.ledger_drift() == []


@pytest.mark.django_db
def test_moving_a_place_in_the_waiting_list_changes_who_is_offered_next(staff):
    batch = make_batch(capacity=1)
    seat = enroll(batch, "asha")
    for name in ("ben", "cara", "dev"):
        enroll(batch, name)

    moved = seats.move_in_waitlist(entry=entry_of(batch, "dev"), position=0, by=staff)
    seats.cancel_enrollment(enrollment=seat, by=None)

    assert moved.position == 0
    assert [entry_of(batch, name).status for name in ("dev", "ben", "cara")] == [
        Offered,
        Waiting,
        Waiting,
    ]
    assert [seats.waiting_position(entry_of(batch, name)) for name in ("ben", "cara")] == [1, 2]
    assert list(
        OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SEAT_OFFER).values_list(
            "to", flat=True
        )
    ) == ["dev@example.com"]
    assert entry_of(batch, "dev").history.filter(position=0).last().history_user == staff


# Every seat path leaves the ledger matching its rows


@pytest.mark.django_db
def test_every_seat_path_leaves_check_seats_with_no_drift(clock, staff):
    course = make_course()
    batch = make_batch(course=course, capacity=2)
    later = make_batch(
        course=course, capacity=2, start_date=batch.start_date + dt.timedelta(weeks=1)
    )

    def no_drift_after(step: str, expected: tuple[int, int, int]) -> None:
        assert seats.ledger_drift() == [], step
        assert "Every batch's seat ledger matches its rows." in run("check_seats"), step
        assert ledger(batch) == expected, step

    asha = enroll(batch, "asha")
    no_drift_after("enrol", (1, 0, 0))
    ben = enroll(batch, "ben")
    no_drift_after("enrol the last seat", (2, 0, 0))
    assert isinstance(enroll(batch, "cara"), WaitlistEntry)
    no_drift_after("staff enrol into a full batch", (2, 0, 1))
    joined_publicly(batch, "dev")
    no_drift_after("public join", (2, 0, 1))
    seats.confirm_place(token=entry_of(batch, "dev").token)
    no_drift_after("confirm the emailed link", (2, 0, 2))
    assert [entry.name for entry in seats.change_capacity(batch=batch, capacity=3, by=staff)] == [
        "Cara"
    ]
    no_drift_after("capacity up: the new seat is offered", (2, 1, 1))
    seats.accept_offer(token=entry_of(batch, "cara").token)
    no_drift_after("accept the offer", (3, 0, 1))
    seats.cancel_enrollment(enrollment=asha, by=staff)
    no_drift_after("cancel a seat: it is offered to Dev", (2, 1, 0))
    seats.leave_waitlist(token=entry_of(batch, "dev").token)
    no_drift_after("decline the offer by leaving", (2, 0, 0))
    assert seats.offer_free_seats(batch=batch) == []
    no_drift_after("offer with nobody waiting", (2, 0, 0))
    esha = enroll(batch, "esha")
    joined_publicly(batch, "fay")
    seats.confirm_place(token=entry_of(batch, "fay").token)
    no_drift_after("enrol and a confirmed public join", (3, 0, 1))
    seats.cancel_enrollment(enrollment=ben, by=staff)
    no_drift_after("cancel a seat: it is offered to Fay", (2, 1, 0))
    clock.move_to(DEADLINE)
    assert seats.expire_offers() == 1
    no_drift_after("the offer expires", (2, 0, 0))
    seats.transfer(enrollment=esha, to_batch=later, by=staff)
    no_drift_after("transfer out", (1, 0, 0))
    assert ledger(later) == (1, 0, 0)
    seats.change_capacity(batch=batch, capacity=1, by=staff)
    no_drift_after("capacity down", (1, 0, 0))
    enroll(batch, "gus")
    joined_publicly(batch, "hana")  # never confirmed
    no_drift_after("a full batch again", (1, 0, 1))
    services.cancel_batch(batch=batch, by=staff)
    no_drift_after("cancel the batch", (0, 0, 0))
    assert ledger(later) == (1, 0, 0)


@pytest.mark.django_db
def test_check_seats_reports_a_drifted_ledger_and_fix_recounts_it():
    batch = make_batch(capacity=5)
    enroll(batch, "asha")
    enroll(batch, "ben")
    Batch.objects.filter(pk=batch.pk).update(seats_taken=4)  # written outside the service

    out = StringIO()
    with pytest.raises(CommandError, match="1 batch"):
        call_command("check_seats", stdout=out)
    report = run("check_seats", "--fix")

    assert f"(id {batch.pk}): stored 4 confirmed, 0 held, 0 waiting; counted 2 confirmed" in (
        out.getvalue()
    )
    assert "Recounted 1 batch(es)." in report
    assert ledger(batch) == (2, 0, 0)
    assert seats.ledger_drift() == []
    assert "matches its rows" in run("check_seats")


# Who a cancellation tells


@pytest.mark.django_db
def test_cancellation_preview_lists_exactly_the_people_the_cancellation_emails():
    batch = make_batch(capacity=2)
    make_enquiry(batch=batch, name="Priya", email="priya@example.com", phone="+919812345601")
    make_enquiry(batch=batch, name="Asha", email="asha@example.com", phone="+919812345602")
    lost = make_enquiry(batch=batch, email="lost@example.com", phone="+919812345603")
    services.change_status(enquiry=lost, to=Enquiry.Status.LOST, by=None, lost_reason="price")
    seats.enroll(batch=batch, learner=seats.Learner(name="Asha", email="ASHA@example.com"))
    leaving = enroll(batch, "seat1")
    enroll(batch, "ben")
    enroll(batch, "cara")
    seats.cancel_enrollment(enrollment=leaving, by=None)  # Ben holds an offer; Cara waits
    joined_publicly(batch, "dev")  # an unconfirmed place
    joined_publicly(batch, "eve")
    seats.leave_waitlist(token=entry_of(batch, "eve").token)  # her enquiry stays open
    services.join_waiting_list(
        course=batch.course,
        batch=batch,
        name="Bot",
        email="bot@example.com",
        phone="+442079460958",
        consented=True,
        submission_token=uuid.uuid4(),
        is_spam=True,
    )
    assert entry_of(batch, "dev").status == Unconfirmed

    [notice] = services.cancellation.preview(
        [batch], show_enquirers=True, show_seats=True, show_waiting=True
    )
    told = services.cancel_batch(batch=batch, by=None)

    previewed = {
        person.email.lower() for person in [*notice.enquiries, *notice.seats, *notice.waiting]
    }
    emailed = [
        to.lower()
        for to in OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED)
        .order_by("pk")
        .values_list("to", flat=True)
    ]
    assert sorted(previewed) == sorted(emailed)
    assert notice.count == len(emailed) == len(set(emailed)) == len(told)
    assert [person.email.lower() for person in told] == emailed
    assert sorted(emailed) == [
        "asha@example.com",
        "ben@example.com",
        "cara@example.com",
        "dev@example.com",
        "eve@example.com",
        "priya@example.com",
    ]
    assert notice.waiting_count == 3  # Ben's offer, Cara waiting, Dev unconfirmed
