"""The pipeline's rules, through the services the admin and the site both use."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection

from enquiries import services
from enquiries.models import Enquiry, RoundRobinCursor, StatusChange
from tests.factories import make_batch, make_course, make_enquiry

Status = Enquiry.Status
NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def sales(django_user_model):
    group, _ = Group.objects.get_or_create(name=services.SALES_GROUP)

    def member(username: str, **fields):
        user = django_user_model.objects.create_user(
            username, email=f"{username}@example.com", is_staff=True, **fields
        )
        user.groups.add(group)
        return user

    return member


# Round-robin owners


@pytest.mark.django_db
def test_new_enquiries_are_shared_in_turn_among_active_sales_members(sales):
    anil, bela, chen = sales("anil"), sales("bela"), sales("chen")
    sales("dormant", is_active=False)
    course = make_course()

    owners = [
        make_enquiry(course=course, email=f"l{n}@example.com", phone=f"+9198123456{n:02}").owner
        for n in range(7)
    ]

    assert owners == [anil, bela, chen, anil, bela, chen, anil]


@pytest.mark.django_db
def test_rotation_continues_where_it_stopped_after_a_restart(sales):
    anil, bela = sales("anil"), sales("bela")
    make_enquiry(email="one@example.com", phone="+919812345601")
    # A restart loses everything in memory; the rotation's position is in the database.
    assert RoundRobinCursor.objects.get(name=services.SALES_GROUP).last_user == anil

    assert make_enquiry(email="two@example.com", phone="+919812345602").owner == bela


@pytest.mark.django_db
def test_a_new_sales_member_joins_the_rotation(sales):
    anil = sales("anil")
    make_enquiry(email="one@example.com", phone="+919812345601")
    bela = sales("bela")

    owners = [
        make_enquiry(email=f"n{n}@example.com", phone=f"+9198123456{n:02}").owner for n in range(3)
    ]

    assert owners == [bela, anil, bela]


@pytest.mark.django_db
def test_nobody_is_assigned_when_sales_is_empty():
    assert make_enquiry().owner is None


@pytest.mark.django_db
def test_spam_is_assigned_to_nobody(sales):
    sales("anil")
    assert make_enquiry(is_spam=True).owner is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_enquiries_are_shared_fairly(sales):
    members = [sales(name) for name in ("anil", "bela", "chen")]
    course = make_course()
    owners: list = []
    errors: list = []
    start = threading.Barrier(12)

    def submit(n: int) -> None:
        try:
            start.wait()
            enquiry = make_enquiry(
                course=course, email=f"t{n}@example.com", phone=f"+9198123457{n:02}"
            )
            owners.append(enquiry.owner_id)
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Counter(owners) == {member.pk: 4 for member in members}


# Duplicates


@pytest.mark.django_db
def test_same_email_for_the_same_course_within_30_days_is_linked_to_the_open_original(sales):
    sales("anil")
    bela = sales("bela")
    course = make_course()
    with time_machine.travel(NOW, tick=False):
        original = make_enquiry(course=course, email="Priya@Example.com", phone="+919812345601")
    original.owner = bela
    original.save()

    with time_machine.travel(NOW + dt.timedelta(days=29), tick=False):
        repeat = make_enquiry(course=course, email="priya@example.com", phone="+919800000001")

    assert repeat.duplicate_of == original
    assert repeat.owner == bela  # the person already talking to them
    assert Enquiry.objects.count() == 2  # kept, never dropped


@pytest.mark.django_db
def test_same_phone_counts_as_the_same_person():
    course = make_course()
    original = make_enquiry(course=course, email="a@example.com", phone="+919812345601")

    repeat = make_enquiry(course=course, email="b@example.com", phone="+919812345601")

    assert repeat.duplicate_of == original


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "expected_duplicate"),
    [("other course", False), ("after 30 days", False), ("original closed", False)],
)
def test_no_link_for_another_course_an_old_or_a_closed_enquiry(case, expected_duplicate):
    course = make_course()
    with time_machine.travel(NOW, tick=False):
        original = make_enquiry(course=course)
    if case == "original closed":
        services.change_status(enquiry=original, to=Status.LOST, by=None, lost_reason="price")
    later = NOW + dt.timedelta(days=31 if case == "after 30 days" else 1)

    with time_machine.travel(later, tick=False):
        repeat = make_enquiry(course=make_course() if case == "other course" else course)

    assert (repeat.duplicate_of is not None) is expected_duplicate


# Status pipeline


@pytest.mark.django_db
def test_status_change_is_recorded_with_who_and_when_and_sets_first_response(sales):
    anil = sales("anil")
    with time_machine.travel(NOW, tick=False):
        enquiry = make_enquiry()
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        services.change_status(enquiry=enquiry, to=Status.CONTACTED, by=anil)
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        services.change_status(enquiry=enquiry, to=Status.QUALIFIED, by=anil)

    enquiry.refresh_from_db()
    assert enquiry.status == Status.QUALIFIED
    assert enquiry.first_response_time == dt.timedelta(hours=3)
    assert list(
        StatusChange.objects.values_list("from_status", "to_status", "changed_by", "changed_at")
    ) == [
        ("new", "contacted", anil.pk, NOW + dt.timedelta(hours=3)),
        ("contacted", "qualified", anil.pk, NOW + dt.timedelta(days=2)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ([Status.SPAM, Status.ENROLLED], "can't go from Spam to Enrolled"),
        ([Status.CONTACTED, Status.CONTACTED], "can't go from Contacted to Contacted"),
        ([Status.LOST], "Say why the enquiry was lost"),
    ],
)
def test_pipeline_refuses_moves_it_does_not_allow(path, message):
    enquiry = make_enquiry()
    *steps, last = path
    for step in steps:
        services.change_status(enquiry=enquiry, to=step, by=None)
    changes_before = StatusChange.objects.count()

    with pytest.raises(services.PipelineError, match=message):
        services.change_status(enquiry=enquiry, to=last, by=None)

    assert StatusChange.objects.count() == changes_before
    enquiry.refresh_from_db()
    assert enquiry.status == (steps[-1] if steps else Status.NEW)


@pytest.mark.django_db
def test_lost_records_the_reason_and_reopening_clears_it():
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Status.LOST, by=None, lost_reason="timing")
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.lost_reason) == ("lost", "timing")

    services.change_status(enquiry=enquiry, to=Status.CONTACTED, by=None)

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.lost_reason) == ("contacted", "")


@pytest.mark.django_db
def test_notes_and_reassignment_record_who(sales):
    anil, bela = sales("anil"), sales("bela")
    enquiry = make_enquiry()

    note = services.add_note(enquiry=enquiry, author=anil, text="  Wants the weekend batch. ")
    services.assign(enquiry=enquiry, owner=bela, by=anil)

    assert (note.author, note.text) == (anil, "Wants the weekend batch.")
    enquiry.refresh_from_db()
    assert enquiry.owner == bela
    assert enquiry.history.first().history_user == anil


@pytest.mark.django_db
def test_follow_up_due_lists_open_enquiries_due_today_or_overdue():
    today = dt.date(2027, 1, 11)
    due = make_enquiry(email="due@example.com", phone="+919812345601")
    overdue = make_enquiry(email="late@example.com", phone="+919812345602")
    later = make_enquiry(email="later@example.com", phone="+919812345603")
    closed = make_enquiry(email="closed@example.com", phone="+919812345604")
    for enquiry, day in [(due, today), (overdue, today - dt.timedelta(days=3))]:
        enquiry.follow_up_on = day
        enquiry.save()
    later.follow_up_on = today + dt.timedelta(days=1)
    later.save()
    closed.follow_up_on = today
    closed.save()
    services.change_status(enquiry=closed, to=Status.LOST, by=None, lost_reason="price")

    assert set(Enquiry.objects.follow_up_due(today=today)) == {due, overdue}


@pytest.mark.django_db
def test_cancelling_a_batch_emails_each_open_enquirer_once(django_capture_on_commit_callbacks):
    batch = make_batch()
    open_one = make_enquiry(batch=batch, email="open@example.com", phone="+919812345601")
    lost = make_enquiry(batch=batch, email="lost@example.com", phone="+919812345602")
    services.change_status(enquiry=lost, to=Status.LOST, by=None, lost_reason="price")

    told = services.cancel_batch(batch=batch, by=None)
    again = services.cancel_batch(batch=batch, by=None)

    assert told == [open_one]
    assert again == []
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    assert sorted(open_one.emails.values_list("kind", flat=True)) == [
        "acknowledgement",
        "batch_cancelled",
    ]
    assert list(lost.emails.values_list("kind", flat=True)) == ["acknowledgement"]


# Updates from any page or script: one service


@pytest.mark.django_db
def test_update_enquiry_moves_the_status_through_the_pipeline_and_saves_the_rest(sales):
    meera = sales("meera")
    enquiry = make_enquiry()

    services.pipeline.update_enquiry(
        enquiry=enquiry,
        changes={"status": Enquiry.Status.CONTACTED, "follow_up_on": dt.date(2027, 1, 20)},
        by=meera,
    )

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.follow_up_on) == ("contacted", dt.date(2027, 1, 20))
    change = StatusChange.objects.get(enquiry=enquiry)
    assert (change.from_status, change.to_status, change.changed_by) == ("new", "contacted", meera)
    assert enquiry.first_response_at is not None
    assert enquiry.history.first().history_user == meera


@pytest.mark.django_db
def test_update_enquiry_refuses_a_move_the_pipeline_does_not_allow_and_changes_nothing(sales):
    meera = sales("meera")
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Enquiry.Status.SPAM, by=meera)

    with pytest.raises(services.PipelineError, match="can't go from Spam to Contacted"):
        services.pipeline.update_enquiry(
            enquiry=enquiry,
            changes={"status": Enquiry.Status.CONTACTED, "name": "Someone Else"},
            by=meera,
        )

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.name) == ("spam", "Asha Verma")


@pytest.mark.django_db
def test_update_enquiry_reads_the_status_from_the_database_not_from_a_stale_copy(sales):
    meera, lee = sales("meera"), sales("lee")
    enquiry = make_enquiry()
    stale = Enquiry.objects.get(pk=enquiry.pk)
    services.change_status(enquiry=enquiry, to=Enquiry.Status.CONTACTED, by=lee)

    services.pipeline.update_enquiry(
        enquiry=stale, changes={"follow_up_on": dt.date(2027, 1, 20), "owner": meera}, by=meera
    )

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.owner, enquiry.follow_up_on) == (
        "contacted",
        meera,
        dt.date(2027, 1, 20),
    )


@pytest.mark.django_db
def test_update_enquiry_refuses_a_lost_reason_on_an_enquiry_that_is_not_lost(sales):
    enquiry = make_enquiry()

    with pytest.raises(services.PipelineError, match="Only a lost enquiry has a lost reason"):
        services.pipeline.update_enquiry(
            enquiry=enquiry, changes={"lost_reason": Enquiry.LostReason.PRICE}, by=sales("meera")
        )
