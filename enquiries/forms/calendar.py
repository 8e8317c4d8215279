"""The scheduler's calendar filters: a month and, optionally, one trainer (GET)."""

from django import forms

from courses.forms import MonthField
from courses.models import Trainer


class CalendarFilterForm(forms.Form):
    month = MonthField(
        label="Month",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text="YYYY-MM, e.g. 2027-01.",
    )
    trainer = forms.ModelChoiceField(
        Trainer.objects.all(),
        required=False,
        empty_label="All trainers",
        label="Trainer",
        error_messages={"invalid_choice": "There is no such trainer; showing all trainers."},
    )
