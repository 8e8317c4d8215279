"""Public pages as anonymous visitors get them: cached, validated and cacheable downstream.

A view marked `@public_page` renders nothing personal: no session, no CSRF token, no
message (the footer's zone picker posts without a token, see views_preferences). For such a
view `PublicPageMiddleware`
- answers a conditional GET with 304 when its `ETag` or `Last-Modified` still hold;
- serves the page from the cache while the catalog's version (courses.versions) is the one it
  was rendered at, so a seat change, an edit or a new batch shows on the very next request;
- marks what it sends `Cache-Control: public, max-age=0, s-maxage=<BATCHWISE_SHARED_CACHE_SECONDS>`,
  with no cookie and no `Vary: Cookie`, so a proxy or CDN may keep it for a few seconds.

A page is kept per host and URL, per zone the viewer picked (the `viewer_tz` cookie changes
the times shown) and per day in that zone ("starts tomorrow"), for the gzip and the plain
encoding, and per release: a deploy with other code, templates, static files or settings
renders afresh.
Requests that carry what a page must not ignore (a message to show, a session, campaign
parameters or another site's Referer, which the attribution middleware records) go to the
view as before and are marked private. With BATCHWISE_PAGE_CACHE off the validators and
headers stay; only the stored copies go.

It sits below the security middleware (an HTTP request is still redirected to HTTPS) and
above the compression, so a stored gzip body is sent as it is.
"""

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from redis.exceptions import RedisError

from . import time_zones, versions

PAGE_KEY_PREFIX = "page"
# Cookies that change what a page shows, or that the view must see: such requests bypass it.
PERSONAL_COOKIES = (CookieStorage.cookie_name, settings.SESSION_COOKIE_NAME)
CAMPAIGN_PARAMETER = re.compile(r"(?:^|&)utm_[a-z]+=")
# GZipMiddleware's own test of the request.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The response headers a stored page keeps; the middleware above add theirs on each hit.
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Content-Language", "Vary")


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose page is the same for every anonymous visitor (module docstring)."""
    view.public_page = True  # type: ignore[attr-defined]
    return view


@cache
def release() -> str:
    """What a stored page was rendered by: the code, templates and static manifest of this
    deploy and the settings pages read. BATCHWISE_RELEASE (e.g. a commit id) overrides it."""
    if settings.BATCHWISE_RELEASE:
        return settings.BATCHWISE_RELEASE
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in ("config", "courses", "enquiries", "templates"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".js", ".css"} and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    read_by_pages = sorted(
        (name, repr(getattr(settings, name)))
        for name in dir(settings)
        if name.startswith("BATCHWISE_")
        or name in {"SITE_NAME", "SITE_URL", "TIME_ZONE", "LANGUAGE_CODE", "STATIC_URL", "DEBUG"}
        or name in {"PRIVACY_CONTACT_EMAIL", "LEAD_RETENTION_DAYS"}
    )
    digest.update(repr(read_by_pages).encode())
    return digest.hexdigest()[:16]


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # Settings are fixed for a deploy; the tests change them (override_settings).
    release.cache_clear()


def is_personal(request: HttpRequest) -> bool:
    if any(name in request.COOKIES for name in PERSONAL_COOKIES):
        return True
    if CAMPAIGN_PARAMETER.search(request.META.get("QUERY_STRING", "")):
        return True
    # Another site's Referer: the attribution middleware records the visit in the session.
    referrer = request.headers.get("referer", "")
    return bool(referrer) and _host(referrer) not in ("", request.get_host())


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc
    except ValueError:
        return ""


def is_public_page(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "public_page", False)


_NOTHING_KEPT = object()


def kept[T](
    request: HttpRequest, name: str, make: Callable[[], T], *, per_view: bool, shared: bool
) -> T:
    """What `make()` returns, kept while the catalog's version this request was given holds,
    for this release: per page view too (host, zone and day, PageKey.variant) with `per_view`;
    in the shared cache with `shared`, else in this process's memory (the "fragments" cache).
    Made each time outside a public page, with BATCHWISE_FRAGMENT_CACHE off, or when the
    shared cache cannot be reached."""
    version = getattr(request, "catalog_version", None)
    if version is None or not settings.BATCHWISE_FRAGMENT_CACHE:
        return make()
    variant = getattr(request, "catalog_variant", "") if per_view else ""
    parts = [release(), version, variant, name]
    key = "kept:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    store = default_cache if shared else caches["fragments"]
    try:
        found = store.get(key, _NOTHING_KEPT)
    except RedisError:
        return make()
    if found is _NOTHING_KEPT:
        found = make()
        with contextlib.suppress(RedisError):
            store.set(key, found, timeout=settings.BATCHWISE_PAGE_CACHE_SECONDS)
    return found


class PageKey:
    """Which stored page a request gets, and, given the catalog's version, its validators."""

    def __init__(self, request: HttpRequest):
        choice = time_zones.viewer_zone_choice(request)
        self.zone = ZoneInfo(choice) if time_zones.is_time_zone(choice) else time_zones.site_zone()
        self.day = timezone.now().astimezone(self.zone).date()
        accepts_gzip = ACCEPTS_GZIP.search(request.headers.get("accept-encoding", ""))
        # The host too: canonical links and structured data name it.
        self.variant = f"{request.get_host()}\n{choice}\n{self.day.isoformat()}"
        parts = [release(), request.get_full_path(), self.variant]
        self.digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        self.cache_key = f"{PAGE_KEY_PREFIX}:{self.digest}:{'gzip' if accepts_gzip else ''}"

    def validators(self, version: str) -> tuple[str, float]:
        """The ETag, and the Last-Modified: the catalog's last change, or the start of the
        day the page's wording is for ("starts tomorrow"), whichever is later."""
        day_start = dt.datetime.combine(self.day, dt.time(), tzinfo=self.zone).timestamp()
        tag = hashlib.sha256(f"{self.digest}:{version}".encode()).hexdigest()[:24]
        return f'W/"{tag}"', max(versions.changed_at(version), day_start)


def not_modified(request: HttpRequest, *, etag: str, last_modified: float) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:  # it overrides If-Modified-Since (RFC 9110, 13.1.3)
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = parse_http_date_safe(request.headers.get("if-modified-since", ""))
    return since is not None and int(last_modified) <= since


def mark(response: HttpResponse, *, etag: str, last_modified: float) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.BATCHWISE_SHARED_CACHE_SECONDS
    )
    return response


class PublicPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not is_public_page(request):
            return self.get_response(request)
        if is_personal(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            return response
        try:
            return self.serve(request)
        except RedisError:
            # The shared cache is unreachable: the page as if there were no cache at all.
            return self.get_response(request)

    def serve(self, request: HttpRequest) -> HttpResponse:
        key = PageKey(request)
        wanted = [key.cache_key] if settings.BATCHWISE_PAGE_CACHE else []
        if versions.in_default_cache():
            wanted.append(versions.VERSION_KEY)  # one round trip for the version and the page
        found = default_cache.get_many(wanted) if wanted else {}
        version = found.get(versions.VERSION_KEY) or versions.catalog_version()
        # What the page's fragments and reads are kept by (kept()).
        request.catalog_version = version  # type: ignore[attr-defined]
        request.catalog_variant = key.variant  # type: ignore[attr-defined]
        etag, last_modified = key.validators(version)
        if not_modified(request, etag=etag, last_modified=last_modified):
            return mark(HttpResponseNotModified(), etag=etag, last_modified=last_modified)
        stored = found.get(key.cache_key)
        if stored is not None and stored["version"] == version:
            response = HttpResponse(stored["body"])
            for name, value in stored["headers"]:
                response[name] = value
            return mark(response, etag=etag, last_modified=last_modified)
        response = self.get_response(request)
        if not self.may_store(response):
            return response
        mark(response, etag=etag, last_modified=last_modified)
        if settings.BATCHWISE_PAGE_CACHE and request.method == "GET":
            default_cache.set(
                key.cache_key,
                {
                    "version": version,
                    "headers": [(h, response[h]) for h in KEPT_HEADERS if h in response],
                    "body": response.content,
                },
                timeout=settings.BATCHWISE_PAGE_CACHE_SECONDS,
            )
        return response

    @staticmethod
    def may_store(response: HttpResponse) -> bool:
        """Only a plain 200 the view made for anyone: if it set a cookie or varies on one
        (it read the session or a CSRF token after all), it is sent as it is, uncached."""
        vary = response.get("Vary", "").lower()
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in vary
            and "no-store" not in response.get("Cache-Control", "")
        )
