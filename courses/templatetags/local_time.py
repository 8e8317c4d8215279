"""Batch times in the viewer's zone, and the footer's zone picker.

    {% load local_time %}
    {% batch_local_times batch as local %}  {# schedule_table.html#batch_times, #batch_dates #}
    {% viewer_zone_picker as picker %}       {# includes/zone_picker.html #}

The viewer's zone comes from the zone picker's cookie (courses.time_zones): reading it costs
no query, so list pages keep their query counts.
"""

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

from django import template
from django.http import HttpRequest
from django.utils import timezone

from courses import time_zones
from courses.models import Batch

register = template.Library()


class BatchLocalTimes:
    """One batch's times as the includes show them: the batch's own, the viewer's, and the
    data local-times.js needs to do the same in the browser."""

    def __init__(self, batch: Batch, *, choice: str):
        self.batch = batch
        self.choice = choice

    @cached_property
    def starts_at(self) -> dt.datetime:
        return self.batch.first_session_starts_at

    @cached_property
    def ends_at(self) -> dt.datetime:
        return time_zones.first_session_ends_at(self.batch)

    @property
    def starts_iso(self) -> str:
        """The first session's start, ISO 8601 with the batch zone's offset that day."""
        return self.starts_at.isoformat()

    @property
    def ends_iso(self) -> str:
        return self.ends_at.isoformat()

    @property
    def session_start(self) -> str:
        return f"{self.batch.session_start:%H:%M}"

    @property
    def session_end(self) -> str:
        return f"{self.batch.session_end:%H:%M}"

    @property
    def first_date(self) -> str:
        return self.batch.start_date.isoformat()

    @property
    def last_date(self) -> str:
        return self.batch.end_date.isoformat()

    @property
    def weekdays(self) -> str:
        """The track's days as ISO weekday numbers (Monday 1 … Sunday 7), comma-separated."""
        return ",".join(str(day + 1) for day in self.batch.weekdays)

    @property
    def viewer_zone_name(self) -> str:
        """The zone the viewer picked, or "" (none, or the batch's own zone only)."""
        return "" if self.choice == time_zones.BATCH_ZONE_ONLY else self.choice

    @property
    def state(self) -> str:
        """For local-times.js: "server" (converted here), "off" (the viewer wants the batch's
        zone only) or "auto" (the script may add the browser's zone)."""
        if self.viewer_zone_name:
            return "server"
        return "off" if self.choice == time_zones.BATCH_ZONE_ONLY else "auto"

    @cached_property
    def your_time(self) -> str:
        if not self.viewer_zone_name:
            return ""
        return time_zones.your_time_label(self.batch, ZoneInfo(self.viewer_zone_name))

    @property
    def shows_start_label(self) -> bool:
        return self.batch.status != Batch.Status.CANCELLED

    @cached_property
    def starts_label(self) -> str:
        """ "starts tomorrow" and the like, on the calendar of the viewer's picked zone, else
        the site's zone (the script redoes it in the browser's zone)."""
        if not self.shows_start_label:
            return ""
        zone = ZoneInfo(self.viewer_zone_name) if self.viewer_zone_name else time_zones.site_zone()
        return time_zones.starts_in_label(self.starts_at, zone=zone, now=timezone.now())


@register.simple_tag(takes_context=True)
def batch_local_times(context: template.Context, batch: Batch) -> BatchLocalTimes:
    return BatchLocalTimes(batch, choice=time_zones.viewer_zone_choice(context.get("request")))


class ZonePicker:
    def __init__(self, request: HttpRequest, *, posted: dict[str, str] | None = None):
        self.request = request
        self.choice = time_zones.viewer_zone_choice(request)
        self.posted = posted or {}
        # A choice the picker sent but could not save yet (over its rate limit) stays chosen.
        zone = self.posted.get("zone")
        if zone is not None and (
            zone in ("", time_zones.BATCH_ZONE_ONLY) or time_zones.is_time_zone(zone)
        ):
            self.choice = zone

    batch_zone_only = time_zones.BATCH_ZONE_ONLY

    @property
    def next(self) -> str:
        return self.posted.get("next") or self.request.get_full_path()

    @property
    def regions(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return time_zones.picker_zones(self.choice)


@register.simple_tag(takes_context=True)
def viewer_zone_picker(context: template.Context) -> ZonePicker | None:
    """The picker's state, or None where there is no request (it needs a CSRF token)."""
    request = context.get("request")
    if request is None:
        return None
    return ZonePicker(request, posted=context.get("posted_zone_picker"))
