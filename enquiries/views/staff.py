"""Back-office pages outside the model admin, drawn in the admin's look."""

import datetime as dt
import math

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from courses.models import Batch, Trainer
from courses.services import next_month

from .. import dashboard, demand
from ..forms import CalendarFilterForm
from ..services import interest, trainers

BOARD_PERMISSION = "enquiries.view_demand_board"
INVITE_PERMISSION = "enquiries.invite_demand"


@staff_member_required
@require_safe
def staff_dashboard(request: HttpRequest) -> TemplateResponse:
    """Counts for every member of staff: enquiries per week, pipeline, batch fill, conversion."""
    weekly = dashboard.weekly_enquiries()
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "weekly": weekly,
        "chart": dashboard.stacked_bar_chart(weekly),
        "pipeline": dashboard.open_enquiries_by_owner(),
        "next_batches": dashboard.next_batch_fill(),
        "conversion": dashboard.conversion(),
        # The numbers link to the lists behind them, for staff who may open those lists.
        "links": request.user.has_perm("enquiries.view_enquiry"),
        "seat_links": request.user.has_perm("enquiries.view_enrollment"),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


@staff_member_required
@require_safe
def staff_calendar(request: HttpRequest) -> TemplateResponse:
    """Every session of a month (batches and one-on-one plans), for one trainer or all, per
    day: times in the trainer's zone, or the site's zone for all trainers."""
    if not request.user.has_perm("courses.view_batch"):
        raise PermissionDenied
    form = CalendarFilterForm(request.GET)
    form.is_valid()  # an invalid value is reported beside its field and left out
    data = getattr(form, "cleaned_data", {})
    month = data.get("month") or timezone.localdate().replace(day=1)
    trainer: Trainer | None = data.get("trainer")
    zone = trainer.timezone if trainer is not None else settings.TIME_ZONE
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    context = {
        **admin.site.each_context(request),
        "title": "Calendar",
        "subtitle": f"{month:%B %Y}{f' · {trainer}' if trainer else ''}",
        "form": form,
        "month": month,
        "trainer": trainer,
        "zone": zone,
        "days": trainers.month_sessions(month=month, zone=zone, trainer=trainer),
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{next_month(month):%Y-%m}",
        "can_see_plans": request.user.has_perm("enquiries.view_trainingplan"),
    }
    return TemplateResponse(request, "admin/calendar.html", context)


@staff_member_required
@require_safe
def demand_board(request: HttpRequest) -> TemplateResponse:
    """Open demand by course, month, track and mode, for Sales and Schedulers."""
    if not request.user.has_perm(BOARD_PERMISSION):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Demand board",
        "board": demand.demand_board(pick_trainers=trainers.pick_available_trainers),
        "may_see_people": request.user.has_perm("enquiries.view_enquiry"),
        "may_invite": request.user.has_perm(INVITE_PERMISSION),
    }
    return TemplateResponse(request, "admin/demand.html", context)


@staff_member_required
@require_POST
def demand_invite(request: HttpRequest) -> HttpResponse:
    """ "Invite": email the people behind a cell about its published batch, once each."""
    if not request.user.has_perm(INVITE_PERMISSION):
        raise PermissionDenied
    board = HttpResponseRedirect(reverse("staff-demand"))
    try:
        key = demand.CellKey.parse(request.POST.get("cell", ""))
        batch_id = int(request.POST.get("batch", "")[:19])
    except ValueError:
        messages.error(request, "That cell or batch is not on the board any more.")
        return board
    batch = get_object_or_404(Batch.objects.select_related("course"), pk=batch_id)
    try:
        by = request.user if isinstance(request.user, User) else None
        sent = interest.invite_cell(key=key, batch=batch, by=by)
    except interest.InviteRefused as error:
        messages.error(request, str(error))
        return board
    people = "person" if sent == 1 else "people"
    messages.success(
        request,
        f"Invited {sent} {people} to {batch}; anyone told about this batch before was skipped.",
    )
    return board


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The admin sign-in lockout page (django-axes' AXES_LOCKOUT_CALLABLE): a 429 that says
    how long to wait, with Retry-After for the same."""
    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds())
    response = render(
        request,
        "locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
