"""`manage.py load_demo` runs before every start of the site (`make run`): whatever staff and
learners did in the site meanwhile, it succeeds, seats nobody back in, leaves cancelled
batches and staff's changes alone, and, with DEBUG on, makes the demo staff logins.

State is changed through the services and the admin the site uses.
"""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from courses.demo import Fill
from courses.models import Batch
from enquiries import services
from enquiries.management.commands.load_demo import load_activity
from enquiries.models import Enquiry, Enrollment, TrainingPlan, WaitlistEntry
from enquiries.services import seats

NOW = dt.datetime(2026, 11, 10, 9, 30, tzinfo=dt.UTC)  # a Tuesday; the demo month is December
WEEKDAY, WEEKEND = Batch.Track.WEEKDAY, Batch.Track.WEEKEND
# The demo batches, by the state each shows: course, track and start date.
FULL = ("kubernetes-in-production", WEEKEND, dt.date(2026, 12, 5))
GUARANTEED = ("deep-learning", WEEKDAY, dt.date(2026, 12, 7))
UNDER_MINIMUM = ("python-for-data-analysis", WEEKEND, dt.date(2026, 12, 5))


@pytest.fixture(autouse=True)
def clock():
    """Batch dates are counted from today: a fixed clock loads the same batches every run."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def batch(key: tuple) -> Batch:
    slug, track, start = key
    return Batch.objects.get(course__slug=slug, track=track, start_date=start)


def seat(key: tuple, email: str) -> Enrollment:
    return Enrollment.objects.confirmed().get(batch=batch(key), email=email)


def place(key: tuple, email: str) -> WaitlistEntry:
    return WaitlistEntry.objects.get(batch=batch(key), email=email)


def seats_and_places() -> set[tuple]:
    """Every seat and waiting-list place, with its id: a new or changed row shows."""
    return {
        ("seat", row.pk, row.batch_id, row.email, row.status) for row in Enrollment.objects.all()
    } | {
        ("place", row.pk, row.batch_id, row.email, row.status)
        for row in WaitlistEntry.objects.all()
    }


def change_batch(client, key: tuple, **changes: str) -> None:
    """Save the batch's admin change page with `changes` typed in, as staff would."""
    url = f"/admin/courses/batch/{batch(key).pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            data |= {name: "on"} if value else {}
        else:
            data[name] = "" if value is None else str(value)
    response = client.post(url, data | changes | {"_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.django_db
def test_rerun_after_the_waiting_list_offer_is_accepted_succeeds_and_seats_nobody_back():
    load_demo()
    seats.cancel_enrollment(enrollment=seat(FULL, "aarav@example.com"), by=None)
    offered = place(FULL, "oliver@example.com")
    assert offered.status == WaitlistEntry.Status.OFFERED
    seats.accept_offer(token=offered.token)
    before = seats_and_places()

    output = load_demo()

    assert seats_and_places() == before
    assert Enrollment.objects.confirmed().filter(batch=batch(FULL)).count() == 8
    assert not Enrollment.objects.confirmed().filter(email="aarav@example.com", batch=batch(FULL))
    assert place(FULL, "ananya@example.com").status == WaitlistEntry.Status.WAITING
    assert f"Demo batch full with a waiting list: {batch(FULL)} (0 of 10 learners added)" in output


@pytest.mark.parametrize("ending", ["left", "expired"])
@pytest.mark.django_db
def test_rerun_puts_nobody_back_on_the_waiting_list_whose_place_ended(clock, ending):
    load_demo()
    if ending == "left":
        seats.leave_waitlist(token=place(FULL, "ananya@example.com").token)
    else:
        seats.cancel_enrollment(enrollment=seat(FULL, "aarav@example.com"), by=None)
        clock.shift(dt.timedelta(hours=seats.offer_hours() + 1))
        seats.expire_offers()  # Oliver's offer lapses and passes to Ananya
    before = seats_and_places()

    load_demo()

    assert seats_and_places() == before


@pytest.mark.django_db
def test_rerun_after_a_seat_is_cancelled_seats_nobody_back_in():
    load_demo()
    seats.cancel_enrollment(enrollment=seat(UNDER_MINIMUM, "aarav@example.com"), by=None)
    before = seats_and_places()

    load_demo()

    assert seats_and_places() == before
    assert Enrollment.objects.confirmed().filter(batch=batch(UNDER_MINIMUM)).count() == 1


@pytest.mark.django_db
def test_rerun_after_a_transfer_seats_nobody_back_in_the_first_batch():
    load_demo()
    weekend = ("deep-learning", WEEKEND, dt.date(2026, 12, 5))
    moved = seats.transfer(
        enrollment=seat(GUARANTEED, "aarav@example.com"), to_batch=batch(weekend), by=None
    )
    before = seats_and_places()

    load_demo()

    assert seats_and_places() == before
    aarav = Enrollment.objects.confirmed().filter(email="aarav@example.com")
    assert list(aarav.filter(batch__course__slug="deep-learning")) == [moved]
    assert Enrollment.objects.confirmed().filter(batch=batch(GUARANTEED)).count() == 5


@pytest.mark.django_db
def test_a_demo_batch_staff_cancelled_stays_cancelled_and_empty():
    load_demo()
    services.cancel_batch(batch=batch(GUARANTEED), by=None)

    output = load_demo()

    cancelled = batch(GUARANTEED)
    assert cancelled.status == Batch.Status.CANCELLED
    assert not Enrollment.objects.confirmed().filter(batch=cancelled).exists()
    assert f"Demo batch guaranteed to run: skipped, {cancelled} is cancelled." in output


@pytest.mark.django_db
def test_a_capacity_staff_raised_stays_and_the_demo_adds_nobody_for_it(admin_client):
    load_demo()
    change_batch(admin_client, FULL, capacity="10")  # offers the two free seats
    before = seats_and_places()

    load_demo()

    assert batch(FULL).capacity == 10
    assert seats_and_places() == before
    for email in ("oliver@example.com", "ananya@example.com"):
        assert place(FULL, email).status == WaitlistEntry.Status.OFFERED


@pytest.mark.django_db
def test_a_minimum_staff_removed_is_not_set_again(admin_client):
    load_demo()
    assert batch(GUARANTEED).min_participants == 5
    change_batch(admin_client, GUARANTEED, min_participants="")

    load_demo()

    assert batch(GUARANTEED).min_participants is None


@pytest.mark.django_db
def test_a_demo_batch_staff_deleted_is_reported_and_skipped(admin_client):
    call_command("load_demo_catalog", stdout=StringIO())
    admin_client.post(f"/admin/courses/batch/{batch(UNDER_MINIMUM).pk}/delete/", {"post": "yes"})

    output = load_demo()

    with pytest.raises(Batch.DoesNotExist):
        batch(UNDER_MINIMUM)
    assert (
        "Demo batch under its minimum: skipped, next month's python-for-data-analysis weekend "
        "batch is missing (deleted or moved by staff)."
    ) in output
    assert Enrollment.objects.confirmed().filter(batch=batch(GUARANTEED)).count() == 6


@pytest.mark.django_db
def test_demo_batches_that_have_started_are_left_alone(clock):
    call_command("load_demo_catalog", stdout=StringIO())
    clock.move_to(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))  # the weekend batches started
    out = StringIO()

    load_activity(today=NOW.date(), catalog=Fill(), stdout=out)

    assert not Enrollment.objects.filter(batch__in=[batch(FULL), batch(UNDER_MINIMUM)])
    assert not WaitlistEntry.objects.exists()
    assert f"Demo batch full with a waiting list: skipped, {batch(FULL)} has started." in (
        out.getvalue()
    )
    assert Enrollment.objects.confirmed().filter(batch=batch(GUARANTEED)).count() == 6


@pytest.mark.django_db
def test_the_one_on_one_plan_staff_deleted_is_not_made_again(admin_client):
    load_demo()
    plan = TrainingPlan.objects.get(request__enquiry__email="hannah@example.com")
    deleted = admin_client.post(f"/admin/enquiries/trainingplan/{plan.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    output = load_demo()

    assert not TrainingPlan.objects.exists()
    assert Enquiry.objects.filter(email="hannah@example.com").count() == 1
    assert "Demo one-on-one plan: skipped, staff deleted Hannah's plan." in output


# Demo logins


@pytest.mark.django_db
def test_demo_logins_for_admin_sales_and_scheduler_with_debug_on(settings, client):
    settings.DEBUG = True

    output = load_demo()

    users = get_user_model().objects
    admin, sales, scheduler = (users.get(username=name) for name in ("admin", "sales", "scheduler"))
    assert admin.is_superuser and admin.is_staff
    assert sales.is_staff and not sales.is_superuser
    assert list(sales.groups.values_list("name", flat=True)) == [services.SALES_GROUP]
    assert scheduler.is_staff and not scheduler.is_superuser
    assert list(scheduler.groups.values_list("name", flat=True)) == [services.SCHEDULER_GROUP]
    for name in ("admin", "sales", "scheduler"):
        # django-axes checks each sign-in against its request (AxesStandaloneBackend).
        signing_in = RequestFactory().post("/admin/login/")
        assert client.login(request=signing_in, username=name, password=name), name
        assert client.get("/admin/").status_code == 200, name
    assert Enquiry.objects.get(email="hannah@example.com").owner == sales
    assert output.rstrip().endswith(
        "Demo logins at /admin/ (username / password):\n"
        "  admin / admin: superuser\n"
        "  sales / sales: Sales\n"
        "  scheduler / scheduler: Scheduler"
    )


@pytest.mark.django_db
def test_demo_logins_staff_changed_are_left_as_they_are(settings):
    settings.DEBUG = True
    load_demo()
    sales = get_user_model().objects.get(username="sales")
    sales.set_password("a new password")
    sales.save()
    sales.groups.clear()

    output = load_demo()

    sales.refresh_from_db()
    assert sales.check_password("a new password")
    assert not sales.groups.exists()
    assert "  sales: Sales; an existing user, left as it was" in output


@pytest.mark.django_db
def test_no_demo_logins_with_debug_off(settings):
    settings.DEBUG = False

    output = load_demo()

    assert not get_user_model().objects.exists()
    assert "No demo logins: they are made only with DJANGO_DEBUG=1." in output
