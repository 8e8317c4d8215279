"""One-on-one training: the request form, and the learner's private plan page and calendar file."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from courses import rate_limits
from courses.models import Course

from .. import services
from ..forms import OneOnOneForm
from ..models import TrainingPlan
from ..services import one_on_one
from .private import private_page
from .public import RECEIVED_SESSION_KEY, attribution, count_submission, render_form


@require_http_methods(["GET", "HEAD", "POST"])
def request_one_on_one(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.published().select_related("category"), slug=slug)
    refusal, limited = "", None
    if request.method == "POST":
        form = OneOnOneForm(request.POST)
        if form.is_valid():
            try:
                count_submission(request, form, name="one_on_one")
                enquiry = one_on_one.submit_one_on_one(
                    course=course,
                    preferences=form.preferences(),
                    attribution=attribution(request, form),
                    **form.submission(),
                )
            except rate_limits.RateLimited as error:
                limited = error
            except services.EnquiryRefused as error:
                refusal = str(error)
            except ValidationError as error:  # a rule that changed since the form checked it
                for field, messages in error.message_dict.items():
                    form.add_error(field, messages)
            else:
                request.session[RECEIVED_SESSION_KEY] = enquiry.reference
                return redirect("enquiries:received")
    else:
        form = OneOnOneForm(initial={"came_from": request.headers.get("referer", "")[:500]})
    return render_form(
        request,
        "enquiries/one_on_one.html",
        {"course": course, "form": form, "refusal": refusal},
        limited,
    )


def _plan_or_404(token: str) -> TrainingPlan:
    return get_object_or_404(
        TrainingPlan.objects.select_related("request__enquiry__course"), token=token
    )


@require_safe
@private_page
def training_plan(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's private page: every session in their own time zone."""
    plan = _plan_or_404(token)
    sessions = one_on_one.local_sessions(plan, plan.sessions.all())
    return render(
        request,
        "enquiries/training_plan.html",
        {
            "plan": plan,
            "course": plan.request.enquiry.course,
            "enquiry": plan.request.enquiry,
            "sessions": sessions,
        },
    )


@require_safe
@private_page
def training_plan_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The plan as an .ics file to import into any calendar."""
    plan = _plan_or_404(token)
    course = plan.request.enquiry.course
    assert course is not None  # only a general enquiry names no course (a constraint)
    response = HttpResponse(
        one_on_one.plan_calendar(plan, list(plan.sessions.all())),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-training-plan.ics"'
    return response
