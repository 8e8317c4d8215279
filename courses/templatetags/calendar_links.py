"""{% schedule_calendar_url form %}: the schedule's .ics address with the page's filters.

Only the filters the schedule form accepted are carried over: a value it reported as not
understood, tracking parameters (utm_*) and anything else in the address are left out.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from courses.forms import ScheduleFilterForm

register = template.Library()


@register.simple_tag
def schedule_calendar_url(form: ScheduleFilterForm) -> str:
    url = reverse("courses:schedule_calendar")
    filters = form.filters() if form.is_bound else {}
    query = urlencode({name: form.data[name] for name in filters})
    return f"{url}?{query}" if query else url
