"""Back-office batch planning through the admin: Plan batches…, Copy to next month, Cancel
batches (with who will be told), the enquiries column, scheduling defaults and history."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import versions
from courses.models import Batch
from enquiries.models import Enquiry, OutgoingEmail
from enquiries.services import change_status
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
COURSES = "/admin/courses/course/"
BATCHES = "/admin/courses/batch/"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def messages_of(response) -> list[str]:
    """The messages shown after an action (post with follow=True: showing them uses them up)."""
    assert response.redirect_chain, "the action should redirect back to the list"
    return [str(message) for message in get_messages(response.wsgi_request)]


def hidden_selected(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="_selected_action" value="(\d+)">', html)


@pytest.fixture
def scheduler(client, django_user_model):
    """A staff member with batch permissions only: no access to enquiries."""
    user = django_user_model.objects.create_user(username="scheduler", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["view_batch", "change_batch", "view_course"],
        )
    )
    client.force_login(user)
    return client


# Plan batches…


def plan_action(course_ids: list[int], **fields) -> dict:
    return {"action": "plan_batches", "_selected_action": course_ids, **fields}


@pytest.mark.django_db
def test_plan_batches_action_asks_for_a_month_range_for_the_selected_courses(admin_client):
    python, django = make_course(title="Python"), make_course(title="Django")
    make_course(title="Not selected")

    response = admin_client.post(COURSES, plan_action([python.pk, django.pk], index="0"))

    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(hidden_selected(html)) == sorted([str(python.pk), str(django.pk)])
    assert '<label for="id_first_month">First month:</label>' in html
    assert '<label for="id_last_month">Last month:</label>' in html
    # Next three months by default, as <input type="month">.
    assert 'type="month" name="first_month" value="2026-04"' in html
    assert 'type="month" name="last_month" value="2026-06"' in html
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_plan_batches_preview_lists_every_batch_and_creates_nothing(admin_client):
    course = make_course(title="Python", default_capacity=15)

    response = admin_client.post(
        COURSES, plan_action([course.pk], first_month="2026-04", last_month="2026-05")
    )

    assert response.status_code == 200
    html = response.content.decode()
    to_create = re.search(r'<table id="batches-to-create">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", to_create, re.S)
    assert len(rows) == 4
    assert "Mon 6 Apr 2026" in rows[0]
    assert "Fri 1 May 2026" in rows[0]
    assert "19:00–21:00 IST (Asia/Kolkata)" in rows[0]
    assert "15 seats" in rows[0]
    assert "Sat 4 Apr 2026" in rows[1]
    assert "Sun 10 May 2026" in rows[1]
    assert "Mon 4 May 2026" in rows[2]
    assert "Sat 2 May 2026" in rows[3]
    assert 'value="Create 4 batches"' in html
    assert 'name="confirm" value="yes"' in html
    assert hidden_selected(html) == [str(course.pk), str(course.pk)]
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_plan_batches_preview_shows_the_batches_that_already_exist(admin_client):
    course = make_course(title="Python")
    make_batch(course=course, start_date=dt.date(2026, 4, 6), session_start=dt.time(19, 0))

    response = admin_client.post(
        COURSES, plan_action([course.pk], first_month="2026-04", last_month="2026-04")
    )

    html = response.content.decode()
    existing = re.search(r'<table id="batches-existing">(.*?)</table>', html, re.S).group(1)
    assert "Mon 6 Apr 2026" in existing
    assert "Sat 4 Apr 2026" not in existing
    assert "Already exist, skipped (1)" in html
    assert 'value="Create 1 batch"' in html


@pytest.mark.django_db
def test_plan_batches_confirm_creates_the_batches_and_a_second_run_creates_none(admin_client):
    python, django = make_course(title="Python"), make_course(title="Django")
    unselected = make_course(title="Not selected")
    confirm = plan_action(
        [python.pk, django.pk], first_month="2026-04", last_month="2026-05", confirm="yes"
    )

    first = admin_client.post(COURSES, confirm, follow=True)

    assert messages_of(first) == ["Created 8 batches; 0 already existed."]
    assert Batch.objects.count() == 8
    assert not unselected.batches.exists()
    assert set(Batch.objects.values_list("course__title", "track", "start_date")) == {
        (title, track, start)
        for title in ["Python", "Django"]
        for track, start in [
            ("weekday", dt.date(2026, 4, 6)),
            ("weekend", dt.date(2026, 4, 4)),
            ("weekday", dt.date(2026, 5, 4)),
            ("weekend", dt.date(2026, 5, 2)),
        ]
    }

    second = admin_client.post(COURSES, confirm, follow=True)

    assert messages_of(second) == ["Created 0 batches; 8 already existed."]
    assert Batch.objects.count() == 8


@pytest.mark.django_db
def test_plan_batches_preview_of_an_already_planned_range_offers_nothing_to_create(
    admin_client,
):
    course = make_course()
    admin_client.post(
        COURSES,
        plan_action([course.pk], first_month="2026-04", last_month="2026-04", confirm="yes"),
    )

    response = admin_client.post(
        COURSES, plan_action([course.pk], first_month="2026-04", last_month="2026-04")
    )

    html = response.content.decode()
    assert "Nothing to create: every batch in this range already exists." in html
    assert 'name="confirm"' not in html


@pytest.mark.parametrize(
    ("first", "last", "error"),
    [
        pytest.param(
            "2026-06",
            "2026-04",
            "The last month (April 2026) is before the first month (June 2026).",
            id="backwards",
        ),
        pytest.param(
            "2026-04",
            "2027-06",
            "Plan at most 12 months at a time; April 2026 to June 2027 is 15 months.",
            id="too-long",
        ),
        pytest.param("2026-04", "June", "“June” is not a month", id="not-a-month"),
        pytest.param("", "2026-06", "Choose the first month (YYYY-MM).", id="missing"),
    ],
)
@pytest.mark.parametrize("confirm", [{}, {"confirm": "yes"}], ids=["preview", "confirm"])
@pytest.mark.django_db
def test_plan_batches_shows_a_bad_month_range_on_the_form_and_creates_nothing(
    admin_client, first, last, error, confirm
):
    course = make_course()

    response = admin_client.post(
        COURSES, plan_action([course.pk], first_month=first, last_month=last, **confirm)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'id="batches-to-create"' not in response.content.decode()
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_plan_batches_is_not_offered_to_staff_who_cannot_add_batches(scheduler):
    course = make_course()

    changelist = scheduler.get(COURSES)
    response = scheduler.post(
        COURSES,
        plan_action([course.pk], first_month="2026-04", last_month="2026-04", confirm="yes"),
    )

    assert changelist.status_code == 200
    assert "plan_batches" not in changelist.content.decode()
    # Without any action available the post just shows the list again.
    assert response.status_code == 200
    assert "cl" in response.context
    assert not Batch.objects.exists()


# Copy to next month


@pytest.mark.django_db
def test_copy_to_next_month_action_creates_copies_once(admin_client):
    course = make_course()
    weekday = make_batch(course=course, start_date=dt.date(2026, 3, 16))
    weekend = make_batch(course=course, track=Batch.Track.WEEKEND, start_date=dt.date(2026, 3, 14))
    action = {"action": "copy_to_next_month", "_selected_action": [weekday.pk, weekend.pk]}

    first = admin_client.post(BATCHES, action | {"index": "0"}, follow=True)
    second = admin_client.post(BATCHES, action | {"index": "0"}, follow=True)

    assert messages_of(first) == ["Copied 2 batches to the next month; 0 already had a copy there."]
    assert messages_of(second) == [
        "Copied 0 batches to the next month; 2 already had a copy there."
    ]
    assert set(Batch.objects.filter(start_date__month=4).values_list("track", "start_date")) == {
        ("weekday", dt.date(2026, 4, 6)),
        ("weekend", dt.date(2026, 4, 4)),
    }


# Cancel batches and tell enquirers…


def cancel_action(*batches: Batch, **fields) -> dict:
    return {"action": "cancel_batches", "_selected_action": [b.pk for b in batches], **fields}


@pytest.fixture
def batch_with_enquirers():
    """A batch with two open enquiries, one lost and one spam."""
    batch = make_batch(course=make_course(title="Deep Learning"), start_date=dt.date(2026, 3, 16))
    priya = make_enquiry(batch=batch, name="Priya Sharma", email="priya@example.com")
    tom = make_enquiry(
        batch=batch, name="Tom Baker", email="tom@example.org", phone="+442079460958"
    )
    lost = make_enquiry(
        batch=batch, name="Lena Lost", email="lena@example.net", phone="+919812345679"
    )
    change_status(enquiry=lost, to=Enquiry.Status.LOST, by=None, lost_reason="price")
    make_enquiry(batch=batch, name="Spam Bot", email="bot@example.biz", is_spam=True)
    return batch, [priya, tom]


@pytest.mark.django_db
def test_cancel_confirmation_lists_the_open_enquirers_for_a_superuser(
    admin_client, batch_with_enquirers
):
    batch, (priya, tom) = batch_with_enquirers

    response = admin_client.post(BATCHES, cancel_action(batch, index="0"))

    assert response.status_code == 200
    html = response.content.decode()
    for enquiry in (priya, tom):
        assert (
            f"<td>{enquiry.reference}</td><td>{enquiry.name}</td><td>{enquiry.email}</td>" in html
        )
    assert "Lena Lost" not in html
    assert "Spam Bot" not in html
    assert "2 people will be told" in html
    assert 'value="Yes, cancel 1 batch and email 2 people"' in html
    assert hidden_selected(html) == [str(batch.pk)]
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SCHEDULED
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED).exists()


@pytest.mark.django_db
def test_confirming_cancellation_cancels_the_batch_and_emails_each_open_enquirer(
    admin_client, admin_user, batch_with_enquirers, django_capture_on_commit_callbacks
):
    batch, (priya, tom) = batch_with_enquirers

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(BATCHES, cancel_action(batch, post="yes"), follow=True)

    assert messages_of(response) == ["Cancelled 1 batch; 2 people will be emailed."]
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CANCELLED
    emails = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED)
    assert sorted(emails.values_list("to", "enquiry")) == sorted(
        [("priya@example.com", priya.pk), ("tom@example.org", tom.pk)]
    )
    # One delivery task per email, enqueued after the commit (beside the catalog's new version).
    assert len([c for c in callbacks if c is not versions.new_version]) == 2
    assert batch.history.first().history_user == admin_user


NOTE = 'The trainer is ill <sorry>. Join the "April" batch at no extra cost.\nCall us any time.'


@pytest.mark.django_db
def test_the_confirmation_page_previews_the_email_with_the_staff_note(
    admin_client, batch_with_enquirers
):
    batch, _ = batch_with_enquirers

    first = admin_client.post(BATCHES, cancel_action(batch, index="0"))
    preview = admin_client.post(BATCHES, cancel_action(batch, post="yes", preview="yes", note=NOTE))

    assert 'name="note"' in first.content.decode()
    assert "has been cancelled." in first.content.decode()
    html = preview.content.decode()
    assert "What each person is sent, with your message" in html
    assert "The trainer is ill &lt;sorry&gt;." in html  # in the preview, and kept in the box
    assert "<sorry>" not in html
    assert "[the learner&#x27;s name]" in html
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SCHEDULED
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED).exists()


@pytest.mark.django_db
def test_the_staff_note_is_in_both_parts_of_the_email_and_escaped_in_html(
    admin_client, batch_with_enquirers, settings
):
    settings.SITE_URL = "https://academy.example.org"
    batch, (priya, _) = batch_with_enquirers
    schedule = f"https://academy.example.org{batch.course.get_absolute_url()}#schedule"

    preview = admin_client.post(BATCHES, cancel_action(batch, post="yes", preview="yes", note=NOTE))
    admin_client.post(BATCHES, cancel_action(batch, post="yes", note=NOTE), follow=True)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.BATCH_CANCELLED, to=priya.email)
    assert (
        'The trainer is ill <sorry>. Join the "April" batch at no extra cost.\nCall us any time.'
        in email.body_text
    )
    assert (
        "<p>The trainer is ill &lt;sorry&gt;. Join the &quot;April&quot; batch at no extra "
        "cost.<br>Call us any time.</p>" in email.body_html
    )
    assert "<sorry>" not in email.body_html
    # The links are on the site's own address (BATCHWISE_SITE_URL), in the preview too.
    assert schedule in email.body_text and f'href="{schedule}"' in email.body_html
    assert schedule in preview.content.decode()
    outbox_page = admin_client.get(f"/admin/enquiries/outgoingemail/{email.pk}/change/")
    assert "The trainer is ill &lt;sorry&gt;." in outbox_page.content.decode()


@pytest.mark.django_db
def test_without_a_note_the_email_reads_as_before(admin_client, batch_with_enquirers):
    batch, (priya, _) = batch_with_enquirers

    admin_client.post(BATCHES, cancel_action(batch, post="yes", note="  "), follow=True)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.BATCH_CANCELLED, to=priya.email)
    assert "has been cancelled.\n\nYour enquiry" in email.body_text


@pytest.mark.django_db
def test_a_note_too_long_is_refused_and_nothing_is_cancelled(admin_client, batch_with_enquirers):
    batch, _ = batch_with_enquirers

    response = admin_client.post(BATCHES, cancel_action(batch, post="yes", note="x" * 2001))

    assert response.status_code == 200
    assert "Keep the message to 2000 characters (it has 2001)." in response.content.decode()
    assert "x" * 2001 in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SCHEDULED
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED).exists()


@pytest.mark.django_db
def test_cancelling_an_already_cancelled_batch_emails_nobody_again(
    admin_client, batch_with_enquirers
):
    batch, _ = batch_with_enquirers
    admin_client.post(BATCHES, cancel_action(batch, post="yes"), follow=True)

    page = admin_client.post(BATCHES, cancel_action(batch, index="0"))
    again = admin_client.post(BATCHES, cancel_action(batch, post="yes"), follow=True)

    assert "Already cancelled; nobody will be emailed again." in page.content.decode()
    assert "Yes, cancel" not in page.content.decode()
    assert messages_of(again) == [
        "Cancelled 0 batches; 0 people will be emailed. 1 batch was already cancelled."
    ]
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED).count() == 2


@pytest.mark.django_db
def test_scheduler_sees_how_many_will_be_told_but_not_who(scheduler, batch_with_enquirers):
    batch, _ = batch_with_enquirers

    response = scheduler.post(BATCHES, cancel_action(batch, index="0"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 people with an open enquiry will be told by email." in html
    for enquiry in Enquiry.objects.all():
        assert enquiry.reference not in html
        assert enquiry.name not in html
        assert enquiry.email not in html
    assert "notices" in response.context
    assert all(notice.enquiries is None for notice in response.context["notices"])


@pytest.mark.django_db
def test_scheduler_can_cancel_a_batch_and_its_enquirers_are_emailed(
    scheduler, batch_with_enquirers
):
    batch, _ = batch_with_enquirers

    response = scheduler.post(BATCHES, cancel_action(batch, post="yes"), follow=True)

    assert messages_of(response) == ["Cancelled 1 batch; 2 people will be emailed."]
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CANCELLED
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BATCH_CANCELLED).count() == 2


# The batch list: seats taken and enquiries per batch, in constant queries


@pytest.mark.django_db
def test_batch_list_shows_enquiries_per_batch_without_spam(admin_client, batch_with_enquirers):
    batch, _ = batch_with_enquirers
    quiet = make_batch(course=batch.course, start_date=dt.date(2026, 3, 23))

    response = admin_client.get(BATCHES)

    counts = {row.pk: row.enquiry_count for row in response.context["cl"].result_list}
    assert counts == {batch.pk: 3, quiet.pk: 0}
    assert '<th scope="col" class="sortable column-enquiry_count">' in response.content.decode()


@pytest.mark.django_db
def test_batch_list_runs_the_same_queries_for_5_and_100_batches_with_enquiries(admin_client):
    course = make_course()
    made = []

    def queries_for(size: int) -> int:
        for week in range(len(made), size):
            batch = make_batch(
                course=course, start_date=dt.date(2026, 3, 16) + dt.timedelta(weeks=week)
            )
            if week % 5 == 0:
                make_enquiry(batch=batch, email=f"learner{week}@example.com")
                make_enquiry(batch=batch, email=f"other{week}@example.com")
            made.append(batch)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(BATCHES)
        rows = response.context["cl"].result_list
        assert len(rows) == size
        assert [row.enquiry_count for row in rows] == [
            2 if week % 5 == 0 else 0 for week in range(size)
        ]
        assert [row.seats_taken for row in rows] == [0] * size
        return len(queries)

    assert queries_for(5) == queries_for(100)


# Scheduling defaults and history


@pytest.mark.django_db
def test_course_change_page_shows_the_scheduling_defaults(admin_client):
    course = make_course()

    html = admin_client.get(f"{COURSES}{course.pk}/change/").content.decode()

    assert "Scheduling defaults" in html
    for field in [
        "weekday_session_start",
        "weekday_session_end",
        "weekend_session_start",
        "weekend_session_end",
        "default_timezone",
        "default_capacity",
        "weekday_batch_weeks",
        "weekend_batch_weeks",
    ]:
        assert f'name="{field}"' in html, field


@pytest.mark.django_db
def test_batch_history_shows_who_changed_which_field(admin_client, batch_with_enquirers):
    batch, _ = batch_with_enquirers
    admin_client.post(BATCHES, cancel_action(batch, post="yes"))

    response = admin_client.get(f"{BATCHES}{batch.pk}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r"<strong>Status:</strong>\s*scheduled\s*&nbsp;&rarr;&nbsp;&nbsp;cancelled", html
    )
    assert ">admin</a>" in html


@pytest.mark.django_db
def test_course_history_shows_who_changed_a_scheduling_default(admin_client, admin_user):
    course = make_course(title="Python", slug="python", default_capacity=20)
    page = admin_client.get(f"{COURSES}{course.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    for inline in page.context["inline_admin_formsets"]:  # curriculum, questions, FAQs
        management = inline.formset.management_form
        data |= {
            f"{management.prefix}-{name}": management[name].value() for name in management.fields
        }
    data["default_capacity"] = 12

    saved = admin_client.post(f"{COURSES}{course.pk}/change/", data)
    history = admin_client.get(f"{COURSES}{course.pk}/history/")

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    html = history.content.decode()
    assert re.search(r"<strong>Capacity:</strong>\s*20\s*&nbsp;&rarr;&nbsp;&nbsp;12", html)
    assert ">admin</a>" in html
