"""The headers of every page reached through a private link (a waiting-list place, a plan)."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Nothing keeps, indexes or passes on the page or its address.

    - `Cache-Control: no-store` (with Django's never-cache headers): no shared or browser
      cache keeps a copy of someone's place or plan;
    - `X-Robots-Tag: noindex`: also for the .ics file and the POST answers, which have no
      <meta name="robots">;
    - `Referrer-Policy: strict-origin`: a link followed from the page, even to our own pages
      (whose access logs and enquiry forms record the Referer), carries the origin only, never
      the token. Not `no-referrer`: browsers then send `Origin: null` with the page's own
      forms (leave, accept), which the CSRF check refuses.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapper
