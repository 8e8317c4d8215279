"""The one-on-one request form: when the learner could train, then the Enquire Now fields."""

import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms

from courses.time_zones import LEGACY_ZONE_NAMES, default_time_zone, time_zone_choices

from ..models import Weekday
from ..services import one_on_one
from .enquiry import EnquiryForm

SESSION_LENGTHS = [(60, "1 hour"), (90, "1½ hours"), (120, "2 hours"), (180, "3 hours")]
PREFERENCE_FIELDS = tuple(one_on_one.Preferences.__dataclass_fields__)


class OneOnOneForm(EnquiryForm):
    batch = None  # type: ignore[assignment]  # one-on-one training is not a batch

    preferred_days = forms.TypedMultipleChoiceField(
        label="Days that suit you",
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every day you could train. We plan on the first ones in the week.",
        error_messages={
            "required": "Tick at least one day of the week.",
            "invalid_choice": "Choose days of the week from the list.",
        },
    )
    window_start = forms.TimeField(
        label="Earliest start time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your time zone, e.g. 18:00.",
        error_messages={
            "required": "Give the earliest time a session could start.",
            "invalid": "Enter a time like 18:00.",
        },
    )
    window_end = forms.TimeField(
        label="Latest end time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your time zone. Each session starts and ends between these two times.",
        error_messages={
            "required": "Give the latest time a session could end.",
            "invalid": "Enter a time like 21:00.",
        },
    )
    timezone = forms.ChoiceField(
        label="Your time zone",
        choices=time_zone_choices,
        help_text="The times and date you give are in this zone; your plan will be shown in it.",
        error_messages={
            "required": "Choose your time zone.",
            "invalid_choice": "Choose your time zone from the list.",
        },
    )
    session_minutes = forms.TypedChoiceField(
        label="Length of each session",
        choices=SESSION_LENGTHS,
        coerce=int,
        initial=90,
        error_messages={
            "required": "Choose how long each session should be.",
            "invalid_choice": "Choose a session length from the list.",
        },
    )
    sessions_per_week = forms.TypedChoiceField(
        label="Sessions a week",
        choices=[(n, f"{n} session{'s' if n > 1 else ''}") for n in range(1, 8)],
        coerce=int,
        initial=2,
        help_text="No more than the number of days you ticked.",
        error_messages={
            "required": "Choose how many sessions a week you would like.",
            "invalid_choice": "Choose 1 to 7 sessions a week.",
        },
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        min_value=1,
        max_value=one_on_one.MAX_WEEKS,
        initial=4,
        help_text="From 1 to 52.",
        error_messages={
            "required": "Tell us for how many weeks you would like to train.",
            "invalid": "Enter a whole number of weeks, like 6.",
            "min_value": "Choose at least 1 week.",
            "max_value": "Choose at most 52 weeks.",
        },
    )
    earliest_start = forms.DateField(
        label="Earliest start date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The first day you could have a session.",
        error_messages={
            "required": "Tell us the first date you could start.",
            "invalid": "Enter a date like 2026-03-16.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("timezone", default_time_zone())
        super().__init__(*args, **kwargs)
        self.fields[
            "message"
        ].help_text = (
            "Anything we should know: your background, what you want to focus on, questions."
        )
        zone = self.fields["timezone"].widget
        zone.attrs["data-zone-aliases"] = json.dumps(LEGACY_ZONE_NAMES, separators=(",", ":"))
        if not self.is_bound:
            # local-time-zone.js may replace the default with the browser's zone, but never a
            # choice the learner sent.
            zone.attrs["data-local-time-zone"] = "default"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Fieldset(
                "When you would like to train",
                "preferred_days",
                Div(
                    Div("window_start", css_class="col-sm-6"),
                    Div("window_end", css_class="col-sm-6"),
                    css_class="row",
                ),
                "timezone",
                Div(
                    Div("session_minutes", css_class="col-sm-6"),
                    Div("sessions_per_week", css_class="col-sm-6"),
                    css_class="row",
                ),
                Div(
                    Div(Field("weeks", inputmode="numeric"), css_class="col-sm-6"),
                    Div("earliest_start", css_class="col-sm-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Your details",
                Field("name", autocomplete="name"),
                Field("email", autocomplete="email"),
                Field("phone", autocomplete="tel", inputmode="tel"),
                "message",
                "consent",
            ),
            Div(Field("website", autocomplete="off", tabindex="-1"), css_class="hp-field"),
            "submission_token",
            "came_from",
            "shown_at",
            Submit("submit", "Send my request", css_class="btn-lg"),
        )

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        # The rules live in the service; each is checked when the values it needs are valid.
        values = {name: cleaned_data.get(name) for name in PREFERENCE_FIELDS}
        today = one_on_one.learner_today(cleaned_data.get("timezone") or "")
        for field, message in one_on_one.preference_errors(values, today=today).items():
            self.add_error(field, message)
        return cleaned_data

    def preferences(self) -> one_on_one.Preferences:
        data = self.cleaned_data
        fields = {name: data[name] for name in PREFERENCE_FIELDS}
        return one_on_one.Preferences(**fields | {"preferred_days": tuple(data["preferred_days"])})
