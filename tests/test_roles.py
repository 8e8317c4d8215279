"""Staff roles: what the Scheduler and Sales groups may do, proved through the admin itself.

The groups come from the data migration enquiries/0003_roles (the test database is migrated),
so these tests also prove the migration gives each role what it needs.
"""

import datetime as dt
import importlib
import re
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from courses.models import Batch, Course
from enquiries.models import (
    Enquiry,
    Note,
    OutgoingEmail,
    RoundRobinCursor,
    StatusChange,
    TrainingPlan,
)
from enquiries.services import one_on_one
from tests.factories import make_batch, make_course, make_enquiry

DASHBOARD = "/admin/dashboard/"
ENQUIRIES = "/admin/enquiries/enquiry/"
EXPORT = "/admin/enquiries/enquiry/export/"
EMAILS = "/admin/enquiries/outgoingemail/"
COURSES = "/admin/courses/course/"
BATCHES = "/admin/courses/batch/"

SCHEDULER_PERMISSIONS = {
    *(
        f"courses.{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("category", "course", "batch")
    ),
    "courses.view_historicalcourse",
    "courses.view_historicalbatch",
}
SALES_PERMISSIONS = {
    "enquiries.view_enquiry",
    "enquiries.change_enquiry",
    "enquiries.export_enquiry",
    "enquiries.view_historicalenquiry",
    "enquiries.add_note",
    "enquiries.view_note",
    "enquiries.view_statuschange",
    "enquiries.view_outgoingemail",
    "courses.view_category",
    "courses.view_course",
    "courses.view_batch",
}
# Added by 0006 once seats, waiting lists and one-on-one plans exist.
SALES_SEAT_PERMISSIONS = {
    "enquiries.change_outgoingemail",
    *(f"enquiries.{a}_enrollment" for a in ("add", "change", "view")),
    "enquiries.view_historicalenrollment",
    *(f"enquiries.{a}_waitlistentry" for a in ("add", "change", "view")),
    "enquiries.view_historicalwaitlistentry",
    "enquiries.change_oneononerequest",
    "enquiries.view_oneononerequest",
    *(f"enquiries.{a}_trainingplan" for a in ("add", "change", "view")),
    "enquiries.view_historicaltrainingplan",
    *(f"enquiries.{a}_plansession" for a in ("add", "change", "delete", "view")),
}

# Added by 0015 once trainers exist.
SCHEDULER_TRAINER_PERMISSIONS = {
    f"courses.{action}_{model}"
    for action in ("add", "change", "delete", "view")
    for model in ("trainer", "traineravailability", "trainerleave")
}
SALES_TRAINER_PERMISSIONS = {"courses.view_trainer"}
TRAINERS = "/admin/courses/trainer/"
CALENDAR = "/admin/calendar/"
# Added by 0017: Sales record leads, Schedulers build one-on-one plans.
SALES_LEAD_PERMISSIONS = {"enquiries.add_enquiry"}
SCHEDULER_PLAN_PERMISSIONS = {
    "enquiries.view_oneononerequest",
    *(f"enquiries.{a}_trainingplan" for a in ("add", "change", "view")),
    "enquiries.view_historicaltrainingplan",
    *(f"enquiries.{a}_plansession" for a in ("add", "change", "delete", "view")),
}
REQUESTS = "/admin/enquiries/oneononerequest/"
PLANS = "/admin/enquiries/trainingplan/"


# Added by 0017: both see the demand board; Sales, who follow people up, may invite them.
SCHEDULER_DEMAND_PERMISSIONS = {"enquiries.view_demand_board"}
SALES_DEMAND_PERMISSIONS = {"enquiries.view_demand_board", "enquiries.invite_demand"}


def change_url(changelist: str, obj) -> str:
    return f"{changelist}{obj.pk}/change/"


class _FormValues(HTMLParser):
    """The values a browser would send back from one form of a page, as it was rendered."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = defaultdict(list)
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.values[name].append(attributes.get("value") or "on")
                return
            self.values[name].append(attributes.get("value") or "")
        elif tag == "select" and name:
            self.select, self.first_option = name, None
            self.values.setdefault(name, [])
        elif tag == "option" and self.select:
            value = attributes.get("value") or ""
            if self.first_option is None:
                self.first_option = value
            if "selected" in attributes:
                self.values[self.select].append(value)
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name].append("")

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if not self.values[self.select] and self.first_option is not None:
                self.values[self.select].append(self.first_option)
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea>.
            self.values[self.textarea][-1] = self.values[self.textarea][-1].removeprefix("\n")
            self.textarea = None


def form_values(response, form_id: str) -> dict[str, list[str]]:
    """What submitting the form unchanged would post; change entries to edit."""
    assert response.status_code == 200
    parser = _FormValues(form_id)
    parser.feed(response.content.decode())
    assert parser.values, f"no form #{form_id} on the page"
    return dict(parser.values)


@pytest.fixture
def log_in_as(client, django_user_model):
    """Log the client in as a new member of staff in the named group."""

    def log_in(group_name: str):
        user = django_user_model.objects.create_user(
            f"{group_name.lower()}-member", email=f"{group_name.lower()}@example.com", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return user

    return log_in


@pytest.fixture
def enquiry():
    return make_enquiry(batch=make_batch(course=make_course(title="Python")), name="Meera Shah")


# The groups themselves


def granted(group_name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_migration_creates_the_scheduler_and_sales_groups_and_the_sales_rotation():
    assert granted("Scheduler") == (
        SCHEDULER_PERMISSIONS
        | SCHEDULER_TRAINER_PERMISSIONS
        | SCHEDULER_PLAN_PERMISSIONS
        | SCHEDULER_DEMAND_PERMISSIONS
    )
    assert granted("Sales") == (
        SALES_PERMISSIONS
        | SALES_SEAT_PERMISSIONS
        | SALES_TRAINER_PERMISSIONS
        | SALES_LEAD_PERMISSIONS
        | SALES_DEMAND_PERMISSIONS
    )
    assert RoundRobinCursor.objects.filter(name="Sales").exists()


@pytest.mark.django_db
def test_scheduler_manages_trainers_and_sees_the_calendar(client, log_in_as):
    log_in_as("Scheduler")

    assert client.get(f"{TRAINERS}add/").status_code == 200
    response = client.post(
        f"{TRAINERS}add/",
        {
            "name": "Asha Rao",
            "email": "asha@example.com",
            "timezone": "Europe/London",
            "bio": "",
            "availability-TOTAL_FORMS": "1",
            "availability-INITIAL_FORMS": "0",
            "availability-0-weekday": "0",
            "availability-0-start_time": "09:00",
            "availability-0-end_time": "17:00",
            "leave-TOTAL_FORMS": "0",
            "leave-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    assert client.get(CALENDAR).status_code == 200


@pytest.mark.django_db
def test_sales_sees_trainers_but_cannot_change_them(client, log_in_as):
    log_in_as("Sales")

    assert client.get(TRAINERS).status_code == 200
    assert client.get(f"{TRAINERS}add/").status_code == 403


@pytest.mark.django_db
def test_roles_migration_can_be_reversed_and_run_again_without_changing_anything():
    migration = importlib.import_module("enquiries.migrations.0003_roles")
    state_apps = MigrationLoader(connection).project_state(("enquiries", "0003_roles")).apps
    schema_editor = SimpleNamespace(connection=connection)

    migration.remove_roles(state_apps, schema_editor)
    assert not Group.objects.filter(name__in=["Scheduler", "Sales"]).exists()

    migration.add_roles(state_apps, schema_editor)
    migration.add_roles(state_apps, schema_editor)
    assert granted("Scheduler") == SCHEDULER_PERMISSIONS
    assert granted("Sales") == SALES_PERMISSIONS
    assert Group.objects.filter(name__in=["Scheduler", "Sales"]).count() == 2
    assert RoundRobinCursor.objects.filter(name="Sales").count() == 1


@pytest.mark.django_db
def test_plan_roles_migration_can_be_reversed_and_run_again():
    migration = importlib.import_module("enquiries.migrations.0017_roles_for_leads_and_plans")
    state_apps = (
        MigrationLoader(connection)
        .project_state(("enquiries", "0017_roles_for_leads_and_plans"))
        .apps
    )
    schema_editor = SimpleNamespace(connection=connection)

    # The trainers' and the demand board's permissions (other migrations) stay through it.
    scheduler = SCHEDULER_PERMISSIONS | SCHEDULER_TRAINER_PERMISSIONS | SCHEDULER_DEMAND_PERMISSIONS
    sales = (
        SALES_PERMISSIONS
        | SALES_SEAT_PERMISSIONS
        | SALES_TRAINER_PERMISSIONS
        | SALES_DEMAND_PERMISSIONS
    )

    migration.revoke(state_apps, schema_editor)
    assert granted("Scheduler") == scheduler
    assert granted("Sales") == sales

    migration.grant(state_apps, schema_editor)
    migration.grant(state_apps, schema_editor)
    assert granted("Scheduler") == scheduler | SCHEDULER_PLAN_PERMISSIONS
    assert granted("Sales") == sales | SALES_LEAD_PERMISSIONS


# Scheduler


@pytest.mark.django_db
def test_scheduler_can_edit_a_course_and_a_batch(client, log_in_as):
    log_in_as("Scheduler")
    batch = make_batch(course=make_course(title="Python"), capacity=20)
    assert client.get(COURSES).status_code == 200
    assert client.get(BATCHES).status_code == 200
    assert client.get(f"{COURSES}add/").status_code == 200

    course_form = form_values(client.get(change_url(COURSES, batch.course)), "course_form")
    course_form["title"] = ["Python for data work"]
    response = client.post(change_url(COURSES, batch.course), course_form)
    assert response.status_code == 302, response.context["errors"]

    batch_form = form_values(client.get(change_url(BATCHES, batch)), "batch_form")
    batch_form["capacity"] = ["12"]
    response = client.post(change_url(BATCHES, batch), batch_form)
    assert response.status_code == 302, response.context["errors"]

    assert Course.objects.get(pk=batch.course.pk).title == "Python for data work"
    assert Batch.objects.get(pk=batch.pk).capacity == 12


@pytest.mark.django_db
def test_scheduler_can_read_the_history_of_a_course(client, log_in_as):
    log_in_as("Scheduler")
    course = make_course()

    assert client.get(f"{COURSES}{course.pk}/history/").status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(lambda enquiry: ENQUIRIES, id="enquiry-list"),
        pytest.param(lambda enquiry: change_url(ENQUIRIES, enquiry), id="enquiry-change"),
        pytest.param(lambda enquiry: f"{ENQUIRIES}{enquiry.pk}/history/", id="enquiry-history"),
        pytest.param(lambda enquiry: EXPORT, id="export"),
        pytest.param(lambda enquiry: EMAILS, id="outgoing-emails"),
        pytest.param(
            lambda enquiry: change_url(EMAILS, OutgoingEmail.objects.get(kind="acknowledgement")),
            id="outgoing-email",
        ),
    ],
)
@pytest.mark.django_db
def test_scheduler_is_refused_enquiries_and_their_emails(client, log_in_as, enquiry, page):
    log_in_as("Scheduler")

    response = client.get(page(enquiry))

    assert response.status_code == 403
    assert "Meera Shah" not in response.content.decode()


@pytest.mark.django_db
def test_scheduler_cannot_change_an_enquiry_by_posting_to_it(client, log_in_as, enquiry):
    log_in_as("Scheduler")

    response = client.post(change_url(ENQUIRIES, enquiry), {"status": "contacted"})

    assert response.status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW


@pytest.mark.django_db
def test_scheduler_sees_courses_and_plans_but_no_enquiries_on_the_admin_home(
    client, log_in_as, enquiry
):
    log_in_as("Scheduler")

    html = client.get("/admin/").content.decode()

    assert f'href="{BATCHES}"' in html
    assert f'href="{BATCHES}add/"' in html
    assert f'href="{REQUESTS}"' in html
    assert f'href="{PLANS}"' in html
    assert f'href="{ENQUIRIES}' not in html
    assert f'href="{EMAILS}' not in html
    assert f'href="{DASHBOARD}"' in html


# Scheduler: one-on-one plans


def make_one_on_one_request():
    """A learner's one-on-one request, made the way the site makes it."""
    enquiry = one_on_one.submit_one_on_one(
        course=make_course(title="Deep Learning"),
        preferences=one_on_one.Preferences(
            preferred_days=(1, 3),
            window_start=dt.time(18, 0),
            window_end=dt.time(21, 0),
            timezone="America/New_York",
            session_minutes=90,
            sessions_per_week=2,
            weeks=2,
            earliest_start=dt.date(2026, 3, 3),
        ),
        name="Maya Cohen",
        email="maya@example.com",
        phone="+12125550147",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    return enquiry.one_on_one_request


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False)
def test_scheduler_sees_one_on_one_requests_and_builds_and_edits_a_plan(client, log_in_as):
    log_in_as("Scheduler")
    request = make_one_on_one_request()

    requests_page = client.get(REQUESTS).content.decode()
    request_page = client.get(change_url(REQUESTS, request)).content.decode()
    created = client.post(f"{REQUESTS}{request.pk}/create-plan/", {"post": "yes"})

    assert "Maya Cohen" in requests_page
    assert "America/New_York" in request_page
    assert f'href="{change_url(ENQUIRIES, request.enquiry)}"' not in request_page
    plan = TrainingPlan.objects.get(request=request)
    assert created.status_code == 302
    assert created.url == change_url(PLANS, plan)

    plan_page = client.get(change_url(PLANS, plan))
    assert f'href="{change_url(ENQUIRIES, request.enquiry)}"' not in plan_page.content.decode()
    values = form_values(plan_page, "trainingplan_form")
    values["sessions-0-topic"] = ["Tensors"]
    response = client.post(change_url(PLANS, plan), values)

    assert response.status_code == 302, response.context["errors"]
    assert plan.sessions.first().topic == "Tensors"


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False)
def test_scheduler_still_cannot_open_the_enquiry_behind_a_one_on_one_request(client, log_in_as):
    log_in_as("Scheduler")
    request = make_one_on_one_request()

    assert client.get(change_url(ENQUIRIES, request.enquiry)).status_code == 403
    assert client.get(f"{ENQUIRIES}add/").status_code == 403
    assert client.post(change_url(REQUESTS, request), {}).status_code == 403


# Sales


@pytest.mark.django_db
def test_sales_can_move_an_enquiry_and_add_a_note_on_its_page(client, log_in_as, enquiry):
    seller = log_in_as("Sales")
    assert client.get(ENQUIRIES).status_code == 200
    url = change_url(ENQUIRIES, enquiry)

    values = form_values(client.get(url), "enquiry_form")
    values["status"] = ["contacted"]
    (note_field,) = [name for name in values if re.fullmatch(r"notes-\d+-text", name)]
    values[note_field] = ["Called: prefers the weekend batch."]
    response = client.post(url, values)

    assert response.status_code == 302, response.context["errors"]
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CONTACTED
    change = StatusChange.objects.get(enquiry=enquiry)
    assert (change.to_status, change.changed_by) == ("contacted", seller)
    note = Note.objects.get(enquiry=enquiry)
    assert (note.text, note.author) == ("Called: prefers the weekend batch.", seller)


@pytest.mark.django_db
def test_sales_can_export_enquiries(client, log_in_as, enquiry):
    log_in_as("Sales")

    assert f'href="{EXPORT}' in client.get(ENQUIRIES).content.decode()
    response = client.get(EXPORT)

    assert response.status_code == 200
    assert 'name="format"' in response.content.decode()


@pytest.mark.django_db
def test_sales_can_read_the_outgoing_emails(client, log_in_as, enquiry):
    log_in_as("Sales")

    response = client.get(EMAILS)

    assert response.status_code == 200
    assert enquiry.email in response.content.decode()  # the acknowledgement it was sent


@pytest.mark.parametrize(
    ("changelist", "make", "field", "value"),
    [
        pytest.param(COURSES, make_course, "title", "Renamed", id="course"),
        pytest.param(BATCHES, make_batch, "capacity", "5", id="batch"),
    ],
)
@pytest.mark.django_db
def test_sales_can_view_but_not_change_courses_and_batches(
    client, log_in_as, changelist, make, field, value
):
    log_in_as("Sales")
    obj = make()
    url = change_url(changelist, obj)
    values = form_values(client.get(url), "course_form" if changelist == COURSES else "batch_form")

    response = client.post(url, values | {field: [value]})

    assert response.status_code == 403
    assert str(getattr(type(obj).objects.get(pk=obj.pk), field)) != value
    assert client.get(f"{changelist}add/").status_code == 403
    assert f'href="{changelist}add/"' not in client.get(changelist).content.decode()
    assert f'href="{changelist}add/"' not in client.get("/admin/").content.decode()


# The dashboard


@pytest.mark.parametrize("group_name", ["Scheduler", "Sales"])
@pytest.mark.django_db
def test_every_staff_role_can_open_the_dashboard(client, log_in_as, group_name):
    log_in_as(group_name)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert "Enquiries per week" in response.content.decode()


@pytest.mark.django_db
def test_a_logged_in_user_who_is_not_staff_is_sent_to_the_admin_login(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("learner"))

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={DASHBOARD}"


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={DASHBOARD}"
