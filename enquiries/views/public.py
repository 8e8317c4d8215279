from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from courses import rate_limits, time_zones
from courses.models import Batch, Course

from .. import services
from ..forms import ContactForm, EnquiryForm, InterestForm, WaitlistForm
from ..middleware import ATTRIBUTION_SESSION_KEY
from ..models import Enquiry, Interest, WaitlistEntry
from ..services import seats
from .private import private_page

RECEIVED_SESSION_KEY = "enquiry_received"
WAITLIST_EMAIL_SESSION_KEY = "waitlist_emailed_to"


def attribution(request: HttpRequest, form) -> services.Attribution:
    """Where the lead came from: the visit's campaign (middleware) and the form's referrer."""
    return services.Attribution.from_mapping(
        request.session.get(ATTRIBUTION_SESSION_KEY, {}), came_from=form.cleaned_data["came_from"]
    )


def count_submission(request: HttpRequest, form, *, name: str) -> None:
    """Count a valid submission against the limits of form `name` (raises RateLimited)."""
    rate_limits.count_submission(
        request,
        form=name,
        email=form.cleaned_data["email"],
        submission=str(form.cleaned_data["submission_token"]),
    )


def render_form(
    request: HttpRequest,
    template: str,
    context: dict,
    limited: rate_limits.RateLimited | None,
) -> HttpResponse:
    """The form page; over a rate limit, the same page and what was typed, as a 429."""
    response = render(request, template, context | {"rate_limited": limited})
    return rate_limits.too_many_requests(response, limited) if limited else response


# A batch id is a 64-bit key: at most 19 digits. A longer number names no batch (and past
# 4,300 digits int() refuses it).
ID_DIGITS = len(str(2**63 - 1))


def _batch_id(raw: str | None) -> int | None:
    """A ?batch= value as an id, or None for anything else (words, "²", "-1", 30 digits)."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= ID_DIGITS:
        return int(raw)
    return None


def _requested_batch(course: Course, raw_id: str | None) -> tuple[Batch | None, str]:
    """The batch named in ?batch=, or None with the reason it can't be enquired about."""
    if not raw_id:
        return None, ""
    batch_id = _batch_id(raw_id)
    batch = Batch.objects.select_related("course").filter(pk=batch_id).first() if batch_id else None
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
    limited = None
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            batch, refusal = form.cleaned_data["batch"], ""
            try:
                count_submission(request, form, name="enquiry")
                enquiry = services.submit_enquiry(
                    course=course,
                    batch=batch,
                    attribution=attribution(request, form),
                    time_zone=viewer_time_zone(request),
                    **form.submission(),
                )
            except rate_limits.RateLimited as error:
                limited = error
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
    return render_form(
        request,
        "enquiries/enquire.html",
        {"course": course, "batch": batch, "form": form, "refusal": refusal},
        limited,
    )


def enquiry_received(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(RECEIVED_SESSION_KEY)
    enquiry = (
        Enquiry.objects.select_related("course", "batch").filter(reference=reference).first()
        if reference
        else None
    )
    return render(request, "enquiries/received.html", {"enquiry": enquiry})


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The contact page: the provider's details and a general enquiry about no course."""
    limited = None
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                count_submission(request, form, name="contact")
                enquiry = services.submit_enquiry(
                    course=None,
                    batch=None,
                    attribution=attribution(request, form),
                    **form.submission(),
                )
            except rate_limits.RateLimited as error:
                limited = error
            else:
                request.session[RECEIVED_SESSION_KEY] = enquiry.reference
                return redirect("enquiries:received")
    else:
        form = ContactForm(initial={"came_from": request.headers.get("referer", "")[:500]})
    return render_form(request, "enquiries/contact.html", {"form": form}, limited)


def _enquire_about(batch: Batch) -> HttpResponse:
    return redirect(f"{reverse('enquiries:enquire', args=[batch.course.slug])}?batch={batch.pk}")


@require_http_methods(["GET", "HEAD", "POST"])
def join_waitlist(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.published(), slug=slug)
    raw_id = request.GET.get("batch", "")
    batch = get_object_or_404(
        Batch.objects.open_for_enquiry().for_schedule().filter(course=course),
        pk=_batch_id(raw_id) or 0,
    )
    if not batch.is_full:  # only a full batch takes a waiting list
        return _enquire_about(batch)
    form = WaitlistForm(request.POST or None)
    refusal, limited = "", None
    if request.method == "POST" and form.is_valid():
        try:
            count_submission(request, form, name="waitlist")
            services.join_waiting_list(
                course=course,
                batch=batch,
                attribution=attribution(request, form),
                **form.submission(),
            )
        except rate_limits.RateLimited as error:
            limited = error
        except seats.BatchHasFreeSeats:
            return _enquire_about(batch)
        except (services.EnquiryRefused, seats.SeatError) as error:
            refusal = str(error)
        else:
            # The same page whatever the address already had: it names only the address.
            request.session[WAITLIST_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
            return redirect("enquiries:waitlist_emailed")
    return render_form(
        request,
        "enquiries/waitlist_join.html",
        {"course": course, "batch": batch, "form": form, "refusal": refusal},
        limited,
    )


def waitlist_emailed(request: HttpRequest) -> HttpResponse:
    """After joining: where the place and its private link were sent, and nothing else."""
    email = request.session.get(WAITLIST_EMAIL_SESSION_KEY, "")
    return render(request, "enquiries/waitlist_emailed.html", {"email": email})


def _entry_or_404(token: str) -> WaitlistEntry:
    return get_object_or_404(
        WaitlistEntry.objects.select_related("batch", "batch__course", "enrollment"), token=token
    )


@private_page
def waitlist_place(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's private page: their place, an offer to accept, or the seat they got.

    The link reaches the learner only by email, so opening it confirms the address: an
    unconfirmed place starts to count (and may be offered a free seat at once).
    """
    if seats.confirm_place(token=token) is None:
        raise Http404("No waiting-list place has this link.")
    entry = _entry_or_404(token)
    position = seats.waiting_position(entry)
    return render(request, "enquiries/waitlist_place.html", {"entry": entry, "position": position})


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def waitlist_leave(request: HttpRequest, token: str) -> HttpResponse:
    entry = _entry_or_404(token)
    if request.method == "POST":
        seats.leave_waitlist(token=token)
        messages.success(request, "You have left the waiting list. We won't offer you a seat.")
        return redirect("enquiries:waitlist_place", token=token)
    return render(request, "enquiries/waitlist_leave.html", {"entry": entry})


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def offer_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The offer email links here; the place page shows the offer with its Accept button.

    Accepting is a POST, so a mail scanner following the link cannot take the seat.
    """
    _entry_or_404(token)
    if request.method == "POST":
        try:
            seats.accept_offer(token=token)
        except seats.SeatError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your seat is confirmed. We look forward to seeing you.")
    return redirect("enquiries:waitlist_place", token=token)


def viewer_time_zone(request: HttpRequest) -> str:
    """The IANA zone the visitor picked in the footer, or "" (none, or "batch's zone only")."""
    choice = time_zones.viewer_zone_choice(request)
    return "" if choice == time_zones.BATCH_ZONE_ONLY else choice


@require_http_methods(["GET", "HEAD", "POST"])
def interest(request: HttpRequest, slug: str) -> HttpResponse:
    """ "None of these suits you? Tell me when a new batch is scheduled": the interest list."""
    course = get_object_or_404(Course.objects.published().select_related("category"), slug=slug)
    refusal, limited = "", None
    if request.method == "POST":
        form = InterestForm(request.POST)
        if form.is_valid():
            try:
                count_submission(request, form, name="interest")
                enquiry = services.interest.register_interest(
                    course=course, attribution=attribution(request, form), **form.submission()
                )
            except rate_limits.RateLimited as error:
                limited = error
            except services.EnquiryRefused as error:
                refusal = str(error)
            else:
                request.session[RECEIVED_SESSION_KEY] = enquiry.reference
                return redirect("enquiries:received")
    else:
        form = InterestForm(
            initial={"came_from": request.headers.get("referer", "")[:500]},
            viewer_zone=viewer_time_zone(request),
        )
    return render_form(
        request,
        "enquiries/interest.html",
        {"course": course, "form": form, "refusal": refusal},
        limited,
    )


def _interest_or_404(token: str) -> Interest:
    return get_object_or_404(Interest.objects.select_related("enquiry__course"), token=token)


@csrf_exempt  # RFC 8058 one-click: the mail program POSTs without our form; the token suffices
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def interest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The email's "stop these emails" link: a page with a button (a mail scanner following
    the link changes nothing); the button, or a mail program's one-click POST, unsubscribes."""
    item = _interest_or_404(token)
    if request.method == "POST":
        item = services.interest.unsubscribe(token=token) or item
    return render(request, "enquiries/interest_unsubscribe.html", {"interest": item})
