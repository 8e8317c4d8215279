"""Back-office pages outside the model admin, drawn in the admin's look."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest
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
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
