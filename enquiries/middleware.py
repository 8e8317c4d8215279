from urllib.parse import urlsplit

from .services import clean_text

ATTRIBUTION_SESSION_KEY = "attribution"
UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
SKIPPED_PREFIXES = ("/admin/", "/static/")


def _host(url: str) -> str:
    """The host part of a URL; "" for one that cannot be parsed (a Referer is any text)."""
    try:
        return urlsplit(url).netloc
    except ValueError:
        return ""


class AttributionMiddleware:
    """Remember where a visit came from (landing page, external referrer, utm_* parameters).

    The session is written only when a request carries campaign parameters or arrives from
    another site, so ordinary browsing creates no session rows. A later campaign visit
    replaces an earlier one (last non-direct touch), which is what sales teams usually report.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and not request.path.startswith(SKIPPED_PREFIXES):
            self.record(request)
        return self.get_response(request)

    @staticmethod
    def record(request) -> None:
        utm = {
            key: clean_text(request.GET[key], limit=100)
            for key in UTM_PARAMETERS
            if request.GET.get(key)
        }
        referrer = clean_text(request.headers.get("referer", ""), limit=500)
        external = bool(referrer) and _host(referrer) not in ("", request.get_host())
        if not utm and not external:
            return
        request.session[ATTRIBUTION_SESSION_KEY] = {
            "landing_page": clean_text(request.get_full_path(), limit=500),
            "referrer": referrer if external else "",
            **utm,
        }
