"""submit_enquiry: the rules every enquiry obeys, whether it comes from the site or a shell."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses.models import Batch
from enquiries.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, Enquiry
from enquiries.services import (
    Attribution,
    BatchNotInCourse,
    BatchNotOpen,
    ConsentMissing,
    CourseNotOpen,
    submit_enquiry,
)
from tests.factories import make_batch, make_course, make_enquiry, next_weekday

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def learner(**overrides) -> dict:
    return {
        "name": "Priya Sharma",
        "email": "priya@example.com",
        "phone": "+919812345678",
        "consented": True,
        "submission_token": uuid.uuid4(),
    } | overrides


@pytest.mark.django_db
def test_submit_enquiry_records_a_new_batch_enquiry_with_consent_time_and_reference():
    batch = make_batch()

    enquiry = submit_enquiry(
        course=batch.course,
        batch=batch,
        message="  Can I pay in instalments?  ",
        **learner(name="  Priya Sharma ", email=" priya@example.com "),
    )

    enquiry.refresh_from_db()
    assert enquiry.kind == Enquiry.Kind.BATCH
    assert enquiry.batch == batch
    assert enquiry.course == batch.course
    assert enquiry.status == Enquiry.Status.NEW
    assert (enquiry.name, enquiry.email) == ("Priya Sharma", "priya@example.com")
    assert enquiry.message == "Can I pay in instalments?"
    assert enquiry.consent_at == NOW
    assert len(enquiry.reference) == REFERENCE_LENGTH
    assert set(enquiry.reference) <= set(REFERENCE_ALPHABET)


@pytest.mark.django_db
def test_submit_enquiry_without_batch_records_a_course_enquiry():
    course = make_course()

    enquiry = submit_enquiry(course=course, batch=None, **learner())

    assert enquiry.kind == Enquiry.Kind.COURSE
    assert enquiry.batch is None


@pytest.mark.django_db
def test_submit_enquiry_stores_the_attribution_it_is_given():
    course = make_course()
    attribution = Attribution.from_mapping(
        {
            "landing_page": "/courses/?utm_source=newsletter",
            "utm_source": "newsletter",
            "utm_medium": "email",
            "not_an_attribution_field": "ignored",
        },
        came_from="http://testserver/schedule/",
    )

    enquiry = submit_enquiry(course=course, batch=None, attribution=attribution, **learner())

    enquiry.refresh_from_db()
    assert enquiry.landing_page == "/courses/?utm_source=newsletter"
    assert (enquiry.utm_source, enquiry.utm_medium, enquiry.utm_campaign) == (
        "newsletter",
        "email",
        "",
    )
    assert enquiry.came_from == "http://testserver/schedule/"


@pytest.mark.django_db
def test_submit_enquiry_twice_with_one_token_returns_the_first_enquiry_unchanged():
    batch = make_batch()
    token = uuid.uuid4()

    first = submit_enquiry(
        course=batch.course, batch=batch, **learner(submission_token=token, name="Priya")
    )
    again = submit_enquiry(
        course=batch.course, batch=batch, **learner(submission_token=token, name="Priya S.")
    )

    assert again.pk == first.pk
    assert again.reference == first.reference
    assert Enquiry.objects.get().name == "Priya"


@pytest.mark.django_db
def test_resubmitting_a_token_after_the_batch_closed_still_returns_the_first_enquiry():
    batch = make_batch()
    token = uuid.uuid4()
    first = submit_enquiry(course=batch.course, batch=batch, **learner(submission_token=token))
    batch.status = Batch.Status.CANCELLED
    batch.save()

    again = submit_enquiry(course=batch.course, batch=batch, **learner(submission_token=token))

    assert again.pk == first.pk
    assert Enquiry.objects.count() == 1


def cancelled_batch() -> Batch:
    return make_batch(status=Batch.Status.CANCELLED)


def unpublished_batch() -> Batch:
    return make_batch(is_published=False)


def started_batch() -> Batch:
    return make_batch(start_date=next_weekday(TODAY - dt.timedelta(days=7), 0))


@pytest.mark.parametrize(
    ("make_closed_batch", "reason"),
    [
        pytest.param(cancelled_batch, "This batch has been cancelled.", id="cancelled"),
        pytest.param(started_batch, "This batch has already started.", id="started"),
        pytest.param(unpublished_batch, "This batch is not open for enquiries.", id="unpublished"),
    ],
)
@pytest.mark.django_db
def test_submit_enquiry_refuses_a_batch_that_is_not_open(make_closed_batch, reason):
    batch = make_closed_batch()

    with pytest.raises(BatchNotOpen) as refused:
        submit_enquiry(course=batch.course, batch=batch, **learner())

    assert str(refused.value) == reason

    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_submit_enquiry_accepts_a_batch_that_starts_today():
    batch = make_batch(start_date=TODAY)

    enquiry = submit_enquiry(course=batch.course, batch=batch, **learner())

    assert enquiry.batch == batch


@pytest.mark.django_db
def test_submit_enquiry_refuses_a_batch_of_another_course():
    course = make_course(title="Deep Learning")
    other_course_batch = make_batch()

    with pytest.raises(BatchNotInCourse) as refused:
        submit_enquiry(course=course, batch=other_course_batch, **learner())

    assert str(refused.value) == "That batch is not part of Deep Learning."

    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_submit_enquiry_refuses_an_unpublished_course():
    course = make_course(title="Rust in Production", is_published=False)

    with pytest.raises(CourseNotOpen) as refused:
        submit_enquiry(course=course, batch=None, **learner())

    assert str(refused.value) == "Rust in Production is not open for enquiries."

    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_spam_skips_the_open_checks_and_is_stored_as_spam():
    batch = make_batch(status=Batch.Status.CANCELLED, course=make_course(is_published=False))

    enquiry = submit_enquiry(course=batch.course, batch=batch, is_spam=True, **learner())

    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.SPAM
    assert enquiry.batch == batch
    assert enquiry.kind == Enquiry.Kind.BATCH


@pytest.mark.django_db
def test_spam_naming_another_courses_batch_is_stored_as_a_course_enquiry():
    course = make_course()

    enquiry = submit_enquiry(course=course, batch=make_batch(), is_spam=True, **learner())

    assert (enquiry.status, enquiry.kind, enquiry.batch) == (
        Enquiry.Status.SPAM,
        Enquiry.Kind.COURSE,
        None,
    )
    assert enquiry.course == course


@pytest.mark.django_db
def test_spam_is_left_out_of_not_spam():
    real = make_enquiry()
    make_enquiry(is_spam=True)

    assert list(Enquiry.objects.not_spam()) == [real]


@pytest.mark.parametrize(
    "phone",
    [
        pytest.param("+44 20 7946 0958", id="formatted"),
        pytest.param("02079460958", id="national"),
        pytest.param("not a number", id="words"),
    ],
)
@pytest.mark.django_db
def test_submit_enquiry_rejects_a_phone_that_is_not_e164(phone):
    course = make_course()

    with pytest.raises(ValidationError) as caught:
        submit_enquiry(course=course, batch=None, **learner(phone=phone))

    assert set(caught.value.message_dict) == {"phone"}
    assert not Enquiry.objects.exists()


def _enquiry_row(**fields) -> Enquiry:
    """Write a row straight to the table, past the service, to reach the database's own checks."""
    with transaction.atomic():
        return Enquiry.objects.create(
            course=fields.pop("course"),
            name="Priya Sharma",
            email="priya@example.com",
            phone="+919812345678",
            consent_at=NOW,
            **fields,
        )


@pytest.mark.django_db
def test_database_refuses_a_batch_enquiry_without_a_batch():
    course = make_course()

    with pytest.raises(IntegrityError, match="enquiry_batch_matches_kind"):
        _enquiry_row(course=course, kind=Enquiry.Kind.BATCH, batch=None)


@pytest.mark.django_db
def test_database_refuses_a_course_enquiry_that_names_a_batch():
    batch = make_batch()

    with pytest.raises(IntegrityError, match="enquiry_batch_matches_kind"):
        _enquiry_row(course=batch.course, kind=Enquiry.Kind.COURSE, batch=batch)


@pytest.mark.django_db
def test_database_accepts_kinds_that_match_the_batch():
    batch = make_batch()

    _enquiry_row(course=batch.course, kind=Enquiry.Kind.BATCH, batch=batch)
    _enquiry_row(course=batch.course, kind=Enquiry.Kind.COURSE, batch=None)

    assert Enquiry.objects.count() == 2


@pytest.mark.django_db
def test_submit_enquiry_refuses_without_consent():
    batch = make_batch()

    with pytest.raises(ConsentMissing, match="agree to be contacted"):
        submit_enquiry(course=batch.course, batch=batch, **learner(consented=False))

    assert not Enquiry.objects.exists()
