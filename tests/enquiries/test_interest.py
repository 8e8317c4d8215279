"""The interest list: joining from the course page, the email when a matching batch is
published (once), and the unsubscribe link."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from courses import services as planning
from courses.models import Batch, Course
from enquiries.mail import outbox
from enquiries.models import BatchInvitation, Enquiry, Interest, OutgoingEmail
from enquiries.services import interest as interest_list
from enquiries.services import privacy
from tests.factories import make_batch, make_course, shown_form_stamp

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
FEBRUARY, MARCH = dt.date(2027, 2, 1), dt.date(2027, 3, 1)
VALID = {
    "name": "Ben Rao",
    "email": "ben@example.com",
    "phone": "+44 20 7946 0958",
    "months": ["2027-02", "2027-03"],
    "track": "weekend",
    "mode": "",
    "time_zone": "Europe/London",
    "consent": "on",
}


def posted(**fields) -> dict:
    return VALID | {"submission_token": str(uuid.uuid4()), "shown_at": shown_form_stamp()} | fields


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def course(db) -> Course:
    return make_course(title="Python Basics", slug="python")


def interested(course: Course, **overrides) -> Enquiry:
    fields = {
        "months": [FEBRUARY],
        "track": "",
        "mode": "",
        "time_zone": "Asia/Kolkata",
        "name": "Asha Verma",
        "email": "asha@example.com",
        "phone": "+919812345678",
        "consented": True,
        "submission_token": uuid.uuid4(),
    } | overrides
    return interest_list.register_interest(course=course, **fields)


def weekend_batch(course: Course, start: dt.date = dt.date(2027, 2, 6), **fields) -> Batch:
    return make_batch(course=course, track=Batch.Track.WEEKEND, start_date=start, **fields)


# Joining


@pytest.mark.django_db
def test_course_page_links_to_the_interest_form_on_its_own_page(client, course):
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert f'href="/courses/{course.slug}/interest/"' in page
    assert "None of these suits you?" in page
    # A link, not a form: the course page carries no form (nor its CSRF token) for it.
    assert f'action="/courses/{course.slug}/interest/"' not in page


@pytest.mark.django_db
def test_joining_records_a_lead_of_kind_interest_with_its_months_track_and_mode(client, course):
    response = client.post(f"/courses/{course.slug}/interest/", posted())

    assert response.status_code == 302
    assert response["Location"] == "/enquiries/thanks/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.time_zone) == (
        "interest",
        course,
        "Europe/London",
    )
    assert enquiry.consent_text.startswith("I agree to be emailed when a new batch")
    assert enquiry.owner is None or enquiry.owner.is_staff
    item = enquiry.interest
    assert (item.track, item.mode) == ("weekend", "")
    assert [m.month for m in item.months.all()] == [FEBRUARY, MARCH]
    # The acknowledgement says what happens next.
    [ack] = OutgoingEmail.objects.filter(kind="acknowledgement")
    assert "tell you when a new batch is scheduled" in ack.body_text
    thanks = client.get("/enquiries/thanks/").content.decode()
    assert "February 2027, March 2027" in thanks


@pytest.mark.django_db
def test_a_second_interest_is_a_repeat_of_the_first_and_goes_to_its_owner(client, course):
    first = interested(course, email="Asha@Example.com")
    again = interested(course, email="asha@example.com", months=[MARCH])
    assert again.duplicate_of == first
    assert again.owner == first.owner


@pytest.mark.django_db
def test_errors_are_listed_and_what_was_typed_is_kept(client, course):
    response = client.post(
        f"/courses/{course.slug}/interest/", posted(months=[], consent="", name="Ben Typed")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Tick at least one month." in page
    assert "Please tick this box so we can email you" in page
    assert 'value="Ben Typed"' in page
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_a_month_outside_the_offered_year_is_refused_without_a_500(client, course):
    response = client.post(f"/courses/{course.slug}/interest/", posted(months=["2031-01"]))
    assert response.status_code == 200
    assert "Choose months from the list." in response.content.decode()
    with pytest.raises(interest_list.InterestRefused):
        interested(course, months=[dt.date(2026, 12, 1)])
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_honeypot_stores_spam_and_no_interest(client, course):
    response = client.post(f"/courses/{course.slug}/interest/", posted(website="http://spam"))
    assert response.status_code == 302
    assert Enquiry.objects.get().status == Enquiry.Status.SPAM
    assert not Interest.objects.exists()


@pytest.mark.django_db
def test_over_the_rate_limit_the_form_comes_back_as_a_429_and_nothing_is_stored(
    client, course, settings
):
    settings.BATCHWISE_RATE_LIMITS = settings.BATCHWISE_RATE_LIMITS | {
        "interest": {"ip": "1/hour", "email": "off"}
    }
    assert client.post(f"/courses/{course.slug}/interest/", posted()).status_code == 302
    refused = client.post(f"/courses/{course.slug}/interest/", posted(name="Second Try"))
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert 'value="Second Try"' in refused.content.decode()
    assert Enquiry.objects.count() == 1


# Told once when a matching batch is published


@pytest.mark.django_db
def test_a_matching_published_batch_emails_each_interested_person_once(course, settings):
    settings.SITE_URL = "https://training.example"
    ben = interested(course, email="ben@example.com", track="weekend", months=[FEBRUARY])
    interested(course, email="BEN@example.com", months=[FEBRUARY])  # the same person again
    interested(course, email="weekday@example.com", track="weekday")
    interested(course, email="march@example.com", months=[MARCH])
    interested(course, email="classroom@example.com", mode="classroom")
    batch = weekend_batch(course)

    assert interest_list.notify_interested(batch=batch) == 1
    assert interest_list.notify_interested(batch=batch) == 0  # again: nobody twice

    [email] = OutgoingEmail.objects.filter(kind="interest")
    assert email.to == "ben@example.com"
    assert f"https://training.example/courses/python/enquire/?batch={batch.pk}" in email.body_text
    unsubscribe = f"/interest/{ben.interest.token}/unsubscribe/"
    assert unsubscribe in email.body_text
    assert email.headers == {
        "List-Unsubscribe": f"<https://training.example{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert BatchInvitation.objects.get().enquiry == ben


@pytest.mark.django_db
def test_an_unpublished_or_cancelled_batch_tells_nobody(course):
    interested(course, track="weekend")
    hidden = weekend_batch(course, is_published=False)
    cancelled = weekend_batch(course, start=dt.date(2027, 2, 13), status=Batch.Status.CANCELLED)
    assert interest_list.notify_interested(batch=hidden) == 0
    assert interest_list.notify_interested(batch=cancelled) == 0
    assert not OutgoingEmail.objects.filter(kind="interest").exists()


@pytest.mark.django_db(transaction=True)
def test_publishing_through_planning_tells_the_interested_after_commit(course, settings):
    """Real commits: the post_save receiver enqueues the task on commit; the worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    interested(course, track="weekday", months=[FEBRUARY])
    planning.plan_batches(courses=[course], first_month=FEBRUARY, last_month=FEBRUARY, commit=True)
    assert DBTaskResult.objects.filter(task_path__endswith="notify_interested_task").count() == 2

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    [email] = OutgoingEmail.objects.filter(kind="interest")
    assert email.to == "asha@example.com"
    assert "Weekdays" in email.body_text


@pytest.mark.django_db
def test_the_one_click_post_takes_the_person_off_the_list_and_no_more_emails(client, course):
    enquiry = interested(course, months=[FEBRUARY, MARCH])
    url = f"/interest/{enquiry.interest.token}/unsubscribe/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Stop these emails" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert Interest.objects.subscribed().count() == 1  # a link follower changes nothing

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You are off the list" in done.content.decode()
    assert not Interest.objects.subscribed().exists()
    assert interest_list.notify_interested(batch=weekend_batch(course)) == 0
    assert client.get("/interest/no-such-token/unsubscribe/").status_code == 404
    assert client.get("/interest/bad%00token/unsubscribe/").status_code == 404


@pytest.mark.django_db
def test_outbox_sends_the_extra_headers(course, mailoutbox):
    interested(course, track="weekend")
    interest_list.notify_interested(batch=weekend_batch(course))
    email = OutgoingEmail.objects.get(kind="interest")
    mailoutbox.clear()
    assert outbox.deliver(email.pk) == "sent"
    [message] = mailoutbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


@pytest.mark.django_db
def test_an_erased_person_is_exported_then_taken_off_the_list_and_not_told(course):
    enquiry = interested(course, track="weekend", months=[FEBRUARY, MARCH])
    old_link = enquiry.interest.token
    exported = privacy.export_person(email="asha@example.com")
    assert [row["fields"]["track"] for row in exported["interest_list"]] == ["weekend"]
    assert "token" not in exported["interest_list"][0]["fields"]
    assert len(exported["interest_months"]) == 2

    privacy.erase_person(email="asha@example.com")

    assert not Interest.objects.subscribed().exists()
    assert not Interest.objects.filter(token=old_link).exists()
    assert interest_list.notify_interested(batch=weekend_batch(course)) == 0


@pytest.mark.django_db
def test_the_enquiry_page_shows_what_the_learner_is_waiting_for(staff_client, course):
    enquiry = interested(course, track="weekend", months=[FEBRUARY, MARCH])
    page = staff_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").content.decode()
    assert "February 2027, March 2027; Weekend (Sat–Sun); either mode" in page
    assert "Asia/Kolkata" in page
