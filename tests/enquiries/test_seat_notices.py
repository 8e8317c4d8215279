"""Learners hear about changes to their seat; spam never gets one; status has one way in."""

import datetime as dt

import pytest

from courses.models import Batch
from enquiries import services
from enquiries.models import Enquiry, OutgoingEmail
from enquiries.services import seats
from tests.factories import make_batch, make_enquiry


def learner(name="Asha Verma", email="asha@example.com"):
    return seats.Learner(name=name, email=email)


@pytest.mark.django_db
def test_cancelled_seat_is_emailed_to_its_learner_with_the_schedule_link():
    batch = make_batch()
    enrollment = seats.enroll(batch=batch, learner=learner())

    seats.cancel_enrollment(enrollment=enrollment, by=None)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CHANGED)
    assert email.to == "asha@example.com"
    assert "has been cancelled" in email.subject
    assert f"/courses/{batch.course.slug}/#schedule" in email.body_text


@pytest.mark.django_db
def test_transferred_learner_is_emailed_the_new_dates_and_times():
    source = make_batch()
    target = make_batch(
        course=source.course,
        track=Batch.Track.WEEKEND,
        start_date=source.start_date + dt.timedelta(days=33),  # a Saturday
        end_date=source.start_date + dt.timedelta(days=68),
        session_start=dt.time(10),
        session_end=dt.time(13),
    )
    enrollment = seats.enroll(batch=source, learner=learner())

    seats.transfer(enrollment=enrollment, to_batch=target, by=None)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SEAT_CHANGED)
    assert email.to == "asha@example.com"
    assert f"{target.start_date:%A} {target.start_date.day} {target.start_date:%B %Y}" in (
        email.body_text
    )
    assert "Sat–Sun, 10:00–13:00 IST (Asia/Kolkata)" in email.body_text


@pytest.mark.django_db
def test_a_spam_enquiry_gets_no_seat():
    batch = make_batch()
    enquiry = make_enquiry(batch=batch, is_spam=True)

    with pytest.raises(seats.SeatError, match="spam"):
        seats.enroll(batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry)

    assert not batch.enrollments.exists()
    assert Enquiry.objects.get(pk=enquiry.pk).status == Enquiry.Status.SPAM


@pytest.mark.django_db
def test_an_existing_batch_is_cancelled_only_through_the_action_that_tells_people(admin_client):
    batch = make_batch()
    make_enquiry(batch=batch)

    html = admin_client.get(f"/admin/courses/batch/{batch.pk}/change/").content.decode()

    assert 'name="status"' not in html
    assert 'name="status"' in admin_client.get("/admin/courses/batch/add/").content.decode()
    services.cancel_batch(batch=batch, by=None)  # the action's service still works
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CANCELLED
