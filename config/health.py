"""GET /healthz: whether this web node can serve, as JSON for a load balancer.

503 when the database or the cache fails: take the node out. Old due emails or ready tasks
mean the workers are behind, which no web node can fix, so that is "degraded" with a 200.
Answered by the first middleware, before the Host check and the HTTPS redirect: load
balancers probe nodes by address over plain HTTP, and this response never reads the Host.
Nothing private is shown: no error text, no addresses, only states and ages.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.log import log_response

from enquiries.models import OutgoingEmail
from enquiries.task_queue import oldest_ready_since

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


def _one_line(error: Exception) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())


def _age(since: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if since is None else max(int((now - since).total_seconds()), 0)


def _queue(age: int | None, behind_after: int) -> dict:
    return {
        "oldest_seconds": age,
        "behind_after_seconds": behind_after,
        "behind": age is not None and age > behind_after,
    }


def _cache_failure() -> str:
    """Why the cache cannot keep and give back a value, or "" when it can."""
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=30)
        works = cache.get(key) == value
        cache.delete(key)
    except Exception as error:  # any backend's failure (Redis down, refused, timed out)
        return _one_line(error)
    return "" if works else "a value set was not read back"


def health() -> tuple[dict, list[str]]:
    """The report, and what failed (for the log, never for the answer)."""
    now = timezone.now()
    email_age = task_age = None
    database_failure = ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        due = OutgoingEmail.objects.due(now=now).aggregate(since=Min("next_attempt_at"))
        email_age = _age(due["since"], now)
        task_age = _age(oldest_ready_since(), now)
    except DatabaseError as error:
        database_failure = _one_line(error)
    cache_failure = _cache_failure()
    email = _queue(email_age, settings.HEALTH_EMAIL_BEHIND_AFTER)
    tasks = _queue(task_age, settings.HEALTH_TASK_BEHIND_AFTER)
    if database_failure or cache_failure:
        status = "unavailable"
    elif email["behind"] or tasks["behind"]:
        status = "degraded"
    else:
        status = "ok"
    report = {
        "status": status,
        "database": "error" if database_failure else "ok",
        "cache": "error" if cache_failure else "ok",
        "email": email,
        "tasks": tasks,
    }
    failures = [
        f"{part}: {failure}"
        for part, failure in (("database", database_failure), ("cache", cache_failure))
        if failure
    ]
    return report, failures


class HealthCheckMiddleware:
    """Answer GET/HEAD /healthz; pass every other request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        report, failures = health()
        response = JsonResponse(report, status=503 if failures else 200)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        if failures:
            # One line with every cause, instead of Django's own "Service Unavailable" line.
            log_response(
                "Health check failed (%s)", "; ".join(failures), response=response, logger=logger
            )
        return response
