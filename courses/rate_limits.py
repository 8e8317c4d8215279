"""Rate limits for the public forms, shared by every process through the cache.

Fixed windows: a counter per form, per client IP (or per email address) and per window of the
rate's period, made with cache.add and raised with cache.incr, both atomic in Redis, so two
gunicorn workers on two hosts count into the same key. Keys hold keyed hashes, never a raw
email address or IP. The limits are `settings.BATCHWISE_RATE_LIMITS` (docs/limits.md).
"""

import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
UNITS |= {"d": 86400, "day": 86400}
RATE = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)?([a-z]+)$")
OFF = "off"


@dataclass(frozen=True)
class Rate:
    """At most `count` submissions per `period` seconds."""

    count: int
    period: int

    @classmethod
    def parse(cls, text: str) -> "Rate | None":
        """ "10/hour", "3/h", "30/10m", "5/days"; "off" is no limit."""
        text = text.strip().lower()
        if text == OFF:
            return None
        match = RATE.match(text)
        unit = match.group(3) if match else ""
        unit = unit if unit in UNITS else unit.removesuffix("s")
        if not match or unit not in UNITS:
            raise ImproperlyConfigured(
                f"A rate limit looks like 10/hour, 3/h, 30/10m or off, not {text!r}."
            )
        return cls(count=int(match.group(1)), period=int(match.group(2) or 1) * UNITS[unit])


class RateLimited(Exception):
    """Too many submissions: try again in `retry_after` seconds."""

    def __init__(self, *, retry_after: int):
        super().__init__(f"Rate limited; retry after {retry_after} s.")
        self.retry_after = retry_after

    @property
    def wait_label(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if minutes < 60:
            return f"{minutes} minute{'s' if minutes != 1 else ''}"
        hours = math.ceil(minutes / 60)
        return f"{hours} hour{'s' if hours != 1 else ''}"


def rates_for(form: str) -> dict[str, Rate | None]:
    """The configured rates of one form, by what they count ("ip", "email")."""
    return {kind: Rate.parse(text) for kind, text in settings.BATCHWISE_RATE_LIMITS[form].items()}


def check_configuration() -> None:
    """Parse every configured rate, so a bad value stops start-up rather than a request."""
    for form in settings.BATCHWISE_RATE_LIMITS:
        rates_for(form)


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP: REMOTE_ADDR, or the X-Forwarded-For entry our own proxy added.

    With `BATCHWISE_TRUSTED_PROXIES` = N (1 by default behind DJANGO_BEHIND_PROXY), the
    address is the N-th entry from the right: each trusted proxy appends the address it saw,
    so the entries left of it are whatever the client chose to send and are never trusted.
    Anything that is not an IP address falls back to REMOTE_ADDR. django-axes uses this too.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.BATCHWISE_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
            if _is_ip(candidate):
                return candidate
    return remote if _is_ip(remote) else ""


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _ip_bucket(ip: str) -> str:
    """One bucket per IPv4 address, and per /64 for IPv6 (what one home or phone is given)."""
    if not ip:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _digest(value: str) -> str:
    return salted_hmac("batchwise.rate-limits", value, algorithm="sha256").hexdigest()[:32]


def count_submission(
    request: HttpRequest, *, form: str, email: str = "", submission: str = ""
) -> None:
    """Count one submission of `form` from this client (and to `email`); raise RateLimited
    when it goes over a limit, and then nothing must be stored or sent.

    A `submission` (the form's submission token) is counted once: a double click or a
    refresh of the same form is no new request, and the services treat it so.
    """
    if not settings.BATCHWISE_RATE_LIMITS_ENABLED:
        return
    rates = rates_for(form)
    counted = [("ip", _ip_bucket(client_ip(request)))]
    if email:
        counted.append(("email", email.strip().lower()))
    try:
        if submission and not cache.add(
            f"rl:seen:{form}:{_digest(submission)}", 1, timeout=_longest(rates)
        ):
            return
        waits = [
            wait
            for kind, value in counted
            if (rate := rates.get(kind)) is not None
            if (wait := _hit(f"rl:{form}:{kind}:{_digest(value)}", rate))
        ]
    except RedisError:
        # No limits rather than no enquiries while the cache is down; /healthz shows it.
        logger.warning("Rate limits skipped: the cache is unreachable.", exc_info=True)
        return
    if waits:
        raise RateLimited(retry_after=max(waits))


def _longest(rates: dict[str, Rate | None]) -> int:
    return max((rate.period for rate in rates.values() if rate), default=3600)


def _hit(key: str, rate: Rate) -> int:
    """Add one to the key's counter in the current window: 0 if within the rate, else the
    seconds until the window ends."""
    now = time.time()
    window = int(now // rate.period)
    key = f"{key}:{rate.period}:{window}"
    # The key names its window, so expiry is only clean-up: a little past the window's end.
    cache.add(key, 0, timeout=rate.period + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.period + 60)
        count = 1
    if count <= rate.count:
        return 0
    return max(1, math.ceil((window + 1) * rate.period - now))


def too_many_requests(response: HttpResponse, limited: RateLimited) -> HttpResponse:
    """The page re-rendered for an over-limit submission, as HTTP 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    return response
