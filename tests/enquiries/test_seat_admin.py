"""Seats in the back office: enrolling from an enquiry or a batch, the enrollment and waiting-list
lists with their actions (cancel, transfer, reorder, offer), the batch page and list, and
cancelling a batch with seats. Through the client as a superuser (`admin_client`) and, for the
personal-data boundary, as a member of the Scheduler group.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from courses.models import Batch, Course
from enquiries.models import Enquiry, Enrollment, OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
DEADLINE = NOW + dt.timedelta(hours=48)
ENQUIRIES = "/admin/enquiries/enquiry/"
ENROLLMENTS = "/admin/enquiries/enrollment/"
WAITLIST = "/admin/enquiries/waitlistentry/"
BATCHES = "/admin/courses/batch/"
Waiting, Offered = WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED
# Pinned query counts: session, user; filter choices (courses and batches, or batches); the
# filtered and full counts; the page of rows. The batch list as in tests/test_query_counts.py.
ENROLLMENT_ADMIN_QUERIES = 7
WAITLIST_ADMIN_QUERIES = 6
BATCH_ADMIN_QUERIES = 9


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def course() -> Course:
    return make_course(title="Python Basics", slug="python")


@pytest.fixture
def scheduler(client, django_user_model):
    """A member of staff in the Scheduler group (from the roles migration): batches, no learners."""
    user = django_user_model.objects.create_user(
        "sam", email="sam@example.com", password="correct horse battery", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Scheduler"))
    client.force_login(user)
    return client


def learner(name: str) -> seats.Learner:
    return seats.Learner(name=f"{name.title()} Rao", email=f"{name}@example.com")


def enroll(batch: Batch, name: str) -> Enrollment | WaitlistEntry:
    return seats.enroll(batch=batch, learner=learner(name))


def full_batch(course: Course, *waiting: str, capacity: int = 1, **fields) -> Batch:
    """A batch whose `capacity` seats are taken (seat0, seat1 …), with `waiting` queued in turn."""
    batch = make_batch(course=course, capacity=capacity, **fields)
    for n in range(capacity):
        assert isinstance(enroll(batch, f"seat{n}"), Enrollment)
    for name in waiting:
        assert isinstance(enroll(batch, name), WaitlistEntry)
    return batch


def entry_of(batch: Batch, name: str) -> WaitlistEntry:
    return WaitlistEntry.objects.get(batch=batch, email=f"{name}@example.com")


def seat_of(batch: Batch, name: str) -> Enrollment:
    return Enrollment.objects.get(batch=batch, email=f"{name}@example.com")


def statuses(batch: Batch) -> dict[str, str]:
    return {
        entry.email.split("@")[0]: entry.status
        for entry in WaitlistEntry.objects.filter(batch=batch).order_by("position", "pk")
    }


def offers_emailed_to() -> list[str]:
    return sorted(
        OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SEAT_OFFER).values_list(
            "to", flat=True
        )
    )


def messages_of(response) -> list[str]:
    """The messages shown after a redirect (post with follow=True)."""
    assert response.redirect_chain, "the request should redirect"
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, url: str, action: str, selected, **fields):
    """Post an action from a changelist; follow=True only for the final (post=yes) step."""
    data = {"action": action, "_selected_action": [obj.pk for obj in selected], **fields}
    return client.post(url, data, follow=fields.get("post") == "yes")


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def hidden_selected(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="_selected_action" value="(\d+)">', html)


def change_form_data(client, url: str, **changes) -> dict:
    """What the browser sends back from an admin change page, with `changes` typed in."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    return data | {"_save": "Save"} | changes


def action_choices(response) -> set[str]:
    form = response.context["action_form"]
    return {value for value, _ in form.fields["action"].choices if value} if form else set()


# Enrolling from an enquiry: the change page's button


def enrol_url(enquiry: Enquiry) -> str:
    return f"{ENQUIRIES}{enquiry.pk}/enrol/"


@pytest.mark.django_db
def test_enquiry_page_has_an_enrol_button_posting_to_the_enrol_url(admin_client, course):
    batch = make_batch(course=course)
    enquiry = make_enquiry(batch=batch)

    html = html_of(admin_client.get(f"{ENQUIRIES}{enquiry.pk}/change/"))

    form = re.search(
        r'<form method="post" action="([^"]+)" class="seat-tool-form">(.*?)</form>', html, re.S
    )
    assert form.group(1) == enrol_url(enquiry)
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert f'<button type="submit">{escape(f"Enrol in {batch}")}</button>' in form.group(2)
    # The change form is a separate form: the button is not inside it.
    assert html.index("seat-tool-form") < html.index('id="enquiry_form"')


@pytest.mark.django_db
def test_enquiry_without_a_batch_has_no_enrol_button(admin_client, course):
    enquiry = make_enquiry(course=course)

    html = html_of(admin_client.get(f"{ENQUIRIES}{enquiry.pk}/change/"))

    assert "seat-tool-form" not in html
    assert "Enrol in" not in html


@pytest.mark.django_db
def test_enrol_button_confirms_a_seat_and_moves_the_enquiry_to_enrolled(
    admin_client, admin_user, course
):
    batch = make_batch(course=course, capacity=2)
    enquiry = make_enquiry(batch=batch, name="Asha Verma", email="asha@example.com")

    response = admin_client.post(enrol_url(enquiry), follow=True)

    assert response.redirect_chain[0][0] == f"{ENQUIRIES}{enquiry.pk}/change/"
    assert messages_of(response) == [f"Seat confirmed for Asha Verma in {batch}."]
    seat = Enrollment.objects.get()
    assert (seat.batch, seat.enquiry, seat.email, seat.status) == (
        batch,
        enquiry,
        "asha@example.com",
        "confirmed",
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ENROLLED
    assert enquiry.status_changes.get().changed_by == admin_user
    # The enquiry page now names the seat.
    assert f"Confirmed seat in {escape(str(batch))}" in html_of(response)


@pytest.mark.django_db
def test_enrol_button_in_a_full_batch_puts_the_learner_on_the_waiting_list(admin_client, course):
    batch = full_batch(course, "ben")
    enquiry = make_enquiry(batch=batch, name="Asha Verma", email="asha@example.com")

    response = admin_client.post(enrol_url(enquiry), follow=True)

    assert messages_of(response) == [
        f"{batch} was full: Asha Verma is number 2 on the waiting list."
    ]
    assert not Enrollment.objects.filter(email="asha@example.com").exists()
    entry = entry_of(batch, "asha")
    assert (entry.status, entry.enquiry) == (Waiting, enquiry)
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW  # no seat yet


@pytest.mark.django_db
def test_enrol_button_turns_a_seat_error_into_a_message(admin_client, course):
    batch = make_batch(course=course)
    enquiry = make_enquiry(batch=batch, name="Asha Verma")
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.CANCELLED)

    response = admin_client.post(enrol_url(enquiry), follow=True)

    assert messages_of(response) == ["Asha Verma was not enrolled: This batch has been cancelled."]
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_enrolling_twice_says_the_learner_already_has_a_seat(admin_client, course):
    enquiry = make_enquiry(batch=make_batch(course=course), name="Asha Verma")
    admin_client.post(enrol_url(enquiry), follow=True)

    response = admin_client.post(enrol_url(enquiry), follow=True)

    assert messages_of(response) == [
        "Asha Verma was not enrolled: Asha Verma already has a seat in this batch."
    ]
    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
def test_enrol_url_takes_only_a_post_with_a_csrf_token(admin_user, course):
    enquiry = make_enquiry(batch=make_batch(course=course))
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    assert client.get(enrol_url(enquiry)).status_code == 405
    assert client.post(enrol_url(enquiry)).status_code == 403  # no CSRF token
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_enrolling_needs_the_add_enrollment_permission(client, django_user_model, course):
    enquiry = make_enquiry(batch=make_batch(course=course))
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_enquiry", "change_enquiry"])
    )
    client.force_login(user)

    page = html_of(client.get(f"{ENQUIRIES}{enquiry.pk}/change/"))
    response = client.post(enrol_url(enquiry))

    assert "seat-tool-form" not in page
    assert "enrol_in_batch" not in action_choices(client.get(ENQUIRIES))
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_scheduler_cannot_enrol_from_an_enquiry(scheduler, course):
    enquiry = make_enquiry(batch=make_batch(course=course))

    assert scheduler.post(enrol_url(enquiry)).status_code == 403
    assert not Enrollment.objects.exists()


# Enrolling from the enquiry list: "Enrol in their batch"


@pytest.mark.django_db
def test_bulk_enrol_asks_for_confirmation_showing_each_batch_s_free_seats(admin_client, course):
    roomy = make_batch(course=course, capacity=5)
    full = full_batch(course, "ben", track=Batch.Track.WEEKEND)
    asha = make_enquiry(batch=roomy, name="Asha Verma", email="asha@example.com")
    cara = make_enquiry(batch=full, name="Cara Das", email="cara@example.com")
    no_batch = make_enquiry(course=course, name="Dev Nair", email="dev@example.com")

    response = run_action(admin_client, ENQUIRIES, "enrol_in_batch", [asha, cara, no_batch])

    html = html_of(response)
    assert sorted(hidden_selected(html)) == sorted(str(e.pk) for e in [asha, cara, no_batch])
    rows = re.search(r'<table id="enrol-rows">(.*?)</table>', html, re.S).group(1)
    assert "Asha Verma" in rows and "Cara Das" in rows and "Dev Nair" not in rows
    assert "<td>5</td>" in rows
    assert "Full: joins the waiting list (1 waiting)" in rows
    assert f"no batch and will be left as it is: {no_batch.reference}" in html
    assert 'value="Yes, enrol 2 learners"' in html
    assert not Enrollment.objects.filter(email__in=["asha@example.com", "cara@example.com"])
    assert not WaitlistEntry.objects.filter(email="cara@example.com").exists()


@pytest.mark.django_db
def test_bulk_enrol_confirmed_enrols_each_learner_and_says_what_happened(admin_client, course):
    roomy = make_batch(course=course, capacity=5)
    full = full_batch(course, "ben", track=Batch.Track.WEEKEND)
    asha = make_enquiry(batch=roomy, name="Asha Verma", email="asha@example.com")
    cara = make_enquiry(batch=full, name="Cara Das", email="cara@example.com")
    no_batch = make_enquiry(course=course, name="Dev Nair", email="dev@example.com")

    response = run_action(
        admin_client, ENQUIRIES, "enrol_in_batch", [asha, cara, no_batch], post="yes"
    )

    assert sorted(messages_of(response)) == sorted(
        [
            f"Seat confirmed for Asha Verma in {roomy}.",
            f"{full} was full: Cara Das is number 2 on the waiting list.",
            f"1 enquiry names no batch, so it was not enrolled ({no_batch.reference}).",
        ]
    )
    assert seat_of(roomy, "asha").enquiry == asha
    assert entry_of(full, "cara").status == Waiting
    assert Enquiry.objects.get(pk=asha.pk).status == Enquiry.Status.ENROLLED
    assert Enquiry.objects.get(pk=cara.pk).status == Enquiry.Status.NEW


# "Add a learner" on a batch


def add_learner_url(batch: Batch) -> str:
    return f"{BATCHES}{batch.pk}/add-learner/"


@pytest.mark.django_db
def test_batch_page_links_to_add_a_learner_which_shows_a_labelled_form(admin_client, course):
    batch = make_batch(course=course, capacity=3)

    page = html_of(admin_client.get(f"{BATCHES}{batch.pk}/change/"))
    form = html_of(admin_client.get(add_learner_url(batch)))

    assert f'<a href="{add_learner_url(batch)}">Add a learner</a>' in page
    for field, label in [
        ("name", "Full name"),
        ("email", "Email address"),
        ("phone", "Phone number"),
    ]:
        assert re.search(rf'<label[^>]*for="id_{field}"[^>]*>{label}:?</label>', form), field
    assert "3 left now" in form


@pytest.mark.django_db
def test_adding_a_learner_to_a_batch_with_seats_confirms_a_seat(admin_client, course):
    batch = make_batch(course=course, capacity=3)

    response = admin_client.post(
        add_learner_url(batch),
        {"name": "Asha Verma", "email": "asha@example.com", "phone": "+91 98123 45678"},
        follow=True,
    )

    assert response.redirect_chain[0][0] == f"{BATCHES}{batch.pk}/change/"
    assert messages_of(response) == [f"Seat confirmed for Asha Verma in {batch}."]
    seat = Enrollment.objects.get()
    assert (seat.batch, seat.name, seat.phone, seat.enquiry) == (
        batch,
        "Asha Verma",
        "+919812345678",
        None,
    )


@pytest.mark.django_db
def test_adding_a_learner_to_a_full_batch_puts_them_on_the_waiting_list(admin_client, course):
    batch = full_batch(course)

    response = admin_client.post(
        add_learner_url(batch), {"name": "Asha Verma", "email": "asha@example.com"}, follow=True
    )

    assert messages_of(response) == [
        f"{batch} was full: Asha Verma is number 1 on the waiting list."
    ]
    assert entry_of(batch, "asha").status == Waiting


@pytest.mark.django_db
def test_adding_a_learner_shows_bad_fields_and_seat_errors_on_the_form(admin_client, course):
    batch = make_batch(course=course)
    enroll(batch, "asha")

    bad = admin_client.post(add_learner_url(batch), {"name": "", "email": "x", "phone": "12"})
    twice = admin_client.post(
        add_learner_url(batch), {"name": "Asha Rao", "email": "ASHA@example.com"}
    )

    assert set(bad.context["form"].errors) == {"name", "email", "phone"}
    assert "Enter the learner&#x27;s name." in html_of(bad)
    assert twice.context["form"].non_field_errors() == [
        "Asha Rao already has a seat in this batch."
    ]
    assert "Asha Rao already has a seat in this batch." in html_of(twice)
    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
def test_scheduler_cannot_add_a_learner(scheduler, course):
    batch = make_batch(course=course)

    page = html_of(scheduler.get(f"{BATCHES}{batch.pk}/change/"))

    assert "Add a learner" not in page
    assert scheduler.get(add_learner_url(batch)).status_code == 403
    response = scheduler.post(add_learner_url(batch), {"name": "A", "email": "a@example.com"})
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


# The enrollment list


@pytest.mark.django_db
def test_enrollment_list_shows_each_seat_with_its_enquiry(admin_client, course):
    batch = make_batch(course=course)
    enquiry = make_enquiry(batch=batch, name="Asha Verma", email="asha@example.com")
    seats.enroll(batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)
    enroll(batch, "ben")

    response = admin_client.get(ENROLLMENTS)

    html = html_of(response)
    # Newest first.
    assert [row.name for row in response.context["cl"].result_list] == ["Ben Rao", "Asha Verma"]
    assert escape(str(batch)) in html
    assert "ben@example.com" in html
    assert f'<a href="{ENQUIRIES}{enquiry.pk}/change/">{enquiry.reference}</a>' in html
    assert "Mon 02 Mar 2026, 09:30 UTC" in html
    assert f'href="{ENROLLMENTS}add/"' not in html  # seats come from enrolling
    assert action_choices(response) == {"cancel_seats", "transfer_seats"}  # no delete


@pytest.mark.django_db
def test_enrollment_list_filters_by_status_course_and_track(admin_client, course):
    weekday = make_batch(course=course)
    weekend = make_batch(course=course, track=Batch.Track.WEEKEND)
    other = make_batch(course=make_course(title="Go"))
    enroll(weekday, "asha")
    enroll(weekend, "ben")
    enroll(other, "cara")
    seats.cancel_enrollment(enrollment=seat_of(weekday, "asha"), by=None)

    def names(query: str) -> set[str]:
        response = admin_client.get(f"{ENROLLMENTS}?{query}")
        return {row.name for row in response.context["cl"].result_list}

    assert names("status__exact=cancelled") == {"Asha Rao"}
    assert names(f"batch__course__id__exact={course.pk}") == {"Asha Rao", "Ben Rao"}
    assert names("batch__track__exact=weekend") == {"Ben Rao"}
    assert names(f"batch={other.pk}") == {"Cara Rao"}
    assert names("q=cara") == {"Cara Rao"}


@pytest.mark.django_db
def test_a_seat_s_page_is_read_only(admin_client, course):
    batch = make_batch(course=course)
    seat = enroll(batch, "asha")
    url = f"{ENROLLMENTS}{seat.pk}/change/"

    html = html_of(admin_client.get(url))
    response = admin_client.post(url, {"status": "cancelled", "batch": batch.pk})

    assert 'name="status"' not in html and 'name="batch"' not in html
    assert "Asha Rao" in html
    assert response.status_code == 403
    assert seat_of(batch, "asha").status == "confirmed"
    assert admin_client.post(f"{ENROLLMENTS}{seat.pk}/delete/").status_code == 403


@pytest.mark.parametrize("url", [ENROLLMENTS, WAITLIST], ids=["enrollments", "waiting-list"])
@pytest.mark.django_db
def test_scheduler_is_refused_seats_and_waiting_lists(scheduler, course, url):
    full_batch(course, "ben")

    response = scheduler.get(url)

    assert response.status_code == 403
    assert "Ben Rao" not in response.content.decode()


# Cancel seat


@pytest.mark.django_db
def test_cancel_seat_asks_for_confirmation_and_names_who_is_waiting(admin_client, course):
    batch = full_batch(course, "ben", "cara")
    seat = seat_of(batch, "seat0")

    response = run_action(admin_client, ENROLLMENTS, "cancel_seats", [seat])

    html = html_of(response)
    assert "2 people: the first is offered the seat" in html
    assert 'value="Yes, cancel 1 seat"' in html
    assert hidden_selected(html) == [str(seat.pk)]
    assert seat_of(batch, "seat0").status == "confirmed"
    assert statuses(batch) == {"ben": Waiting, "cara": Waiting}


@pytest.mark.django_db
def test_cancel_seat_offers_the_seat_to_the_first_waiting_person(admin_client, admin_user, course):
    batch = full_batch(course, "ben", "cara")
    seat = seat_of(batch, "seat0")

    response = run_action(admin_client, ENROLLMENTS, "cancel_seats", [seat], post="yes")

    assert messages_of(response) == [
        f"Cancelled 1 seat: Seat0 Rao in {batch}. The freed seat was offered to the next "
        f"person on the waiting list, who is emailed: Ben Rao (ben@example.com) in {batch}. "
        "The offer is open until Wed 04 Mar 2026, 09:30 UTC."
    ]
    seat.refresh_from_db()
    assert (seat.status, seat.ended_at) == ("cancelled", NOW)
    assert seat.history.first().history_user == admin_user
    ben = entry_of(batch, "ben")
    assert (ben.status, ben.offered_at, ben.offer_expires_at) == (Offered, NOW, DEADLINE)
    assert statuses(batch)["cara"] == Waiting
    assert offers_emailed_to() == ["ben@example.com"]


@pytest.mark.django_db
def test_cancel_seat_with_nobody_waiting_leaves_the_seat_free(admin_client, course):
    batch = full_batch(course)

    response = run_action(
        admin_client, ENROLLMENTS, "cancel_seats", [seat_of(batch, "seat0")], post="yes"
    )

    assert messages_of(response) == [
        f"Cancelled 1 seat: Seat0 Rao in {batch}. Nobody was waiting, so the freed seat is "
        "open to the next enrolment."
    ]
    assert Batch.objects.get(pk=batch.pk).seats_left == 1


@pytest.mark.django_db
def test_cancel_seat_leaves_seats_that_are_not_confirmed(admin_client, course):
    batch = full_batch(course)
    seat = seat_of(batch, "seat0")
    seats.cancel_enrollment(enrollment=seat, by=None)

    page = html_of(run_action(admin_client, ENROLLMENTS, "cancel_seats", [seat]))
    response = run_action(admin_client, ENROLLMENTS, "cancel_seats", [seat], post="yes")

    assert "None of the selected seats is confirmed" in page
    assert "Yes, cancel" not in page
    assert messages_of(response) == ["1 seat was not confirmed and left as they were."]


# Transfer to another batch…


@pytest.fixture
def transfer_batches(course):
    """Asha's seat in `source`, and the other batches of the course and of another course."""
    source = make_batch(course=course, start_date=dt.date(2026, 3, 16), capacity=5)
    batches = {
        "source": source,
        "roomy": make_batch(course=course, start_date=dt.date(2026, 3, 23), capacity=5),
        "unlimited": make_batch(course=course, start_date=dt.date(2026, 3, 30), capacity=None),
        "full": full_batch(course, start_date=dt.date(2026, 4, 6)),
        "cancelled": make_batch(
            course=course, start_date=dt.date(2026, 4, 13), status=Batch.Status.CANCELLED
        ),
        "unpublished": make_batch(
            course=course, start_date=dt.date(2026, 4, 20), is_published=False
        ),
        "other course": make_batch(course=make_course(title="Go"), start_date=dt.date(2026, 3, 23)),
    }
    enroll(source, "asha")
    return batches


@pytest.mark.django_db
def test_transfer_page_lists_only_the_course_s_other_batches_with_free_seats(
    admin_client, transfer_batches
):
    seat = seat_of(transfer_batches["source"], "asha")

    response = run_action(admin_client, ENROLLMENTS, "transfer_seats", [seat])

    html = html_of(response)
    listed = [int(pk) for pk in re.findall(r'name="to_batch" value="(\d+)"', html)]
    assert listed == [transfer_batches["roomy"].pk, transfer_batches["unlimited"].pk]
    assert 'value="Continue"' in html
    assert seat_of(transfer_batches["source"], "asha").status == "confirmed"


@pytest.mark.django_db
def test_choosing_a_batch_asks_to_confirm_the_move(admin_client, transfer_batches):
    seat = seat_of(transfer_batches["source"], "asha")
    roomy = transfer_batches["roomy"]

    response = run_action(admin_client, ENROLLMENTS, "transfer_seats", [seat], to_batch=roomy.pk)

    html = html_of(response)
    assert f"Move Asha Rao to <strong>{escape(str(roomy))}</strong>?" in html
    assert f'<input type="hidden" name="to_batch" value="{roomy.pk}">' in html
    assert 'value="Yes, transfer 1 seat"' in html
    assert not Enrollment.objects.filter(batch=roomy).exists()


@pytest.mark.django_db
def test_transfer_moves_the_seat_and_the_history_records_it(
    admin_client, admin_user, transfer_batches
):
    source, roomy = transfer_batches["source"], transfer_batches["roomy"]
    seat = seat_of(source, "asha")

    response = run_action(
        admin_client, ENROLLMENTS, "transfer_seats", [seat], to_batch=roomy.pk, post="yes"
    )

    assert messages_of(response) == [
        f"Moved Asha Rao from {source} to {roomy}.",
        "Nobody was waiting, so the freed seat is open to the next enrolment.",
    ]
    seat.refresh_from_db()
    moved = seat.transferred_to
    assert (seat.status, moved.batch, moved.status) == ("transferred", roomy, "confirmed")
    last = seat.history.first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        "transferred",
        admin_user,
        f"Transferred to {roomy}",
    )
    history = html_of(admin_client.get(f"{ENROLLMENTS}{seat.pk}/history/"))
    assert escape(f"Transferred to {roomy}") in history
    assert re.search(r"Confirmed\s*&nbsp;&rarr;&nbsp;&nbsp;Transferred", history)


@pytest.mark.django_db
def test_transfer_offers_the_seat_left_behind_to_the_waiting_list(admin_client, course):
    source = full_batch(course, "ben")
    target = make_batch(course=course, track=Batch.Track.WEEKEND, capacity=3)

    response = run_action(
        admin_client,
        ENROLLMENTS,
        "transfer_seats",
        [seat_of(source, "seat0")],
        to_batch=target.pk,
        post="yes",
    )

    assert messages_of(response)[0] == f"Moved Seat0 Rao from {source} to {target}."
    assert "Ben Rao (ben@example.com)" in messages_of(response)[1]
    assert entry_of(source, "ben").status == Offered
    assert offers_emailed_to() == ["ben@example.com"]


@pytest.mark.django_db
def test_transfer_to_a_full_batch_is_refused_with_a_message(admin_client, transfer_batches):
    source, full = transfer_batches["source"], transfer_batches["full"]
    seat = seat_of(source, "asha")

    response = run_action(
        admin_client, ENROLLMENTS, "transfer_seats", [seat], to_batch=full.pk, post="yes"
    )

    assert messages_of(response) == [f"Asha Rao was not moved: {full} has no free seat."]
    seat.refresh_from_db()
    assert (seat.status, seat.batch) == ("confirmed", source)
    assert Enrollment.objects.filter(batch=full).count() == 1


@pytest.mark.django_db
def test_transfer_to_a_batch_where_the_learner_has_a_seat_is_refused_with_a_message(
    admin_client, transfer_batches
):
    source, roomy = transfer_batches["source"], transfer_batches["roomy"]
    enroll(roomy, "asha")

    response = run_action(
        admin_client,
        ENROLLMENTS,
        "transfer_seats",
        [seat_of(source, "asha")],
        to_batch=roomy.pk,
        post="yes",
    )

    assert messages_of(response) == [
        f"Asha Rao was not moved: Asha Rao already has a seat in {roomy}."
    ]
    assert seat_of(source, "asha").status == "confirmed"


@pytest.mark.django_db
def test_transfer_to_a_batch_of_another_course_is_not_accepted(admin_client, transfer_batches):
    seat = seat_of(transfer_batches["source"], "asha")

    response = run_action(
        admin_client,
        ENROLLMENTS,
        "transfer_seats",
        [seat],
        to_batch=transfer_batches["other course"].pk,
        post="yes",
    )

    assert "Choose one of the batches listed." in html_of(response)
    assert seat_of(transfer_batches["source"], "asha").status == "confirmed"


@pytest.mark.django_db
def test_transfer_of_a_seat_that_is_not_confirmed_is_refused(admin_client, transfer_batches):
    seat = seat_of(transfer_batches["source"], "asha")
    seats.cancel_enrollment(enrollment=seat, by=None)

    response = admin_client.post(
        ENROLLMENTS,
        {"action": "transfer_seats", "_selected_action": [seat.pk], "index": "0"},
        follow=True,
    )

    assert messages_of(response) == ["Only confirmed seats can be transferred; select those only."]


# The waiting list: reorder, offer free seats now


@pytest.mark.django_db
def test_waiting_list_shows_each_batch_s_queue_in_order_with_places(admin_client, course):
    batch = full_batch(course, "ben", "cara", "dev")
    seats.leave_waitlist(token=entry_of(batch, "cara").token)

    response = admin_client.get(f"{WAITLIST}?batch={batch.pk}")

    rows = response.context["cl"].result_list
    assert [(row.name, row.position, row.status) for row in rows] == [
        ("Ben Rao", 1, "waiting"),
        ("Cara Rao", 2, "left"),
        ("Dev Rao", 3, "waiting"),
    ]
    html = html_of(response)
    places = re.findall(r'<td class="field-place">(.*?)</td>', html)
    assert places == ["1", "—", "2"]
    assert 'name="form-0-position"' in html
    assert f'href="{WAITLIST}add/"' not in html


def reorder(client, batch: Batch, positions: dict[str, int]):
    """Edit positions in the waiting-list changelist and save, as staff do."""
    url = f"{WAITLIST}?batch={batch.pk}"
    formset = client.get(url).context["cl"].formset
    data = {f"form-{name}": value for name, value in formset.management_form.initial.items()}
    for form in formset.forms:
        entry = form.instance
        data[form.add_prefix("id")] = entry.pk
        data[form.add_prefix("position")] = positions.get(entry.email.split("@")[0], entry.position)
    return client.post(url, data | {"_save": "Save"}, follow=True)


@pytest.mark.django_db
def test_reordering_the_waiting_list_changes_who_is_offered_the_next_seat(
    admin_client, admin_user, course
):
    batch = full_batch(course, "ben", "cara")

    response = reorder(admin_client, batch, {"ben": 3, "cara": 1})
    seats.cancel_enrollment(enrollment=seat_of(batch, "seat0"), by=None)

    assert messages_of(response) == ["2 waiting list entries were changed successfully."]
    assert statuses(batch) == {"cara": Offered, "ben": Waiting}
    assert offers_emailed_to() == ["cara@example.com"]
    assert seats.waiting_position(entry_of(batch, "ben")) == 1
    moved_up = entry_of(batch, "cara").history.filter(position=1).last()  # the earliest
    assert moved_up.history_user == admin_user


@pytest.mark.django_db
def test_reordering_writes_only_the_position(admin_client, course):
    """An offer made after the list was loaded is not undone by saving the list."""
    batch = full_batch(course, "ben")
    formset = admin_client.get(f"{WAITLIST}?batch={batch.pk}").context["cl"].formset
    seats.cancel_enrollment(enrollment=seat_of(batch, "seat0"), by=None)  # Ben is offered

    data = {f"form-{name}": value for name, value in formset.management_form.initial.items()}
    data |= {"form-0-id": entry_of(batch, "ben").pk, "form-0-position": 7, "_save": "Save"}
    admin_client.post(f"{WAITLIST}?batch={batch.pk}", data)

    ben = entry_of(batch, "ben")
    assert (ben.position, ben.status) == (7, Offered)


@pytest.mark.django_db
def test_offer_free_seats_now_asks_for_confirmation_naming_who_is_next(admin_client, course):
    batch = full_batch(course, "ben", "cara", "dev")
    Batch.objects.filter(pk=batch.pk).update(capacity=3)  # two seats free, not yet offered

    response = run_action(admin_client, WAITLIST, "offer_free_seats_now", [entry_of(batch, "dev")])

    html = html_of(response)
    assert "2 free seats; 3 people waiting." in html
    table = re.search(r'<table class="next-in-line">(.*?)</table>', html, re.S).group(1)
    assert "Ben Rao" in table and "Cara Rao" in table and "Dev Rao" not in table
    assert 'value="Yes, offer 2 seats"' in html
    assert statuses(batch) == {"ben": Waiting, "cara": Waiting, "dev": Waiting}


@pytest.mark.django_db
def test_offer_free_seats_now_offers_each_free_seat_to_the_next_in_line(admin_client, course):
    batch = full_batch(course, "ben", "cara", "dev")
    Batch.objects.filter(pk=batch.pk).update(capacity=3)
    other = full_batch(course, "eve", track=Batch.Track.WEEKEND)

    response = run_action(
        admin_client,
        WAITLIST,
        "offer_free_seats_now",
        [entry_of(batch, "dev"), entry_of(other, "eve")],
        post="yes",
    )

    assert messages_of(response) == [
        f"Offered 2 seats in {batch} to Ben Rao, Cara Rao; each has until "
        "Wed 04 Mar 2026, 09:30 UTC to accept.",
        f"No seat offered in {other}: it has no free seat or nobody is waiting.",
    ]
    assert statuses(batch) == {"ben": Offered, "cara": Offered, "dev": Waiting}
    assert offers_emailed_to() == ["ben@example.com", "cara@example.com"]


# The batch page: its seats and waiting list; capacity; the minimum


@pytest.mark.django_db
def test_batch_page_shows_confirmed_seats_and_the_waiting_list(admin_client, course):
    batch = full_batch(course, "ben", "cara", capacity=2, min_participants=2)
    seats.cancel_enrollment(enrollment=seat_of(batch, "seat1"), by=None)  # Ben is offered

    html = html_of(admin_client.get(f"{BATCHES}{batch.pk}/change/"))

    section = re.search(r'<section class="module seat-section".*?</section>', html, re.S).group(0)
    confirmed = re.search(r'<table id="confirmed-seats">(.*?)</table>', section, re.S).group(1)
    assert "Seat0 Rao" in confirmed and "seat0@example.com" in confirmed
    assert "Seat1 Rao" not in confirmed
    waiting = re.search(r'<table id="waiting-list">(.*?)</table>', section, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", waiting, re.S)[1:]
    assert "Ben Rao" in rows[0] and "Offered a seat" in rows[0]
    assert "Wed 04 Mar 2026, 09:30 UTC" in rows[0]
    assert "Cara Rao" in rows[1] and '<td class="numeric">1</td>' in rows[1]
    assert '<dd id="seats-taken">1</dd>' in section
    assert '<dd id="seats-held">1</dd>' in section
    assert '<dd id="waiting-count">1</dd>' in section
    assert "2: under minimum" in section
    # Seats are shown, never edited or added here.
    assert "enrollments-TOTAL_FORMS" not in html and "waitlist-TOTAL_FORMS" not in html


@pytest.mark.django_db
def test_scheduler_sees_seat_counts_on_the_batch_page_but_no_learners(scheduler, course):
    batch = full_batch(course, "ben", "cara", capacity=2)

    html = html_of(scheduler.get(f"{BATCHES}{batch.pk}/change/"))

    assert '<dd id="seats-taken">2</dd>' in html
    assert '<dd id="waiting-count">2</dd>' in html
    for name in ["Seat0", "Seat1", "Ben", "Cara"]:
        assert name not in html
    assert "@example.com" not in html
    assert 'id="confirmed-seats"' not in html and 'id="waiting-list"' not in html


@pytest.mark.parametrize(
    ("permissions", "sees_seats", "sees_waiting"),
    [
        pytest.param(["view_waitlistentry"], False, False, id="waiting-list-only"),
        pytest.param(["view_enrollment"], True, False, id="enrollments-only"),
        pytest.param(["view_enrollment", "view_waitlistentry"], True, True, id="both"),
    ],
)
@pytest.mark.django_db
def test_learners_on_the_batch_page_need_the_view_enrollment_permission(
    client, django_user_model, course, permissions, sees_seats, sees_waiting
):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_batch", "change_batch", *permissions])
    )
    client.force_login(user)
    batch = full_batch(course, "ben")

    html = html_of(client.get(f"{BATCHES}{batch.pk}/change/"))

    assert '<dd id="seats-taken">1</dd>' in html and '<dd id="waiting-count">1</dd>' in html
    assert ("seat0@example.com" in html) is sees_seats
    assert ("ben@example.com" in html) is sees_waiting


@pytest.mark.django_db
def test_sales_see_the_learners_on_the_batch_page_and_can_cancel_a_seat(
    client, django_user_model, course
):
    seller = django_user_model.objects.create_user("meera", is_staff=True)
    seller.groups.add(Group.objects.get(name="Sales"))
    client.force_login(seller)
    batch = full_batch(course, "ben")

    page = html_of(client.get(f"{BATCHES}{batch.pk}/change/"))
    response = run_action(
        client, ENROLLMENTS, "cancel_seats", [seat_of(batch, "seat0")], post="yes"
    )

    assert "seat0@example.com" in page and "ben@example.com" in page
    assert "Add a learner" in page
    assert "Ben Rao (ben@example.com)" in messages_of(response)[0]
    assert entry_of(batch, "ben").status == Offered


@pytest.mark.django_db
def test_batch_form_has_the_minimum_beside_the_capacity(admin_client, course):
    batch = make_batch(course=course, capacity=10)

    response = admin_client.get(f"{BATCHES}{batch.pk}/change/")

    fieldsets = {
        name: options["fields"] for name, options in response.context["adminform"].fieldsets
    }
    assert ("capacity", "min_participants") in fieldsets["Where and how many"]
    data = change_form_data(admin_client, f"{BATCHES}{batch.pk}/change/", min_participants="4")
    assert admin_client.post(f"{BATCHES}{batch.pk}/change/", data).status_code == 302
    assert Batch.objects.get(pk=batch.pk).min_participants == 4


@pytest.mark.django_db
def test_raising_capacity_offers_the_new_seats_to_the_waiting_list(admin_client, course):
    batch = full_batch(course, "ben", "cara", "dev")
    url = f"{BATCHES}{batch.pk}/change/"

    response = admin_client.post(
        url, change_form_data(admin_client, url, capacity="3"), follow=True
    )

    assert Batch.objects.get(pk=batch.pk).capacity == 3
    assert "Capacity is now 3: 2 seat offers went out to the waiting list (Ben Rao, Cara Rao)." in (
        messages_of(response)
    )
    assert statuses(batch) == {"ben": Offered, "cara": Offered, "dev": Waiting}
    assert offers_emailed_to() == ["ben@example.com", "cara@example.com"]


@pytest.mark.django_db
def test_batch_form_refuses_a_capacity_below_confirmed_seats_and_offers_and_saves_nothing(
    admin_client, course
):
    batch = full_batch(course, "ben", "cara", capacity=3)
    seats.cancel_enrollment(enrollment=seat_of(batch, "seat0"), by=None)  # Ben is offered
    url = f"{BATCHES}{batch.pk}/change/"
    emails_before = OutgoingEmail.objects.count()

    response = admin_client.post(
        url, change_form_data(admin_client, url, capacity="2", min_participants="2")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "This batch has 2 confirmed seats and 1 open offer, so its capacity cannot go below 3. "
        "Cancel or move seats first."
    ]
    row = Batch.objects.get(pk=batch.pk)
    assert (row.capacity, row.min_participants) == (3, None)
    assert (row.seats_taken, row.seats_held, row.waiting_count) == (2, 1, 1)
    assert statuses(batch) == {"ben": Offered, "cara": Waiting}
    assert OutgoingEmail.objects.count() == emails_before

    raised = admin_client.post(url, change_form_data(admin_client, url, capacity="4"), follow=True)

    assert "Capacity is now 4: 1 seat offer went out to the waiting list (Cara Rao)." in (
        messages_of(raised)
    )
    assert statuses(batch) == {"ben": Offered, "cara": Offered}
    row = Batch.objects.get(pk=batch.pk)
    assert (row.capacity, row.seats_taken, row.seats_held, row.seats_left) == (4, 2, 2, 0)
    assert seats.ledger_drift() == []


@pytest.mark.django_db
def test_making_capacity_unlimited_offers_everyone_waiting(admin_client, course):
    batch = full_batch(course, "ben", "cara")
    url = f"{BATCHES}{batch.pk}/change/"

    response = admin_client.post(url, change_form_data(admin_client, url, capacity=""), follow=True)

    assert "Capacity is now unlimited: 2 seat offers went out" in " ".join(messages_of(response))
    assert statuses(batch) == {"ben": Offered, "cara": Offered}


@pytest.mark.django_db
def test_saving_a_batch_without_changing_capacity_offers_nothing(admin_client, course):
    batch = full_batch(course, "ben")
    Batch.objects.filter(pk=batch.pk).update(capacity=2)  # a free seat nobody has offered yet
    url = f"{BATCHES}{batch.pk}/change/"

    response = admin_client.post(
        url, change_form_data(admin_client, url, location="Room 2"), follow=True
    )

    assert not any("Capacity" in message for message in messages_of(response))
    assert statuses(batch) == {"ben": Waiting}


@pytest.mark.django_db
def test_scheduler_raising_capacity_is_told_how_many_offers_went_out_but_not_to_whom(
    scheduler, course
):
    batch = full_batch(course, "ben", "cara")
    url = f"{BATCHES}{batch.pk}/change/"

    response = scheduler.post(url, change_form_data(scheduler, url, capacity="2"), follow=True)

    assert "Capacity is now 2: 1 seat offer went out to the waiting list." in messages_of(response)
    assert statuses(batch) == {"ben": Offered, "cara": Waiting}


@pytest.mark.django_db
def test_batch_list_shows_seats_taken_held_left_waiting_and_the_minimum(admin_client, course):
    guaranteed = full_batch(course, "ben", capacity=2, min_participants=2)
    under = make_batch(course=course, track=Batch.Track.WEEKEND, capacity=10, min_participants=3)
    enroll(under, "cara")
    offering = full_batch(course, "dev", "eve", start_date=dt.date(2026, 3, 23))
    seats.cancel_enrollment(enrollment=seat_of(offering, "seat0"), by=None)
    unlimited = make_batch(course=course, start_date=dt.date(2026, 3, 30), capacity=None)

    response = admin_client.get(BATCHES)

    html = html_of(response)
    rows = {
        int(pk): row
        for pk, row in re.findall(
            r'value="(\d+)" class="action-select"[^>]*></td>(.*?)</tr>', html, re.S
        )
    }

    def cell(batch: Batch, column: str) -> str:
        return re.search(rf'<td class="field-{column}">(.*?)</td>', rows[batch.pk]).group(1)

    assert [cell(guaranteed, c) for c in ["seats_taken", "seats_held", "seats_left"]] == [
        "2",
        "0",
        "Full",
    ]
    assert cell(guaranteed, "waiting_count") == "1"
    assert cell(guaranteed, "minimum") == "Guaranteed"
    assert cell(under, "minimum") == "Under minimum (1 of 3)"
    assert cell(under, "seats_left") == "9"
    assert [cell(offering, c) for c in ["seats_taken", "seats_held", "waiting_count"]] == [
        "0",
        "1",
        "1",
    ]
    assert cell(unlimited, "seats_left") == "Unlimited"
    assert cell(unlimited, "minimum") == "—"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("full", {"guaranteed"}),
        ("free", {"under", "unlimited"}),
        ("waiting", {"guaranteed"}),
        ("under_minimum", {"under"}),
        ("guaranteed", {"guaranteed"}),
    ],
)
@pytest.mark.django_db
def test_batch_list_filters_by_seats(admin_client, course, choice, expected):
    batches = {
        "guaranteed": full_batch(course, "ben", capacity=2, min_participants=2),
        "under": make_batch(
            course=course, track=Batch.Track.WEEKEND, capacity=10, min_participants=3
        ),
        "unlimited": make_batch(course=course, start_date=dt.date(2026, 3, 30), capacity=None),
    }
    names = {batch.pk: name for name, batch in batches.items()}

    response = admin_client.get(f"{BATCHES}?seats={choice}")

    assert {names[row.pk] for row in response.context["cl"].result_list} == expected


# Cancelling a batch with seats and a waiting list


@pytest.fixture
def batch_with_people(course):
    """Priya and Asha have open enquiries; Seat0 and Asha (added by staff, so her enquiry is
    still open) have seats; Ben and Cara wait."""
    batch = make_batch(course=course, capacity=2)
    make_enquiry(batch=batch, name="Priya Sharma", email="priya@example.com")
    make_enquiry(batch=batch, name="Asha Verma", email="asha@example.com")
    enroll(batch, "seat0")
    seats.enroll(batch=batch, learner=seats.Learner(name="Asha Verma", email="Asha@example.com"))
    enroll(batch, "ben")
    enroll(batch, "cara")
    return batch


def cancel_batch_action(batch: Batch, **fields) -> dict:
    return {"action": "cancel_batches", "_selected_action": [batch.pk], **fields}


@pytest.mark.django_db
def test_cancel_batch_confirmation_lists_seats_and_the_waiting_list(
    admin_client, batch_with_people
):
    response = admin_client.post(BATCHES, cancel_batch_action(batch_with_people, index="0"))

    html = html_of(response)
    seats_table = re.search(r'<table class="cancel-seats">(.*?)</table>', html, re.S).group(1)
    assert "<td>Seat0 Rao</td><td>seat0@example.com</td>" in seats_table
    assert "<td>Asha Verma</td><td>Asha@example.com</td>" in seats_table
    waiting = re.search(r'<table class="cancel-waiting">(.*?)</table>', html, re.S).group(1)
    assert "<td>Ben Rao</td><td>ben@example.com</td><td>Waiting</td>" in waiting
    assert "<td>Cara Rao</td>" in waiting
    # Priya, Asha (enquiry and seat: told once), Seat0, Ben and Cara.
    assert "5 people will be told." in html
    assert 'value="Yes, cancel 1 batch and email 5 people"' in html


@pytest.mark.django_db
def test_cancelling_the_batch_tells_each_person_once_and_ends_every_seat(
    admin_client, batch_with_people
):
    response = admin_client.post(
        BATCHES, cancel_batch_action(batch_with_people, post="yes"), follow=True
    )

    assert messages_of(response) == ["Cancelled 1 batch; 5 people will be emailed."]
    assert not Enrollment.objects.confirmed().filter(batch=batch_with_people).exists()
    assert set(
        WaitlistEntry.objects.filter(batch=batch_with_people).values_list("status", flat=True)
    ) == {"cancelled"}
    assert sorted(
        OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED).values_list(
            "to", flat=True
        )
    ) == sorted(f"{name}@example.com" for name in ["priya", "asha", "seat0", "ben", "cara"])


@pytest.mark.django_db
def test_scheduler_sees_how_many_seats_and_places_end_but_not_whose(scheduler, batch_with_people):
    response = scheduler.post(BATCHES, cancel_batch_action(batch_with_people, index="0"))

    html = html_of(response)
    assert "2 people with an open enquiry will be told by email." in html
    assert "2 learners with a confirmed seat will lose it and be told by email." in html
    assert "2 people on the waiting list will be told by email." in html
    assert "5 people will be told." in html
    assert "@example.com" not in html
    for name in ["Priya", "Asha", "Seat0", "Ben", "Cara"]:
        assert name not in html
    assert all(
        notice.enquiries is None and notice.seats is None and notice.waiting is None
        for notice in response.context["notices"]
    )


# No query per row


def queries_for(client, url: str) -> tuple[int, int]:
    """The number of SQL queries the page ran, and how many rows it listed."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.django_db
def test_enrollment_list_runs_the_same_queries_for_5_and_100_seats(admin_client, course):
    batches = [
        make_batch(course=make_course() if n % 2 else course, capacity=None, start_date=start)
        for n, start in enumerate(dt.date(2026, 3, 16) + dt.timedelta(weeks=w) for w in range(10))
    ]
    made = 0

    def grow_to(size: int) -> None:
        nonlocal made
        for n in range(made, size):
            batch = batches[n % len(batches)]
            if n % 3 == 0:
                enquiry = make_enquiry(batch=batch, name=f"Learner {n}", email=f"l{n}@example.com")
                seats.enroll(
                    batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry
                )
            else:
                enroll(batch, f"l{n}")
        made = size

    grow_to(5)
    five = queries_for(admin_client, ENROLLMENTS)
    grow_to(100)
    hundred = queries_for(admin_client, ENROLLMENTS)

    assert (five[1], hundred[1]) == (5, 100)
    assert five[0] == hundred[0] == ENROLLMENT_ADMIN_QUERIES


@pytest.mark.django_db
def test_waiting_list_runs_the_same_queries_for_5_and_100_entries(admin_client, course):
    batches = [
        full_batch(course, start_date=dt.date(2026, 3, 16) + dt.timedelta(weeks=w))
        for w in range(10)
    ]
    made = 0

    def grow_to(size: int) -> None:
        nonlocal made
        for n in range(made, size):
            enroll(batches[n % len(batches)], f"w{n}")
        made = size

    grow_to(5)
    five = queries_for(admin_client, WAITLIST)
    grow_to(100)
    hundred = queries_for(admin_client, WAITLIST)

    assert (five[1], hundred[1]) == (5, 100)
    assert five[0] == hundred[0] == WAITLIST_ADMIN_QUERIES


@pytest.mark.django_db
def test_batch_list_runs_the_same_queries_for_5_and_100_batches_with_seats(admin_client, course):
    made: list[Batch] = []

    def grow_to(size: int) -> None:
        for week in range(len(made), size):
            batch = make_batch(
                course=course,
                start_date=dt.date(2026, 3, 16) + dt.timedelta(weeks=week),
                capacity=2,
                min_participants=2 if week % 2 else None,
            )
            if week % 4 == 0:
                enroll(batch, f"a{week}")
                enroll(batch, f"b{week}")
                enroll(batch, f"c{week}")  # waiting
            made.append(batch)

    grow_to(5)
    five = queries_for(admin_client, BATCHES)
    grow_to(100)
    hundred = queries_for(admin_client, BATCHES)

    assert (five[1], hundred[1]) == (5, 100)
    assert five[0] == hundred[0] == BATCH_ADMIN_QUERIES
    rows = admin_client.get(BATCHES).context["cl"].result_list
    assert [(row.seats_taken, row.waiting_count) for row in rows[:5]] == [
        (2, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (2, 1),
    ]
