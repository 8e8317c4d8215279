"""The interest list's form: the months, track and mode wanted, then the Enquire Now fields."""

import datetime as dt
import json
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms

from courses import privacy
from courses.models import Batch
from courses.time_zones import LEGACY_ZONE_NAMES, default_time_zone, time_zone_choices

from ..services import interest
from .enquiry import EnquiryForm

EITHER = ""


class InterestForm(EnquiryForm):
    batch = None  # type: ignore[assignment]  # a batch that does not exist yet
    message = None  # type: ignore[assignment]

    months = forms.TypedMultipleChoiceField(
        label="Months you could start",
        coerce=lambda value: dt.datetime.strptime(value, "%Y-%m").date(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every month that would suit you.",
        error_messages={
            "required": "Tick at least one month.",
            "invalid_choice": "Choose months from the list.",
        },
    )
    track = forms.ChoiceField(
        label="Days",
        choices=[(EITHER, "Either"), *Batch.Track.choices],
        required=False,
        widget=forms.RadioSelect,
        initial=EITHER,
        error_messages={"invalid_choice": "Choose weekdays, weekend or either."},
    )
    mode = forms.ChoiceField(
        label="How you would take it",
        choices=[(EITHER, "Either"), *Batch.Delivery.choices],
        required=False,
        widget=forms.RadioSelect,
        initial=EITHER,
        error_messages={"invalid_choice": "Choose live online, classroom or either."},
    )
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=time_zone_choices,
        help_text="So we can schedule sessions at a time that suits you.",
        error_messages={
            "required": "Choose your time zone.",
            "invalid_choice": "Choose your time zone from the list.",
        },
    )
    consent = forms.BooleanField(
        label=privacy.INTEREST_CONSENT,
        error_messages={
            "required": "Please tick this box so we can email you when a batch is scheduled."
        },
    )

    def __init__(
        self, *args, today: dt.date | None = None, viewer_zone: str = "", **kwargs
    ) -> None:
        """`viewer_zone`: the zone the visitor picked in the footer, if any, preselected."""
        kwargs.setdefault("initial", {}).setdefault("time_zone", viewer_zone or default_time_zone())
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["months"]).choices = [
            (f"{month:%Y-%m}", f"{month:%B %Y}") for month in interest.months_offered(today=today)
        ]
        self.fields["email"].help_text = "We email you here when a batch is scheduled."
        zone = self.fields["time_zone"].widget
        zone.attrs["data-zone-aliases"] = json.dumps(LEGACY_ZONE_NAMES, separators=(",", ":"))
        if not self.is_bound and not viewer_zone:
            # local-time-zone.js may replace the default with the browser's zone.
            zone.attrs["data-local-time-zone"] = "default"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Fieldset("When and how", "months", "track", "mode", "time_zone"),
            Fieldset(
                "Your details",
                Field("name", autocomplete="name"),
                Field("email", autocomplete="email"),
                Field("phone", autocomplete="tel", inputmode="tel"),
                "consent",
            ),
            Div(Field("website", autocomplete="off", tabindex="-1"), css_class="hp-field"),
            "submission_token",
            "came_from",
            "shown_at",
            Submit("submit", "Tell me when", css_class="btn-lg"),
        )

    def submission(self) -> dict:
        data = self.cleaned_data
        values = {key: value for key, value in super().submission().items() if key != "message"}
        return values | {
            "months": data["months"],
            "track": data["track"],
            "mode": data["mode"],
            "time_zone": data["time_zone"],
        }
