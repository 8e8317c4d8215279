"""Staff work enquiries in the admin: the pipeline, the timeline, filters, bulk actions, export,
history and the outbox. Everything goes through the client, as a superuser (`admin_client`) or
as a member of staff with only the permissions Sales needs.
"""

import csv
import datetime as dt
import io
import socket

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from enquiries import mail, services
from enquiries.models import Enquiry, Note, OutgoingEmail, StatusChange
from enquiries.services import Attribution
from tests.factories import make_batch, make_course, make_enquiry

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
ENQUIRIES = "/admin/enquiries/enquiry/"
EXPORT = f"{ENQUIRIES}export/"
EMAILS = "/admin/enquiries/outgoingemail/"
Status = Enquiry.Status
SALES_PERMISSIONS = [
    "view_enquiry",
    "change_enquiry",
    "view_historicalenquiry",
    "add_note",
    "view_note",
    "view_outgoingemail",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the export form's choices: CSV, then XLSX


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(admin_user):
    return admin_user


def make_staff(django_user_model, username: str, *, permissions=SALES_PERMISSIONS, **fields):
    user = django_user_model.objects.create_user(
        username,
        email=f"{username}@example.com",
        password="correct horse battery",
        is_staff=True,
        first_name=username.capitalize(),
        last_name="Rao",
        **fields,
    )
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    return user


@pytest.fixture
def seller(django_user_model):
    return make_staff(django_user_model, "meera")


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


def change_url(enquiry: Enquiry) -> str:
    return f"{ENQUIRIES}{enquiry.pk}/change/"


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def change_form_data(client, enquiry: Enquiry, **changes) -> dict:
    """What the browser would send back from the change page, with `changes` typed in."""
    response = client.get(change_url(enquiry))
    assert response.status_code == 200
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for note_form in formset.forms:
            for name in note_form.fields:
                data[note_form.add_prefix(name)] = note_form[name].value() or ""
    return data | {"_save": "Save"} | changes


def save_change_form(client, enquiry: Enquiry, **changes):
    return client.post(change_url(enquiry), change_form_data(client, enquiry, **changes))


def form_errors(response) -> dict:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["adminform"].form.errors


def run_action(client, action: str, selected, *, url: str = ENQUIRIES):
    return client.post(
        url, {"action": action, "_selected_action": [item.pk for item in selected]}, follow=True
    )


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def action_choices(response) -> set[str]:
    action_form = response.context["action_form"]
    if action_form is None:
        return set()
    return {value for value, _ in action_form.fields["action"].choices if value}


# Status changes through the change form


@pytest.mark.django_db
def test_status_change_in_change_form_records_who_and_when_and_first_response(admin_client, admin):
    enquiry = make_enquiry()

    response = save_change_form(admin_client, enquiry, status=Status.CONTACTED)

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.CONTACTED
    assert enquiry.first_response_at == NOW
    change = StatusChange.objects.get(enquiry=enquiry)
    assert (change.from_status, change.to_status) == (Status.NEW, Status.CONTACTED)
    assert (change.changed_by, change.changed_at) == (admin, NOW)


@pytest.mark.django_db
def test_staff_member_marks_an_enquiry_lost_with_a_reason(seller_client, seller, clock):
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Status.CONTACTED, by=seller)
    clock.shift(dt.timedelta(days=3))

    response = save_change_form(
        seller_client, enquiry, status=Status.LOST, lost_reason=Enquiry.LostReason.PRICE
    )

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.lost_reason) == (Status.LOST, Enquiry.LostReason.PRICE)
    assert enquiry.first_response_at == NOW  # the first response stays the first
    last = enquiry.status_changes.last()
    assert (last.from_status, last.to_status, last.changed_by) == ("contacted", "lost", seller)
    assert enquiry.history.latest().history_user == seller


@pytest.mark.parametrize(
    ("start", "to", "lost_reason", "error"),
    [
        pytest.param(Status.NEW, Status.LOST, "", "Say why the enquiry was lost.", id="no-reason"),
        pytest.param(
            Status.SPAM,
            Status.ENROLLED,
            "",
            "An enquiry can't go from Spam to Enrolled.",
            id="spam-to-enrolled",
        ),
        pytest.param(
            Status.LOST,
            Status.ENROLLED,
            "",
            "An enquiry can't go from Lost to Enrolled.",
            id="lost-to-enrolled",
        ),
    ],
)
@pytest.mark.django_db
def test_refused_status_change_shows_the_reason_on_the_status_field_and_changes_nothing(
    admin_client, admin, start, to, lost_reason, error
):
    enquiry = make_enquiry(is_spam=start == Status.SPAM)
    if start == Status.LOST:
        services.change_status(enquiry=enquiry, to=start, by=admin, lost_reason="timing")
    enquiry.refresh_from_db()
    changes_before = StatusChange.objects.count()
    history_before = enquiry.history.count()

    response = save_change_form(
        admin_client,
        enquiry,
        status=to,
        lost_reason=lost_reason,
        name="Asha V. Verma",
        follow_up_on="2026-03-06",
        **{"notes-0-text": "Spoke to her today."},
    )

    assert form_errors(response) == {"status": [error]}
    assert escape(error) in response.content.decode()
    # Nothing was written …
    fresh = Enquiry.objects.get(pk=enquiry.pk)
    assert (fresh.status, fresh.name, fresh.follow_up_on) == (start, "Asha Verma", None)
    assert StatusChange.objects.count() == changes_before
    assert enquiry.history.count() == history_before
    assert not Note.objects.exists()
    # … and nothing typed is lost: the form comes back as it was sent.
    form = response.context["adminform"].form
    assert form["name"].value() == "Asha V. Verma"
    assert form["status"].value() == to
    assert "Spoke to her today." in response.content.decode()


@pytest.mark.django_db
def test_lost_reason_on_an_open_enquiry_is_refused_without_a_move_to_lost(admin_client):
    enquiry = make_enquiry()

    response = save_change_form(admin_client, enquiry, lost_reason=Enquiry.LostReason.PRICE)

    assert list(form_errors(response)) == ["lost_reason"]
    assert Enquiry.objects.get(pk=enquiry.pk).lost_reason == ""


@pytest.mark.django_db
def test_reason_of_a_lost_enquiry_can_be_corrected_without_a_status_change(admin_client, admin):
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Status.LOST, by=admin, lost_reason="price")

    response = save_change_form(admin_client, enquiry, lost_reason="timing")

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.lost_reason) == (Status.LOST, "timing")
    assert enquiry.status_changes.count() == 1


@pytest.mark.django_db
def test_clearing_the_reason_of_a_lost_enquiry_is_refused(admin_client, admin):
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Status.LOST, by=admin, lost_reason="price")

    response = save_change_form(admin_client, enquiry, lost_reason="")

    assert form_errors(response) == {"__all__": ["Say why the enquiry was lost."]}
    assert Enquiry.objects.get(pk=enquiry.pk).lost_reason == "price"


@pytest.mark.django_db
def test_status_field_says_where_the_enquiry_can_go_next(admin_client, admin):
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Status.QUALIFIED, by=admin)

    html = admin_client.get(change_url(enquiry)).content.decode()

    assert "From Qualified it can go to: Contacted, Enrolled, Lost." in html


@pytest.mark.django_db
def test_editing_other_fields_records_no_status_change(admin_client):
    enquiry = make_enquiry()

    response = save_change_form(admin_client, enquiry, follow_up_on="2026-03-04")

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.follow_up_on) == (Status.NEW, dt.date(2026, 3, 4))
    assert enquiry.first_response_at is None
    assert not StatusChange.objects.exists()


# Owner


@pytest.mark.django_db
def test_reassigning_in_the_change_form_goes_through_assign_and_history_says_who(
    seller_client, seller, django_user_model
):
    colleague = make_staff(django_user_model, "ravi")
    enquiry = make_enquiry()

    response = save_change_form(seller_client, enquiry, owner=colleague.pk)

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.owner == colleague
    latest = enquiry.history.latest()
    assert (latest.owner_id, latest.history_user) == (colleague.pk, seller)


@pytest.mark.django_db
def test_owner_choices_are_active_staff_and_the_current_owner(
    admin_client, admin, seller, django_user_model
):
    learner = django_user_model.objects.create_user("learner")
    left = make_staff(django_user_model, "left", is_active=False)
    enquiry = make_enquiry()
    services.assign(enquiry=enquiry, owner=left, by=admin)

    response = admin_client.get(change_url(enquiry))

    choices = set(response.context["adminform"].form.fields["owner"].queryset)
    assert choices == {admin, seller, left}
    assert learner not in choices


@pytest.mark.django_db
def test_status_change_and_reassignment_in_one_save(admin_client, admin, seller):
    enquiry = make_enquiry()

    save_change_form(admin_client, enquiry, status=Status.CONTACTED, owner=seller.pk)

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.owner) == (Status.CONTACTED, seller)
    assert enquiry.status_changes.get().changed_by == admin


# Timeline, notes, first response, repeats


@pytest.mark.django_db
def test_timeline_shows_status_changes_and_notes_in_time_order(seller_client, seller, admin, clock):
    enquiry = make_enquiry(name="Priya Sharma")
    clock.shift(dt.timedelta(hours=1))
    services.change_status(enquiry=enquiry, to=Status.CONTACTED, by=seller)
    clock.shift(dt.timedelta(minutes=15))
    services.add_note(enquiry=enquiry, author=admin, text="Called: deciding by Friday.\nPrice ok.")
    clock.shift(dt.timedelta(days=2))
    services.change_status(enquiry=enquiry, to=Status.QUALIFIED, by=seller)

    response = seller_client.get(change_url(enquiry))

    entries = [(e.kind, e.who, e.text) for e in response.context["timeline"]]
    assert entries == [
        ("received", "Priya Sharma", "Enquired"),
        ("status", "Meera Rao", "New → Contacted"),
        ("note", "admin", "Called: deciding by Friday.\nPrice ok."),
        ("status", "Meera Rao", "Contacted → Qualified"),
    ]
    html = response.content.decode()
    assert "Mon 02 Mar 2026, 10:30 UTC" in html
    assert "Mon 02 Mar 2026, 10:45 UTC" in html
    assert "Wed 04 Mar 2026, 10:45 UTC" in html
    assert "Called: deciding by Friday.<br>Price ok." in html
    assert html.index("New → Contacted") < html.index("Called") < html.index("→ Qualified")


@pytest.mark.django_db
def test_adding_a_note_records_the_author_and_leaves_earlier_notes_untouched(
    seller_client, seller, admin, clock
):
    enquiry = make_enquiry()
    earlier = services.add_note(enquiry=enquiry, author=admin, text="Sent the brochure.")
    clock.shift(dt.timedelta(hours=2))

    page = seller_client.get(change_url(enquiry))
    # Only an empty form to add one: earlier notes are shown in the timeline, not edited.
    assert page.context["inline_admin_formsets"][0].formset.initial_form_count() == 0
    assert "Add a note" in page.content.decode()
    response = save_change_form(
        seller_client, enquiry, **{"notes-0-text": "  Called back; wants weekends.  "}
    )

    assert response.status_code == 302
    added = Note.objects.exclude(pk=earlier.pk).get()
    assert (added.enquiry, added.author, added.text) == (
        enquiry,
        seller,
        "Called back; wants weekends.",
    )
    assert added.created_at == NOW + dt.timedelta(hours=2)
    assert Note.objects.get(pk=earlier.pk).text == "Sent the brochure."


@pytest.mark.django_db
def test_saving_without_a_note_adds_none(seller_client):
    enquiry = make_enquiry()

    assert save_change_form(seller_client, enquiry).status_code == 302

    assert not Note.objects.exists()


@pytest.mark.django_db
def test_first_response_time_is_shown_read_only(admin_client, admin, clock):
    enquiry = make_enquiry()
    assert "Not yet: still new." in admin_client.get(change_url(enquiry)).content.decode()

    clock.shift(dt.timedelta(hours=2, minutes=5))
    services.change_status(enquiry=enquiry, to=Status.CONTACTED, by=admin)
    html = admin_client.get(change_url(enquiry)).content.decode()

    assert "2\xa0hours, 5\xa0minutes after the enquiry (Mon 02 Mar 2026, 11:35 UTC)" in html
    assert 'name="first_response_at"' not in html


@pytest.fixture
def original_and_repeat():
    course = make_course()
    original = make_enquiry(course=course, email="priya@example.com", phone="+919812345601")
    repeat = make_enquiry(course=course, email="PRIYA@example.com", phone="+919812345602")
    other = make_enquiry(course=course, email="tom@example.org", phone="+442079460958")
    assert repeat.duplicate_of == original
    return original, repeat, other


@pytest.mark.django_db
def test_list_flags_repeats_with_a_link_to_the_original(admin_client, original_and_repeat):
    original, _, _ = original_and_repeat

    html = admin_client.get(ENQUIRIES).content.decode()

    assert f'<a href="{change_url(original)}">Repeat of {original.reference}</a>' in html
    assert html.count("Repeat of ") == 1


@pytest.mark.django_db
def test_change_pages_link_a_repeat_and_its_original(admin_client, original_and_repeat):
    original, repeat, _ = original_and_repeat

    repeat_page = admin_client.get(change_url(repeat)).content.decode()
    original_page = admin_client.get(change_url(original)).content.decode()

    assert f'<a href="{change_url(original)}">Repeat of {original.reference}</a>' in repeat_page
    assert f'<a href="{change_url(repeat)}">{repeat.reference}</a>' in original_page


@pytest.mark.django_db
def test_repeats_only_filter(admin_client, original_and_repeat):
    _, repeat, _ = original_and_repeat

    assert listed(admin_client.get(ENQUIRIES, {"repeats": "only"})) == [repeat]


# Filters


def set_follow_up(client, enquiry: Enquiry, day: dt.date | None) -> None:
    response = save_change_form(client, enquiry, follow_up_on=day.isoformat() if day else "")
    assert response.status_code == 302


@pytest.fixture
def follow_ups(admin_client, admin):
    """Open enquiries to follow up yesterday, today, on Thursday and never; a closed one."""
    course = make_course()

    def enquiry(n: int, follow_up_on: dt.date | None) -> Enquiry:
        made = make_enquiry(course=course, email=f"l{n}@example.com", phone=f"+9198123456{n:02}")
        set_follow_up(admin_client, made, follow_up_on)
        return made

    made = {
        "overdue": enquiry(1, TODAY - dt.timedelta(days=1)),
        "today": enquiry(2, TODAY),
        "thursday": enquiry(3, TODAY + dt.timedelta(days=3)),
        "none": enquiry(4, None),
        "enrolled": enquiry(5, TODAY - dt.timedelta(days=2)),
    }
    services.change_status(enquiry=made["enrolled"], to=Status.ENROLLED, by=admin)
    return made


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("today", ["today"]),
        ("overdue", ["overdue"]),
        ("upcoming", ["thursday"]),
        ("none", ["none"]),
    ],
)
@pytest.mark.django_db
def test_follow_up_filter_finds_open_enquiries_by_date(admin_client, follow_ups, choice, expected):
    rows = listed(admin_client.get(ENQUIRIES, {"follow_up": choice}))

    assert rows == [follow_ups[name] for name in expected]


@pytest.mark.django_db
def test_follow_up_filter_is_relative_to_the_day_it_is_used(admin_client, follow_ups, clock):
    clock.move_to(dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC))  # Thursday

    assert listed(admin_client.get(ENQUIRIES, {"follow_up": "today"})) == [follow_ups["thursday"]]
    assert set(listed(admin_client.get(ENQUIRIES, {"follow_up": "overdue"}))) == {
        follow_ups["overdue"],
        follow_ups["today"],
    }
    assert listed(admin_client.get(ENQUIRIES, {"follow_up": "upcoming"})) == []


@pytest.mark.django_db
def test_follow_up_today_follows_the_site_time_zone(admin_client, follow_ups, clock, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    # 20:00 UTC on Monday is already Tuesday 01:30 in India.
    clock.move_to(dt.datetime(2026, 3, 2, 20, 0, tzinfo=dt.UTC))

    assert listed(admin_client.get(ENQUIRIES, {"follow_up": "today"})) == []
    assert follow_ups["today"] in listed(admin_client.get(ENQUIRIES, {"follow_up": "overdue"}))


@pytest.mark.django_db
def test_my_open_enquiries_are_the_open_ones_i_own(seller_client, seller, admin):
    course = make_course()
    mine, mine_lost, theirs, _nobodys = (
        make_enquiry(course=course, email=f"l{n}@example.com", phone=f"+9198123456{n:02}")
        for n in range(4)
    )
    for enquiry in (mine, mine_lost):
        services.assign(enquiry=enquiry, owner=seller, by=admin)
    services.assign(enquiry=theirs, owner=admin, by=admin)
    services.change_status(enquiry=mine_lost, to=Status.LOST, by=seller, lost_reason="price")

    assert listed(seller_client.get(ENQUIRIES, {"mine": "open"})) == [mine]
    assert len(listed(seller_client.get(ENQUIRIES))) == 4


@pytest.mark.django_db
def test_owner_filter_lists_owners_and_finds_their_enquiries(admin_client, admin, seller):
    course = make_course()
    sellers, unowned = (
        make_enquiry(course=course, email=f"l{n}@example.com", phone=f"+9198123456{n:02}")
        for n in range(2)
    )
    services.assign(enquiry=sellers, owner=seller, by=admin)

    response = admin_client.get(ENQUIRIES, {"owner__id__exact": seller.pk})

    assert listed(response) == [sellers]
    assert listed(admin_client.get(ENQUIRIES, {"owner__isnull": "True"})) == [unowned]
    html = response.content.decode()
    assert '<td class="field-owner_column">Meera Rao</td>' in html  # by full name
    assert f'<a href="?owner__id__exact={seller.pk}">Meera Rao</a>' in html  # the filter


@pytest.mark.django_db
def test_batch_month_filter_finds_enquiries_for_batches_starting_that_month(admin_client):
    course = make_course()
    march = make_enquiry(batch=make_batch(course=course, start_date=dt.date(2026, 3, 30)))
    april = make_enquiry(
        batch=make_batch(course=course, start_date=dt.date(2026, 4, 6)), email="b@example.com"
    )
    make_enquiry(course=course, email="c@example.com")  # no batch

    response = admin_client.get(ENQUIRIES, {"batch_month": "2026-04"})

    assert listed(response) == [april]
    assert listed(admin_client.get(ENQUIRIES, {"batch_month": "2026-03"})) == [march]
    html = response.content.decode()
    assert "March 2026" in html
    assert "April 2026" in html


@pytest.mark.parametrize("month", ["April", "2026-13"])
@pytest.mark.django_db
def test_malformed_batch_month_goes_back_to_the_list_not_a_server_error(admin_client, month):
    make_enquiry(batch=make_batch())

    response = admin_client.get(ENQUIRIES, {"batch_month": month})

    assert response.status_code == 302
    assert response.url.endswith("?e=1")


@pytest.mark.django_db
def test_source_and_kind_filters(admin_client):
    course = make_course()
    newsletter = make_enquiry(
        batch=make_batch(course=course),
        attribution=Attribution(utm_source="newsletter", utm_medium="email"),
    )
    google = make_enquiry(
        course=course, email="b@example.com", attribution=Attribution(utm_source="google")
    )

    assert listed(admin_client.get(ENQUIRIES, {"utm_source": "newsletter"})) == [newsletter]
    assert listed(admin_client.get(ENQUIRIES, {"utm_source": "google"})) == [google]
    assert listed(admin_client.get(ENQUIRIES, {"kind__exact": "course"})) == [google]
    assert listed(admin_client.get(ENQUIRIES, {"kind__exact": "batch"})) == [newsletter]


# Bulk actions


@pytest.fixture
def three_enquiries():
    course = make_course()
    return [
        make_enquiry(course=course, email=f"l{n}@example.com", phone=f"+9198123456{n:02}")
        for n in range(3)
    ]


@pytest.mark.django_db
def test_assign_to_me_assigns_the_selected_enquiries_to_the_user(
    seller_client, seller, admin, three_enquiries
):
    first, second, third = three_enquiries
    services.assign(enquiry=second, owner=seller, by=admin)

    response = run_action(seller_client, "assign_to_me", [first, second])

    assert shown_messages(response) == ["Assigned 1 enquiry to you. 1 was already yours."]
    owners = {e: e.owner for e in Enquiry.objects.select_related("owner")}
    assert owners == {first: seller, second: seller, third: None}
    assert Enquiry.history.filter(id=first.pk).latest().history_user == seller


@pytest.mark.django_db
def test_mark_contacted_moves_what_it_can_and_says_why_not_for_the_rest(
    admin_client, admin, three_enquiries, django_user_model
):
    fresh, enrolled, contacted = three_enquiries
    another = make_enquiry(email="l9@example.com", phone="+919812345699")
    services.change_status(enquiry=enrolled, to=Status.ENROLLED, by=admin)
    services.change_status(enquiry=contacted, to=Status.CONTACTED, by=admin)

    response = run_action(admin_client, "mark_contacted", [fresh, enrolled, contacted, another])

    assert shown_messages(response) == [
        "Moved 2 enquiries to Contacted. 1 was already Contacted.",
        f"1 enquiry not moved. An enquiry can't go from Enrolled to Contacted. "
        f"({enrolled.reference})",
    ]
    statuses = dict(Enquiry.objects.values_list("pk", "status"))
    assert statuses == {
        fresh.pk: "contacted",
        enrolled.pk: "enrolled",
        contacted.pk: "contacted",
        another.pk: "contacted",
    }
    moved = StatusChange.objects.filter(enquiry__in=[fresh, another], to_status="contacted")
    assert {(c.changed_by, c.changed_at) for c in moved} == {(admin, NOW)}
    assert Enquiry.objects.get(pk=fresh.pk).first_response_at == NOW


@pytest.mark.django_db
def test_mark_spam_moves_new_and_contacted_but_not_qualified(
    seller_client, seller, three_enquiries
):
    _, contacted, qualified = three_enquiries
    services.change_status(enquiry=contacted, to=Status.CONTACTED, by=seller)
    services.change_status(enquiry=qualified, to=Status.QUALIFIED, by=seller)

    response = run_action(seller_client, "mark_spam", three_enquiries)

    assert shown_messages(response) == [
        "Moved 2 enquiries to Spam.",
        f"1 enquiry not moved. An enquiry can't go from Qualified to Spam. ({qualified.reference})",
    ]
    assert set(Enquiry.objects.values_list("status", flat=True)) == {"spam", "qualified"}
    assert StatusChange.objects.filter(to_status="spam", changed_by=seller).count() == 2


@pytest.mark.django_db
def test_a_staff_member_without_change_permission_cannot_run_pipeline_actions(
    client, django_user_model, three_enquiries
):
    viewer = make_staff(django_user_model, "viewer", permissions=["view_enquiry"])
    client.force_login(viewer)

    assert not {"assign_to_me", "mark_contacted", "mark_spam"} & action_choices(
        client.get(ENQUIRIES)
    )
    page = client.get(change_url(three_enquiries[0]))
    assert page.status_code == 200
    assert [entry.kind for entry in page.context["timeline"]] == ["received"]
    assert 'name="status"' not in page.content.decode()
    run_action(client, "mark_spam", three_enquiries)
    assert set(Enquiry.objects.values_list("status", flat=True)) == {"new"}


# History


@pytest.mark.django_db
def test_history_shows_who_changed_which_field(admin_client, admin, seller):
    enquiry = make_enquiry()
    save_change_form(admin_client, enquiry, owner=seller.pk, status=Status.CONTACTED)

    response = admin_client.get(f"{ENQUIRIES}{enquiry.pk}/history/")

    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "<strong>Owner:</strong> — &nbsp;&rarr;&nbsp;&nbsp;meera" in text
    assert "<strong>Status:</strong> New &nbsp;&rarr;&nbsp;&nbsp;Contacted" in text
    assert (
        "<strong>First response at:</strong> — &nbsp;&rarr;&nbsp;&nbsp;Mon 02 Mar 2026, 09:30 UTC"
        in text
    )
    records = list(enquiry.history.order_by("history_date", "history_id"))
    assert [record.history_user for record in records] == [None, admin, admin]


@pytest.mark.django_db
def test_history_cannot_restore_a_past_version_around_the_pipeline(admin_client, admin):
    enquiry = make_enquiry()
    services.change_status(enquiry=enquiry, to=Status.CONTACTED, by=admin)
    first = enquiry.history.earliest()
    version_url = f"{ENQUIRIES}{enquiry.pk}/history/{first.history_id}/"

    page = admin_client.get(version_url)
    response = admin_client.post(version_url, change_form_data(admin_client, enquiry))

    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    assert response.status_code == 403
    assert Enquiry.objects.get(pk=enquiry.pk).status == Status.CONTACTED


# Export


@pytest.fixture
def export_data(admin):
    """Two new enquiries (one a repeat, with a batch and an owner) and a contacted one."""
    course = make_course(title="Data Engineering")
    batch = make_batch(course=course, start_date=dt.date(2026, 3, 16))
    original = make_enquiry(
        batch=batch,
        name="Priya Sharma",
        email="priya@example.com",
        phone="+919812345601",
        message="Weekday evenings suit me.",
        attribution=Attribution(utm_source="newsletter", utm_medium="email", utm_campaign="spring"),
    )
    services.assign(enquiry=original, owner=admin, by=admin)
    repeat = make_enquiry(course=course, email="priya@example.com", phone="+919812345601")
    contacted = make_enquiry(course=course, email="tom@example.org", phone="+442079460958")
    services.change_status(enquiry=contacted, to=Status.CONTACTED, by=admin)
    return original, repeat, contacted


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="Enquiry-2026-03-02.csv"'
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.django_db
def test_csv_export_holds_the_filtered_list_in_readable_columns(admin_client, export_data):
    original, repeat, _ = export_data

    page = admin_client.get(ENQUIRIES, {"status__exact": "new"})
    assert f'href="{EXPORT}?status__exact=new"' in page.content.decode()
    form = admin_client.get(EXPORT, {"status__exact": "new"})
    assert form.status_code == 200
    rows = csv_rows(
        admin_client.post(f"{EXPORT}?status__exact=new", {"format": CSV_FORMAT, "resource": "0"})
    )

    assert [row["reference"] for row in rows] == [repeat.reference, original.reference]
    assert rows[1] == {
        "reference": original.reference,
        "created": "2026-03-02 09:30:00 UTC",
        "status": "New",
        "lost reason": "",
        "owner": "admin",
        "follow up on": "",
        "first response": "",
        "kind": "Batch",
        "course": "Data Engineering",
        "batch start": "2026-03-16",
        "batch track": "Weekdays (Mon–Fri)",
        "name": "Priya Sharma",
        "email": "priya@example.com",
        "phone": "+919812345601",
        "message": "Weekday evenings suit me.",
        "utm source": "newsletter",
        "utm medium": "email",
        "utm campaign": "spring",
        "utm term": "",
        "utm content": "",
        "repeat of": "",
    }
    assert (rows[0]["repeat of"], rows[0]["batch start"], rows[0]["owner"]) == (
        original.reference,
        "",
        "admin",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("format_choice", [CSV_FORMAT, XLSX_FORMAT])
def test_export_writes_what_a_learner_typed_as_text_never_as_a_formula(admin_client, format_choice):
    make_enquiry(
        name="@SUM(A1:A9)",
        email="mallory@example.com",
        phone="+919812345601",
        message='=HYPERLINK("http://evil.example/","Click")',
    )
    make_enquiry(name="-2+3", email="eve@example.com", message="+cmd|' /C calc'!A0")

    response = admin_client.post(EXPORT, {"format": format_choice, "resource": "0"})

    rows = csv_rows(response) if format_choice == CSV_FORMAT else xlsx_rows(response)
    by_email = {row["email"]: row for row in rows}
    assert by_email["mallory@example.com"]["name"] == "'@SUM(A1:A9)"
    assert by_email["mallory@example.com"]["message"] == (
        '\'=HYPERLINK("http://evil.example/","Click")'
    )
    assert by_email["mallory@example.com"]["phone"] == "+919812345601"
    assert by_email["eve@example.com"]["name"] == "'-2+3"
    assert by_email["eve@example.com"]["message"] == "'+cmd|' /C calc'!A0"
    if format_choice == XLSX_FORMAT:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
def test_xlsx_export_holds_the_filtered_list(admin_client, export_data):
    _, _, contacted = export_data

    rows = xlsx_rows(
        admin_client.post(
            f"{EXPORT}?status__exact=contacted", {"format": XLSX_FORMAT, "resource": "0"}
        )
    )

    assert len(rows) == 1
    row = rows[0]
    assert (row["reference"], row["status"], row["course"]) == (
        contacted.reference,
        "Contacted",
        "Data Engineering",
    )
    assert row["created"] == dt.datetime(2026, 3, 2, 9, 30)
    assert row["first response"] == dt.datetime(2026, 3, 2, 9, 30)


@pytest.mark.django_db
def test_export_selected_actions_export_only_the_selected_rows(admin_client, export_data):
    original, _, contacted = export_data

    rows = csv_rows(run_action(admin_client, "export_selected_csv", [original, contacted]))
    assert {row["reference"] for row in rows} == {original.reference, contacted.reference}

    rows = xlsx_rows(run_action(admin_client, "export_selected_xlsx", [contacted]))
    assert [row["reference"] for row in rows] == [contacted.reference]


@pytest.mark.django_db
def test_export_offers_csv_and_xlsx_only(admin_client, export_data):
    response = admin_client.get(EXPORT)

    choices = dict(response.context["form"].fields["format"].choices)
    assert choices == {"": "---", CSV_FORMAT: "csv", XLSX_FORMAT: "xlsx"}


@pytest.mark.django_db
def test_staff_without_export_permission_cannot_export(seller_client, export_data):
    original, _, _ = export_data

    page = seller_client.get(ENQUIRIES)

    assert EXPORT not in page.content.decode()
    assert action_choices(page) == {"assign_to_me", "mark_contacted", "mark_spam"}
    assert seller_client.get(EXPORT).status_code == 403
    assert seller_client.post(EXPORT, {"format": CSV_FORMAT, "resource": "0"}).status_code == 403
    refused = run_action(seller_client, "export_selected_csv", [original])
    assert refused["Content-Type"].startswith("text/html")
    assert shown_messages(refused) == ["No action selected."]


@pytest.mark.django_db
def test_staff_with_export_permission_can_export(client, django_user_model, export_data):
    exporter = make_staff(
        django_user_model, "ravi", permissions=[*SALES_PERMISSIONS, "export_enquiry"]
    )
    client.force_login(exporter)

    assert EXPORT in client.get(ENQUIRIES).content.decode()
    rows = csv_rows(client.post(EXPORT, {"format": CSV_FORMAT, "resource": "0"}))
    assert len(rows) == 3


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_rows(admin_client, admin):
    course = make_course()
    batch = make_batch(course=course)
    made = 0

    def queries_for_rows(count: int) -> int:
        nonlocal made
        for n in range(made, count):
            enquiry = make_enquiry(
                course=course,
                batch=batch if n % 2 else None,
                email=f"l{n // 2}@example.com",
                phone="+919812345601",
            )
            services.assign(enquiry=enquiry, owner=admin, by=admin)
        made = count
        with CaptureQueriesContext(connection) as queries:
            rows = csv_rows(admin_client.post(EXPORT, {"format": CSV_FORMAT, "resource": "0"}))
        assert len(rows) == count
        return len(queries)

    assert queries_for_rows(5) == queries_for_rows(100)


# Query counts


@pytest.mark.django_db
def test_enquiry_changelist_query_count_is_the_same_for_5_and_100_enquiries(
    admin_client, admin, seller
):
    courses = [make_course() for _ in range(3)]
    batches = [make_batch(course=course) for course in courses]
    made = 0

    def queries_for_rows(count: int) -> int:
        nonlocal made
        for n in range(made, count):
            # Pairs from one person for one course: every second enquiry is a repeat.
            course = courses[(n // 2) % 3]
            enquiry = make_enquiry(
                course=course,
                batch=batches[(n // 2) % 3] if n % 4 < 2 else None,
                email=f"l{n // 2}@example.com",
                phone=f"+91981234{n // 2:04}",
                attribution=Attribution(utm_source=f"campaign-{n % 3}"),
            )
            services.assign(enquiry=enquiry, owner=(admin, seller, None)[n % 3], by=admin)
        made = count
        with CaptureQueriesContext(connection) as queries:
            rows = listed(admin_client.get(ENQUIRIES))
        assert len(rows) == count
        assert sum(1 for row in rows if row.duplicate_of_id) == count // 2
        return len(queries)

    assert queries_for_rows(5) == queries_for_rows(100)


# Outgoing email


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def failed_email(settings):
    """An acknowledgement whose only delivery attempt failed: nothing listens on the port."""
    settings.EMAIL_MAX_ATTEMPTS = 1
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 5},
        }
    }
    enquiry = make_enquiry(email="priya@example.com")
    email = OutgoingEmail.objects.get(enquiry=enquiry)
    assert mail.deliver(email.pk) == "failed"
    email.refresh_from_db()
    return email


@pytest.mark.django_db
def test_outbox_lists_failed_and_pending_emails_with_their_error(
    seller_client, failed_email, clock
):
    clock.shift(dt.timedelta(minutes=5))
    pending = make_enquiry(email="tom@example.org", phone="+442079460958").emails.get()

    response = seller_client.get(EMAILS)

    assert set(listed(response)) == {failed_email, pending}
    html = response.content.decode()
    assert "ConnectionRefusedError" in html
    assert "Enquiry acknowledgement" in html
    assert "priya@example.com" in html
    assert "Mon 02 Mar 2026, 09:35 UTC" in html  # when the pending one is next tried
    assert listed(seller_client.get(EMAILS, {"status__exact": "failed"})) == [failed_email]
    assert listed(seller_client.get(EMAILS, {"kind__exact": "notification"})) == []


@pytest.mark.django_db
def test_outbox_is_read_only(admin_client, seller_client, failed_email):
    assert admin_client.get(f"{EMAILS}add/").status_code == 403
    page = admin_client.get(f"{EMAILS}{failed_email.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="subject"' not in html
    assert 'name="_save"' not in html
    admin_client.post(f"{EMAILS}{failed_email.pk}/change/", {"to": "x@example.com"})
    assert OutgoingEmail.objects.get(pk=failed_email.pk).to == "priya@example.com"
    assert seller_client.get(f"{EMAILS}{failed_email.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_retry_now_makes_a_failed_email_due_again(admin_client, failed_email, clock, settings):
    sent = make_enquiry(email="tom@example.org", phone="+442079460958").emails.get()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert mail.deliver(sent.pk) == "sent"
    clock.shift(dt.timedelta(hours=1))

    response = run_action(admin_client, "retry_now", [failed_email, sent], url=EMAILS)

    assert shown_messages(response) == [
        "1 email will be retried now. 1 was already sent or being sent."
    ]
    failed_email.refresh_from_db()
    assert failed_email.status == OutgoingEmail.Status.PENDING
    assert failed_email.next_attempt_at == NOW + dt.timedelta(hours=1)
    assert OutgoingEmail.objects.get(pk=sent.pk).status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
def test_retry_now_needs_the_change_permission(seller_client, failed_email):
    assert "retry_now" not in action_choices(seller_client.get(EMAILS))
    run_action(seller_client, "retry_now", [failed_email], url=EMAILS)
    assert OutgoingEmail.objects.get(pk=failed_email.pk).status == OutgoingEmail.Status.FAILED


@pytest.mark.django_db
def test_outbox_query_count_is_the_same_for_5_and_100_emails(admin_client):
    course = make_course()
    made = 0

    def queries_for_rows(count: int) -> int:
        nonlocal made
        for n in range(made, count):
            make_enquiry(course=course, email=f"l{n}@example.com", phone=f"+91981234{n:04}")
        made = count
        with CaptureQueriesContext(connection) as queries:
            assert len(listed(admin_client.get(EMAILS))) == count
        return len(queries)

    assert queries_for_rows(5) == queries_for_rows(100)


@pytest.mark.django_db
def test_xlsx_export_of_a_message_with_control_characters_still_downloads(admin_client):
    # A learner can paste a vertical tab or a form feed; XLSX cannot hold them.
    make_enquiry(name="Vera Tab", email="vera@example.com", message="line one\x0bline two\x0c")

    response = admin_client.post(EXPORT, {"format": XLSX_FORMAT, "resource": "0"})

    assert response.status_code == 200
    row = next(row for row in xlsx_rows(response) if row["email"] == "vera@example.com")
    assert row["message"].startswith("line one")
