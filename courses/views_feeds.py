"""Machine-readable views: calendar files (.ics) for batches, and robots.txt.

The sitemap is Django's own view (config/urls.py, sections in courses/sitemaps.py).
"""

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from .calendars import SUMMARY_TRACK, batches_calendar
from .forms import ScheduleFilterForm
from .models import Batch, Course
from .site import absolute_url
from .views import schedule_filters

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def ics_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def batch_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch, whatever its state: a cancelled batch stays downloadable and says so, so a
    calendar that imported it earlier is updated. Unpublished batches are not found."""
    batch = get_object_or_404(Batch.objects.published().select_related("course"), pk=pk)
    course = batch.course
    content = batches_calendar(
        [batch],
        name=f"{course.title} ({SUMMARY_TRACK[Batch.Track(batch.track)]})",
        key=f"batch-{batch.pk}-calendar",
        page_url=absolute_url(course.get_absolute_url()),
        feed_url=absolute_url(request.path),
    )
    return ics_response(
        content, filename=f"{course.slug}-{batch.track}-{batch.start_date:%Y-%m-%d}.ics"
    )


def course_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's upcoming batches, to download or subscribe to."""
    course = get_object_or_404(Course.objects.published(), slug=slug)
    batches = (
        course.batches.in_calendar_feeds()
        .select_related("course")
        .order_by("start_date", "track", "session_start", "pk")
    )
    content = batches_calendar(
        batches,
        name=f"{course.title}: upcoming batches · {settings.SITE_NAME}",
        key=f"course-{course.pk}-calendar",
        page_url=absolute_url(course.get_absolute_url()),
        feed_url=absolute_url(request.path),
    )
    return ics_response(content, filename=f"{course.slug}-batches.ics")


def schedule_calendar(request: HttpRequest) -> HttpResponse:
    """The public schedule's batches with the same GET filters as /schedule/.

    As on the page, a filter value that doesn't validate is ignored and the others apply.
    """
    form, filters = schedule_filters(request)
    batches = (
        Batch.objects.in_calendar_feeds()
        .matching(**filters)
        .select_related("course")
        .order_by("start_date", "track", "session_start", "pk")
    )
    query = urlencode({name: form.data[name] for name in filters})
    feed_path = reverse("courses:schedule_calendar") + (f"?{query}" if query else "")
    name = f"{settings.SITE_NAME} batch schedule"
    if filters:
        name += f": {', '.join(filter_labels(form, filters))}"
    content = batches_calendar(
        batches,
        name=name,
        key="schedule-calendar" + (f"?{query}" if query else ""),
        page_url=absolute_url(reverse("courses:schedule") + (f"?{query}" if query else "")),
        feed_url=absolute_url(feed_path),
    )
    return ics_response(content, filename=f"{slugify(settings.SITE_NAME)}-schedule.ics")


def filter_labels(form: ScheduleFilterForm, filters: dict) -> list[str]:
    """The applied filters in words: ["Python Basics", "January 2027"]."""
    labels = []
    for name, value in filters.items():
        if name == "month":
            labels.append(f"{value:%B %Y}")
        else:
            choices = cast(list[tuple[str, str]], cast(ChoiceField, form.fields[name]).choices)
            labels.append(str(dict(choices).get(value, value)))
    return labels


def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
