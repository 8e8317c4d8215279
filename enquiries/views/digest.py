"""The follow-up digest's unsubscribe link: a staff member turns the morning digest off."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..services import reminders
from .private import private_page


# A mail program's one-click unsubscribe (RFC 8058) POSTs with no CSRF token; the signed token
# in the address is what proves the request came from the digest.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner must not turn the digest off); POST turns it off."""
    user = reminders.user_for_unsubscribe(token)
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    done = request.method == "POST"
    if done:
        reminders.turn_digest_off(user=user)
    return render(request, "enquiries/digest_unsubscribe.html", {"done": done})
