"""What the logs say and where they go: one line per event, text or JSON, no private link.

Used by settings.LOGGING (Django's own loggers, runserver's included) and by gunicorn's access
log (config/gunicorn_logger.py), so a private link is redacted the same way everywhere.
"""

import logging
import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.log import AdminEmailHandler
from pythonjsonlogger.core import RESERVED_ATTRS

# A private link's token follows these prefixes (the `private_token` URL converter); also when
# the slashes are percent-encoded, as in a `?next=` or a Referer quoted into a query string.
# "emailed" is the page after joining, not a token: it is kept, so the log still says which.
PRIVATE_LINK = re.compile(
    r"(?P<prefix>(?:/|%2F)(?:waiting-list|training-plan)(?:/|%2F))"
    r"(?!emailed(?![A-Za-z0-9_-]))[A-Za-z0-9_-]+",
    re.IGNORECASE,
)
REDACTED = "<token>"


def redact_private_links(text: str) -> str:
    """`text` with the token of every private link replaced by <token>."""
    return PRIVATE_LINK.sub(rf"\g<prefix>{REDACTED}", text)


class RedactPrivateLinks(logging.Filter):
    """Rewrites a record's message without private tokens ("Not Found: /waiting-list/…/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_private_links(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class NoTracebackForClientErrors(logging.Filter):
    """A 4xx (a PermissionDenied, a bad request) is the visitor's doing, not a bug: Django logs
    it with the exception's traceback, which says nothing more than the one line does."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True


class ErrorEmailHandler(AdminEmailHandler):
    """Django's error email to ADMINS. If the email cannot be sent (SMTP down), the failure is
    printed like any logging error instead of escaping into the request that had the error."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except Exception:
            self.handleError(record)


# Attributes Django adds to its records that must not reach a JSON line: the request object
# (whose repr holds the path, private token included) and runserver's own timestamp.
JSON_LEFT_OUT = ["request", "server_time"]


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """settings.LOGGING: every record printed once, to stderr, by the root logger's handler.

    Django's own loggers carry no console handler of their own (Django's defaults give
    "django" one that prints in DEBUG, and the root's would print the same line again); they
    propagate to the root. Errors are also emailed to ADMINS when DEBUG is off.
    """
    if log_format not in {"text", "json"}:
        raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT is text or json, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
            "redact_private_links": {"()": "config.logs.RedactPrivateLinks"},
            "no_traceback_for_client_errors": {"()": "config.logs.NoTracebackForClientErrors"},
        },
        "formatters": {
            "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "{asctime}{levelname}{name}{message}",
                "style": "{",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "reserved_attrs": [*RESERVED_ATTRS, *JSON_LEFT_OUT],
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["redact_private_links", "no_traceback_for_client_errors"],
            },
            "mail_admins": {
                "level": "ERROR",
                "class": "config.logs.ErrorEmailHandler",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default "django" logger, handlers and all.
            "django": {"handlers": ["mail_admins"], "level": level, "propagate": True},
            # runserver's request lines: Django's default gives them a handler of their own.
            "django.server": {"handlers": [], "level": level, "propagate": True},
            # Bad Host headers are what scanners send all day: a line, never an email.
            "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        },
    }
