"""Back-office pages outside the model admin, drawn in the admin's look."""

import math

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from .. import dashboard


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
