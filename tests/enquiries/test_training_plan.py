"""Training plans: sessions from a learner's preferences, staff changes in the admin, and the
learner's private page and calendar file, across daylight-saving changes."""

import datetime as dt
import re
import threading
import uuid
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from icalendar import Calendar

from enquiries.models import (
    Enquiry,
    Note,
    OneOnOneRequest,
    OutgoingEmail,
    PlanSession,
    TrainingPlan,
    Weekday,
)
from enquiries.services import one_on_one
from enquiries.services.one_on_one import (
    Preferences,
    generate_plan,
    notify_plan_changed,
    plan_times,
)
from tests.factories import make_course

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
MON, TUE, WED, THU, FRI, SAT, SUN = Weekday


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://courses.example.com"


def preferences(**overrides) -> Preferences:
    fields = {
        "preferred_days": (TUE, THU),
        "window_start": dt.time(18, 0),
        "window_end": dt.time(21, 0),
        "timezone": "America/New_York",
        "session_minutes": 90,
        "sessions_per_week": 2,
        "weeks": 2,
        "earliest_start": dt.date(2026, 3, 3),
    } | overrides
    return Preferences(**fields)


def make_request(*, course=None, email="maya@example.com", name="Maya Cohen", **overrides):
    """A learner's request, made the way the site makes it."""
    enquiry = one_on_one.submit_one_on_one(
        course=course or make_course(title="Deep Learning", slug=f"deep-{uuid.uuid4().hex[:8]}"),
        preferences=preferences(**overrides),
        name=name,
        email=email,
        phone="+12125550147",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    return enquiry.one_on_one_request


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def starts(times) -> list[dt.datetime]:
    return [start for start, _ in times]


def local(moments, zone: str) -> list[str]:
    return [f"{moment.astimezone(ZoneInfo(zone)):%a %d %b %H:%M %Z}" for moment in moments]


# Which sessions: days, times and daylight saving


def test_sessions_fall_on_the_preferred_days_at_the_window_start_for_the_session_length():
    times = plan_times(preferences(timezone="Asia/Kolkata", weeks=1), now=NOW)

    assert times == [
        (utc(2026, 3, 3, 12, 30), utc(2026, 3, 3, 14, 0)),  # Tue 18:00 to 19:30 IST
        (utc(2026, 3, 5, 12, 30), utc(2026, 3, 5, 14, 0)),  # Thu
    ]


def test_new_york_plan_across_8_march_2026_keeps_18_00_local_and_moves_an_hour_in_utc():
    times = plan_times(preferences(timezone="America/New_York", weeks=2), now=NOW)

    assert starts(times) == [
        utc(2026, 3, 3, 23, 0),
        utc(2026, 3, 5, 23, 0),
        utc(2026, 3, 10, 22, 0),  # clocks went forward on Sunday 8 March
        utc(2026, 3, 12, 22, 0),
    ]
    assert local(starts(times), "America/New_York") == [
        "Tue 03 Mar 18:00 EST",
        "Thu 05 Mar 18:00 EST",
        "Tue 10 Mar 18:00 EDT",
        "Thu 12 Mar 18:00 EDT",
    ]
    assert all(end - start == dt.timedelta(minutes=90) for start, end in times)


def test_new_york_plan_across_14_march_2027_keeps_18_00_local():
    # In 2027 the US clocks go forward on the second Sunday of March, the 14th.
    prefs = preferences(
        preferred_days=(TUE,), sessions_per_week=1, earliest_start=dt.date(2027, 3, 9)
    )

    times = plan_times(prefs, now=utc(2027, 3, 1, 12))

    assert starts(times) == [utc(2027, 3, 9, 23, 0), utc(2027, 3, 16, 22, 0)]
    assert local(starts(times), "America/New_York") == [
        "Tue 09 Mar 18:00 EST",
        "Tue 16 Mar 18:00 EDT",
    ]


@pytest.mark.parametrize(
    ("zone", "first_day", "expected"),
    [
        pytest.param(
            "Europe/London",
            dt.date(2026, 3, 27),
            [utc(2026, 3, 27, 18, 0), utc(2026, 4, 3, 17, 0)],  # GMT, then BST
            id="london-29-march",
        ),
        pytest.param(
            "Australia/Sydney",
            dt.date(2026, 4, 3),
            [utc(2026, 4, 3, 7, 0), utc(2026, 4, 10, 8, 0)],  # AEDT, then AEST
            id="sydney-5-april",
        ),
        pytest.param(
            "Asia/Kolkata",
            dt.date(2026, 3, 6),
            [utc(2026, 3, 6, 12, 30), utc(2026, 3, 13, 12, 30)],  # no daylight saving
            id="kolkata",
        ),
    ],
)
def test_local_time_is_kept_in_every_zone(zone, first_day, expected):
    prefs = preferences(
        preferred_days=(FRI,), sessions_per_week=1, timezone=zone, earliest_start=first_day
    )

    times = plan_times(prefs, now=NOW)

    assert starts(times) == expected
    assert {f"{start.astimezone(ZoneInfo(zone)):%a %H:%M}" for start in starts(times)} == {
        "Fri 18:00"
    }


def test_fewer_sessions_than_days_take_the_first_days_of_each_week():
    prefs = preferences(
        preferred_days=(FRI, MON, WED),
        sessions_per_week=2,
        earliest_start=dt.date(2026, 3, 9),
        timezone="UTC",
    )

    times = plan_times(prefs, now=NOW)

    assert local(starts(times), "UTC") == [
        "Mon 09 Mar 18:00 UTC",
        "Wed 11 Mar 18:00 UTC",
        "Mon 16 Mar 18:00 UTC",
        "Wed 18 Mar 18:00 UTC",
    ]


def test_a_mid_week_start_begins_that_week_on_the_days_still_to_come():
    prefs = preferences(
        preferred_days=(MON, WED, FRI),
        sessions_per_week=2,
        earliest_start=dt.date(2026, 3, 4),  # a Wednesday
        timezone="UTC",
    )

    times = plan_times(prefs, now=NOW)

    assert local(starts(times), "UTC") == [
        "Wed 04 Mar 18:00 UTC",
        "Fri 06 Mar 18:00 UTC",
        "Mon 09 Mar 18:00 UTC",
        "Wed 11 Mar 18:00 UTC",
    ]


def test_a_start_after_the_weeks_last_preferred_day_begins_the_next_week():
    prefs = preferences(
        preferred_days=(MON, TUE),
        sessions_per_week=2,
        weeks=1,
        earliest_start=dt.date(2026, 3, 7),  # a Saturday
        timezone="UTC",
    )

    times = plan_times(prefs, now=NOW)

    assert local(starts(times), "UTC") == ["Mon 09 Mar 18:00 UTC", "Tue 10 Mar 18:00 UTC"]


def test_a_plan_made_after_its_start_date_begins_with_the_next_session_still_to_come():
    # 09:30 UTC is 15:00 in Kolkata: Monday's 10:00 session has passed.
    prefs = preferences(
        preferred_days=(MON, WED),
        window_start=dt.time(10, 0),
        window_end=dt.time(12, 0),
        timezone="Asia/Kolkata",
        weeks=2,
        earliest_start=dt.date(2026, 2, 23),
    )

    times = plan_times(prefs, now=NOW)

    assert local(starts(times), "Asia/Kolkata") == [
        "Wed 04 Mar 10:00 IST",
        "Mon 09 Mar 10:00 IST",
        "Wed 11 Mar 10:00 IST",
        "Mon 16 Mar 10:00 IST",
    ]


@pytest.mark.parametrize(
    "first_day", [dt.date(2026, 3, 2) + dt.timedelta(days=n) for n in range(7)]
)
def test_a_plan_has_every_session_asked_for_whatever_day_it_starts(first_day):
    # Tue and Thu, twice a week for three weeks: six sessions, even from a Wednesday or a
    # Thursday, when the first week holds only one of the two days.
    prefs = preferences(weeks=3, earliest_start=first_day, timezone="UTC")

    times = plan_times(prefs, now=NOW)

    assert len(times) == 6
    assert {f"{start:%a}" for start in starts(times)} == {"Tue", "Thu"}
    assert all(start.date() >= first_day for start in starts(times))
    assert len({start.isocalendar().week for start in starts(times)}) in (3, 4)


def test_a_wednesday_start_carries_the_first_weeks_missing_session_into_a_fourth_week():
    prefs = preferences(weeks=3, earliest_start=dt.date(2026, 3, 4), timezone="UTC")

    times = plan_times(prefs, now=NOW)

    assert local(starts(times), "UTC") == [
        "Thu 05 Mar 18:00 UTC",
        "Tue 10 Mar 18:00 UTC",
        "Thu 12 Mar 18:00 UTC",
        "Tue 17 Mar 18:00 UTC",
        "Thu 19 Mar 18:00 UTC",
        "Tue 24 Mar 18:00 UTC",
    ]


def test_a_start_time_the_clocks_skip_falls_an_hour_later_by_the_clock():
    prefs = preferences(
        preferred_days=(SUN,),
        sessions_per_week=1,
        weeks=1,
        window_start=dt.time(2, 30),
        window_end=dt.time(5, 0),
        earliest_start=dt.date(2026, 3, 8),
    )

    [(start, end)] = plan_times(prefs, now=NOW)

    assert start == utc(2026, 3, 8, 7, 30)
    assert local([start, end], "America/New_York") == [
        "Sun 08 Mar 03:30 EDT",
        "Sun 08 Mar 05:00 EDT",
    ]


# Creating a plan


@pytest.mark.django_db
def test_generate_plan_stores_the_sessions_in_utc_and_emails_the_private_link(admin_user):
    request = make_request()

    plan = generate_plan(request=request, by=admin_user)

    assert plan.timezone == "America/New_York"
    assert len(plan.token) >= 32
    assert list(plan.sessions.values_list("starts_at", "ends_at")) == [
        (utc(2026, 3, 3, 23, 0), utc(2026, 3, 4, 0, 30)),
        (utc(2026, 3, 5, 23, 0), utc(2026, 3, 6, 0, 30)),
        (utc(2026, 3, 10, 22, 0), utc(2026, 3, 10, 23, 30)),
        (utc(2026, 3, 12, 22, 0), utc(2026, 3, 12, 23, 30)),
    ]
    assert plan.learner_notified_at == NOW
    [email] = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.TRAINING_PLAN)
    assert email.to == "maya@example.com"
    assert email.enquiry == request.enquiry
    assert email.subject == (
        f"Your Deep Learning training plan is ready (ref. {request.enquiry.reference})"
    )
    link = f"https://courses.example.com/training-plan/{plan.token}/"
    assert link in email.body_text and link in email.body_html
    assert f"{link}calendar.ics" in email.body_text
    assert "Tue 3 Mar 2026, 18:00–19:30 EST" in email.body_text
    assert "Tue 10 Mar 2026, 18:00–19:30 EDT" in email.body_text
    note = Note.objects.get(enquiry=request.enquiry)
    assert note.author == admin_user
    assert "4 sessions" in note.text


@pytest.mark.django_db
def test_a_request_beyond_the_horizon_is_refused_with_a_plain_error(admin_user):
    # Stored before the public form limited the date: planning it must not crash.
    request = make_request()
    OneOnOneRequest.objects.filter(pk=request.pk).update(earliest_start=dt.date(9999, 12, 27))
    request.refresh_from_db()

    with pytest.raises(one_on_one.PlanError, match="more than 12 months ahead"):
        generate_plan(request=request, by=admin_user)

    assert not TrainingPlan.objects.exists()


def test_the_admin_reports_a_request_beyond_the_horizon_instead_of_failing(admin_client):
    request = make_request()
    OneOnOneRequest.objects.filter(pk=request.pk).update(earliest_start=dt.date(9999, 12, 27))
    url = f"{REQUESTS_URL}{request.pk}/create-plan/"

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "more than 12 months ahead" in response.content.decode()
    assert not TrainingPlan.objects.exists()


@pytest.mark.django_db
def test_generating_a_plan_twice_is_refused_and_keeps_the_first(admin_user):
    request = make_request()
    plan = generate_plan(request=request, by=admin_user)
    session = plan.sessions.first()
    session.topic = "Edited by staff"
    session.save()

    with pytest.raises(one_on_one.PlanAlreadyExists) as refused:
        generate_plan(request=request, by=admin_user)

    assert refused.value.plan == plan
    assert TrainingPlan.objects.count() == 1
    assert PlanSession.objects.count() == 4
    assert PlanSession.objects.filter(topic="Edited by staff").exists()
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.TRAINING_PLAN).count() == 1


@pytest.mark.django_db
def test_notify_plan_changed_emails_the_sessions_and_link_without_a_new_revision(admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)
    revision = one_on_one.plan_revision(plan)

    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        email = notify_plan_changed(plan=plan, by=admin_user)

    assert email.subject.startswith("Your Deep Learning training plan has changed")
    assert email.to == "maya@example.com"
    assert f"https://courses.example.com/training-plan/{plan.token}/" in email.body_text
    assert "Thu 12 Mar 2026, 18:00–19:30 EDT" in email.body_text
    plan.refresh_from_db()
    assert plan.learner_notified_at == NOW + dt.timedelta(hours=2)
    assert one_on_one.plan_revision(plan) == revision


@pytest.mark.django_db
def test_notify_plan_changed_refuses_a_plan_without_sessions(admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)
    plan.sessions.all().delete()

    with pytest.raises(one_on_one.PlanError, match="no sessions"):
        notify_plan_changed(plan=plan)

    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.TRAINING_PLAN).count() == 1


# The admin: requests


REQUESTS_URL = "/admin/enquiries/oneononerequest/"
PLANS_URL = "/admin/enquiries/trainingplan/"


@pytest.mark.django_db
def test_request_list_shows_reference_learner_course_days_window_and_zone(admin_client):
    request = make_request(preferred_days=(MON, THU), window_start=dt.time(7, 30))

    html = admin_client.get(REQUESTS_URL).content.decode()

    assert request.enquiry.reference in html
    assert escape("Maya Cohen <maya@example.com>") in html
    assert "Deep Learning" in html
    assert "Mon, Thu" in html
    assert "07:30–21:00" in html
    assert "America/New_York" in html
    assert "Create training plan" in html


@pytest.mark.parametrize("term", ["reference", "Cohen", "maya@"])
@pytest.mark.django_db
def test_request_list_searches_reference_name_and_email(admin_client, term):
    wanted = make_request()
    other = make_request(name="Lee Park", email="lee@example.com")
    if term == "reference":
        term = wanted.enquiry.reference

    html = admin_client.get(REQUESTS_URL, {"q": term}).content.decode()

    assert wanted.enquiry.reference in html
    assert other.enquiry.reference not in html


@pytest.mark.django_db
def test_request_page_is_read_only_with_a_create_plan_button(admin_client):
    request = make_request()

    response = admin_client.get(f"{REQUESTS_URL}{request.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="timezone"' not in html
    assert 'name="weeks"' not in html
    assert f'href="{REQUESTS_URL}{request.pk}/create-plan/">Create training plan</a>' in html
    assert admin_client.get(f"{REQUESTS_URL}add/").status_code == 403


@pytest.mark.django_db
def test_create_plan_action_asks_first_then_creates_and_emails(admin_client):
    first, second = make_request(), make_request(name="Lee Park", email="lee@example.com")
    selected = {"action": "create_training_plan", "_selected_action": [first.pk, second.pk]}

    confirmation = admin_client.post(REQUESTS_URL, selected)

    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Create 2 training plans" in html
    assert escape("Maya Cohen <maya@example.com>") in html
    assert "Tue, Thu; 18:00–21:00 America/New_York" in html
    assert "Yes, create 2 plans and email 2 learners" in html
    assert not TrainingPlan.objects.exists()

    done = admin_client.post(REQUESTS_URL, selected | {"post": "yes"}, follow=True)

    assert "Created 2 training plans (8 sessions)" in done.content.decode()
    assert TrainingPlan.objects.count() == 2
    assert set(OutgoingEmail.objects.filter(kind="training_plan").values_list("to", flat=True)) == {
        "maya@example.com",
        "lee@example.com",
    }


@pytest.mark.django_db
def test_create_plan_action_on_a_planned_request_changes_nothing(admin_client, admin_user):
    request = make_request()
    generate_plan(request=request, by=admin_user)
    selected = {"action": "create_training_plan", "_selected_action": [request.pk]}

    confirmation = admin_client.post(REQUESTS_URL, selected)
    done = admin_client.post(REQUESTS_URL, selected | {"post": "yes"}, follow=True)

    assert "Already planned, so left as they are" in confirmation.content.decode()
    assert "Yes, create" not in confirmation.content.decode()
    assert "already has a plan, left unchanged" in done.content.decode()
    assert PlanSession.objects.count() == 4
    assert OutgoingEmail.objects.filter(kind="training_plan").count() == 1


@pytest.mark.django_db
def test_create_plan_button_confirms_then_opens_the_new_plan(admin_client):
    request = make_request()
    url = f"{REQUESTS_URL}{request.pk}/create-plan/"

    confirmation = admin_client.get(url)
    response = admin_client.post(url, {"post": "yes"})

    assert "Create 1 training plan" in confirmation.content.decode()
    plan = TrainingPlan.objects.get(request=request)
    assert response.status_code == 302
    assert response.url == f"{PLANS_URL}{plan.pk}/change/"


@pytest.mark.django_db
def test_staff_who_may_not_add_plans_cannot_create_one(client, django_user_model):
    request = make_request()
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_oneononerequest", "change_oneononerequest"])
    )
    client.force_login(clerk)

    page = client.get(REQUESTS_URL).content.decode()
    button = client.post(f"{REQUESTS_URL}{request.pk}/create-plan/", {"post": "yes"})

    assert "create_training_plan" not in page
    assert button.status_code == 403
    assert not TrainingPlan.objects.exists()


# The admin: plans


def plan_form_data(plan: TrainingPlan, *, changes=None, notify=False) -> dict:
    """The plan's change form as the admin renders it, with `changes` per session row."""
    zone = ZoneInfo(plan.timezone)
    sessions = list(plan.sessions.all())
    data = {
        "sessions-TOTAL_FORMS": len(sessions),
        "sessions-INITIAL_FORMS": len(sessions),
        "sessions-MIN_NUM_FORMS": 0,
        "sessions-MAX_NUM_FORMS": 1000,
    }
    for row, session in enumerate(sessions):
        starts_at, ends_at = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        fields = {
            "id": session.pk,
            "plan": plan.pk,
            "date": starts_at.date().isoformat(),
            "start": f"{starts_at:%H:%M}",
            "end": f"{ends_at:%H:%M}",
            "topic": session.topic,
        } | (changes or {}).get(row, {})
        data |= {f"sessions-{row}-{name}": value for name, value in fields.items()}
    if notify:
        data["notify_learner"] = "on"
    return data


@pytest.mark.django_db
def test_plan_page_shows_sessions_in_the_learners_zone_beside_utc(admin_client, admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)

    html = admin_client.get(f"{PLANS_URL}{plan.pk}/change/").content.decode()

    assert 'name="sessions-2-date" value="2026-03-10"' in html
    assert 'name="sessions-2-start" value="18:00"' in html
    assert 'name="sessions-2-end" value="19:30"' in html
    assert "Tue 10 Mar 2026, 18:00–19:30 EDT" in html
    assert "2026-03-10 22:00 UTC" in html  # the stored time, as each row's heading
    assert f"/training-plan/{plan.token}/" in html


@pytest.mark.django_db
def test_staff_change_a_session_in_local_time_and_notify_the_learner(admin_client, admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)
    OutgoingEmail.objects.all().delete()
    data = plan_form_data(
        plan, changes={2: {"date": "2026-03-11", "start": "19:00", "end": "20:30"}}, notify=True
    )

    response = admin_client.post(f"{PLANS_URL}{plan.pk}/change/", data)

    assert response.status_code == 302, response.context["errors"]
    moved = plan.sessions.all()[2]
    assert (moved.starts_at, moved.ends_at) == (utc(2026, 3, 11, 23, 0), utc(2026, 3, 12, 0, 30))
    [email] = OutgoingEmail.objects.all()
    assert "has changed" in email.subject
    assert "Wed 11 Mar 2026, 19:00–20:30 EDT" in email.body_text


@pytest.mark.django_db
def test_changing_sessions_without_notifying_warns_that_the_learner_was_not_told(
    admin_client, admin_user
):
    plan = generate_plan(request=make_request(), by=admin_user)
    OutgoingEmail.objects.all().delete()
    data = plan_form_data(plan, changes={0: {"topic": "Tensors"}})

    response = admin_client.post(f"{PLANS_URL}{plan.pk}/change/", data, follow=True)

    assert "The learner has not been told about this change" in response.content.decode()
    assert not OutgoingEmail.objects.exists()
    assert plan.sessions.first().topic == "Tensors"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"date": "2026-03-08", "start": "02:30"},
            "start",
            "02:30 doesn't exist in America/New_York on Sun 08 Mar 2026",
            id="skipped-hour",
        ),
        pytest.param(
            {"start": "19:00", "end": "18:30"},
            "end",
            "A session ends after it starts, on the same day.",
            id="end-before-start",
        ),
    ],
)
@pytest.mark.django_db
def test_impossible_session_times_are_refused(admin_client, admin_user, change, field, message):
    plan = generate_plan(request=make_request(), by=admin_user)
    before = list(plan.sessions.values_list("starts_at", "ends_at"))

    response = admin_client.post(
        f"{PLANS_URL}{plan.pk}/change/", plan_form_data(plan, changes={0: change})
    )

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert message in " ".join(formset.formset.forms[0].errors[field])
    assert list(plan.sessions.values_list("starts_at", "ends_at")) == before


@pytest.mark.django_db
def test_staff_add_a_session_in_the_learners_time(admin_client, admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)
    data = plan_form_data(plan)
    data |= {
        "sessions-TOTAL_FORMS": 5,
        "sessions-4-plan": plan.pk,
        "sessions-4-date": "2026-03-14",
        "sessions-4-start": "10:00",
        "sessions-4-end": "12:00",
        "sessions-4-topic": "Extra practice",
    }

    response = admin_client.post(f"{PLANS_URL}{plan.pk}/change/", data)

    assert response.status_code == 302
    added = plan.sessions.get(topic="Extra practice")
    assert (added.starts_at, added.ends_at) == (utc(2026, 3, 14, 14, 0), utc(2026, 3, 14, 16, 0))


@pytest.mark.django_db
def test_notify_action_asks_first_then_emails_each_learner(admin_client, admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)
    OutgoingEmail.objects.all().delete()
    selected = {"action": "notify_learner", "_selected_action": [plan.pk]}

    confirmation = admin_client.post(PLANS_URL, selected)
    assert "Yes, email 1 learner" in confirmation.content.decode()
    assert not OutgoingEmail.objects.exists()

    done = admin_client.post(PLANS_URL, selected | {"post": "yes"}, follow=True)

    assert "1 learner will be emailed about their plan." in done.content.decode()
    [email] = OutgoingEmail.objects.all()
    assert email.to == "maya@example.com"


@pytest.mark.django_db
def test_plans_are_not_added_by_hand(admin_client):
    assert admin_client.get(f"{PLANS_URL}add/").status_code == 403


# Query counts of the admin lists and the learner's page


def grow_requests(size: int, *, planned: bool, by) -> None:
    course = make_course(title="Deep Learning", slug=f"deep-{size}")
    while OneOnOneRequest.objects.count() < size:
        n = OneOnOneRequest.objects.count()
        request = make_request(
            course=course,
            email=f"learner{n}@example.com",
            preferred_days=(MON,),
            sessions_per_week=1,
            weeks=1,
        )
        if planned:
            generate_plan(request=request, by=by)


def queries_for(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    ("url", "planned", "pinned"),
    [
        # session, user; course filter choices; filtered and total counts; the page of rows
        pytest.param(REQUESTS_URL, False, 6, id="requests"),
        pytest.param(PLANS_URL, True, 6, id="plans"),
    ],
)
@pytest.mark.django_db
def test_admin_lists_run_the_same_queries_for_5_and_100_rows(
    admin_client, admin_user, url, planned, pinned
):
    counts = {}
    for size in (5, 100):
        grow_requests(size, planned=planned, by=admin_user)
        counts[size], html = queries_for(admin_client, url)
        assert html.count('name="_selected_action"') == size
    assert counts[5] == counts[100] == pinned


@pytest.mark.django_db
def test_learners_page_runs_the_same_queries_for_5_and_100_sessions(client, admin_user):
    counts = {}
    for size in (5, 100):
        plan = generate_plan(
            request=make_request(
                preferred_days=(MON, TUE, WED, THU, FRI),
                sessions_per_week=5,
                weeks=size // 5,
                earliest_start=dt.date(2026, 3, 9),  # a Monday
                email=f"learner{size}@example.com",
            ),
            by=admin_user,
        )
        counts[size], html = queries_for(client, f"/training-plan/{plan.token}/")
        assert html.count("<tr>") == size + 1
    assert counts[5] == counts[100] == 2  # the plan with its request, enquiry, course; sessions


# The learner's private page


@pytest.mark.django_db
def test_private_page_lists_sessions_in_the_learners_zone_with_weekday_and_abbreviation(
    client, admin_user
):
    plan = generate_plan(request=make_request(), by=admin_user)

    response = client.get(f"/training-plan/{plan.token}/")

    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time></th>\s*<td>([^<]+)</td>", html)
    assert rows == [
        ("Tue 3 Mar 2026", "18:00–19:30 EST"),
        ("Thu 5 Mar 2026", "18:00–19:30 EST"),
        ("Tue 10 Mar 2026", "18:00–19:30 EDT"),
        ("Thu 12 Mar 2026", "18:00–19:30 EDT"),
    ]
    assert "America/New_York" in html
    assert "Maya Cohen" in html
    assert f'href="/training-plan/{plan.token}/calendar.ics"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_2027_change_shows_est_then_edt(client, admin_user, _frozen_clock):
    _frozen_clock.move_to(utc(2027, 3, 1, 12))
    request = make_request(
        preferred_days=(TUE,), sessions_per_week=1, earliest_start=dt.date(2027, 3, 9)
    )
    plan = generate_plan(request=request, by=admin_user)

    html = client.get(f"/training-plan/{plan.token}/").content.decode()

    assert "Tue 9 Mar 2027" in html and "18:00–19:30 EST" in html
    assert "Tue 16 Mar 2027" in html and "18:00–19:30 EDT" in html


@pytest.mark.parametrize("path", ["/training-plan/{}/", "/training-plan/{}/calendar.ics"])
@pytest.mark.django_db
def test_a_wrong_token_is_not_found(client, admin_user, path):
    plan = generate_plan(request=make_request(), by=admin_user)

    assert client.get(path.format(plan.token[:-1])).status_code == 404
    assert client.get(path.format("x" * 32)).status_code == 404


# The calendar file


def download(client, plan: TrainingPlan):
    response = client.get(f"/training-plan/{plan.token}/calendar.ics")
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


@pytest.mark.django_db
def test_calendar_file_has_one_event_per_session_in_the_learners_zone(client, admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)
    sessions = list(plan.sessions.all())

    response, calendar = download(client, plan)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('-training-plan.ics"')
    events = calendar.events
    assert len(events) == 4
    assert [event.get("DTSTART").params["TZID"] for event in events] == ["America/New_York"] * 4
    assert [event.get("DTEND").params["TZID"] for event in events] == ["America/New_York"] * 4
    assert [f"{event.start:%a %d %b %H:%M}" for event in events] == [
        "Tue 03 Mar 18:00",
        "Thu 05 Mar 18:00",
        "Tue 10 Mar 18:00",
        "Thu 12 Mar 18:00",
    ]
    assert [event.start.astimezone(dt.UTC) for event in events] == [s.starts_at for s in sessions]
    assert [event.end.astimezone(dt.UTC) for event in events] == [s.ends_at for s in sessions]
    assert [str(event["SUMMARY"]) for event in events] == ["Deep Learning: one-on-one session"] * 4
    assert [event.uid for event in events] == [
        f"plan-{plan.pk}-session-{session.pk}@courses.example.com" for session in sessions
    ]
    [zone] = calendar.timezones
    assert zone.tz_name == "America/New_York"
    text = response.content.decode()
    assert "TZOFFSETTO:-0500" in text and "TZOFFSETTO:-0400" in text


@pytest.mark.django_db
def test_calendar_uids_stay_and_sequence_rises_when_staff_change_the_plan(
    client, admin_client, admin_user, _frozen_clock
):
    plan = generate_plan(request=make_request(), by=admin_user)
    _, first = download(client, plan)
    _, again = download(client, plan)

    _frozen_clock.shift(dt.timedelta(hours=1))
    admin_client.post(
        f"{PLANS_URL}{plan.pk}/change/",
        plan_form_data(plan, changes={3: {"start": "18:30", "end": "20:00"}}),
    )
    _, changed = download(client, plan)

    uids = [event.uid for event in first.events]
    assert [event.uid for event in again.events] == uids
    assert [event.uid for event in changed.events] == uids
    assert {event.sequence for event in first.events} == {0}
    assert {event.sequence for event in again.events} == {0}
    assert {event.sequence for event in changed.events} == {1}
    assert {event.last_modified for event in first.events} == {NOW}
    assert {event.last_modified for event in changed.events} == {NOW + dt.timedelta(hours=1)}
    assert f"{changed.events[3].start:%a %d %b %H:%M %Z}" == "Thu 12 Mar 18:30 EDT"


@pytest.mark.django_db
def test_enquiry_of_a_plan_stays_a_one_on_one_enquiry(admin_user):
    plan = generate_plan(request=make_request(), by=admin_user)

    assert Enquiry.objects.get(pk=plan.request.enquiry_id).kind == Enquiry.Kind.ONE_ON_ONE


# Two staff at once


@pytest.mark.django_db(transaction=True)
def test_staff_creating_the_same_plan_at_once_make_one_plan(admin_user):
    request = make_request()
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(8)

    def create() -> None:
        try:
            start.wait()
            generate_plan(request=request, by=admin_user)
            outcome = "created"
        except one_on_one.PlanAlreadyExists:
            outcome = "refused"
        except Exception as error:  # counted, and shown by the assertion
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"created": 1, "refused": 7}
    assert TrainingPlan.objects.count() == 1
    assert PlanSession.objects.count() == 4
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.TRAINING_PLAN).count() == 1
