"""A trainer's private calendar feed (.ics): their batches and one-on-one sessions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from courses.models import Trainer
from courses.site import absolute_url

from ..services import trainers
from .private import private_page


@require_safe
@private_page
def trainer_calendar(request: HttpRequest, token: str) -> HttpResponse:
    trainer = get_object_or_404(Trainer, calendar_token=token)
    feed_url = absolute_url(reverse("enquiries:trainer_calendar", kwargs={"token": token}))
    response = HttpResponse(
        trainers.trainer_calendar(
            trainer=trainer,
            now=timezone.now(),
            feed_url=feed_url,
            page_url=absolute_url(reverse("courses:schedule")),
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response
