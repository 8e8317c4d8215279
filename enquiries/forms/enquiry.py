import uuid
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html

from courses import privacy
from courses.models import Batch

from ..phones import PHONE_HELP, normalise_phone
from . import time_trap

STALE_FORM = "This page was open for a long time, so please check your details and send them again."


def consent_help() -> str:
    """Beside every consent box: where the privacy notice says what is done with the details."""
    return format_html(
        'What we keep, why, for how long, and your rights: <a href="{}">our privacy notice</a>.',
        reverse("courses:privacy"),
    )


class EnquiryForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Please tell us your name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send your enquiry reference here.",
        error_messages={
            "required": "Please give an email address so we can reply.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        help_text=PHONE_HELP,
        error_messages={"required": "Please give a phone number with its country code."},
    )
    message = forms.CharField(
        label="Message (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything we should know: preferred dates, your background, questions.",
    )
    consent = forms.BooleanField(
        label=privacy.ENQUIRY_CONSENT,
        error_messages={
            "required": "Please tick this box so we can contact you about your enquiry."
        },
    )
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(label="Leave this field empty", required=False)
    batch = forms.ModelChoiceField(
        queryset=Batch.objects.select_related("course"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "We couldn't find that batch. Please pick a date from the schedule."
        },
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    came_from = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    # The time trap: when the form was shown, signed (time_trap). A re-rendered form keeps the
    # stamp it was posted with, so correcting a field does not restart the clock.
    shown_at = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    shown = time_trap.Verdict.SPAM  # until clean() reads the stamp

    def __init__(self, *args, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submission_token", uuid.uuid4())
        initial.setdefault(time_trap.FIELD, time_trap.stamp())
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = consent_help()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel", inputmode="tel"),
            "message",
            "consent",
            Div(Field("website", autocomplete="off", tabindex="-1"), css_class="hp-field"),
            "batch",
            "submission_token",
            "came_from",
            "shown_at",
            Submit("submit", "Send enquiry", css_class="btn-lg"),
        )

    def clean(self):
        super().clean()
        self.shown = time_trap.verdict(self.cleaned_data.get(time_trap.FIELD))
        if self.shown is time_trap.Verdict.STALE:
            # Not a bot, a tab left open: ask again, with what was typed. The new stamp counts
            # as read already, so sending it straight back is not taken for a bot.
            data = cast(QueryDict, self.data).copy()
            data[time_trap.FIELD] = time_trap.stamp(age=settings.BATCHWISE_FORM_MIN_SECONDS)
            self.data = data
            self.add_error(None, STALE_FORM)
        return self.cleaned_data

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def submission(self) -> dict:
        """What the learner sent, as the keyword arguments the enquiry services take."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "message": data.get("message", ""),
            "consented": data["consent"],
            "submission_token": data["submission_token"],
            "is_spam": bool(data["website"]) or self.shown is time_trap.Verdict.SPAM,
        }

    def clear_batch(self) -> None:
        """Re-render as a plain course enquiry, keeping everything else the learner typed."""
        data = cast(QueryDict, self.data).copy()
        data["batch"] = ""
        self.data = data


class WaitlistForm(EnquiryForm):
    """Join a full batch's waiting list: a lead like Enquire Now, without a message."""

    consent = forms.BooleanField(
        label=privacy.WAITLIST_CONSENT,
        error_messages={"required": "Please tick this box so we can offer you a seat."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["message"]
        del self.fields["batch"]
        self.fields["email"].help_text = "We email your place and your private link here."
        self.helper.layout = Layout(
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel", inputmode="tel"),
            "consent",
            Div(Field("website", autocomplete="off", tabindex="-1"), css_class="hp-field"),
            "submission_token",
            "came_from",
            "shown_at",
            Submit("submit", "Join the waiting list", css_class="btn-lg"),
        )

    def submission(self) -> dict:
        return {key: value for key, value in super().submission().items() if key != "message"}


class ContactForm(EnquiryForm):
    """The contact page's general enquiry: a lead like Enquire Now, about no course."""

    message = forms.CharField(
        label="Your message",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you would like to know: a course, dates, fees, training for a team.",
        error_messages={"required": "Please write your message."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["batch"]
        self.fields["email"].help_text = "We reply here, with your enquiry reference."
        self.helper.layout = Layout(
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel", inputmode="tel"),
            "message",
            "consent",
            Div(Field("website", autocomplete="off", tabindex="-1"), css_class="hp-field"),
            "submission_token",
            "came_from",
            "shown_at",
            Submit("submit", "Send message", css_class="btn-lg"),
        )
