"""The site's own address: every absolute link that leaves a request (emails, calendar files)
is built here, from BATCHWISE_SITE_URL (settings.SITE_URL), never from a request's Host."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from reverse() or get_absolute_url()) on the site's configured address."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The site's host name, for calendar UIDs and Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "batchwise"
