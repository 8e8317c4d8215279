"""A person's data: export, erasure and the retention period of leads.

The erasure test builds one person's data the way it lands in production (the public forms
through the client, staff through the admin, the services, the worker sending the emails)
and then searches every column of every table for their address, name and phone.
"""

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from courses import privacy as notice
from courses.models import Batch
from enquiries import dashboard
from enquiries.models import Enquiry, Enrollment, OutgoingEmail, TrainingPlan, WaitlistEntry
from enquiries.services import SALES_GROUP, add_note, one_on_one, privacy, seats
from enquiries.services.one_on_one import Preferences
from tests.factories import make_batch, make_course, make_enquiry, shown_form_stamp

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # a Tuesday
EMAIL = "zephyrine.q@example.com"
NAME = "Zephyrine Quarterman"
PHONE = "+447911123456"
# How the person can be found anywhere: any case of the address, either name, the phone in
# E.164 and as emails print it.
NEEDLES = ["zephyrine.q@example.com", "zephyrine", "quarterman", "+447911123456", "7911 123456"]
ENQUIRIES = "/admin/enquiries/enquiry/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def rows_containing(needle: str) -> dict[str, int]:
    """Table.column → rows whose value, read as text, contains `needle` (any case): every
    column of every table, found through the database's own catalogue."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "
                    f"WHERE LOWER(CAST({quote(column.name)} AS TEXT)) LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                (count,) = cursor.fetchone()
                if count:
                    found[f"{table}.{column.name}"] = count
    return found


def sessions_containing(needle: str) -> int:
    """Sessions are stored signed and compressed: read them as the site does."""
    return sum(
        needle.lower() in json.dumps(session.get_decoded()).lower()
        for session in Session.objects.all()
    )


def traces(needles=NEEDLES) -> dict[str, dict[str, int]]:
    found = {needle: rows_containing(needle) for needle in needles}
    found |= {f"session: {n}": {"sessions": sessions_containing(n)} for n in needles}
    return {needle: where for needle, where in found.items() if any(where.values())}


def ledgers() -> list[tuple]:
    return list(
        Batch.objects.order_by("pk").values_list("pk", "seats_taken", "seats_held", "waiting_count")
    )


def dashboard_numbers() -> tuple:
    return (
        dashboard.weekly_enquiries(),
        dashboard.open_enquiries_by_owner(),
        [(fill.batch.pk, fill.seats_taken, fill.percent) for fill in dashboard.next_batch_fill()],
        dashboard.conversion(),
    )


def change_form_data(client, enquiry: Enquiry, **changes) -> dict:
    """What the browser sends back from the enquiry's change page, with `changes` typed in."""
    response = client.get(f"{ENQUIRIES}{enquiry.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for note_form in formset.forms:
            for name in note_form.fields:
                data[note_form.add_prefix(name)] = note_form[name].value() or ""
    return data | {"_save": "Save"} | changes


def enquire_on_the_site(client, batch: Batch, *, email: str = EMAIL) -> None:
    """The person arrives from a newsletter link that carries their address, and enquires."""
    client.get(
        f"/courses/{batch.course.slug}/?utm_source=newsletter&utm_term={email}",
        HTTP_REFERER="https://mail.example.net/inbox",
    )
    response = client.post(
        f"/courses/{batch.course.slug}/enquire/",
        {
            "batch": batch.pk,
            "submission_token": uuid.uuid4(),
            "shown_at": shown_form_stamp(),
            "name": NAME,
            "email": email,
            "phone": "+44 7911 123456",
            "message": f"Hello, I'm {NAME}; evenings suit me. Call {PHONE}.",
            "consent": "on",
            "came_from": f"https://mail.example.net/read?to={email}",
        },
    )
    assert response.status_code == 302, response.content.decode()


def join_waiting_list_on_the_site(client, batch: Batch, *, email: str) -> WaitlistEntry:
    response = client.post(
        f"/courses/{batch.course.slug}/waiting-list/?batch={batch.pk}",
        {
            "submission_token": uuid.uuid4(),
            "shown_at": shown_form_stamp(),
            "name": NAME,
            "email": email,
            "phone": PHONE,
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert client.get("/waiting-list/emailed/").status_code == 200  # shows the address
    return WaitlistEntry.objects.get(batch=batch, email__iexact=email)


@pytest.fixture
def sales(django_user_model):
    seller = django_user_model.objects.create_user(
        "meera", email="meera@example.com", password="x", is_staff=True
    )
    seller.groups.add(Group.objects.get_or_create(name=SALES_GROUP)[0])
    return seller


@pytest.fixture
def someone_else():
    """Another learner's data, which erasure must leave as it is."""
    return make_enquiry(name="Other Learner", email="other@example.com", phone="+919812345678")


def build_the_persons_data(client, admin_client, admin_user) -> dict:
    """Every place the person's data lands, each through the path the product takes."""
    course = make_course(title="Kubernetes for Developers")
    open_batch = make_batch(course=course)
    full_batch = make_batch(course=course, capacity=1, track=Batch.Track.WEEKEND)
    holder = seats.enroll(
        batch=full_batch,
        learner=seats.Learner(name="Seat Holder", email="holder@example.com"),
    )

    # Enquire Now, then staff rename them, move the status and add a note in the admin.
    enquire_on_the_site(client, open_batch)
    enquiry = Enquiry.objects.get(email=EMAIL)
    response = admin_client.post(
        f"{ENQUIRIES}{enquiry.pk}/change/",
        change_form_data(
            admin_client,
            enquiry,
            name=f"Zephyrine A. {NAME.split()[1]}",
            status=Enquiry.Status.CONTACTED,
            **{"notes-0-text": f"Spoke to {NAME} on {PHONE}; wants evenings."},
        ),
    )
    assert response.status_code == 302
    # "Enrol in <batch>" on the change page: a confirmed seat.
    admin_client.post(f"{ENQUIRIES}{enquiry.pk}/enrol/")
    assert Enrollment.objects.filter(email=EMAIL, batch=open_batch).exists()

    # The waiting list of the full batch, with the address in another case: confirmed through
    # the private link, offered the seat that frees up, and accepted.
    entry = join_waiting_list_on_the_site(client, full_batch, email=EMAIL.upper())
    client.get(f"/waiting-list/{entry.token}/")
    seats.cancel_enrollment(enrollment=holder, by=admin_user)
    client.post(f"/waiting-list/{entry.token}/accept/")
    assert Enrollment.objects.filter(email=EMAIL.upper(), batch=full_batch).exists()

    # One-on-one training: the request, the plan staff make, and its change email.
    request_enquiry = one_on_one.submit_one_on_one(
        course=course,
        preferences=Preferences(
            preferred_days=(1, 3),
            window_start=dt.time(18, 0),
            window_end=dt.time(21, 0),
            timezone="Europe/London",
            session_minutes=90,
            sessions_per_week=2,
            weeks=2,
            earliest_start=NOW.date() + dt.timedelta(days=7),
        ),
        name=NAME,
        email="Zephyrine.Q@Example.com",
        phone=PHONE,
        message="Kubernetes operators, please.",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    plan = one_on_one.generate_plan(request=request_enquiry.one_on_one_request, by=admin_user)
    one_on_one.notify_plan_changed(plan=plan, by=admin_user)
    run_worker()  # every email is sent, and its task's result stored
    return {"open_batch": open_batch, "full_batch": full_batch, "entry": entry, "plan": plan}


@pytest.mark.django_db(transaction=True)
def test_after_erasure_no_row_anywhere_holds_the_persons_address_name_or_phone(
    client, admin_client, admin_user, sales, someone_else
):
    data = build_the_persons_data(client, admin_client, admin_user)
    before = traces()
    # The search finds the person where their data landed, so it can find what is left.
    assert {"enquiries_enquiry.email", "enquiries_historicalenquiry.email"} <= set(before[EMAIL])
    assert {"enquiries_outgoingemail.body_text", "django_admin_log.change_message"} <= set(
        before["zephyrine"]
    )
    assert before[f"session: {EMAIL}"] == {"sessions": 1}
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() >= 8
    ledger, numbers = ledgers(), dashboard_numbers()
    old_plan_token, old_place_token = data["plan"].token, data["entry"].token

    out = StringIO()
    call_command("erase_person", EMAIL.title(), interactive=False, stdout=out)

    assert traces() == {}
    assert "Erased: 3 enquiries" in out.getvalue()
    # Counts, the dashboard and the seats are as they were; the rows are still there.
    assert ledgers() == ledger
    assert dashboard_numbers() == numbers
    assert Enquiry.objects.filter(name=privacy.ERASED_NAME, erased_at=NOW).count() == 3
    assert Enrollment.objects.filter(name=privacy.ERASED_NAME, status="confirmed").count() == 2
    # Their private links no longer work.
    assert client.get(f"/training-plan/{old_plan_token}/").status_code == 404
    assert client.get(f"/waiting-list/{old_place_token}/").status_code == 404
    # Someone else's data is untouched.
    someone_else.refresh_from_db()
    assert (someone_else.name, someone_else.email) == ("Other Learner", "other@example.com")
    assert rows_containing("other@example.com")["enquiries_enquiry.email"] == 1
    # The history says what happened, and by whom only for staff.
    assert Enquiry.history.filter(history_change_reason=privacy.ERASED_ON_REQUEST).count() == 3


@pytest.mark.django_db(transaction=True)
def test_deleting_an_enquiry_in_the_admin_leaves_traces_that_erasure_removes(
    client, admin_client, admin_user, sales
):
    course = make_course()
    batch = make_batch(course=course)
    enquire_on_the_site(client, batch)
    enquiry = Enquiry.objects.get(email=EMAIL)
    run_worker()

    response = admin_client.post(f"{ENQUIRIES}{enquiry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Enquiry.objects.exists()
    left = traces([EMAIL, "zephyrine"])
    assert "enquiries_historicalenquiry.email" in left[EMAIL]
    assert "enquiries_outgoingemail.body_text" in left["zephyrine"]
    assert "django_admin_log.object_repr" in left["zephyrine"]

    privacy.erase_person(email=EMAIL, by=admin_user)

    assert traces([EMAIL, "zephyrine", "quarterman", PHONE]) == {}


@pytest.mark.django_db
def test_erasure_ends_an_open_waiting_place_and_offers_its_seat_to_the_next_person():
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="Seat Holder", email="h@example.com"))
    places = [
        seats.enroll(batch=batch, learner=seats.Learner(name=name, email=email))
        for name, email in ((NAME, EMAIL), ("Next Person", "next@example.com"))
    ]
    first, second = places
    seats.cancel_enrollment(enrollment=Enrollment.objects.get(email="h@example.com"), by=None)
    first.refresh_from_db()
    assert first.status == WaitlistEntry.Status.OFFERED

    privacy.erase_person(email=EMAIL)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.name) == (WaitlistEntry.Status.LEFT, privacy.ERASED_NAME)
    assert second.status == WaitlistEntry.Status.OFFERED
    batch.refresh_from_db()
    assert (batch.seats_taken, batch.seats_held, batch.waiting_count) == (0, 1, 0)
    assert seats.ledger_drift() == []


@pytest.mark.django_db
def test_unsent_email_to_an_erased_person_is_never_sent():
    enquiry = make_enquiry(name=NAME, email=EMAIL, phone=PHONE)
    acknowledgement = OutgoingEmail.objects.get(enquiry=enquiry)
    assert acknowledgement.status == OutgoingEmail.Status.PENDING

    privacy.erase_person(email=EMAIL)

    acknowledgement.refresh_from_db()
    assert acknowledgement.status == OutgoingEmail.Status.FAILED
    assert acknowledgement.to == f"erased-email-{acknowledgement.pk}@erased.invalid"
    assert (acknowledgement.subject, acknowledgement.body_text) == ("(erased)", "")


@pytest.mark.django_db
def test_an_erased_enquiry_cannot_be_enrolled_and_keeps_no_phone():
    enquiry = make_enquiry(batch=make_batch(), name=NAME, email=EMAIL, phone=PHONE)
    privacy.erase_person(email=EMAIL)
    enquiry.refresh_from_db()

    with pytest.raises(seats.SeatError, match="erased"):
        seats.enroll(
            batch=enquiry.batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry
        )
    enquiry.full_clean()  # an erased enquiry is valid without a phone
    enquiry.erased_at = None
    with pytest.raises(Exception, match="phone number"):
        enquiry.full_clean()


@pytest.mark.django_db
def test_erase_person_command_refuses_an_unknown_address_and_asks_before_erasing(monkeypatch):
    with pytest.raises(CommandError, match="Nothing is kept"):
        call_command("erase_person", "nobody@example.com", interactive=False)
    make_enquiry(name=NAME, email=EMAIL, phone=PHONE)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_person", EMAIL, stdout=StringIO())
    assert Enquiry.objects.get().name == NAME


# Export


@pytest.mark.django_db
def test_export_person_writes_every_row_about_them_in_any_letter_case(tmp_path, admin_user):
    course = make_course()
    batch = make_batch(course=course)
    enquiry = make_enquiry(batch=batch, name=NAME, email=EMAIL, phone=PHONE, message="Hi")
    seats.enroll(
        batch=batch, learner=seats.Learner.from_enquiry(enquiry), enquiry=enquiry, by=admin_user
    )
    full = make_batch(course=course, capacity=1, track=Batch.Track.WEEKEND)
    seats.enroll(batch=full, learner=seats.Learner(name="Seat Holder", email="h@example.com"))
    seats.join_waitlist(
        batch=full,
        learner=seats.Learner(name=NAME, email=EMAIL.upper(), phone=PHONE),
        consented=True,
    )
    make_enquiry(name="Other Learner", email="other@example.com")

    output = tmp_path / "person.json"
    call_command("export_person", "Zephyrine.Q@example.COM", output=output, stderr=StringIO())
    data = json.loads(output.read_text(encoding="utf-8"))

    assert [row["fields"]["email"] for row in data["enquiries"]] == [EMAIL]
    assert data["enquiries"][0]["fields"]["consent_version"] == notice.NOTICE_VERSION
    assert "submission_token" not in data["enquiries"][0]["fields"]
    assert [row["fields"]["to_status"] for row in data["status_changes"]] == ["enrolled"]
    assert [row["fields"]["email"] for row in data["seats"]] == [EMAIL]
    assert [row["fields"]["email"] for row in data["waiting_list_places"]] == [EMAIL.upper()]
    assert "token" not in data["waiting_list_places"][0]["fields"]
    assert {row["fields"]["to"] for row in data["emails"]} == {EMAIL, EMAIL.upper()}
    assert len(data["history"]["enquiries"]) == 2  # created, then enrolled
    assert data["history"]["seats"][0]["fields"]["name"] == NAME
    assert "other@example.com" not in output.read_text(encoding="utf-8")

    stdout = StringIO()
    call_command("export_person", EMAIL, stdout=stdout)
    assert json.loads(stdout.getvalue())["enquiries"] == data["enquiries"]


# Admin actions


def run_action(client, action: str, selected, **extra):
    return client.post(
        ENQUIRIES,
        {"action": action, "_selected_action": [item.pk for item in selected], **extra},
    )


@pytest.mark.django_db
def test_superuser_downloads_a_persons_data_from_the_enquiry_list(admin_client):
    first = make_enquiry(name=NAME, email=EMAIL, phone=PHONE)
    make_enquiry(name=NAME, email=EMAIL.upper(), phone=PHONE, course=first.course)

    response = run_action(admin_client, "export_person_data", [first])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="person-{first.reference}.json"'
    )
    assert len(json.loads(response.content)["enquiries"]) == 2


@pytest.mark.django_db
def test_superuser_erases_a_person_after_a_page_listing_what_goes(admin_client):
    enquiry = make_enquiry(name=NAME, email=EMAIL, phone=PHONE)

    page = run_action(admin_client, "erase_person", [enquiry])

    assert page.status_code == 200
    html = page.content.decode()
    assert EMAIL in html and enquiry.reference in html
    assert page.context["counts"]["enquiries"] == 1
    assert page.context["counts"]["emails"] == 1
    assert Enquiry.objects.get().name == NAME  # nothing erased yet

    done = run_action(admin_client, "erase_person", [enquiry], post="yes")

    assert done.status_code == 302
    assert Enquiry.objects.get().name == privacy.ERASED_NAME
    assert rows_containing(EMAIL) == {}


@pytest.mark.django_db
def test_data_request_actions_need_one_person_and_a_superuser(
    admin_client, client, django_user_model
):
    one = make_enquiry(email=EMAIL)
    other = make_enquiry(email="other@example.com")

    response = admin_client.post(
        ENQUIRIES,
        {"action": "erase_person", "_selected_action": [one.pk, other.pk]},
        follow=True,
    )
    assert "Select the enquiries of one person" in response.content.decode()
    assert Enquiry.objects.filter(erased_at__isnull=False).count() == 0

    staff = django_user_model.objects.create_user("meera", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_enquiry", "change_enquiry"])
    )
    client.force_login(staff)
    choices = client.get(ENQUIRIES).context["action_form"].fields["action"].choices
    assert {"export_person_data", "erase_person"}.isdisjoint(value for value, _ in choices)
    refused = run_action(client, "erase_person", [one], post="yes")
    assert refused.status_code == 302  # "No action selected": nothing erased
    assert Enquiry.objects.filter(erased_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_change_page_shows_the_consent_record_read_only(admin_client):
    enquiry = make_enquiry()
    html = admin_client.get(f"{ENQUIRIES}{enquiry.pk}/change/").content.decode()
    form = admin_client.get(f"{ENQUIRIES}{enquiry.pk}/change/").context["adminform"].form
    assert notice.NOTICE_VERSION in html
    assert notice.ENQUIRY_CONSENT in html
    assert {"consent_version", "consent_text", "erased_at"}.isdisjoint(form.fields)


# Retention


def lead(**overrides) -> Enquiry:
    return make_enquiry(**({"name": NAME, "email": EMAIL, "phone": PHONE} | overrides))


@pytest.mark.django_db
def test_old_leads_who_never_became_learners_are_anonymised_after_the_retention_period(
    clock, settings, admin_user
):
    settings.LEAD_RETENTION_DAYS = 730
    stale = lead()
    noted = lead(email="noted@example.com")
    learner = lead(email="learner@example.com", batch=make_batch())
    seats.enroll(batch=learner.batch, learner=seats.Learner.from_enquiry(learner), enquiry=learner)
    lost_learner = lead(email="was-seated@example.com")  # another enquiry of theirs had a seat
    seats.enroll(batch=make_batch(), learner=seats.Learner.from_enquiry(lost_learner))

    clock.shift(dt.timedelta(days=700))
    add_note(enquiry=noted, author=admin_user, text="Still interested, call in spring.")
    recent = lead(email="recent@example.com")
    clock.shift(dt.timedelta(days=31))  # 731 days after the first leads

    out = StringIO()
    call_command("anonymise_old_leads", "--dry-run", stdout=out)
    assert "1 lead(s) are past the retention period of 730 days" in out.getvalue()
    assert Enquiry.objects.filter(erased_at__isnull=False).count() == 0

    call_command("anonymise_old_leads", stdout=out)

    erased = set(Enquiry.objects.filter(erased_at__isnull=False))
    assert erased == {stale}
    assert rows_containing(EMAIL) == {}
    assert {e.name for e in (noted, learner, lost_learner, recent)} == {NAME}
    stale.refresh_from_db()
    assert (stale.name, stale.status) == (privacy.ERASED_NAME, Enquiry.Status.NEW)
    reasons = stale.history.values_list("history_change_reason", flat=True)
    assert privacy.RETENTION_ENDED in reasons
    # A second run finds nothing new.
    assert privacy.anonymise_old_leads(days=730) == 0


@pytest.mark.django_db
def test_retention_off_when_the_setting_is_zero(clock, settings):
    settings.LEAD_RETENTION_DAYS = 0
    lead()
    clock.shift(dt.timedelta(days=5000))
    out = StringIO()
    call_command("anonymise_old_leads", stdout=out)
    assert "Lead retention is off" in out.getvalue()
    assert not Enquiry.objects.filter(erased_at__isnull=False).exists()


@pytest.mark.django_db
def test_retention_keeps_a_lead_with_a_training_plan_or_an_open_waiting_place(clock, admin_user):
    request = one_on_one.submit_one_on_one(
        course=make_course(),
        preferences=Preferences(
            preferred_days=(1,),
            window_start=dt.time(18, 0),
            window_end=dt.time(20, 0),
            timezone="UTC",
            session_minutes=60,
            sessions_per_week=1,
            weeks=1,
            earliest_start=NOW.date(),
        ),
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        consented=True,
        submission_token=uuid.uuid4(),
    )
    one_on_one.generate_plan(request=request.one_on_one_request, by=admin_user)
    full = make_batch(capacity=1, end_date=NOW.date() + dt.timedelta(days=4000))
    seats.enroll(batch=full, learner=seats.Learner(name="Seat Holder", email="h@example.com"))
    waiting = lead(email="waiting@example.com")
    seats.enroll(batch=full, learner=seats.Learner.from_enquiry(waiting), enquiry=waiting)
    clock.shift(dt.timedelta(days=800))

    assert privacy.anonymise_old_leads(days=730) == 0
    assert TrainingPlan.objects.get().request.enquiry.name == NAME


# Consent records


def consent_label(html: str) -> str:
    start = html.index('for="id_consent"')
    label = html[html.index(">", start) + 1 : html.index("<", start)]
    return " ".join(label.split())


@pytest.mark.django_db
def test_enquiry_stores_the_notice_version_and_the_sentence_the_form_showed(client):
    batch = make_batch()
    form = client.get(f"/courses/{batch.course.slug}/enquire/?batch={batch.pk}").content.decode()
    assert '<a href="/privacy/">our privacy notice</a>' in form

    enquire_on_the_site(client, batch)

    enquiry = Enquiry.objects.get()
    assert enquiry.consent_text == consent_label(form) == notice.ENQUIRY_CONSENT
    assert enquiry.consent_version == notice.NOTICE_VERSION
    assert enquiry.consent_at == NOW


@pytest.mark.django_db
def test_waiting_place_stores_the_notice_version_and_the_sentence_the_form_showed(client):
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="Seat Holder", email="h@example.com"))
    url = f"/courses/{batch.course.slug}/waiting-list/?batch={batch.pk}"
    form = client.get(url).content.decode()
    assert '<a href="/privacy/">our privacy notice</a>' in form

    entry = join_waiting_list_on_the_site(client, batch, email=EMAIL)

    assert entry.consent_text == entry.enquiry.consent_text == consent_label(form)
    assert consent_label(form) == notice.WAITLIST_CONSENT
    assert entry.consent_version == entry.enquiry.consent_version == notice.NOTICE_VERSION


@pytest.mark.django_db
def test_one_on_one_form_links_the_notice_and_its_enquiry_stores_the_sentence(client):
    course = make_course()
    form = client.get(f"/courses/{course.slug}/one-on-one/").content.decode()
    assert '<a href="/privacy/">our privacy notice</a>' in form
    request = one_on_one.submit_one_on_one(
        course=course,
        preferences=Preferences(
            preferred_days=(1,),
            window_start=dt.time(18, 0),
            window_end=dt.time(20, 0),
            timezone="UTC",
            session_minutes=60,
            sessions_per_week=1,
            weeks=1,
            earliest_start=NOW.date(),
        ),
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        consented=True,
        submission_token=uuid.uuid4(),
    )
    assert request.consent_text == consent_label(form)
    assert request.consent_version == notice.NOTICE_VERSION


@pytest.mark.django_db
def test_a_place_staff_make_records_no_consent():
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="Seat Holder", email="h@example.com"))
    entry = seats.enroll(batch=batch, learner=seats.Learner(name=NAME, email=EMAIL))
    assert (entry.consent_at, entry.consent_version, entry.consent_text) == (None, "", "")


# The notice


@pytest.mark.django_db
def test_privacy_notice_says_its_version_contact_and_retention(client, settings):
    settings.DEFAULT_FROM_EMAIL = "Courses Ltd <hello@courses.example>"
    settings.LEAD_RETENTION_DAYS = 365
    html = client.get("/privacy/").content.decode()
    assert f"Version {notice.NOTICE_VERSION}" in html
    assert '<time datetime="2026-12-01">Tue 1 December 2026</time>' in html
    assert 'href="mailto:hello@courses.example"' in html
    assert "365 days after the last activity" in html
    for cookie in ("csrftoken", "sessionid", "viewer_tz"):
        assert f"<code>{cookie}</code>" in html

    settings.PRIVACY_CONTACT_EMAIL = "privacy@courses.example"
    settings.LEAD_RETENTION_DAYS = 0
    html = client.get("/privacy/").content.decode()
    assert 'href="mailto:privacy@courses.example"' in html
    assert "until you ask us to erase it" in html


@pytest.mark.django_db
def test_every_page_links_the_privacy_notice_from_its_footer(client):
    html = client.get("/courses/").content.decode()
    footer = html[html.index("<footer") :]
    assert '<a href="/privacy/">Privacy</a>' in footer
