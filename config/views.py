"""Project-wide error pages."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponseServerError:
    """The 500 page. Like Django's own, rendered without the request's context processors
    (whatever failed may be among them); it says we were told only if ADMINS were emailed."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"admins_told": bool(settings.ADMINS), "site_name": settings.SITE_NAME})
    )
