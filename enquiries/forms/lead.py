"""A lead staff record in the admin: a phone call, a walk-in, a referral, an event, …

It is an enquiry like Enquire Now (services.submit_enquiry: the same checks and repeat
detection), without the public form's time trap, honeypot or rate limits, which guard against
bots, and without a consent box: the learner ticked none.
"""

import uuid
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from courses.models import Batch, Course

from ..models import Enquiry
from ..phones import normalise_phone

STAFF_SOURCES = [choice for choice in Enquiry.Source.choices if choice[0] != "website"]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def batch_choices() -> list:
    """The batches open for enquiry, grouped by course, soonest first (one query)."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    batches = (
        Batch.objects.open_for_enquiry()
        .select_related("course")
        .order_by("course__title", "start_date", "session_start", "pk")
    )
    for batch in batches:
        label = f"{batch.get_track_display()} from {batch.start_date:%a %d %b %Y}"
        grouped.setdefault(batch.course.title, []).append((batch.pk, label))
    return [("", "No batch: a course enquiry"), *grouped.items()]


class LeadForm(forms.Form):
    source = forms.ChoiceField(
        label="How the lead came",
        choices=[("", "---------"), *STAFF_SOURCES],
        error_messages={"required": "Say how the lead came: a phone call, a walk-in, …"},
    )
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Give the learner's name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="They are emailed the enquiry's reference here, as from the site.",
        error_messages={
            "required": "Give an email address: the learner gets their reference there.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        help_text="With the country code, e.g. +91 98123 45678 or +44 20 7946 0958.",
        error_messages={"required": "Give a phone number with its country code."},
    )
    course = forms.ModelChoiceField(
        queryset=Course.objects.order_by("title"),
        required=False,
        empty_label="No course: a general enquiry",
        help_text="Leave empty for a general question; choosing a batch chooses its course.",
    )
    # Validated against every batch, so a closed one is explained by the service, not refused
    # as "not one of the choices"; the list offers only the open ones.
    batch = forms.ModelChoiceField(
        queryset=Batch.objects.select_related("course"),
        required=False,
        help_text="Only batches open for enquiries are listed.",
        error_messages={"invalid_choice": "That batch no longer exists; choose another."},
    )
    owner = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Me",
        help_text="Who follows the lead up; you, unless you choose someone.",
    )
    message = forms.CharField(
        label="What they asked",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Their question in a sentence or two: dates, fees, their background.",
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = (
            get_user_model()
            .objects.filter(Q(is_active=True, is_staff=True))
            .order_by("first_name", "last_name", "username")
        )
        cast(forms.ModelChoiceField, self.fields["batch"]).choices = batch_choices()

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        super().clean()
        batch = self.cleaned_data.get("batch")
        if batch is not None and self.cleaned_data.get("course") is None:
            self.cleaned_data["course"] = batch.course
        return self.cleaned_data

    def submission(self, *, by) -> dict:
        """The keyword arguments of services.submit_enquiry for this lead."""
        data = self.cleaned_data
        return {
            "course": data["course"],
            "batch": data["batch"],
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "message": data["message"],
            "consented": False,
            "submission_token": data["submission_token"],
            "source": data["source"],
            "entered_by": by,
            "owner": data["owner"],
        }
