"""Private links (a waiting-list place, a training plan): their pages are never cached,
indexed or passed on in a Referer, and staff can replace a link that leaked."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission, User

from enquiries.models import OutgoingEmail, TrainingPlan, WaitlistEntry
from enquiries.services import one_on_one, seats
from tests.enquiries.test_training_plan import make_request
from tests.factories import make_batch

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.SITE_URL = "https://courses.example.com"
    with time_machine.travel(NOW, tick=False):
        yield


def waiting_place(email: str = "ben@example.com") -> WaitlistEntry:
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="Seated", email="seated@example.com"))
    return seats.join_waitlist(
        batch=batch, learner=seats.Learner(name="Ben Rao", email=email), consented=True
    )


def offered_place() -> WaitlistEntry:
    batch = make_batch(capacity=1)
    seat = seats.enroll(batch=batch, learner=seats.Learner(name="S", email="s@example.com"))
    seats.enroll(batch=batch, learner=seats.Learner(name="Ben Rao", email="ben@example.com"))
    seats.cancel_enrollment(enrollment=seat, by=None)
    return WaitlistEntry.objects.get(batch=batch, email="ben@example.com")


def training_plan() -> TrainingPlan:
    return one_on_one.generate_plan(request=make_request(email="maya@example.com"), by=None)


def assert_private(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "strict-origin"


# Headers


@pytest.mark.django_db
def test_waiting_list_pages_and_their_form_answers_are_private(client):
    entry = waiting_place()
    place = f"/waiting-list/{entry.token}/"

    responses = [
        client.get(place),
        client.get(f"{place}leave/"),
        client.get(f"{place}accept/"),
        client.post(f"{place}accept/"),
        client.post(f"{place}leave/"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 302, 302, 302]
    for response in responses:
        assert_private(response)


@pytest.mark.django_db
def test_accepting_an_offer_answers_privately(client):
    entry = offered_place()

    response = client.post(f"/waiting-list/{entry.token}/accept/")

    assert response.status_code == 302
    assert_private(response)
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistEntry.Status.ACCEPTED


@pytest.mark.django_db
def test_the_plan_page_and_its_calendar_file_are_private(client):
    plan = training_plan()

    for url in (f"/training-plan/{plan.token}/", f"/training-plan/{plan.token}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200
        assert_private(response)


@pytest.mark.django_db
def test_public_pages_keep_the_site_s_referrer_policy(client):
    response = client.get("/waiting-list/emailed/")

    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "X-Robots-Tag" not in response


# A new link, from the admin


@pytest.fixture
def staff(client):
    """A staff member with the change permission on places and plans, logged in."""
    user = User.objects.create_user(username="desk", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_waitlistentry",
                "change_waitlistentry",
                "view_trainingplan",
                "change_trainingplan",
            ]
        )
    )
    client.force_login(user)
    client.user = user
    return client


def run_action(client, model: str, obj, *, confirm: bool):
    data = {"action": "issue_new_links", "_selected_action": [obj.pk]}
    if confirm:
        data["post"] = "yes"
    return client.post(f"/admin/enquiries/{model}/", data)


@pytest.mark.django_db
def test_a_new_place_link_is_emailed_to_the_learner_and_the_old_one_stops_working(staff):
    entry = waiting_place()
    old = entry.token

    asked = run_action(staff, "waitlistentry", entry, confirm=False)
    assert "Give 1 place a new private link" in asked.content.decode()
    assert WaitlistEntry.objects.get(pk=entry.pk).token == old  # nothing yet
    run_action(staff, "waitlistentry", entry, confirm=True)

    new = WaitlistEntry.objects.get(pk=entry.pk).token
    email = OutgoingEmail.objects.filter(kind="waitlist").latest("pk")
    assert new != old
    assert staff.get(f"/waiting-list/{old}/").status_code == 404
    assert staff.get(f"/waiting-list/{old}/leave/").status_code == 404
    assert staff.get(f"/waiting-list/{new}/").status_code == 200  # confirms the place
    assert email.to == "ben@example.com"
    assert email.subject.startswith("A new private link to your waiting-list place")
    for body in (email.body_text, email.body_html):
        assert f"https://courses.example.com/waiting-list/{new}/" in body
        assert old not in body
    # The new link went to the learner only (later emails to them carry it too).
    assert set(
        OutgoingEmail.objects.filter(body_text__contains=new).values_list("to", flat=True)
    ) == {"ben@example.com"}
    change = WaitlistEntry.history.get(
        id=entry.pk, history_change_reason__startswith="New private link emailed"
    )
    assert change.history_user == staff.user


@pytest.mark.django_db
def test_a_new_plan_link_is_emailed_to_the_learner_and_the_old_links_stop_working(staff):
    plan = training_plan()
    old = plan.token
    revision = plan.updated_at

    run_action(staff, "trainingplan", plan, confirm=True)

    plan.refresh_from_db()
    assert plan.token != old
    assert plan.updated_at == revision  # the sessions did not change: same calendar revision
    assert staff.get(f"/training-plan/{old}/").status_code == 404
    assert staff.get(f"/training-plan/{old}/calendar.ics").status_code == 404
    assert staff.get(f"/training-plan/{plan.token}/calendar.ics").status_code == 200
    email = OutgoingEmail.objects.filter(kind="training_plan").latest("pk")
    assert email.to == "maya@example.com"
    for body in (email.body_text, email.body_html):
        assert f"https://courses.example.com/training-plan/{plan.token}/" in body
        assert f"https://courses.example.com/training-plan/{plan.token}/calendar.ics" in body
        assert old not in body
    change = TrainingPlan.history.get(
        id=plan.pk, history_change_reason__contains="old page and calendar links no longer work"
    )
    assert change.history_user == staff.user
    assert plan.request.enquiry.notes.filter(text__contains="new private link").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["waitlistentry", "trainingplan"])
def test_staff_who_may_only_view_cannot_issue_a_new_link(client, model):
    obj = waiting_place() if model == "waitlistentry" else training_plan()
    viewer = User.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(viewer)

    listing = client.get(f"/admin/enquiries/{model}/")
    run_action(client, model, obj, confirm=True)

    assert listing.status_code == 200
    assert "issue_new_links" not in listing.content.decode()
    assert type(obj).objects.get(pk=obj.pk).token == obj.token
