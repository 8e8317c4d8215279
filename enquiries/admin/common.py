"""Pieces every admin area shares: counts in words, moments as staff read them, links."""

import datetime as dt

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from ..models import Enrollment, WaitlistEntry
from ..services import seats


def count_of(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def enquiries(number: int) -> str:
    return count_of(number, "enquiry", "enquiries")


def person(user) -> str:
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


def owner_name(user) -> str:
    """An owner as staff know them: their full name, else their username."""
    if user is None:
        return "Unassigned"
    return user.get_full_name() or user.get_username()


def when(moment: dt.datetime | None) -> str:
    """A moment as staff read it: weekday, date, time and zone ("—" for none)."""
    if moment is None:
        return "—"
    return f"{timezone.localtime(moment):%a %d %b %Y, %H:%M %Z}"


def enquiry_link(enquiry_id: int, text: str) -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:enquiries_enquiry_change", args=[enquiry_id]), text
    )


def describe_enrolment(result: Enrollment | WaitlistEntry) -> tuple[int, str]:
    """What seats.enroll did, as a message level and text for staff."""
    if isinstance(result, Enrollment):
        return messages.SUCCESS, f"Seat confirmed for {result.name} in {result.batch}."
    if result.status == WaitlistEntry.Status.OFFERED:
        return messages.WARNING, (
            f"{result.batch} was full: {result.name} is on the waiting list and already holds "
            f"an offer of a seat, open until {when(result.offer_expires_at)}."
        )
    return messages.WARNING, (
        f"{result.batch} was full: {result.name} is number {seats.waiting_position(result)} "
        "on the waiting list."
    )


class EnquiryHistoryContext(HistoricalRecordContextHelper):
    """History as people read it: choice labels, dates with weekday, times with zone, and "—"
    rather than "Deleted user (pk=None)"."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value) or "—"
        if isinstance(value, dt.datetime):
            return when(value)
        if isinstance(value, dt.date):
            return f"{value:%a %d %b %Y}"
        return super().prepare_delta_change_value(change, value)


# The confirmation page of an action that emails people (plans, new private links).
CONFIRMATION_PAGE = "admin/enquiries/plan_confirmation.html"


def confirmation_page(request, model_admin, *, title, question, rows, confirm, **extra):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "question": question,
        "rows": rows,
        "confirm": confirm,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "back_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
        ),
        "media": model_admin.media,
        **extra,
    }
    return TemplateResponse(request, CONFIRMATION_PAGE, context)


def issue_new_links(request, model_admin, items: list, *, question: str, rows: list[str], issue):
    """The "Email a new private link" action: a confirmation page naming whose link goes to
    which address, then `issue(item)` (a service: new token, email to the owner) for each."""
    if request.POST.get("post") != "yes":
        return confirmation_page(
            request,
            model_admin,
            title="Email new private links",
            question=question,
            rows=rows,
            confirm=f"Yes, email {count_of(len(items), 'new link', 'new links')}",
            objects=items,
            action="issue_new_links",
        )
    for item in items:
        issue(item)
    model_admin.message_user(
        request,
        f"{count_of(len(items), 'learner', 'learners')} will be emailed a new private link; "
        "the old links no longer work.",
        messages.SUCCESS,
    )
    return None
