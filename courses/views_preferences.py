"""The footer's zone picker: remember the zone a visitor wants times shown in.

The picker is on every public page, and those pages carry no CSRF token (so they set no
cookie and can be cached, courses/page_cache.py). It is guarded as browsers allow without a
token: a cross-site post (Sec-Fetch-Site, else Origin) is refused. All it could change is how
times are shown.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.csrf import csrf_failure
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import rate_limits
from .time_zones import BATCH_ZONE_ONLY, UnknownTimeZone, remember_viewer_zone


def is_cross_site(request: HttpRequest) -> bool:
    fetched_from = request.headers.get("sec-fetch-site")
    if fetched_from is not None:
        return fetched_from not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.scheme}://{request.get_host()}"


@csrf_exempt
@require_POST
def set_viewer_zone(request: HttpRequest) -> HttpResponse:
    """Set (or clear) the viewer_tz cookie, then go back to the page the form was on."""
    if is_cross_site(request):
        return csrf_failure(request, reason="The time zone can only be set from this site.")
    next_url = request.POST.get("next", "")
    # Only a path on this site: anything else ("UTC", another host) goes home. The redirect
    # is built from the URL itself, never read as a view name.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("courses:home")
    choice = request.POST.get("zone", "").strip()
    try:
        rate_limits.count_submission(request, form="time_zone")
    except rate_limits.RateLimited as limited:
        page = render(
            request,
            "courses/zone_rate_limited.html",
            {
                "rate_limited": limited,
                "next_url": next_url,
                "posted_zone_picker": {"zone": choice, "next": next_url},
            },
        )
        return rate_limits.too_many_requests(page, limited)
    response = HttpResponseRedirect(next_url)
    try:
        remember_viewer_zone(response, choice, secure=request.is_secure())
    except UnknownTimeZone:
        messages.error(
            request,
            "We don't know that time zone, so times are shown as before. "
            "Please pick one from the list.",
        )
        return response
    if choice == BATCH_ZONE_ONLY:
        messages.success(request, "Times are now shown in each batch's own time zone only.")
    elif choice:
        messages.success(request, f"Batch times now also show your time in {choice}.")
    else:
        messages.success(request, "Times now follow your browser's time zone, where it tells us.")
    return response
