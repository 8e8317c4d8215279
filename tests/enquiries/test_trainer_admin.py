"""Trainers through the back office and the site: the batch and plan forms refuse a clash as a
form error, planning and "Copy to next month" carry the trainer, the scheduler's calendar, the
trainer's private .ics feed, and the trainer on the course page."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from icalendar import Calendar

from courses.models import Batch, Trainer
from enquiries.services import trainers
from tests.factories import make_batch, make_course, make_plan, make_trainer
from tests.test_roles import form_values

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # a Tuesday
BATCHES = "/admin/courses/batch/"
COURSES = "/admin/courses/course/"
PLANS = "/admin/enquiries/trainingplan/"
TRAINERS = "/admin/courses/trainer/"
CALENDAR = "/admin/calendar/"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def course():
    return make_course(title="Python Basics", slug="python")


@pytest.fixture
def asha(course):
    return make_trainer(
        name="Asha Rao",
        timezone="Europe/London",
        courses=[course],
        days=range(5),
        hours=(dt.time(8), dt.time(20)),
        bio="Ten years of Python in production.",
    )


def london_batch(course, *, start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 29), times=(9, 11)):
    return make_batch(
        course=course,
        start_date=start,
        end_date=end,
        session_start=dt.time(times[0]),
        session_end=dt.time(times[1]),
        timezone="Europe/London",
    )


# The batch form


@pytest.mark.django_db
def test_the_batch_form_refuses_a_clashing_trainer_with_the_clash_beside_the_field(
    admin_client, course, asha
):
    taken = london_batch(course)
    trainers.assign_trainer(batch=taken, trainer=asha)
    # 05:00-07:00 in New York is 10:00-12:00 in London: overlapping 09:00-11:00.
    batch = make_batch(
        course=course,
        start_date=dt.date(2027, 1, 11),
        end_date=dt.date(2027, 1, 15),
        session_start=dt.time(5),
        session_end=dt.time(7),
        timezone="America/New_York",
    )
    values = form_values(admin_client.get(f"{BATCHES}{batch.pk}/change/"), "batch_form")
    values["trainer"] = [str(asha.pk)]

    response = admin_client.post(f"{BATCHES}{batch.pk}/change/", values)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["trainer"]
    assert errors == [
        "Asha Rao already teaches Python Basics, weekday batch from Mon 4 Jan 2027 on "
        "Mon 11 Jan 2027, 09:00–11:00 Europe/London, which overlaps the session on "
        "Mon 11 Jan 2027, 10:00–12:00 Europe/London (Mon 11 Jan 2027, 05:00–07:00 "
        "America/New_York)."
    ]
    assert "Asha Rao already teaches" in response.content.decode()
    batch.refresh_from_db()
    assert batch.trainer is None


@pytest.mark.django_db
def test_the_batch_form_saves_a_trainer_whose_every_session_fits(admin_client, course, asha):
    batch = london_batch(course)
    values = form_values(admin_client.get(f"{BATCHES}{batch.pk}/change/"), "batch_form")
    values["trainer"] = [str(asha.pk)]

    response = admin_client.post(f"{BATCHES}{batch.pk}/change/", values)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.trainer == asha


@pytest.mark.django_db
def test_moving_a_batch_outside_its_trainers_hours_is_refused(admin_client, course, asha):
    batch = london_batch(course)
    trainers.assign_trainer(batch=batch, trainer=asha)
    values = form_values(admin_client.get(f"{BATCHES}{batch.pk}/change/"), "batch_form")
    values |= {"session_start": ["19:00"], "session_end": ["21:00"]}

    response = admin_client.post(f"{BATCHES}{batch.pk}/change/", values)

    assert response.status_code == 200
    assert "outside Asha Rao&#x27;s availability (Monday: 08:00–20:00, Europe/London)" in (
        response.content.decode()
    )
    batch.refresh_from_db()
    assert batch.session_start == dt.time(9)


# The plan form


@pytest.mark.django_db
def test_the_plan_form_refuses_a_trainer_busy_at_one_of_its_sessions(admin_client, course, asha):
    trainers.assign_trainer(batch=london_batch(course), trainer=asha)
    plan = make_plan(course=course, sessions=[(utc(2027, 1, 5, 10), utc(2027, 1, 5, 11))])
    values = form_values(admin_client.get(f"{PLANS}{plan.pk}/change/"), "trainingplan_form")
    values["trainer"] = [str(asha.pk)]

    response = admin_client.post(f"{PLANS}{plan.pk}/change/", values)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Asha Rao already teaches Python Basics, weekday batch from Mon 4 Jan 2027 on "
        "Tue 5 Jan 2027, 09:00–11:00 Europe/London" in html
    )
    plan.refresh_from_db()
    assert plan.trainer is None


@pytest.mark.django_db
def test_the_plan_form_saves_a_free_trainer(admin_client, course, asha):
    plan = make_plan(course=course, sessions=[(utc(2027, 1, 5, 14), utc(2027, 1, 5, 15))])
    values = form_values(admin_client.get(f"{PLANS}{plan.pk}/change/"), "trainingplan_form")
    values["trainer"] = [str(asha.pk)]

    response = admin_client.post(f"{PLANS}{plan.pk}/change/", values)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.trainer == asha


# Copy to next month and Plan batches


@pytest.mark.django_db
def test_a_copy_keeps_its_trainer_when_every_session_fits(admin_client, course, asha):
    batch = london_batch(course)
    trainers.assign_trainer(batch=batch, trainer=asha)

    response = admin_client.post(
        BATCHES, {"action": "copy_to_next_month", "_selected_action": [batch.pk]}, follow=True
    )

    copy = Batch.objects.get(start_date=dt.date(2027, 2, 1))
    assert copy.trainer == asha
    assert messages_of(response) == [
        "Copied 1 batch to the next month; 0 already had a copy there."
    ]


@pytest.mark.django_db
def test_a_copy_whose_trainer_is_on_leave_is_made_without_them_and_the_scheduler_is_told(
    admin_client, course, asha
):
    batch = london_batch(course)
    trainers.assign_trainer(batch=batch, trainer=asha)
    asha.leave.create(first_day=dt.date(2027, 2, 8), last_day=dt.date(2027, 2, 12))

    response = admin_client.post(
        BATCHES, {"action": "copy_to_next_month", "_selected_action": [batch.pk]}, follow=True
    )

    copy = Batch.objects.get(start_date=dt.date(2027, 2, 1))
    assert copy.trainer is None
    assert messages_of(response)[1] == (
        f"Copied without a trainer: {copy}: Asha Rao is on leave Mon 8 Feb 2027–Fri 12 Feb "
        "2027, so cannot take Python Basics, weekday batch from Mon 1 Feb 2027 on "
        "Mon 8 Feb 2027, 09:00–11:00 Europe/London."
    )


@pytest.mark.django_db
def test_planned_batches_get_the_trainer_where_they_fit_and_the_rest_are_listed(
    admin_client, course, asha
):
    # The course's weekend batches fall outside Asha's weekdays; its weekday mornings fit.
    course.default_timezone = "Europe/London"
    course.weekday_session_start, course.weekday_session_end = dt.time(10), dt.time(12)
    course.save()

    response = admin_client.post(
        COURSES,
        {
            "action": "plan_batches",
            "_selected_action": [course.pk],
            "first_month": "2027-01",
            "last_month": "2027-01",
            "trainer": str(asha.pk),
            "confirm": "yes",
        },
        follow=True,
    )

    weekday = Batch.objects.get(track=Batch.Track.WEEKDAY)
    weekend = Batch.objects.get(track=Batch.Track.WEEKEND)
    assert weekday.trainer == asha
    assert weekend.trainer is None
    shown = messages_of(response)
    assert shown[0] == "Created 2 batches; 0 already existed."
    assert shown[1].startswith(f"{weekend} was created without a trainer: Python Basics, weekend")
    assert "Saturday: none, Europe/London" in shown[1]
    assert shown[2] == "Asha Rao teaches 1 new batch."


@pytest.mark.django_db
def test_the_plan_preview_carries_the_trainer_to_the_confirmation(admin_client, course, asha):
    response = admin_client.post(
        COURSES,
        {
            "action": "plan_batches",
            "_selected_action": [course.pk],
            "first_month": "2027-01",
            "last_month": "2027-01",
            "trainer": str(asha.pk),
        },
    )

    html = response.content.decode()
    assert f'<input type="hidden" name="trainer" value="{asha.pk}">' in html
    assert "Trainer: Asha Rao." in html
    assert not Batch.objects.exists()


# The scheduler's calendar


@pytest.mark.django_db
def test_the_calendar_lists_a_trainers_batch_and_plan_sessions_in_their_zone(
    admin_client, course, asha
):
    trainers.assign_trainer(batch=london_batch(course, end=dt.date(2027, 1, 8)), trainer=asha)
    plan = make_plan(course=course, sessions=[(utc(2027, 1, 6, 15), utc(2027, 1, 6, 16))])
    trainers.assign_plan_trainer(plan=plan, trainer=asha)
    make_batch(course=course, start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 1, 8))

    response = admin_client.get(f"{CALENDAR}?month=2027-01&trainer={asha.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="calendar-session calendar-batch"') == 5
    assert html.count('class="calendar-session calendar-plan"') == 1
    wednesday = html.split('id="day-2027-01-06"')[1].split("</section>")[0]
    assert re.findall(r'<span class="calendar-time">([^<]+)</span>', wednesday) == [
        "09:00–11:00",
        "15:00–16:00",
    ]
    assert f"one-on-one plan {plan.request.enquiry.reference}" in wednesday
    assert "Maya" not in html
    assert "<strong>Europe/London</strong>" in html


@pytest.mark.django_db
def test_the_calendar_for_all_trainers_shows_sessions_without_one(admin_client, course, asha):
    make_batch(course=course, start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 1, 4))

    html = admin_client.get(f"{CALENDAR}?month=2027-01").content.decode()

    assert "<strong>No trainer</strong>" in html
    assert "<strong>UTC</strong>" in html
    # 19:00-21:00 in Kolkata is 13:30-15:30 UTC.
    assert '<span class="calendar-time">13:30–15:30</span>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["month=2027-13", "month=%00", "trainer=abc", "trainer=999999"])
def test_bad_calendar_filters_are_reported_not_a_500(admin_client, query):
    response = admin_client.get(f"{CALENDAR}?{query}")

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()


@pytest.mark.django_db
def test_the_calendar_is_for_staff_only(client):
    response = client.get(CALENDAR)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# The trainer's private feed


def feed_url(trainer: Trainer) -> str:
    return f"/trainers/{trainer.calendar_token}/calendar.ics"


@pytest.mark.django_db
def test_the_feed_has_the_trainers_batches_and_plan_sessions_and_is_not_stored(
    client, course, asha
):
    batch = london_batch(course)
    trainers.assign_trainer(batch=batch, trainer=asha)
    plan = make_plan(course=course, sessions=[(utc(2027, 1, 6, 15), utc(2027, 1, 6, 16))])
    trainers.assign_plan_trainer(plan=plan, trainer=asha)
    make_batch(course=make_course(title="Someone else's"))

    response = client.get(feed_url(asha))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == [
        "Python Basics (Weekdays batch)",
        f"Python Basics, one-on-one plan {plan.request.enquiry.reference}",
    ]
    batch_event = next(event for event in events if "RRULE" in event)
    assert batch_event.decoded("DTSTART") == dt.datetime(
        2027, 1, 4, 9, tzinfo=batch_event.decoded("DTSTART").tzinfo
    )
    assert str(batch_event["DTSTART"].params["TZID"]) == "Europe/London"


@pytest.mark.django_db
def test_a_new_calendar_link_replaces_the_old_one_at_once(admin_client, client, asha):
    old = feed_url(asha)

    admin_client.post(
        TRAINERS, {"action": "issue_new_calendar_links", "_selected_action": [asha.pk]}
    )

    asha.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(asha)).status_code == 200


@pytest.mark.django_db
def test_the_trainer_page_shows_the_private_feed_to_staff(admin_client, asha):
    html = admin_client.get(f"{TRAINERS}{asha.pk}/change/").content.decode()

    assert f"/trainers/{asha.calendar_token}/calendar.ics" in html


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "a%00b"])
def test_an_unknown_feed_token_is_a_404(client, asha, token):
    assert client.get(f"/trainers/{token}/calendar.ics").status_code == 404


# The course page


@pytest.mark.django_db
def test_the_course_page_names_each_batchs_trainer_with_a_short_bio(client, course, asha):
    trainers.assign_trainer(batch=london_batch(course), trainer=asha)
    london_batch(course, start=dt.date(2027, 1, 11))

    html = client.get("/courses/python/").content.decode()

    assert html.count("Trainer: Asha Rao — Ten years of Python in production.") == 1


@pytest.mark.django_db
def test_a_provider_may_keep_trainers_off_the_course_page(client, settings, course, asha):
    settings.BATCHWISE_SHOW_TRAINERS = False
    trainers.assign_trainer(batch=london_batch(course), trainer=asha)

    html = client.get("/courses/python/").content.decode()

    assert "Asha Rao" not in html


@pytest.mark.django_db
def test_the_cached_course_page_shows_a_new_trainer_and_a_changed_bio_at_once(client, course, asha):
    batch = london_batch(course)
    assert "Asha Rao" not in client.get("/courses/python/").content.decode()  # now cached

    trainers.assign_trainer(batch=batch, trainer=asha)
    assert "Trainer: Asha Rao — Ten years" in client.get("/courses/python/").content.decode()

    asha.bio = "Teaches data analysis."
    asha.save()
    assert "Trainer: Asha Rao — Teaches data analysis." in (
        client.get("/courses/python/").content.decode()
    )
