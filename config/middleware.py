"""A plain 503 while the database cannot be reached, instead of a 500 and a traceback."""

import logging
from inspect import iscoroutinefunction

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.log import log_response

logger = logging.getLogger(__name__)

# What psycopg and sqlite3 raise, wrapped by Django, when the server is down, refuses or drops
# the connection, or the database file cannot be opened.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The 503 page, rendered without the request: no context processor, session or user, so
    nothing on it needs the database. One log line gives the cause."""
    response = HttpResponse(
        render_to_string(
            "503.html", {"site_name": settings.SITE_NAME, "retry_after": RETRY_AFTER_SECONDS}
        ),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django's own line for this response would be a second one, so it is logged here, once.
    # No path: it may hold a private link's token.
    log_response(
        "Database unavailable, answered 503 (%s: %s)",
        type(error).__name__,
        " ".join(str(error).split()),
        response=response,
        request=request,
        logger=logger,
    )
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when the database cannot be reached.

    A view's error comes through process_exception. Errors after the view (the session
    middleware saving the session) come out of the next layer: Django wraps every layer so its
    exceptions become a 500 right there, so this calls the layer itself (functools.wraps keeps
    it as __wrapped__); any other exception still becomes Django's 500, one layer further out.
    A layer deeper still is caught by Django, which calls config.views.server_error (handler500).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        inner = getattr(get_response, "__wrapped__", get_response)
        self.next_layer = get_response if iscoroutinefunction(inner) else inner

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.next_layer(request)
        except DATABASE_UNAVAILABLE as error:
            return database_unavailable(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None
