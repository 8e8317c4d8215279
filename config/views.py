"""Project-wide error pages, and the benchmark's hello-world."""

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from config.middleware import DATABASE_UNAVAILABLE, database_unavailable


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page. Like Django's own, rendered without the request's context processors
    (whatever failed may be among them); it says we were told only if ADMINS were emailed.

    A database that cannot be reached, raised deeper than DatabaseUnavailableMiddleware sees
    (the attribution middleware loading a returning visitor's session), is the 503 instead.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(request, error)
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"admins_told": bool(settings.ADMINS), "site_name": settings.SITE_NAME})
    )


def hello(request: HttpRequest) -> HttpResponse:
    """The smallest response through the whole middleware stack: `make bench` divides each
    page's requests per second by this one's (served only with BATCHWISE_BENCH_HELLO)."""
    return HttpResponse("Hello, world")
