"""The seat rules, through enquiries.seats (and services.cancel_batch), on the real database.

Every seat is decided by one service: enrol, join or leave a waiting list, offers and their
deadlines, transfers, and the seat ledger every page reads from the batch row.
"""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from courses.models import Batch
from enquiries import services
from enquiries.models import Enquiry, Enrollment, OutgoingEmail, StatusChange, WaitlistEntry
from enquiries.services import seats
from enquiries.services.seats import expire_offers_task
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
DEADLINE = NOW + dt.timedelta(hours=48)

Offered = WaitlistEntry.Status.OFFERED
Waiting = WaitlistEntry.Status.WAITING
Unconfirmed = WaitlistEntry.Status.UNCONFIRMED


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("meera", email="meera@example.com", is_staff=True)


def learner(name: str, **fields) -> seats.Learner:
    return seats.Learner(name=name.title(), email=f"{name}@example.com", **fields)


def enroll(batch: Batch, name: str, **kwargs) -> Enrollment | WaitlistEntry:
    return seats.enroll(batch=batch, learner=learner(name), **kwargs)


def entry_of(batch: Batch, name: str) -> WaitlistEntry:
    return WaitlistEntry.objects.get(batch=batch, email=f"{name}@example.com")


def statuses(batch: Batch) -> dict[str, str]:
    """Each waiting-list entry's status, by the learner's first name."""
    return {
        entry.email.split("@")[0]: entry.status
        for entry in WaitlistEntry.objects.filter(batch=batch).order_by("position")
    }


def stored(batch: Batch) -> Batch:
    """The batch row as the database holds it now, with its seat ledger."""
    return Batch.objects.get(pk=batch.pk)


def assert_not_oversold(batch: Batch) -> None:
    """Confirmed seats and open offers together never exceed the capacity, and the stored
    ledger is what the rows say."""
    seen = stored(batch)
    assert seen.seats_taken + seen.seats_held <= seen.capacity
    assert seats.ledger_drift() == []


def join_and_confirm(batch: Batch, name: str) -> WaitlistEntry:
    """`name` asks for a place and opens the private link emailed to them."""
    entry = seats.join_waitlist(batch=batch, learner=learner(name), consented=True)
    return seats.confirm_place(token=entry.token)


def mails(kind: str) -> list[str]:
    return sorted(
        OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True), key=str.lower
    )


def batch_with_queue(*waiting: str, capacity: int = 1) -> tuple[Batch, list[Enrollment]]:
    """A full batch (seated learners seat0, seat1 …) with `waiting` queued in that order."""
    batch = make_batch(capacity=capacity)
    seated = [enroll(batch, f"seat{n}") for n in range(capacity)]
    assert all(isinstance(seat, Enrollment) for seat in seated)
    for name in waiting:
        assert isinstance(enroll(batch, name), WaitlistEntry)
    return batch, seated


# Enrolling


@pytest.mark.django_db
def test_enroll_confirms_seats_while_seats_are_free():
    batch = make_batch(capacity=2)

    first = enroll(batch, "asha")
    second = seats.enroll(batch=batch, learner=learner("ben", phone="+919812345678"))

    assert isinstance(first, Enrollment) and isinstance(second, Enrollment)
    assert (second.status, second.name, second.email, second.phone) == (
        "confirmed",
        "Ben",
        "ben@example.com",
        "+919812345678",
    )
    assert not WaitlistEntry.objects.exists()
    assert stored(batch).seats_left == 0


@pytest.mark.django_db
def test_enroll_without_a_capacity_confirms_every_learner():
    batch = make_batch(capacity=None)

    results = [enroll(batch, f"learner{n}") for n in range(30)]

    assert all(isinstance(result, Enrollment) for result in results)
    assert Enrollment.objects.confirmed().filter(batch=batch).count() == 30
    assert stored(batch).seats_left is None


@pytest.mark.django_db
def test_enroll_in_a_full_batch_puts_learners_on_the_waiting_list_in_turn():
    batch = make_batch(capacity=1)
    enroll(batch, "asha")

    queued = [enroll(batch, name) for name in ("ben", "cara", "dev")]

    assert all(isinstance(entry, WaitlistEntry) for entry in queued)
    assert [(e.name, e.position, e.status) for e in queued] == [
        ("Ben", 1, "waiting"),
        ("Cara", 2, "waiting"),
        ("Dev", 3, "waiting"),
    ]
    assert [seats.waiting_position(entry) for entry in queued] == [1, 2, 3]
    assert Enrollment.objects.filter(batch=batch).count() == 1
    assert mails("waitlist") == ["ben@example.com", "cara@example.com", "dev@example.com"]


@pytest.mark.django_db
def test_enroll_refuses_a_cancelled_batch():
    batch = make_batch(status=Batch.Status.CANCELLED)

    with pytest.raises(seats.BatchNotTakingLearners, match="cancelled"):
        enroll(batch, "asha")

    assert not Enrollment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end_date", "taking"),
    [(TODAY - dt.timedelta(days=1), False), (TODAY, True)],
    ids=["finished-yesterday", "ends-today"],
)
def test_enroll_refuses_a_batch_only_once_it_has_finished(end_date, taking):
    batch = make_batch(start_date=dt.date(2026, 12, 14), end_date=end_date)  # a Monday

    if taking:
        assert isinstance(enroll(batch, "asha"), Enrollment)
    else:
        with pytest.raises(seats.BatchNotTakingLearners, match="finished"):
            enroll(batch, "asha")
        assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_enroll_refuses_a_second_seat_for_the_same_email_whatever_its_case():
    batch = make_batch(capacity=5)
    enroll(batch, "asha")

    with pytest.raises(seats.AlreadyEnrolled):
        seats.enroll(batch=batch, learner=seats.Learner(name="Asha V", email="ASHA@Example.COM"))

    assert Enrollment.objects.filter(batch=batch).count() == 1
    assert not WaitlistEntry.objects.exists()


@pytest.mark.django_db
def test_enroll_accepts_the_same_learner_in_another_batch():
    enroll(make_batch(), "asha")

    assert isinstance(enroll(make_batch(), "asha"), Enrollment)


@pytest.mark.django_db
def test_enrolling_from_an_enquiry_moves_it_to_enrolled_and_records_who_did_it(staff):
    batch = make_batch()
    enquiry = make_enquiry(batch=batch)

    enrollment = seats.enroll(
        batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry, by=staff
    )

    assert enrollment.enquiry == enquiry
    assert (enrollment.name, enrollment.email, enrollment.phone) == (
        "Asha Verma",
        "asha@example.com",
        "+919812345678",
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ENROLLED
    assert list(
        StatusChange.objects.filter(enquiry=enquiry).values_list(
            "from_status", "to_status", "changed_by", "changed_at"
        )
    ) == [("new", "enrolled", staff.pk, NOW)]


@pytest.mark.django_db
def test_an_enquiry_put_on_the_waiting_list_stays_open():
    batch, _ = batch_with_queue()
    enquiry = make_enquiry(batch=batch)

    entry = seats.enroll(batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)

    assert isinstance(entry, WaitlistEntry)
    assert entry.enquiry == enquiry
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW
    assert not enquiry.status_changes.exists()


# The seat ledger on the batch row


@pytest.mark.django_db
def test_ledger_counts_confirmed_seats_open_offers_and_people_waiting():
    batch, seated = batch_with_queue("ben", "cara", "dev", capacity=4)
    seats.cancel_enrollment(enrollment=seated[0], by=None)  # ben is offered seat0's seat
    seats.cancel_enrollment(enrollment=seated[1], by=None)  # cara is offered seat1's seat

    seen = stored(batch)

    assert (seen.seats_taken, seen.seats_held, seen.waiting_count) == (2, 2, 1)
    assert seen.seats_left == 0 == 4 - 2 - 2
    assert seen.is_full


@pytest.mark.django_db
def test_an_offer_holds_its_seat_until_the_expiry_runs_after_its_deadline(clock):
    batch, seated = batch_with_queue("ben", capacity=3)
    seats.cancel_enrollment(enrollment=seated[0], by=None)

    clock.move_to(DEADLINE - dt.timedelta(seconds=1))
    before = stored(batch)
    clock.move_to(DEADLINE)
    lapsed = stored(batch)  # past the deadline, the expiry not yet run
    seats.expire_offers()
    after = stored(batch)

    assert (before.seats_taken, before.seats_held, before.seats_left) == (2, 1, 0)
    assert before.is_full
    assert (lapsed.seats_taken, lapsed.seats_held, lapsed.seats_left) == (2, 1, 0)
    with pytest.raises(seats.OfferNotValid):
        seats.accept_offer(token=entry_of(batch, "ben").token)
    assert (after.seats_taken, after.seats_held, after.seats_left) == (2, 0, 1)
    assert not after.is_full
    assert seats.ledger_drift() == []


@pytest.mark.django_db
def test_ledger_leaves_out_cancelled_transferred_closed_and_unconfirmed_places(staff):
    course = make_course()
    batch = make_batch(course=course, capacity=3)
    later = make_batch(course=course, start_date=batch.start_date + dt.timedelta(weeks=1))
    enroll(batch, "asha")
    ben, cara = enroll(batch, "ben"), enroll(batch, "cara")  # the batch is full
    seats.leave_waitlist(token=join_and_confirm(batch, "dev").token)
    seats.join_waitlist(batch=batch, learner=learner("esha"), consented=True)  # never confirmed
    seats.cancel_enrollment(enrollment=ben, by=staff)
    seats.transfer(enrollment=cara, to_batch=later, by=staff)

    seen = stored(batch)

    assert (seen.seats_taken, seen.seats_held, seen.waiting_count, seen.seats_left) == (1, 0, 0, 2)
    assert not seen.is_full
    assert statuses(batch) == {"dev": "left", "esha": Unconfirmed}


@pytest.mark.django_db
def test_ledger_has_no_seats_left_figure_for_an_unlimited_batch():
    batch = make_batch(capacity=None)
    enroll(batch, "asha")

    seen = stored(batch)

    assert (seen.seats_taken, seen.seats_left) == (1, None)
    assert not seen.is_full


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("minimum", "confirmed", "guaranteed"),
    [(3, 2, False), (3, 3, True), (3, 4, True), (None, 4, False)],
)
def test_a_batch_is_guaranteed_once_confirmed_seats_reach_its_minimum(
    minimum, confirmed, guaranteed
):
    batch = make_batch(capacity=10, min_participants=minimum)
    for n in range(confirmed):
        enroll(batch, f"learner{n}")

    assert stored(batch).is_guaranteed is guaranteed


@pytest.mark.django_db
def test_an_open_offer_does_not_count_towards_the_minimum():
    batch, seated = batch_with_queue("ben", capacity=2)
    Batch.objects.filter(pk=batch.pk).update(min_participants=2)
    seats.cancel_enrollment(enrollment=seated[0], by=None)  # ben holds an offer

    seen = stored(batch)

    assert (seen.seats_taken, seen.seats_held) == (1, 1)
    assert not seen.is_guaranteed


# Cancelling a seat offers it to the first person waiting


@pytest.mark.django_db
def test_cancelling_a_seat_offers_it_to_the_first_person_waiting(staff, settings):
    settings.SITE_URL = "https://courses.example.com"
    batch, [seat] = batch_with_queue("ben", "cara")

    cancelled = seats.cancel_enrollment(enrollment=seat, by=staff)

    assert (cancelled.status, cancelled.ended_at) == ("cancelled", NOW)
    assert cancelled.history.first().history_user == staff
    ben = entry_of(batch, "ben")
    assert (ben.status, ben.offered_at, ben.offer_expires_at) == (Offered, NOW, DEADLINE)
    assert statuses(batch) == {"ben": Offered, "cara": Waiting}
    offer = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_OFFER)
    assert offer.to == "ben@example.com"
    assert f"https://courses.example.com/waiting-list/{ben.token}/accept/" in offer.body_text
    assert "Wednesday 13 January 2027, 09:00" in offer.body_text
    assert_not_oversold(batch)


@pytest.mark.django_db
@pytest.mark.parametrize(("setting", "hours"), [(None, 48), (24, 24), (72, 72)])
def test_an_offer_lasts_waitlist_offer_hours(settings, setting, hours):
    if setting is not None:
        settings.WAITLIST_OFFER_HOURS = setting
    batch, [seat] = batch_with_queue("ben")

    seats.cancel_enrollment(enrollment=seat, by=None)

    assert entry_of(batch, "ben").offer_expires_at == NOW + dt.timedelta(hours=hours)


@pytest.mark.django_db
def test_an_open_offer_holds_the_seat_so_a_new_learner_joins_the_waiting_list():
    batch, [seat] = batch_with_queue("ben", "cara")
    seats.cancel_enrollment(enrollment=seat, by=None)

    newcomer = enroll(batch, "dev")

    assert isinstance(newcomer, WaitlistEntry)
    assert (newcomer.status, newcomer.position) == (Waiting, 3)
    assert stored(batch).seats_left == 0
    assert not Enrollment.objects.confirmed().filter(batch=batch).exists()
    assert_not_oversold(batch)


@pytest.mark.django_db
def test_cancelling_a_seat_twice_offers_it_only_once():
    batch, [seat] = batch_with_queue("ben", "cara")
    seats.cancel_enrollment(enrollment=seat, by=None)

    again = seats.cancel_enrollment(enrollment=seat, by=None)

    assert again.status == "cancelled"
    assert statuses(batch) == {"ben": Offered, "cara": Waiting}
    assert mails("seat_offer") == ["ben@example.com"]


@pytest.mark.django_db
def test_cancelling_a_seat_with_nobody_waiting_frees_it():
    batch, [seat] = batch_with_queue()

    seats.cancel_enrollment(enrollment=seat, by=None)

    assert stored(batch).seats_left == 1
    assert isinstance(enroll(batch, "ben"), Enrollment)


# More seats: offer_free_seats


@pytest.mark.django_db
def test_raising_the_capacity_offers_exactly_the_new_seats_to_the_first_in_line():
    batch, _ = batch_with_queue("ben", "cara", "dev", "esha", capacity=2)
    Batch.objects.filter(pk=batch.pk).update(capacity=4)

    offered = seats.offer_free_seats(batch=batch)

    assert [entry.name for entry in offered] == ["Ben", "Cara"]
    assert statuses(batch) == {"ben": Offered, "cara": Offered, "dev": Waiting, "esha": Waiting}
    assert mails("seat_offer") == ["ben@example.com", "cara@example.com"]
    assert seats.offer_free_seats(batch=batch) == []
    assert_not_oversold(batch)


@pytest.mark.django_db
def test_a_lower_position_set_by_staff_is_offered_first():
    batch, _ = batch_with_queue("ben", "cara", "dev")
    dev = entry_of(batch, "dev")
    dev.position = 0  # staff move Dev to the front
    dev.save(update_fields=["position"])
    Batch.objects.filter(pk=batch.pk).update(capacity=2)

    [offered] = seats.offer_free_seats(batch=batch)

    assert offered.name == "Dev"
    assert statuses(batch) == {"dev": Offered, "ben": Waiting, "cara": Waiting}
    assert seats.waiting_position(entry_of(batch, "ben")) == 1


@pytest.mark.django_db
def test_lowering_the_capacity_offers_nothing():
    batch, _ = batch_with_queue("ben", capacity=3)
    Batch.objects.filter(pk=batch.pk).update(capacity=5)  # two seats freed, not yet offered

    assert seats.change_capacity(batch=batch, capacity=3, by=None) == []
    assert seats.offer_free_seats(batch=batch) == []
    assert statuses(batch) == {"ben": Waiting}
    assert (stored(batch).capacity, stored(batch).seats_left) == (3, 0)


@pytest.mark.django_db
def test_removing_the_capacity_offers_a_seat_to_everyone_waiting():
    batch, _ = batch_with_queue("ben", "cara")
    Batch.objects.filter(pk=batch.pk).update(capacity=None)

    offered = seats.offer_free_seats(batch=batch)

    assert {entry.name for entry in offered} == {"Ben", "Cara"}


@pytest.mark.django_db
def test_offering_a_seat_schedules_the_expiry_task_for_the_deadline(
    django_capture_on_commit_callbacks,
):
    from django_tasks_db.models import DBTaskResult

    batch, [seat] = batch_with_queue("ben")

    with django_capture_on_commit_callbacks(execute=True):
        seats.cancel_enrollment(enrollment=seat, by=None)

    expiry = DBTaskResult.objects.get(task_path="enquiries.services.seats.expire_offers_task")
    assert expiry.run_after == DEADLINE
    assert expiry.args_kwargs == {"args": [batch.pk], "kwargs": {}}


# Accepting an offer


@pytest.mark.django_db
def test_accepting_an_offer_before_its_deadline_confirms_the_seat(clock):
    batch, [seat] = batch_with_queue()
    enquiry = make_enquiry(batch=batch)
    seats.enroll(batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)
    seats.cancel_enrollment(enrollment=seat, by=None)
    entry = WaitlistEntry.objects.get(enquiry=enquiry)

    clock.move_to(DEADLINE - dt.timedelta(seconds=1))
    enrollment = seats.accept_offer(token=entry.token)

    assert (enrollment.batch, enrollment.status, enrollment.email) == (
        batch,
        "confirmed",
        "asha@example.com",
    )
    assert enrollment.enquiry == enquiry
    entry.refresh_from_db()
    assert (entry.status, entry.enrollment) == (WaitlistEntry.Status.ACCEPTED, enrollment)
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ENROLLED
    assert list(enquiry.status_changes.values_list("from_status", "to_status")) == [
        ("new", "enrolled")
    ]
    seen = stored(batch)
    assert (seen.seats_taken, seen.seats_held, seen.seats_left) == (1, 0, 0)


@pytest.mark.django_db
def test_accepting_an_offer_twice_returns_the_same_seat():
    batch, [seat] = batch_with_queue("ben")
    seats.cancel_enrollment(enrollment=seat, by=None)
    token = entry_of(batch, "ben").token

    first = seats.accept_offer(token=token)
    second = seats.accept_offer(token=token)

    assert first == second
    assert Enrollment.objects.filter(batch=batch, email="ben@example.com").count() == 1


@pytest.mark.django_db
def test_accepting_an_offer_at_or_after_its_deadline_is_refused(clock):
    batch, [seat] = batch_with_queue("ben")
    seats.cancel_enrollment(enrollment=seat, by=None)
    token = entry_of(batch, "ben").token

    for moment in (DEADLINE, DEADLINE + dt.timedelta(days=3)):
        clock.move_to(moment)
        with pytest.raises(seats.OfferNotValid, match="no longer valid"):
            seats.accept_offer(token=token)

    assert not Enrollment.objects.filter(email="ben@example.com").exists()


@pytest.mark.django_db
def test_accepting_an_unknown_token_is_refused():
    with pytest.raises(seats.OfferNotValid, match="couldn't find"):
        seats.accept_offer(token="no-such-token")


@pytest.mark.django_db
def test_a_place_that_was_never_offered_a_seat_cannot_be_accepted():
    batch, _ = batch_with_queue("ben")

    with pytest.raises(seats.OfferNotValid):
        seats.accept_offer(token=entry_of(batch, "ben").token)

    assert Enrollment.objects.filter(batch=batch).count() == 1


# Offers that run out


@pytest.mark.django_db
def test_an_expired_offer_passes_the_seat_to_the_next_person(clock):
    batch, [seat] = batch_with_queue("ben", "cara", "dev")
    seats.cancel_enrollment(enrollment=seat, by=None)

    clock.move_to(DEADLINE - dt.timedelta(seconds=1))
    assert seats.expire_offers() == 0
    assert statuses(batch) == {"ben": Offered, "cara": Waiting, "dev": Waiting}

    clock.move_to(DEADLINE)
    assert seats.expire_offers() == 1

    assert statuses(batch) == {"ben": "expired", "cara": Offered, "dev": Waiting}
    cara = entry_of(batch, "cara")
    assert (cara.offered_at, cara.offer_expires_at) == (DEADLINE, DEADLINE + dt.timedelta(hours=48))
    assert mails("seat_offer") == ["ben@example.com", "cara@example.com"]
    with pytest.raises(seats.OfferNotValid):
        seats.accept_offer(token=entry_of(batch, "ben").token)
    assert_not_oversold(batch)


@pytest.mark.django_db
def test_expiring_offers_again_changes_nothing(clock):
    batch, [seat] = batch_with_queue("ben", "cara", "dev")
    seats.cancel_enrollment(enrollment=seat, by=None)
    clock.move_to(DEADLINE)
    seats.expire_offers()
    after_first = (statuses(batch), OutgoingEmail.objects.count())

    assert seats.expire_offers() == 0
    assert seats.expire_offers(batch=batch) == 0

    assert (statuses(batch), OutgoingEmail.objects.count()) == after_first


@pytest.mark.django_db
def test_expiry_task_expires_the_offers_of_its_batch_only(clock):
    batch, [seat] = batch_with_queue("ben", "cara")
    other, [other_seat] = batch_with_queue("dev", "esha")
    seats.cancel_enrollment(enrollment=seat, by=None)
    seats.cancel_enrollment(enrollment=other_seat, by=None)
    clock.move_to(DEADLINE)

    assert expire_offers_task.call(batch.pk) == 1

    assert statuses(batch) == {"ben": "expired", "cara": Offered}
    assert statuses(other) == {"dev": Offered, "esha": Waiting}


@pytest.mark.django_db
def test_expiry_task_for_a_deleted_batch_does_nothing():
    assert expire_offers_task.call(987654) == 0


@pytest.mark.django_db(transaction=True)
def test_worker_expires_an_offer_at_its_deadline_and_emails_the_next_person(
    clock, mailoutbox, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    batch, [seat] = batch_with_queue("ben", "cara")

    def run_worker() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    seats.cancel_enrollment(enrollment=seat, by=None)
    run_worker()  # sends the emails that are due; the expiry is not due yet
    assert statuses(batch) == {"ben": Offered, "cara": Waiting}

    clock.move_to(DEADLINE + dt.timedelta(seconds=1))
    run_worker()  # expires Ben's offer, offers Cara the seat
    run_worker()  # delivers Cara's offer

    assert statuses(batch) == {"ben": "expired", "cara": Offered}
    offers = [m.to for m in mailoutbox if m.subject.startswith("A seat is free for you")]
    assert offers == [["ben@example.com"], ["cara@example.com"]]


@pytest.mark.django_db
def test_a_lapsed_offer_passes_to_the_next_person_waiting_not_to_a_newcomer(clock):
    batch, [seat] = batch_with_queue("ben", "cara")
    seats.cancel_enrollment(enrollment=seat, by=None)
    clock.move_to(DEADLINE + dt.timedelta(minutes=1))  # the expiry task has not run yet

    newcomer = enroll(batch, "dev")
    seats.expire_offers()

    assert isinstance(newcomer, WaitlistEntry)
    assert statuses(batch)["cara"] == Offered


# Leaving the waiting list


@pytest.mark.django_db
def test_leaving_the_waiting_list_gives_up_the_place():
    batch, _ = batch_with_queue("ben", "cara")

    left = seats.leave_waitlist(token=entry_of(batch, "ben").token)

    assert left.status == WaitlistEntry.Status.LEFT
    assert seats.waiting_position(entry_of(batch, "cara")) == 1
    assert stored(batch).waiting_count == 1
    assert not OutgoingEmail.objects.filter(kind="seat_offer").exists()


@pytest.mark.django_db
def test_leaving_while_holding_an_offer_passes_the_seat_to_the_next_person():
    batch, [seat] = batch_with_queue("ben", "cara")
    seats.cancel_enrollment(enrollment=seat, by=None)

    seats.leave_waitlist(token=entry_of(batch, "ben").token)

    assert statuses(batch) == {"ben": "left", "cara": Offered}
    assert entry_of(batch, "cara").offer_expires_at == DEADLINE
    assert mails("seat_offer") == ["ben@example.com", "cara@example.com"]
    assert_not_oversold(batch)


@pytest.mark.django_db
def test_leaving_after_accepting_keeps_the_seat():
    batch, [seat] = batch_with_queue("ben")
    seats.cancel_enrollment(enrollment=seat, by=None)
    token = entry_of(batch, "ben").token
    enrollment = seats.accept_offer(token=token)

    seats.leave_waitlist(token=token)
    seats.leave_waitlist(token=token)

    enrollment.refresh_from_db()
    assert enrollment.status == "confirmed"
    assert entry_of(batch, "ben").status == WaitlistEntry.Status.ACCEPTED


@pytest.mark.django_db
def test_leaving_with_an_unknown_token_is_refused():
    with pytest.raises(seats.OfferNotValid):
        seats.leave_waitlist(token="no-such-token")


# Joining the waiting list (the public form's service)


@pytest.mark.django_db
def test_join_waitlist_requires_consent():
    batch, _ = batch_with_queue()

    with pytest.raises(seats.SeatError, match="agree to be contacted"):
        seats.join_waitlist(batch=batch, learner=learner("ben"), consented=False)

    assert not WaitlistEntry.objects.exists()


@pytest.mark.django_db
def test_join_waitlist_records_consent_and_emails_the_link_that_confirms_the_place():
    batch, _ = batch_with_queue("ben")

    entry = seats.join_waitlist(batch=batch, learner=learner("cara"), consented=True)

    assert (entry.status, entry.position, entry.consent_at) == (Unconfirmed, 2, NOW)
    assert entry.email_confirmed_at is None
    assert seats.waiting_position(entry) is None
    assert stored(batch).waiting_count == 1  # Ben only, until Cara confirms
    [confirm] = OutgoingEmail.objects.filter(kind="waitlist", to="cara@example.com")
    assert confirm.subject.startswith("Confirm your waiting-list place")
    assert f"/waiting-list/{entry.token}/" in confirm.body_text


@pytest.mark.django_db
def test_confirming_a_place_puts_it_in_line_and_emails_its_position():
    batch, _ = batch_with_queue("ben")
    entry = seats.join_waitlist(batch=batch, learner=learner("cara"), consented=True)

    confirmed = seats.confirm_place(token=entry.token)

    assert (confirmed.status, confirmed.position, confirmed.email_confirmed_at) == (
        Waiting,
        2,
        NOW,
    )
    assert seats.waiting_position(confirmed) == 2
    assert stored(batch).waiting_count == 2
    joined = OutgoingEmail.objects.get(
        kind="waitlist", to="cara@example.com", subject__startswith="You're on the waiting list"
    )
    assert "You are number 2 on the waiting list" in joined.body_text
    assert f"/waiting-list/{entry.token}/leave/" in joined.body_text
    assert seats.confirm_place(token=entry.token).status == Waiting  # opening it again is fine
    assert OutgoingEmail.objects.filter(to="cara@example.com").count() == 2


@pytest.mark.django_db
def test_joining_the_waiting_list_twice_keeps_the_first_place():
    batch, _ = batch_with_queue("ben")
    first = seats.join_waitlist(batch=batch, learner=learner("cara"), consented=True)

    again = seats.join_waitlist(
        batch=batch,
        learner=seats.Learner(name="Cara K", email="Cara@Example.com"),
        consented=True,
    )

    assert again.pk == first.pk
    assert WaitlistEntry.objects.filter(batch=batch).count() == 2
    # Ben was added by staff; Cara, at the address her place has, is sent her link again.
    assert mails("waitlist") == ["ben@example.com", "cara@example.com", "cara@example.com"]
    assert [
        email.subject.startswith("Confirm your waiting-list place")
        for email in OutgoingEmail.objects.filter(to="cara@example.com")
    ] == [True, True]
    assert all(
        f"/waiting-list/{first.token}/" in email.body_text
        for email in OutgoingEmail.objects.filter(to="cara@example.com")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [2, None], ids=["a-free-seat", "unlimited"])
def test_join_waitlist_refuses_a_batch_with_a_free_seat(capacity):
    batch = make_batch(capacity=capacity)
    enroll(batch, "asha")
    emails_before = OutgoingEmail.objects.count()

    with pytest.raises(seats.BatchHasFreeSeats, match="enquire"):
        seats.join_waitlist(batch=batch, learner=learner("ben"), consented=True)

    assert not WaitlistEntry.objects.exists()
    assert OutgoingEmail.objects.count() == emails_before
    assert stored(batch).seats_left == (1 if capacity else None)


@pytest.mark.django_db
def test_joining_behind_others_does_not_take_the_free_seat_from_them():
    batch, _ = batch_with_queue("ben", capacity=1)
    Batch.objects.filter(pk=batch.pk).update(capacity=2)  # a seat freed, not yet offered

    entry = seats.join_waitlist(batch=batch, learner=learner("cara"), consented=True)
    seats.confirm_place(token=entry.token)

    assert entry.status == Unconfirmed
    assert statuses(batch) == {"ben": Offered, "cara": Waiting}
    assert mails("seat_offer") == ["ben@example.com"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": dt.date(2027, 1, 4)},  # a Monday: started a week ago, still running
        {"start_date": dt.date(2026, 11, 2)},  # finished
        {"status": Batch.Status.CANCELLED},
        {"is_published": False},
    ],
    ids=["started", "finished", "cancelled", "unpublished"],
)
def test_join_waitlist_refuses_a_batch_not_taking_learners(fields):
    batch = make_batch(capacity=1, **fields)

    with pytest.raises(seats.BatchNotTakingLearners):
        seats.join_waitlist(batch=batch, learner=learner("ben"), consented=True)

    assert not WaitlistEntry.objects.exists()


@pytest.mark.django_db
def test_join_waitlist_takes_a_batch_starting_today():
    batch = make_batch(capacity=1, start_date=TODAY)
    enroll(batch, "asha")

    entry = seats.join_waitlist(batch=batch, learner=learner("ben"), consented=True)

    assert (entry.batch, entry.status) == (batch, Unconfirmed)
    assert seats.confirm_place(token=entry.token).status == Waiting


@pytest.mark.django_db
def test_join_waitlist_by_a_learner_with_a_seat_adds_no_place_and_emails_them_about_the_seat():
    batch, [seat] = batch_with_queue()

    result = seats.join_waitlist(
        batch=batch,
        learner=seats.Learner(name="Seat", email="SEAT0@example.com"),
        consented=True,
    )

    assert result == seat
    assert not WaitlistEntry.objects.exists()
    [reminder] = OutgoingEmail.objects.filter(kind="waitlist")
    assert reminder.to == "seat0@example.com"
    assert reminder.subject.startswith("You already have a seat in")
    assert "/waiting-list/" not in reminder.body_text


# Transfers


@pytest.fixture
def two_batches():
    """Two batches of one course, a week apart, with room in both."""
    course = make_course()
    source = make_batch(course=course, capacity=2)
    target = make_batch(
        course=course, capacity=2, start_date=source.start_date + dt.timedelta(weeks=1)
    )
    return source, target


@pytest.mark.django_db
def test_transfer_moves_the_seat_to_another_batch_of_the_same_course(two_batches, staff):
    source, target = two_batches
    enquiry = make_enquiry(batch=source)
    seat = seats.enroll(batch=source, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)

    moved = seats.transfer(enrollment=seat, to_batch=target, by=staff)

    assert (moved.batch, moved.status, moved.name, moved.email, moved.phone, moved.enquiry) == (
        target,
        "confirmed",
        "Asha Verma",
        "asha@example.com",
        "+919812345678",
        enquiry,
    )
    seat.refresh_from_db()
    assert (seat.status, seat.transferred_to, seat.ended_at) == ("transferred", moved, NOW)
    assert (stored(source).seats_taken, stored(target).seats_taken) == (0, 1)
    [latest, created] = seat.history.all()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "transferred",
        staff,
        f"Transferred to {target}",
    )
    assert created.status == "confirmed"
    arrival = moved.history.get()
    assert (arrival.history_user, arrival.history_change_reason) == (
        staff,
        f"Transferred from {source}",
    )


@pytest.mark.django_db
def test_transfer_offers_the_freed_seat_to_the_first_person_waiting_in_the_source(
    two_batches,
):
    source, target = two_batches
    seat = enroll(source, "asha")
    enroll(source, "ben")
    enroll(source, "cara")
    enroll(source, "dev")

    seats.transfer(enrollment=seat, to_batch=target, by=None)

    assert statuses(source) == {"cara": Offered, "dev": Waiting}
    assert mails("seat_offer") == ["cara@example.com"]
    assert_not_oversold(source)


@pytest.mark.django_db
def test_transfer_refuses_a_batch_of_another_course(two_batches):
    source, _ = two_batches
    seat = enroll(source, "asha")

    with pytest.raises(seats.TransferNotAllowed, match="same course"):
        seats.transfer(enrollment=seat, to_batch=make_batch(), by=None)

    seat.refresh_from_db()
    assert seat.status == "confirmed"
    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
def test_transfer_refuses_a_full_batch(two_batches):
    source, target = two_batches
    seat = enroll(source, "asha")
    enroll(target, "ben")
    enroll(target, "cara")

    with pytest.raises(seats.TransferNotAllowed, match="no free seat"):
        seats.transfer(enrollment=seat, to_batch=target, by=None)

    seat.refresh_from_db()
    assert seat.status == "confirmed"
    assert stored(target).seats_taken == 2


@pytest.mark.django_db
def test_transfer_refuses_a_batch_whose_last_seat_is_held_by_an_offer(two_batches):
    source, target = two_batches
    seat = enroll(source, "asha")
    enroll(target, "ben")
    target_seat = enroll(target, "cara")
    enroll(target, "dev")
    seats.cancel_enrollment(enrollment=target_seat, by=None)  # Dev holds the seat

    with pytest.raises(seats.TransferNotAllowed):
        seats.transfer(enrollment=seat, to_batch=target, by=None)

    assert_not_oversold(target)


@pytest.mark.django_db
def test_transfer_refuses_the_same_batch(two_batches):
    source, _ = two_batches
    seat = enroll(source, "asha")

    with pytest.raises(seats.TransferNotAllowed, match="already in this batch"):
        seats.transfer(enrollment=seat, to_batch=source, by=None)

    assert Enrollment.objects.get().status == "confirmed"


@pytest.mark.django_db
def test_transfer_refuses_a_seat_that_was_cancelled(two_batches):
    source, target = two_batches
    seat = seats.cancel_enrollment(enrollment=enroll(source, "asha"), by=None)

    with pytest.raises(seats.TransferNotAllowed, match="Only a confirmed seat"):
        seats.transfer(enrollment=seat, to_batch=target, by=None)

    assert stored(target).seats_taken == 0


@pytest.mark.django_db
def test_transfer_refuses_a_batch_where_the_learner_already_has_a_seat(two_batches):
    source, target = two_batches
    seat = enroll(source, "asha")
    enroll(target, "asha")

    with pytest.raises(seats.SeatError):
        seats.transfer(enrollment=seat, to_batch=target, by=None)


# A learner on a waiting list who gets a seat another way


@pytest.mark.django_db
def test_enrolling_someone_from_the_waiting_list_takes_them_off_it():
    batch, seated = batch_with_queue("ben", "cara", capacity=2)
    Batch.objects.filter(pk=batch.pk).update(capacity=3)

    ben_seat = enroll(batch, "ben")  # staff seat Ben directly
    seats.cancel_enrollment(enrollment=seated[0], by=None)

    assert isinstance(ben_seat, Enrollment)
    assert entry_of(batch, "ben").status == WaitlistEntry.Status.ACCEPTED
    assert statuses(batch)["cara"] == Offered


@pytest.mark.django_db
def test_accepting_an_offer_when_already_seated_in_the_batch_returns_that_seat(two_batches):
    source, target = two_batches
    enroll(target, "seat0")
    target_seat = enroll(target, "seat1")
    enroll(target, "asha")  # waiting for the target batch
    seats.cancel_enrollment(enrollment=target_seat, by=None)  # Asha holds an offer
    Batch.objects.filter(pk=target.pk).update(capacity=3)
    moved = seats.transfer(enrollment=enroll(source, "asha"), to_batch=target, by=None)

    accepted = seats.accept_offer(token=entry_of(target, "asha").token)

    assert accepted == moved
    assert (
        Enrollment.objects.confirmed().filter(batch=target, email="asha@example.com").count() == 1
    )


# Cancelling a batch


@pytest.mark.django_db
def test_cancelling_a_batch_ends_seats_and_waiting_places_and_emails_each_person_once():
    batch = make_batch(capacity=3)
    enquiry = make_enquiry(batch=batch)  # asha@example.com, still open
    lost = make_enquiry(batch=batch, email="lost@example.com", phone="+919812345601")
    services.change_status(enquiry=lost, to=Enquiry.Status.LOST, by=None, lost_reason="price")
    seats.enroll(batch=batch, learner=seats.Learner(name="Asha", email="ASHA@example.com"))
    leaving, staying = enroll(batch, "ben"), enroll(batch, "cara")
    enroll(batch, "dev")
    enroll(batch, "esha")
    seats.cancel_enrollment(enrollment=leaving, by=None)  # Ben leaves; Dev is offered

    told = services.cancel_batch(batch=batch, by=None)

    assert told[0] == enquiry
    assert told[1:] == [staying, entry_of(batch, "dev"), entry_of(batch, "esha")]
    assert mails("batch_cancelled") == [
        "asha@example.com",
        "cara@example.com",
        "dev@example.com",
        "esha@example.com",
    ]
    assert OutgoingEmail.objects.get(kind="batch_cancelled", to="asha@example.com").enquiry == (
        enquiry
    )
    assert not Enrollment.objects.confirmed().filter(batch=batch).exists()
    assert set(WaitlistEntry.objects.filter(batch=batch).values_list("status", flat=True)) == {
        WaitlistEntry.Status.CANCELLED
    }
    seen = stored(batch)
    assert (seen.seats_taken, seen.seats_held, seen.waiting_count) == (0, 0, 0)


@pytest.mark.django_db
def test_cancelling_a_batch_tells_a_learner_enrolled_from_their_enquiry_once():
    batch = make_batch()
    enquiry = make_enquiry(batch=batch)
    seat = seats.enroll(batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)

    told = services.cancel_batch(batch=batch, by=None)

    assert told == [seat]  # the enquiry is enrolled, no longer open: the seat is what ends
    [email] = OutgoingEmail.objects.filter(kind="batch_cancelled")
    assert (email.to, email.enquiry) == ("asha@example.com", enquiry)
    assert "Any seat or waiting-list place you had in it has ended." in email.body_text


@pytest.mark.django_db
def test_an_offer_in_a_cancelled_batch_can_no_longer_be_accepted():
    batch, [seat] = batch_with_queue("ben")
    seats.cancel_enrollment(enrollment=seat, by=None)

    services.cancel_batch(batch=batch, by=None)

    with pytest.raises(seats.OfferNotValid):
        seats.accept_offer(token=entry_of(batch, "ben").token)
    assert seats.offer_free_seats(batch=batch) == []


@pytest.mark.django_db
def test_batch_cancelled_email_links_to_the_course_schedule(settings):
    settings.SITE_URL = "https://courses.example.com"
    course = make_course(title="Deep Learning", slug="deep-learning")
    batch = make_batch(course=course, capacity=1)
    make_enquiry(batch=batch, email="enquirer@example.com")
    enroll(batch, "asha")
    enroll(batch, "ben")

    services.cancel_batch(batch=batch, by=None)

    sent = OutgoingEmail.objects.filter(kind="batch_cancelled")
    assert sorted(sent.values_list("to", flat=True)) == [
        "asha@example.com",
        "ben@example.com",
        "enquirer@example.com",
    ]
    for email in sent:
        assert "https://courses.example.com/courses/deep-learning/#schedule" in email.body_text
        assert "Deep Learning" in email.subject
        assert "has been cancelled" in email.body_text


@pytest.mark.django_db
def test_cancelling_a_batch_tells_a_person_with_two_enquiries_once():
    batch = make_batch()
    make_enquiry(batch=batch)
    make_enquiry(batch=batch)  # the same person asks again

    services.cancel_batch(batch=batch, by=None)

    assert mails("batch_cancelled") == ["asha@example.com"]
