from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from courses.models import Batch, Course

from . import services
from .forms import EnquiryForm
from .middleware import ATTRIBUTION_SESSION_KEY
from .models import Enquiry

RECEIVED_SESSION_KEY = "enquiry_received"


def _requested_batch(course: Course, raw_id: str | None) -> tuple[Batch | None, str]:
    """The batch named in ?batch=, or None with the reason it can't be enquired about."""
    if not raw_id:
        return None, ""
    batch = (
        Batch.objects.select_related("course").filter(pk=raw_id).first()
        if raw_id.isascii() and raw_id.isdigit()
        else None
    )
    if batch is None:
        return None, "We couldn't find that batch."
    try:
        services.ensure_batch_open(course=course, batch=batch)
    except services.EnquiryRefused as refusal:
        return None, str(refusal)
    return batch, ""


@require_http_methods(["GET", "HEAD", "POST"])
def enquire(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.published().select_related("category"), slug=slug)
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            batch = form.cleaned_data["batch"]
            try:
                enquiry = services.submit_enquiry(
                    course=course,
                    batch=batch,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    message=form.cleaned_data["message"],
                    consented=form.cleaned_data["consent"],
                    submission_token=form.cleaned_data["submission_token"],
                    attribution=services.Attribution.from_mapping(
                        request.session.get(ATTRIBUTION_SESSION_KEY, {}),
                        came_from=form.cleaned_data["came_from"],
                    ),
                    is_spam=bool(form.cleaned_data["website"]),
                )
            except services.EnquiryRefused as error:
                refusal, batch = str(error), None
                form.clear_batch()
            else:
                request.session[RECEIVED_SESSION_KEY] = enquiry.reference
                return redirect("enquiries:received")
        else:
            batch, refusal = _requested_batch(course, request.POST.get("batch"))
            if refusal:
                form.clear_batch()
    else:
        batch, refusal = _requested_batch(course, request.GET.get("batch"))
        form = EnquiryForm(
            initial={"batch": batch, "came_from": request.headers.get("referer", "")[:500]}
        )
    if batch is not None:
        batch = Batch.objects.for_schedule().get(pk=batch.pk)
    return render(
        request,
        "enquiries/enquire.html",
        {"course": course, "batch": batch, "form": form, "refusal": refusal},
    )


def enquiry_received(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(RECEIVED_SESSION_KEY)
    enquiry = (
        Enquiry.objects.select_related("course", "batch").filter(reference=reference).first()
        if reference
        else None
    )
    return render(request, "enquiries/received.html", {"enquiry": enquiry})
