"""Learner emails: the seat confirmed (with joining details and its .ics), the reminder before a
batch's first session and before each one-on-one session, and the owners' follow-up digest.

Delivery goes through a real SMTP server on this machine (aiosmtpd, as in test_emails.py);
time is fixed and moved with time-machine.
"""

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from enquiries import services
from enquiries.models import (
    DigestOptOut,
    Enquiry,
    FollowUpDigest,
    OutgoingEmail,
    Reminder,
    TrainingPlan,
    WaitlistEntry,
)
from enquiries.services import one_on_one, pipeline, reminders, seats
from tests.enquiries.test_emails import SmtpServer, free_port
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
SITE = "https://academy.example.org"
JOIN = "Zoom: https://zoom.example/j/8812 (passcode 4242)"
# make_batch: the first Monday two weeks ahead, 19:00 in Asia/Kolkata (13:30 UTC).
FIRST_SESSION = dt.datetime(2027, 1, 25, 13, 30, tzinfo=dt.UTC)
REMINDER_AT = FIRST_SESSION - dt.timedelta(hours=24)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE  # not the default: every link must follow it
    settings.REMINDER_HOURS = 24


@pytest.fixture
def smtp(settings):
    server = SmtpServer(free_port())
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    server.start()
    yield server
    server.stop()


def run_worker() -> None:
    """Run every task that is due now (the clock is time-machine's), as db_worker does."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def learner(name="Asha Verma", email="asha@example.com") -> seats.Learner:
    return seats.Learner(name=name, email=email)


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>)]+", text)


def received(smtp, *, to: str, subject: str):
    return [m for m in smtp.inbox.messages if m["To"] == to and subject in m["Subject"]]


def tasks(name: str):
    return DBTaskResult.objects.filter(task_path__endswith=name)


# Seat confirmed


@pytest.mark.django_db(transaction=True)
def test_staff_enrolment_emails_the_seat_with_joining_details_and_its_calendar_file(smtp):
    batch = make_batch(joining_details=JOIN)
    enquiry = make_enquiry(batch=batch)

    seats.enroll(batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)
    run_worker()

    [message] = received(smtp, to="asha@example.com", subject="is confirmed")
    assert "List-Unsubscribe" not in message  # transactional
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert JOIN in text
    assert "https://zoom.example/j/8812" in html
    assert "We will email you how to join" not in text
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"{batch.course.slug}-weekday-2027-01-25.ics"
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert JOIN in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"batch-{batch.pk}@academy.example.org"  # updates a feed's copy
    assert str(event["URL"]) == f"{SITE}{batch.course.get_absolute_url()}"
    assert all(link.startswith(SITE) for link in links(text) if "zoom.example" not in link)


@pytest.mark.django_db
def test_a_lead_staff_recorded_and_enrolled_is_emailed_its_seat_with_joining_details(
    client, django_user_model
):
    seller = django_user_model.objects.create_user(
        "ravi", first_name="Ravi", last_name="Kumar", email="ravi@example.com", is_staff=True
    )
    seller.groups.add(Group.objects.get(name="Sales"))
    client.force_login(seller)
    batch = make_batch(joining_details=JOIN)

    client.post(
        "/admin/enquiries/enquiry/add/",
        {
            "source": "walk_in",
            "name": "Meera Shah",
            "email": "meera@example.com",
            "phone": "+91 98123 45678",
            "course": batch.course.pk,
            "batch": batch.pk,
            "submission_token": str(uuid.uuid4()),
        },
    )
    enquiry = Enquiry.objects.get()
    assert (enquiry.source, enquiry.consent_at, enquiry.owner) == ("walk_in", None, seller)
    client.post(f"/admin/enquiries/enquiry/{enquiry.pk}/enrol/")

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CONFIRMED)
    assert (email.to, email.enquiry) == ("meera@example.com", enquiry)
    assert JOIN in email.body_text
    assert email.attachment_name.endswith(".ics")
    assert JOIN in Calendar.from_ical(email.attachment).walk("VEVENT")[0]["DESCRIPTION"]
    assert all(link.startswith(SITE) for link in links(email.body_text) if "zoom" not in link)
    assert Enquiry.objects.get().status == Enquiry.Status.ENROLLED


@pytest.mark.django_db
def test_accepting_an_offer_emails_the_seat_with_the_private_link():
    batch = make_batch(capacity=1, joining_details=JOIN)
    first = seats.enroll(batch=batch, learner=learner("Ravi Rao", "ravi@example.com"))
    entry = seats.join_waitlist(batch=batch, learner=learner(), consented=True)
    seats.confirm_place(token=entry.token)
    seats.cancel_enrollment(enrollment=first, by=None)

    seats.accept_offer(token=entry.token)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CONFIRMED, to=entry.email)
    assert JOIN in email.body_text
    assert f"{SITE}/waiting-list/{entry.token}/" in email.body_text
    assert email.attachment_name.endswith(".ics")
    assert JOIN in Calendar.from_ical(email.attachment).walk("VEVENT")[0]["DESCRIPTION"]
    assert email.headers == {}


@pytest.mark.django_db
def test_a_seat_without_joining_details_says_they_will_follow():
    batch = make_batch()

    seats.enroll(batch=batch, learner=learner())

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CONFIRMED)
    assert "We will email you how to join before the first session." in email.body_text


@pytest.mark.django_db
def test_staff_enrolment_into_a_full_batch_waitlists_and_confirms_no_seat():
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=learner("Ravi Rao", "ravi@example.com"))

    place = seats.enroll(batch=batch, learner=learner())

    assert isinstance(place, WaitlistEntry)
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SEAT_CONFIRMED, to=place.email)


# Joining details stay private


@pytest.mark.django_db
def test_joining_details_are_on_no_public_page_feed_or_structured_data(client):
    batch = make_batch(joining_details=JOIN)
    course = batch.course
    pages = [
        "/",
        course.get_absolute_url(),
        "/schedule/",
        f"/courses/{course.slug}/enquire/?batch={batch.pk}",
        "/schedule/calendar.ics",
        f"/courses/{course.slug}/calendar.ics",
        f"/schedule/batches/{batch.pk}.ics",
        "/sitemap.xml",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert b"zoom.example" not in response.content, page
        assert b"4242" not in response.content, page
    assert b"application/ld+json" in client.get(course.get_absolute_url()).content


@pytest.mark.django_db
def test_the_private_page_shows_joining_details_once_the_seat_is_confirmed(client):
    batch = make_batch(capacity=1, joining_details=JOIN)
    first = seats.enroll(batch=batch, learner=learner("Ravi Rao", "ravi@example.com"))
    entry = seats.join_waitlist(batch=batch, learner=learner(), consented=True)
    seats.confirm_place(token=entry.token)
    seats.cancel_enrollment(enrollment=first, by=None)
    page = f"/waiting-list/{entry.token}/"

    assert b"zoom.example" not in client.get(page).content  # an offer is not a seat yet
    seats.accept_offer(token=entry.token)
    response = client.get(page)

    assert b'id="joining-details"' in response.content
    assert b'href="https://zoom.example/j/8812"' in response.content
    assert b"We will email joining details" not in response.content


def make_plan(*, joining_details: str = "") -> TrainingPlan:
    enquiry = one_on_one.submit_one_on_one(
        course=make_course(title="Deep Learning", slug="deep-learning"),
        preferences=one_on_one.Preferences(
            preferred_days=(1, 3),  # Tuesday, Thursday
            window_start=dt.time(18, 0),
            window_end=dt.time(21, 0),
            timezone="Europe/London",
            session_minutes=90,
            sessions_per_week=2,
            weeks=2,
            earliest_start=dt.date(2027, 1, 12),
        ),
        name="Maya Cohen",
        email="maya@example.com",
        phone="+12125550147",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    plan = one_on_one.generate_plan(request=enquiry.one_on_one_request, by=None)
    if joining_details:
        plan.joining_details = joining_details
        plan.save()
    return plan


@pytest.mark.django_db
def test_a_plans_joining_details_are_on_its_private_page_calendar_and_emails(client):
    plan = make_plan(joining_details=JOIN)

    page = client.get(one_on_one.plan_url(plan))
    calendar = Calendar.from_ical(client.get(one_on_one.calendar_url(plan)).content)
    email = one_on_one.notify_plan_changed(plan=plan)

    assert b'href="https://zoom.example/j/8812"' in page.content
    assert all(JOIN in str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT"))
    assert JOIN in email.body_text
    assert "zoom.example" in email.body_html
    assert b"zoom.example" not in client.get("/courses/deep-learning/").content


@pytest.mark.django_db
def test_staff_edit_joining_details_on_the_batch_and_plan_pages(staff_client):
    batch = make_batch(joining_details=JOIN)
    plan = make_plan(joining_details=JOIN)

    batch_page = staff_client.get(f"/admin/courses/batch/{batch.pk}/change/")
    plan_page = staff_client.get(f"/admin/enquiries/trainingplan/{plan.pk}/change/")

    for page in (batch_page, plan_page):
        assert page.status_code == 200
        assert re.search(
            rb'<textarea name="joining_details"[^>]*>\s*Zoom: https://zoom', page.content
        )


# Reminders


@pytest.mark.django_db(transaction=True)
def test_a_seats_reminder_runs_at_its_hour_and_is_sent_once(smtp, clock):
    batch = make_batch(joining_details=JOIN)
    seats.enroll(batch=batch, learner=learner())
    [scheduled] = tasks("send_seat_reminder_task")
    assert scheduled.run_after == REMINDER_AT

    clock.move_to(REMINDER_AT - dt.timedelta(minutes=1))
    run_worker()
    assert received(smtp, to="asha@example.com", subject="Reminder") == []

    clock.move_to(REMINDER_AT)
    run_worker()
    call_command("send_reminders", stdout=None)  # the safety net finds nothing left to send
    run_worker()

    [message] = received(smtp, to="asha@example.com", subject="Reminder")
    assert "starts Mon 25 Jan 2027, 19:00 IST" in message["Subject"]
    assert "List-Unsubscribe" not in message
    assert JOIN in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
def test_the_safety_net_sends_a_due_reminder_whose_task_was_lost(clock):
    enrollment = seats.enroll(batch=make_batch(), learner=learner())

    clock.move_to(REMINDER_AT + dt.timedelta(hours=3))
    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders() == 0

    reminder = Reminder.objects.get()
    assert reminder.enrollment == enrollment
    assert reminder.email.kind == OutgoingEmail.Kind.REMINDER


@pytest.mark.django_db
def test_a_cancelled_seat_or_batch_gets_no_reminder(clock):
    kept = make_batch()
    cancelled_seat = seats.enroll(batch=kept, learner=learner())
    seats.cancel_enrollment(enrollment=cancelled_seat, by=None)
    gone = make_batch(start_date=kept.start_date)
    in_gone = seats.enroll(batch=gone, learner=learner("Ravi Rao", "ravi@example.com"))
    services.cancel_batch(batch=gone, by=None)

    clock.move_to(REMINDER_AT)
    for enrollment in (cancelled_seat, in_gone):
        assert seats.send_seat_reminder(enrollment_id=enrollment.pk, starts=FIRST_SESSION) is None
    assert reminders.send_due_reminders() == 0
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_a_moved_batch_is_reminded_for_its_new_start_only(clock):
    batch = make_batch()
    enrollment = seats.enroll(batch=batch, learner=learner())
    batch.start_date += dt.timedelta(days=7)
    batch.end_date += dt.timedelta(days=7)
    batch.full_clean()
    batch.save()

    clock.move_to(REMINDER_AT)  # the old task runs: its start is stale
    assert seats.send_seat_reminder(enrollment_id=enrollment.pk, starts=FIRST_SESSION) is None
    assert reminders.send_due_reminders() == 0

    clock.move_to(REMINDER_AT + dt.timedelta(days=7))
    assert reminders.send_due_reminders() == 1
    assert Reminder.objects.get().starts_at == FIRST_SESSION + dt.timedelta(days=7)


@pytest.mark.django_db
def test_a_batch_moved_after_its_reminder_is_reminded_again_for_the_new_start(clock):
    batch = make_batch()
    seats.enroll(batch=batch, learner=learner())
    clock.move_to(REMINDER_AT)
    assert reminders.send_due_reminders() == 1
    batch.start_date += dt.timedelta(days=7)
    batch.end_date += dt.timedelta(days=7)
    batch.full_clean()
    batch.save()

    assert reminders.send_due_reminders() == 0  # the new start is a week away
    clock.move_to(REMINDER_AT + dt.timedelta(days=7))
    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders() == 0
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_a_transferred_seat_is_told_how_to_join_its_new_batch_and_reminded_there(clock):
    source = make_batch()
    target = make_batch(
        course=source.course,
        start_date=source.start_date + dt.timedelta(days=7),
        joining_details=JOIN,
    )
    enrollment = seats.enroll(batch=source, learner=learner())

    moved = seats.transfer(enrollment=enrollment, to_batch=target, by=None)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CHANGED)
    assert JOIN in email.body_text
    clock.move_to(REMINDER_AT)
    assert reminders.send_due_reminders() == 0  # the old seat is not reminded
    clock.move_to(REMINDER_AT + dt.timedelta(days=7))
    assert reminders.send_due_reminders() == 1
    assert Reminder.objects.get().enrollment == moved


@pytest.mark.django_db
def test_a_seat_confirmed_inside_the_reminder_window_gets_no_separate_reminder(clock):
    batch = make_batch()
    clock.move_to(REMINDER_AT + dt.timedelta(hours=2))

    seats.enroll(batch=batch, learner=learner())

    assert reminders.send_due_reminders() == 0


@pytest.mark.django_db
def test_the_reminder_hours_come_from_the_setting(settings, django_capture_on_commit_callbacks):
    settings.REMINDER_HOURS = 2
    with django_capture_on_commit_callbacks(execute=True):
        seats.enroll(batch=make_batch(), learner=learner())

    [scheduled] = tasks("send_seat_reminder_task")
    assert scheduled.run_after == FIRST_SESSION - dt.timedelta(hours=2)


@pytest.mark.django_db
def test_the_database_refuses_a_second_reminder_for_the_same_start():
    enrollment = seats.enroll(batch=make_batch(), learner=learner())
    Reminder.objects.create(enrollment=enrollment, starts_at=FIRST_SESSION)

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(enrollment=enrollment, starts_at=FIRST_SESSION)


@pytest.mark.django_db
def test_each_one_on_one_session_is_reminded_once_before_it(
    clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = make_plan(joining_details=JOIN)
    first, second, *_ = plan.sessions.all()
    assert sorted(t.run_after for t in tasks("send_session_reminder_task")) == [
        session.starts_at - dt.timedelta(hours=24) for session in plan.sessions.all()
    ]

    clock.move_to(first.starts_at - dt.timedelta(hours=24))
    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders() == 0

    email = Reminder.objects.get(session=first).email
    assert email.to == "maya@example.com"
    assert "Tue 12 Jan 2027, 18:00–19:30 GMT" in email.subject
    assert JOIN in email.body_text
    assert f"{SITE}/training-plan/{plan.token}/" in email.body_text
    assert not Reminder.objects.filter(session=second).exists()


@pytest.mark.django_db
def test_a_moved_session_is_reminded_at_its_new_time(clock, django_capture_on_commit_callbacks):
    plan = make_plan()
    session = plan.sessions.first()
    old_start = session.starts_at
    session.starts_at += dt.timedelta(days=1)
    session.ends_at += dt.timedelta(days=1)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        one_on_one.schedule_plan_reminders(plan)  # what the plan admin does after a change

    clock.move_to(old_start - dt.timedelta(hours=24))
    assert one_on_one.send_session_reminder(session_id=session.pk, starts=old_start) is None
    assert reminders.send_due_reminders() == 0
    clock.move_to(session.starts_at - dt.timedelta(hours=24))
    assert reminders.send_due_reminders() == 1


# The follow-up digest


@pytest.fixture
def owners(django_user_model):
    return {
        name: django_user_model.objects.create_user(
            username=name,
            email=f"{name}@academy.example.org",
            first_name=name.title(),
            is_staff=True,
        )
        for name in ("meera", "tom", "idle")
    }


def follow_up(owner, on: dt.date, **overrides) -> Enquiry:
    enquiry = make_enquiry(**overrides)
    return pipeline.update_enquiry(
        enquiry=enquiry, changes={"owner": owner, "follow_up_on": on}, by=None
    )


@pytest.mark.django_db(transaction=True)
def test_each_owner_gets_one_digest_of_due_and_overdue_follow_ups_with_links(smtp, owners):
    owners["meera"].last_name = "Iyer"
    owners["meera"].save(update_fields=["last_name"])
    today = NOW.date()
    due = follow_up(owners["meera"], today, name="Priya Nair", email="priya@example.com")
    late = follow_up(owners["meera"], today - dt.timedelta(days=3), email="late@example.com")
    follow_up(owners["meera"], today + dt.timedelta(days=1), email="later@example.com")
    follow_up(owners["tom"], today, email="tom-lead@example.com")
    follow_up(owners["idle"], today + dt.timedelta(days=2), email="idle-lead@example.com")

    call_command("send_follow_up_digests", stdout=None)
    call_command("send_follow_up_digests", stdout=None)  # the same morning again: nothing more
    run_worker()

    digests = [m for m in smtp.inbox.messages if "follow-up" in m["Subject"]]
    assert sorted(m["To"] for m in digests) == [
        "meera@academy.example.org",
        "tom@academy.example.org",
    ]
    [meera] = [m for m in digests if m["To"].startswith("meera")]
    assert meera["Subject"] == "2 follow-ups due today (1 overdue)"
    text = meera.get_body(("plain",)).get_content()
    assert text.startswith("Hello Meera Iyer,")  # her full name, as the back office shows it
    assert f"{SITE}/admin/enquiries/enquiry/{due.pk}/change/" in text
    assert f"{SITE}/admin/enquiries/enquiry/{late.pk}/change/" in text
    assert "later@example.com" not in text and "Priya Nair" in text
    assert "overdue since Fri 8 Jan 2027" in text
    assert all(link.startswith(SITE) for link in links(text))
    unsubscribe = meera["List-Unsubscribe"]
    assert re.fullmatch(rf"<{SITE}/emails/follow-up-digest/unsubscribe/[^>]+/>", unsubscribe)
    assert meera["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert meera.get_body(("html",)) is not None
    assert FollowUpDigest.objects.count() == 2


@pytest.mark.django_db
def test_the_digest_day_is_the_providers_date(settings, clock, owners):
    settings.TIME_ZONE = "Asia/Kolkata"
    # 20:00 UTC on Monday 11 January is 01:30 on Tuesday 12 January in Kolkata.
    clock.move_to(dt.datetime(2027, 1, 11, 20, 0, tzinfo=dt.UTC))
    follow_up(owners["meera"], dt.date(2027, 1, 12))

    assert reminders.send_follow_up_digests() == 1
    assert FollowUpDigest.objects.get().day == dt.date(2027, 1, 12)


@pytest.mark.django_db
def test_no_digest_when_nothing_is_due_and_a_new_one_the_next_morning(clock, owners):
    follow_up(owners["meera"], NOW.date() + dt.timedelta(days=1))
    assert reminders.send_follow_up_digests() == 0

    clock.move_to(NOW + dt.timedelta(days=1))
    assert reminders.send_follow_up_digests() == 1
    clock.move_to(NOW + dt.timedelta(days=2))  # still open, now overdue: reminded again
    assert reminders.send_follow_up_digests() == 1
    assert FollowUpDigest.objects.filter(owner=owners["meera"]).count() == 2


@pytest.mark.django_db
def test_the_unsubscribe_link_asks_first_and_one_click_turns_the_digest_off(client, owners):
    follow_up(owners["meera"], NOW.date())
    url = reminders.unsubscribe_url(owners["meera"]).removeprefix(SITE)

    page = client.get(url)
    assert page.status_code == 200
    assert not DigestOptOut.objects.exists()  # a link scanner's GET changes nothing
    assert page["X-Robots-Tag"] == "noindex"

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert b'id="digest-off"' in done.content
    assert reminders.send_follow_up_digests() == 0

    assert client.get("/emails/follow-up-digest/unsubscribe/forged:token/").status_code == 404


# Every email


@pytest.mark.django_db
def test_every_email_has_a_plain_text_part_and_only_the_digest_has_list_unsubscribe(clock, owners):
    batch = make_batch(joining_details=JOIN)
    make_enquiry(batch=batch)
    seats.enroll(batch=batch, learner=learner())
    make_plan(joining_details=JOIN)
    follow_up(owners["meera"], NOW.date())
    reminders.send_follow_up_digests()
    clock.move_to(REMINDER_AT)
    reminders.send_due_reminders()

    emails = list(OutgoingEmail.objects.all())
    kinds = {email.kind for email in emails}
    assert {"seat_confirmed", "reminder", "follow_up_digest", "training_plan"} <= kinds
    for email in emails:
        assert email.body_text.strip() and email.body_html.strip(), email.kind
        assert ("List-Unsubscribe" in email.headers) == (email.kind == "follow_up_digest")
        assert all(
            link.startswith(SITE) for link in links(email.body_text) if "zoom.example" not in link
        ), email.kind


def test_every_email_template_has_a_subject_a_text_and_an_html_part(settings):
    folder = settings.BASE_DIR / "templates" / "emails"
    names = {path.name.removesuffix("_subject.txt") for path in folder.glob("*_subject.txt")}
    assert {"seat_confirmed", "seat_reminder", "session_reminder", "follow_up_digest"} <= names
    for name in names:
        assert (folder / f"{name}.txt").exists(), name
        assert (folder / f"{name}.html").exists(), name


@pytest.mark.django_db
def test_the_outgoing_email_admin_shows_the_attachment_and_headers(staff_client, owners):
    seats.enroll(batch=make_batch(), learner=learner())
    follow_up(owners["meera"], NOW.date())
    reminders.send_follow_up_digests()
    seat = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CONFIRMED)
    digest = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.FOLLOW_UP_DIGEST)

    seat_page = staff_client.get(f"/admin/enquiries/outgoingemail/{seat.pk}/change/")
    digest_page = staff_client.get(f"/admin/enquiries/outgoingemail/{digest.pk}/change/")

    assert seat.attachment_name.encode() in seat_page.content
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in digest_page.content


@pytest.mark.django_db
def test_the_opt_out_admin_names_the_staff_member_by_full_name(admin_client, owners):
    owners["meera"].last_name = "Iyer"
    owners["meera"].save(update_fields=["last_name"])
    DigestOptOut.objects.create(user=owners["meera"])
    DigestOptOut.objects.create(user=owners["tom"])

    listing = admin_client.get("/admin/enquiries/digestoptout/?q=iyer")

    assert b"Meera Iyer" in listing.content
    assert b"tom@academy.example.org" not in listing.content


@pytest.mark.django_db
def test_opt_out_admin_list_runs_same_queries_for_5_and_100(
    admin_client, django_user_model, django_assert_num_queries
):
    counts = {}
    for size in (5, 100):
        have = DigestOptOut.objects.count()
        users = django_user_model.objects.bulk_create(
            django_user_model(username=f"owner-{n}", email=f"owner-{n}@example.com")
            for n in range(have, size)
        )
        DigestOptOut.objects.bulk_create(DigestOptOut(user=user) for user in users)
        response = admin_client.get("/admin/enquiries/digestoptout/")
        assert response.content.count(b"@example.com</td>") == size
        with django_assert_num_queries(5) as captured:
            admin_client.get("/admin/enquiries/digestoptout/")
        counts[size] = len(captured)
    assert counts[5] == counts[100]


@pytest.mark.django_db
def test_adding_a_learner_in_the_admin_queues_their_seat_email_shown_in_outgoing_emails(
    admin_client,
):
    batch = make_batch(joining_details=JOIN)

    admin_client.post(
        f"/admin/courses/batch/{batch.pk}/add-learner/",
        {"name": "Asha Verma", "email": "asha@example.com", "phone": ""},
    )
    listing = admin_client.get("/admin/enquiries/outgoingemail/?kind=seat_confirmed")

    assert b"asha@example.com" in listing.content
    assert f"Your seat in {batch.course.title} is confirmed".encode() in listing.content
