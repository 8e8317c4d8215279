import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import cast

from crispy_forms.bootstrap import FormActions
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.urls import reverse

from .models import Batch, Category, Course


class CatalogSearchForm(forms.Form):
    q = forms.CharField(label="Search courses", required=False, max_length=100)
    category = forms.ChoiceField(label="Category", required=False)

    def __init__(self, *args, categories: Sequence[Category], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "All categories")] + [
            (category.slug, category.name) for category in categories
        ]


def parse_month(value: str) -> dt.date:
    """'2027-01' → date(2027, 1, 1); raises ValidationError in plain words otherwise."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise forms.ValidationError(
            "“%(value)s” is not a month; use the form YYYY-MM, e.g. 2027-01.",
            params={"value": value},
            code="invalid_month",
        ) from None


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_month(value) if value else None


def _unknown(what: str) -> dict[str, str]:
    return {"invalid_choice": f"There is no {what} “%(value)s” on the schedule; showing all."}


class ScheduleFilterForm(forms.Form):
    """Plain GET filters, so every filtered schedule is a shareable URL.

    A value that doesn't validate is reported next to its field and left out of the
    filtering; the other filters still apply.
    """

    course = forms.ChoiceField(label="Course", required=False, error_messages=_unknown("course"))
    category = forms.ChoiceField(
        label="Category", required=False, error_messages=_unknown("category")
    )
    month = MonthField(label="Month", required=False, widget=forms.Select)
    track = forms.ChoiceField(
        label="Days",
        required=False,
        choices=[("", "Weekdays and weekends"), *Batch.Track.choices],
        error_messages=_unknown("track"),
    )
    mode = forms.ChoiceField(
        label="Mode",
        required=False,
        choices=[("", "Online and classroom"), *Batch.Delivery.choices],
        error_messages=_unknown("mode"),
    )

    def __init__(self, *args, courses: list[Course], **kwargs):
        super().__init__(*args, **kwargs)
        categories = {course.category.slug: course.category.name for course in courses}
        cast(forms.ChoiceField, self.fields["course"]).choices = [("", "All courses")] + [
            (course.slug, course.title) for course in courses
        ]
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "All categories"),
            *sorted(categories.items(), key=lambda item: item[1]),
        ]
        self.list_months([])
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = reverse("courses:schedule")
        self.helper.attrs = {"aria-label": "Filter the schedule"}
        self.helper.layout = Layout(
            Row(
                *(Column(name, css_class="col-sm-6 col-lg") for name in self.fields),
            ),
            FormActions(
                # A plain button: a named submit input would add itself to the shared URL.
                HTML('<button type="submit" class="btn btn-primary me-2">Show batches</button>'),
                HTML(f'<a class="btn btn-link" href="{self.helper.form_action}">Clear filters</a>'),
            ),
        )

    def list_months(self, months: list[dt.date]) -> None:
        """Label the month select (the field accepts any YYYY-MM; these are only its options)."""
        month_choices = [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]
        asked = self.data.get("month", "")
        if asked and asked not in dict(month_choices):
            # Keep a valid but unlisted month selected (e.g. one with no batches left).
            with contextlib.suppress(forms.ValidationError):
                month_choices.append((asked, f"{parse_month(asked):%B %Y}"))
        self.fields["month"].widget.choices = [("", "Any month"), *month_choices]

    def filters(self) -> dict:
        """The valid filters only: an invalid one is reported on the page and ignored."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "")
        }
