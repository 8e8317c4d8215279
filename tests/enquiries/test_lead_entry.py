"""Staff record a lead (a call, a walk-in, …) in the admin: the same service, checks and repeat
detection as Enquire Now, owned by whoever entered it unless they assign it, no web consent."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from courses.models import Batch
from enquiries.models import Enquiry, OutgoingEmail
from enquiries.services import ConsentMissing, submit_enquiry
from tests.factories import make_batch, make_course, make_enquiry, next_weekday

ADD = "/admin/enquiries/enquiry/add/"
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def seller(client, django_user_model):
    user = django_user_model.objects.create_user(
        "ravi", first_name="Ravi", last_name="Kumar", email="ravi@example.com", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Sales"))
    client.force_login(user)
    return user


def lead(**overrides) -> dict:
    return {
        "source": "phone",
        "name": "Meera Shah",
        "email": "meera@example.com",
        "phone": "+91 98123 45678",
        "message": "Asked about weekend dates.",
        "submission_token": str(uuid.uuid4()),
    } | overrides


@pytest.mark.django_db
def test_superuser_opens_the_lead_form_with_every_field(admin_client):
    batch = make_batch(course=make_course(title="Python"))

    response = admin_client.get(ADD)

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("source", "name", "email", "phone", "course", "batch", "owner", "message"):
        assert f'name="{name}"' in html
    assert '<option value="walk_in">Walk-in</option>' in html
    assert '<option value="website"' not in html
    assert f"{batch.get_track_display()} from {batch.start_date:%a %d %b %Y}" in html


@pytest.mark.django_db
def test_a_phone_lead_is_owned_by_whoever_entered_it_and_acknowledged_by_email(client, seller):
    batch = make_batch(course=make_course(title="Python"))

    response = client.post(ADD, lead(course=batch.course.pk, batch=batch.pk), follow=True)

    enquiry = Enquiry.objects.get()
    assert response.redirect_chain[-1][0] == f"/admin/enquiries/enquiry/{enquiry.pk}/change/"
    assert f"Recorded {enquiry.reference} for Meera Shah, owned by Ravi Kumar." in (
        response.content.decode()
    )
    assert (enquiry.source, enquiry.kind, enquiry.batch) == ("phone", "batch", batch)
    assert (enquiry.owner, enquiry.entered_by) == (seller, seller)
    assert enquiry.phone == "+919812345678"
    assert (enquiry.consent_at, enquiry.consent_version, enquiry.consent_text) == (None, "", "")
    acknowledgement = OutgoingEmail.objects.get(kind="acknowledgement")
    assert acknowledgement.to == "meera@example.com"
    assert enquiry.reference in acknowledgement.body_text


@pytest.mark.django_db
def test_a_lead_assigned_to_someone_else_is_theirs(client, seller, django_user_model):
    colleague = django_user_model.objects.create_user(
        "anita", first_name="Anita", last_name="Rao", email="anita@example.com", is_staff=True
    )

    client.post(ADD, lead(source="walk_in", course=make_course().pk, owner=colleague.pk))

    enquiry = Enquiry.objects.get()
    assert (enquiry.owner, enquiry.entered_by, enquiry.source) == (colleague, seller, "walk_in")
    assert OutgoingEmail.objects.get(kind="notification").to == "anita@example.com"


@pytest.mark.django_db
def test_a_lead_from_someone_who_already_enquired_is_linked_as_a_repeat(client, seller):
    course = make_course(title="Python")
    original = make_enquiry(course=course, email="Meera@Example.com")

    client.post(ADD, lead(source="referral", course=course.pk))

    repeat = Enquiry.objects.get(source="referral")
    assert repeat.duplicate_of == original
    assert repeat.owner == seller


@pytest.mark.django_db
def test_choosing_a_batch_alone_files_the_lead_under_its_course(client, seller):
    batch = make_batch(course=make_course(title="Python"))

    client.post(ADD, lead(batch=batch.pk))

    assert Enquiry.objects.get().course == batch.course


@pytest.mark.django_db
def test_a_lead_without_a_course_is_a_general_enquiry(client, seller):
    client.post(ADD, lead(source="event"))

    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.course, enquiry.source) == ("general", None, "event")


@pytest.mark.parametrize(
    ("make_closed", "reason"),
    [
        pytest.param(
            lambda: make_batch(start_date=next_weekday(NOW.date() - dt.timedelta(days=7), 0)),
            "This batch has already started.",
            id="started",
        ),
        pytest.param(
            lambda: make_batch(status=Batch.Status.CANCELLED),
            "This batch has been cancelled.",
            id="cancelled",
        ),
    ],
)
@pytest.mark.django_db
def test_a_closed_batch_is_explained_and_nothing_typed_is_lost(client, seller, make_closed, reason):
    batch = make_closed()

    response = client.post(ADD, lead(course=batch.course.pk, batch=batch.pk))

    assert response.status_code == 200
    assert reason in response.context["form"].errors["batch"]
    html = response.content.decode()
    assert 'value="Meera Shah"' in html
    assert "Asked about weekend dates." in html
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_a_batch_of_another_course_is_explained(client, seller):
    course = make_course(title="Deep Learning")
    batch = make_batch(course=make_course(title="Python"))

    response = client.post(ADD, lead(course=course.pk, batch=batch.pk))

    assert response.context["form"].errors["batch"] == ["That batch is not part of Deep Learning."]
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"phone": "98123"}, "phone", "country code", id="phone-no-country"),
        pytest.param({"phone": "+91 98123 4567x"}, "phone", "digits only", id="phone-letters"),
        pytest.param({"email": "meera@"}, "email", "name@example.com", id="email"),
        pytest.param({"source": ""}, "source", "Say how the lead came", id="no-source"),
        pytest.param({"source": "website"}, "source", "valid choice", id="website-source"),
        pytest.param({"name": ""}, "name", "Give the learner's name.", id="no-name"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_shown_beside_its_field(client, seller, changes, field, message):
    response = client.post(ADD, lead(course=make_course().pk, **changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_recording_a_lead_twice_with_one_form_stores_it_once(client, seller):
    data = lead(course=make_course().pk)

    client.post(ADD, data)
    client.post(ADD, data)

    assert Enquiry.objects.count() == 1


@pytest.mark.django_db
def test_staff_without_the_add_permission_cannot_record_a_lead(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Scheduler"))
    client.force_login(clerk)

    assert client.get(ADD).status_code == 403
    assert client.post(ADD, lead(course=make_course().pk)).status_code == 403
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_the_enquiry_page_says_who_recorded_the_lead_and_that_no_consent_was_given(client, seller):
    client.post(ADD, lead(course=make_course().pk))
    enquiry = Enquiry.objects.get()

    html = client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").content.decode()

    assert "Phone call" in html
    assert "Ravi Kumar" in html


# The service's rules, for every caller


@pytest.mark.django_db
def test_an_enquiry_from_the_site_still_needs_consent():
    with pytest.raises(ConsentMissing):
        submit_enquiry(
            course=make_course(),
            batch=None,
            name="Meera Shah",
            email="meera@example.com",
            phone="+919812345678",
            consented=False,
            submission_token=uuid.uuid4(),
        )


@pytest.mark.django_db
def test_the_database_refuses_a_website_enquiry_without_consent():
    enquiry = make_enquiry()

    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.filter(pk=enquiry.pk).update(consent_at=None)


@pytest.mark.django_db
def test_a_staff_lead_without_anyone_named_goes_round_the_sales_rotation(django_user_model):
    member = django_user_model.objects.create_user("sales-1", is_staff=True)
    member.groups.add(Group.objects.get(name="Sales"))

    enquiry = submit_enquiry(
        course=make_course(),
        batch=None,
        name="Meera Shah",
        email="meera@example.com",
        phone="+919812345678",
        consented=False,
        submission_token=uuid.uuid4(),
        source=Enquiry.Source.EMAIL,
    )

    assert (enquiry.owner, enquiry.consent_at, enquiry.source) == (member, None, "email")
