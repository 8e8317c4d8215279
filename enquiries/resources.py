"""What an enquiry export holds (CSV or XLSX from the admin): readable columns, one query."""

import re

from import_export import resources, widgets
from import_export.fields import Field

from .models import Enquiry

# In CSV, a moment says its zone (the site's, TIME_ZONE); XLSX cells hold that local time.
MOMENT = "%Y-%m-%d %H:%M:%S %Z"


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's CSV injection
# list). django-import-export's own escaping only drops a leading "=", which changes the text
# and leaves "+", "-" and "@" live.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+")  # an E.164 phone number runs nothing


def spreadsheet_safe(value):
    """Text a spreadsheet shows as typed: a leading apostrophe makes a formula plain text."""
    formula = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if formula and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def column(attribute: str, name: str, widget=None) -> Field:
    return Field(attribute=attribute, column_name=name, widget=widget, readonly=True)


class EnquiryResource(resources.ModelResource):
    """Export only: the admin never imports enquiries (they come from learners, via the site)."""

    def export_field(self, field, instance, **kwargs):
        # Learners write names and messages: none of it may run as a formula in CSV or XLSX.
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    reference = column("reference", "reference")
    created_at = column("created_at", "created", widgets.DateTimeWidget(MOMENT))
    status = column("status", "status")
    lost_reason = column("lost_reason", "lost reason")
    owner = column("owner__username", "owner")
    follow_up_on = column("follow_up_on", "follow up on", widgets.DateWidget())
    first_response_at = column(
        "first_response_at", "first response", widgets.DateTimeWidget(MOMENT)
    )
    kind = column("kind", "kind")
    course = column("course__title", "course")
    batch_start = column("batch__start_date", "batch start", widgets.DateWidget())
    batch_track = column("batch__track", "batch track")
    name = column("name", "name")
    email = column("email", "email")
    phone = column("phone", "phone")
    message = column("message", "message")
    utm_source = column("utm_source", "utm source")
    utm_medium = column("utm_medium", "utm medium")
    utm_campaign = column("utm_campaign", "utm campaign")
    utm_term = column("utm_term", "utm term")
    utm_content = column("utm_content", "utm content")
    duplicate_of = column("duplicate_of__reference", "repeat of")

    class Meta:
        model = Enquiry
        fields = [
            "reference",
            "created_at",
            "status",
            "lost_reason",
            "owner",
            "follow_up_on",
            "first_response_at",
            "kind",
            "course",
            "batch_start",
            "batch_track",
            "name",
            "email",
            "phone",
            "message",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "duplicate_of",
        ]
        export_order = fields  # the list above

    def get_queryset(self):
        return self.filter_export(Enquiry.objects.all())

    def filter_export(self, queryset, **kwargs):
        # Whatever queryset the admin passes (filtered list or selected rows): one query.
        return queryset.select_related("owner", "course", "batch", "duplicate_of")

    # Labels, not stored codes: the file is read by people.
    def dehydrate_status(self, enquiry: Enquiry) -> str:
        return enquiry.get_status_display()

    def dehydrate_lost_reason(self, enquiry: Enquiry) -> str:
        return enquiry.get_lost_reason_display() if enquiry.lost_reason else ""

    def dehydrate_kind(self, enquiry: Enquiry) -> str:
        return enquiry.get_kind_display()

    def dehydrate_batch_track(self, enquiry: Enquiry) -> str:
        return enquiry.batch.get_track_display() if enquiry.batch else ""
