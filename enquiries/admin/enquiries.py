"""The back office: sales staff work enquiries through the pipeline; emails we owe are visible.

The admin stays thin: every status change goes through services.change_status, every
reassignment through services.assign, every note through services.add_note, and every seat
("Enrol in <batch>", "Enrol in their batch") through seats.enroll.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin

from courses.admin import MonthListFilter
from courses.models import Batch
from courses.time_zones import zone_abbreviation

from .. import demand, services
from ..forms import LeadForm
from ..models import Enquiry, Interest, Note
from ..phones import display_phone
from ..resources import EnquiryResource
from ..services import seats
from .common import (
    EnquiryHistoryContext,
    count_of,
    describe_enrolment,
    enquiries,
    enquiry_link,
    owner_name,
    person,
    when,
)

SOURCE_FIELDS = [
    "came_from",
    "landing_page",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
]
Status = Enquiry.Status


# Filters


class MyOpenEnquiriesFilter(admin.SimpleListFilter):
    title = "my enquiries"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("open", "My open enquiries")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open().filter(owner=request.user)
        return queryset


class StageFilter(admin.SimpleListFilter):
    """Open enquiries, or all but spam: what the dashboard counts (its links use it)."""

    title = "stage"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [("open", "Open (new, contacted, qualified)"), ("not_spam", "All but spam")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "not_spam":
            return queryset.not_spam()
        return queryset


class CourseGroupFilter(admin.SimpleListFilter):
    """Several courses at once (`?courses=3,8,none`, none: general enquiries): the dashboard's
    "Other courses". Shown in the sidebar only while it is in use."""

    title = "courses"
    parameter_name = "courses"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, "The dashboard's other courses")] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        parts = value.split(",")
        if not all(part == "none" or (part.isascii() and part.isdigit()) for part in parts):
            raise IncorrectLookupParameters(f"“{value}” is not a list of courses.")
        ids = [int(part) for part in parts if part != "none"]
        condition = Q(course_id__in=ids)
        if "none" in parts:
            condition |= Q(course__isnull=True)
        return queryset.filter(condition)


class FollowUpFilter(admin.SimpleListFilter):
    """Open enquiries by their follow-up date, relative to today in the site's time zone."""

    title = "follow-up (open enquiries)"
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("due", "Due today or overdue"),
            ("today", "Due today"),
            ("overdue", "Overdue"),
            ("upcoming", "Upcoming"),
            ("none", "Not set"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        conditions = {
            "due": Q(follow_up_on__lte=today),
            "today": Q(follow_up_on=today),
            "overdue": Q(follow_up_on__lt=today),
            "upcoming": Q(follow_up_on__gt=today),
            "none": Q(follow_up_on__isnull=True),
        }
        value = self.value()
        if value not in conditions:
            return queryset
        return queryset.open().filter(conditions[value])


class BatchMonthFilter(MonthListFilter):
    """Like the batch list's start month filter, on the enquiry's batch."""

    title = "batch start month"
    parameter_name = "batch_month"
    date_field = "batch__start_date"


class OwnerFilter(admin.RelatedOnlyFieldListFilter):
    """Owners who own an enquiry, by full name (one query, as the plain filter)."""

    def field_choices(self, field, request, model_admin):
        owners = get_user_model().objects.filter(
            pk__in=model_admin.get_queryset(request).values("owner")
        )
        return sorted(
            ((user.pk, owner_name(user)) for user in owners), key=lambda c: c[1].casefold()
        )


class RepeatsFilter(admin.SimpleListFilter):
    title = "repeats"
    parameter_name = "repeats"

    def lookups(self, request, model_admin):
        return [("only", "Repeats only")]

    def queryset(self, request, queryset):
        if self.value() == "only":
            return queryset.filter(duplicate_of__isnull=False)
        return queryset


class DemandCellFilter(admin.SimpleListFilter):
    """The people behind one cell of the demand board (`?demand=<cell key>`): the very rows
    its number counts (demand.enquiries_in_cell). Offered only when the board links here."""

    title = "demand board cell"
    parameter_name = "demand"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, "This cell of the demand board")] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            key = demand.CellKey.parse(value)
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(pk__in=demand.enquiries_in_cell(key).values("pk"))


class EnquiredSinceInviteFilter(admin.SimpleListFilter):
    """`?invited=<batch id>`: enquiries about that batch from people staff invited to it,
    made after the invitation (the demand board's "enquired since")."""

    title = "enquired after an invitation"
    parameter_name = "invited"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, "After the invitation to this batch")] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) <= 19):
            raise IncorrectLookupParameters("not a batch id")
        return queryset.filter(
            batch_id=int(value),
            pk__in=demand.enquired_since_invitation(batch_id=int(value)).values("pk"),
        )


# The change form


def status_change_refusal(*, enquiry: Enquiry, to: str, lost_reason: str) -> str:
    """Why services.change_status would refuse this move, or "" if it would make it."""
    try:
        services.check_status_change(enquiry=enquiry, to=to, lost_reason=lost_reason)
    except services.PipelineError as error:
        return str(error)
    return ""


class EnquiryAdminForm(forms.ModelForm):
    class Meta:
        model = Enquiry
        fields = [
            "status",
            "lost_reason",
            "owner",
            "follow_up_on",
            "course",
            "batch",
            "name",
            "email",
            "phone",
            "message",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            # Active staff, and whoever owns it now (so saving other fields never fails).
            owner = cast(forms.ModelChoiceField, self.fields["owner"])
            owner.queryset = (
                get_user_model()
                .objects.filter(Q(is_active=True, is_staff=True) | Q(pk=self.instance.owner_id))
                .order_by("first_name", "last_name", "username")
            )
            owner.label_from_instance = owner_name  # type: ignore[method-assign,assignment]
        if "status" in self.fields and self.instance.pk:
            # Read from the service's own table, so the hint never disagrees with the rule.
            current = Status(self.instance.status)
            allowed = services.ALLOWED_TRANSITIONS[current]
            next_steps = ", ".join(status.label for status in Status if status in allowed)
            self.fields["status"].help_text = f"From {current.label} it can go to: {next_steps}."
        if "lost_reason" in self.fields:
            self.fields["lost_reason"].help_text = "Needed when the status is Lost."

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        status = cleaned_data.get("status")
        lost_reason = cleaned_data.get("lost_reason", "")
        if not self.instance.pk or status is None:
            return cleaned_data
        if "status" in self.changed_data:
            refusal = status_change_refusal(
                enquiry=self.instance, to=status, lost_reason=lost_reason
            )
            if refusal:
                self.add_error("status", refusal)
        elif "lost_reason" in self.changed_data and lost_reason and status != Status.LOST:
            self.add_error(
                "lost_reason", "Only a lost enquiry has a lost reason; set the status to Lost too."
            )
        return cleaned_data


class NoteInline(admin.StackedInline):
    """One empty note to add; the notes already written are in the timeline, never edited."""

    model = Note
    template = "admin/enquiries/enquiry/note_inline.html"
    fields = ["text"]
    extra = 1
    max_num = 1
    can_delete = False
    formfield_overrides = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    at: dt.datetime
    who: str
    kind: str  # "received", "status" or "note"
    text: str


def timeline(enquiry: Enquiry) -> list[TimelineEntry]:
    """The enquiry's arrival, status changes and notes, oldest first (two queries)."""
    entries = [
        TimelineEntry(at=enquiry.created_at, who=enquiry.name, kind="received", text="Enquired")
    ]
    entries += [
        TimelineEntry(
            at=change.changed_at, who=person(change.changed_by), kind="status", text=str(change)
        )
        for change in enquiry.status_changes.select_related("changed_by")
    ]
    entries += [
        TimelineEntry(at=note.created_at, who=person(note.author), kind="note", text=note.text)
        for note in enquiry.notes.select_related("author")
    ]
    return sorted(entries, key=lambda entry: entry.at)


def lead_recorded(enquiry: Enquiry) -> str:
    """What staff are told after recording a lead: its reference, owner and any repeat."""
    text = f"Recorded {enquiry.reference} for {enquiry.name}, owned by {owner_name(enquiry.owner)}."
    if enquiry.duplicate_of is not None:
        text += (
            f" It repeats {enquiry.duplicate_of.reference}, an open enquiry from the same "
            "person for the same course."
        )
    return text + f" {enquiry.email} will be emailed the reference."


# The enquiry admin


@admin.register(Enquiry)
class EnquiryAdmin(ExportMixin, SimpleHistoryAdmin):
    form = EnquiryAdminForm
    inlines = [NoteInline]
    # Narrow enough for a 1366 px screen beside the filters (tests/browser/test_admin_width.py):
    # the course and its batch share a column, as do the email and phone links.
    list_display = [
        "reference",
        "name",
        "contact",
        "course_and_batch",
        "status",
        "owner_column",
        "follow_up",
        "repeat_of",
        "created",
    ]
    list_display_links = ["reference", "name"]

    class Media:
        css = {"all": ["enquiries/enquiry-list-admin.css"]}

    list_filter = [
        MyOpenEnquiriesFilter,
        FollowUpFilter,
        StageFilter,
        "status",
        ("owner", OwnerFilter),
        "course",
        CourseGroupFilter,
        BatchMonthFilter,
        "kind",
        "source",
        "utm_source",
        RepeatsFilter,
        "created_at",
        DemandCellFilter,
        EnquiredSinceInviteFilter,
    ]
    list_select_related = ["course", "batch", "owner", "duplicate_of"]
    search_fields = ["reference", "name", "email", "phone"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["course", "batch"]
    readonly_fields = [
        "reference",
        "kind",
        "source",
        "entered_by_name",
        "first_response",
        "repeat_of",
        "later_repeats",
        "contact",
        "local_time",
        "seat",
        "interest_wanted",
        "time_zone",
        "consent_at",
        "consent_version",
        "consent_text",
        "erased_at",
        "created_at",
        "updated_at",
        *SOURCE_FIELDS,
    ]
    fieldsets = [
        (
            "Pipeline",
            {
                "fields": [
                    "reference",
                    ("status", "lost_reason"),
                    "owner",
                    "follow_up_on",
                    "first_response",
                    "repeat_of",
                    "later_repeats",
                ]
            },
        ),
        (
            "Enquiry",
            {
                "fields": [
                    "kind",
                    "source",
                    "entered_by_name",
                    "course",
                    "batch",
                    "seat",
                    "interest_wanted",
                    "time_zone",
                ]
            },
        ),
        (
            "Learner",
            {"fields": ["name", "email", "phone", "contact", "local_time", "message"]},
        ),
        (
            "Consent and record",
            {
                "fields": [
                    "consent_at",
                    "consent_version",
                    "consent_text",
                    "erased_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("Source", {"fields": SOURCE_FIELDS, "classes": ["collapse"]}),
    ]
    actions = [
        "assign_to_me",
        "mark_contacted",
        "mark_spam",
        "enrol_in_batch",
        "export_selected_csv",
        "export_selected_xlsx",
        "export_person_data",
        "erase_person",
    ]

    # Export (django-import-export): the filtered list from the "Export" button, or the
    # selected rows from the actions; only for users with enquiries.export_enquiry.
    resource_classes = [EnquiryResource]
    export_formats = [CSV, XLSX]
    # The plain form: the selectable-fields form needs inline scripts our CSP refuses.
    export_form_class = ExportForm

    def changelist_view(self, request, extra_context=None):
        # The list needs the width: the filters stay, the admin's menu of models goes (the
        # breadcrumbs lead back to it).
        context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, context)

    # Lead entry: a call, a walk-in, a referral … recorded by staff through the same service
    # as Enquire Now (services.submit_enquiry), on a form of its own rather than the model form.

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LeadForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                enquiry = services.submit_enquiry(**form.submission(by=request.user))
            except services.EnquiryRefused as error:
                field = {
                    services.BatchNotOpen: "batch",
                    services.BatchNotInCourse: "batch",
                    services.CourseNotOpen: "course",
                }.get(type(error))
                form.add_error(field, str(error))
            else:
                self.log_addition(request, enquiry, [{"added": {}}])
                self.message_user(request, lead_recorded(enquiry), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])
                )
        fieldsets = [
            (None, {"fields": ["source", "name", "email", "phone"]}),
            ("What it is about", {"fields": ["course", "batch", "message"]}),
            ("Follow-up", {"fields": ["owner", "submission_token"]}),
        ]
        adminform = helpers.AdminForm(form, fieldsets, {}, model_admin=self)  # type: ignore[arg-type]
        context = {
            **self.admin_site.each_context(request),
            "title": "Record a lead",
            "opts": self.opts,
            "form": form,
            "adminform": adminform,
            "errors": helpers.AdminErrorList(form, []),  # type: ignore[arg-type]
            "media": self.media + adminform.media,
        }
        return TemplateResponse(request, "admin/enquiries/enquiry/add_lead.html", context)

    # Columns and read-only fields

    @admin.display(description="course and batch", ordering="course__title")
    def course_and_batch(self, enquiry):
        course = enquiry.course.title if enquiry.course else "General enquiry"
        if enquiry.batch is None:
            return course
        batch = enquiry.batch
        return format_html(
            '{}<br><span class="enquiry-batch">{} from {}</span>',
            course,
            batch.get_track_display(),
            f"{batch.start_date:%a %d %b %Y}",
        )

    @admin.display(description="contact")
    def contact(self, enquiry):
        """Links that open an email to the learner and call them (one tap on a phone)."""
        links = []
        if enquiry.email and enquiry.erased_at is None:
            links.append(format_html('<a href="mailto:{}">{}</a>', enquiry.email, enquiry.email))
        if enquiry.phone:
            links.append(
                format_html(
                    '<a href="tel:{}" class="nowrap">{}</a>',
                    enquiry.phone,
                    display_phone(enquiry.phone),
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) or "—"

    @admin.display(description="follow-up", ordering="follow_up_on")
    def follow_up(self, enquiry):
        return f"{enquiry.follow_up_on:%a %d %b %Y}" if enquiry.follow_up_on else "—"

    @admin.display(description="owner", ordering="owner__first_name")
    def owner_column(self, enquiry):
        return owner_name(enquiry.owner)

    @admin.display(description="learner's time now")
    def local_time(self, enquiry):
        """What the clock says where the learner is, so a call is made at a decent hour."""
        known = enquiry.learner_time_zone()
        if known is None:
            return "Not known: no batch, and the phone number's country spans several zones."
        zone_name, source = known
        now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(zone_name))
        return f"{now:%a %d %b %Y, %H:%M} {zone_abbreviation(now)} ({zone_name}, {source})"

    @admin.display(description="interest list")
    def interest_wanted(self, enquiry):
        """For the interest list: the months, track and mode asked for, and if they left."""
        item = Interest.objects.filter(enquiry=enquiry).prefetch_related("months").first()
        if item is None:
            return "—"
        months = ", ".join(f"{month.month:%B %Y}" for month in item.months.all())
        wanted = f"{months}; {item.get_track_display() or 'either track'}; "
        wanted += item.get_mode_display() or "either mode"
        if item.unsubscribed_at:
            wanted += f" (left the list on {item.unsubscribed_at:%a %d %b %Y})"
        return wanted

    @admin.display(description="repeat of", ordering="duplicate_of__created_at")
    def repeat_of(self, enquiry):
        if enquiry.duplicate_of is None:
            return "—"
        return enquiry_link(enquiry.duplicate_of_id, f"Repeat of {enquiry.duplicate_of.reference}")

    @admin.display(description="later repeats")
    def later_repeats(self, enquiry):
        repeats = list(enquiry.duplicates.order_by("created_at").only("pk", "reference"))
        if not repeats:
            return "—"
        return format_html_join(
            ", ", "{}", ((enquiry_link(repeat.pk, repeat.reference),) for repeat in repeats)
        )

    @admin.display(description="first response")
    def first_response(self, enquiry):
        if enquiry.first_response_at is None:
            return "Not yet: still new." if enquiry.status == Status.NEW else "—"
        after = timesince(enquiry.created_at, enquiry.first_response_at)
        return f"{after} after the enquiry ({when(enquiry.first_response_at)})"

    @admin.display(description="recorded by")
    def entered_by_name(self, enquiry):
        if enquiry.source == Enquiry.Source.WEBSITE:
            return "The learner, on the site"
        return person(enquiry.entered_by)

    @admin.display(description="created", ordering="created_at")
    def created(self, enquiry):
        return when(enquiry.created_at)

    @admin.display(description="seat")
    def seat(self, enquiry):
        """The seats and waiting-list places this enquiry led to (two queries)."""
        lines = [
            (
                reverse("admin:enquiries_enrollment_change", args=[enrollment.pk]),
                f"{enrollment.get_status_display()} seat in {enrollment.batch}",
            )
            for enrollment in enquiry.enrollments.select_related("batch__course")
        ]
        lines += [
            (
                reverse("admin:enquiries_waitlistentry_change", args=[entry.pk]),
                f"Waiting list of {entry.batch}: {entry.get_status_display()}",
            )
            for entry in enquiry.waitlist_entries.select_related("batch__course")
        ]
        if not lines:
            return "None yet."
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', lines)

    # Saving: the pipeline fields through the services, the rest as usual

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if "status" in changes:  # a move takes the reason given with it
            changes["lost_reason"] = form.cleaned_data.get("lost_reason", "")
        services.pipeline.update_enquiry(enquiry=obj, changes=changes, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Note:
            super().save_formset(request, form, formset, change)
            return
        formset.new_objects = [
            services.add_note(
                enquiry=form.instance, author=request.user, text=note_form.cleaned_data["text"]
            )
            for note_form in formset.extra_forms
            if note_form.has_changed()
        ]
        formset.changed_objects, formset.deleted_objects = [], []

    # History (django-simple-history): who changed which field, when; never a revert, which
    # would write the status and owner around the services.

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions are shown, not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return EnquiryHistoryContext(self.model, historical_record)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "owner" in form.base_fields:
            # Pick an owner; adding or editing users belongs on the user pages.
            widget = form.base_fields["owner"].widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["timeline"] = timeline(obj) if obj is not None else []
        if obj is not None and obj.batch_id and self.has_enrol_permission(request):
            context["enrol_url"] = reverse("admin:enquiries_enquiry_enrol", args=[obj.pk])
            context["enrol_label"] = f"Enrol in {obj.batch}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Seats: "Enrol in <batch>" on the change page and "Enrol in their batch" on the list,
    # both through seats.enroll, which confirms a seat or puts the learner on the waiting list.

    def has_enrol_permission(self, request) -> bool:
        return request.user.has_perm("enquiries.add_enrollment")

    def get_urls(self):
        enrol = path(
            "<path:object_id>/enrol/",
            self.admin_site.admin_view(require_POST(self.enrol_view)),
            name="enquiries_enquiry_enrol",
        )
        return [enrol, *super().get_urls()]

    def enrol_view(self, request, object_id):
        """POST from the change page's "Enrol in <batch>" button (CSRF-checked by admin_view)."""
        enquiry = self.get_object(request, unquote(object_id))
        if enquiry is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (
            self.has_view_or_change_permission(request, enquiry)
            and self.has_enrol_permission(request)
        ):
            raise PermissionDenied
        self._enrol(request, enquiry)
        return HttpResponseRedirect(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]))

    def _enrol(self, request, enquiry: Enquiry) -> None:
        """Enrol one enquirer in their batch and tell staff what happened."""
        batch = enquiry.batch
        if batch is None:
            self.message_user(
                request,
                f"{enquiry.reference} names no batch, so there is nothing to enrol in.",
                messages.ERROR,
            )
            return
        try:
            result = seats.enroll(
                batch=batch,
                learner=seats.Learner.from_enquiry(enquiry),
                enquiry=enquiry,
                by=request.user,
            )
        except seats.SeatError as error:
            self.message_user(request, f"{enquiry.name} was not enrolled: {error}", messages.ERROR)
        else:
            level, text = describe_enrolment(result)
            self.message_user(request, text, level)

    # Bulk actions

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        selected = list(queryset)
        assigned = 0
        for enquiry in selected:
            if enquiry.owner_id != request.user.pk:
                services.assign(enquiry=enquiry, owner=request.user, by=request.user)
                assigned += 1
        already = len(selected) - assigned
        message = f"Assigned {enquiries(assigned)} to you."
        if already:
            message += f" {count_of(already, 'was', 'were')} already yours."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Mark contacted", permissions=["change"])
    def mark_contacted(self, request, queryset):
        self._move_all(request, queryset, to=Status.CONTACTED)

    @admin.action(description="Mark spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._move_all(request, queryset, to=Status.SPAM)

    def _move_all(self, request, queryset, *, to: Status) -> None:
        """Move each enquiry through the service; report the moves and each refusal's reason."""
        moved, already = 0, 0
        refused: dict[str, list[str]] = defaultdict(list)
        for enquiry in queryset:
            if enquiry.status == to:
                already += 1
                continue
            try:
                services.change_status(enquiry=enquiry, to=to, by=request.user)
            except services.PipelineError as error:
                refused[str(error)].append(enquiry.reference)
            else:
                moved += 1
        summary = f"Moved {enquiries(moved)} to {to.label}."
        if already:
            summary += f" {count_of(already, 'was', 'were')} already {to.label}."
        self.message_user(request, summary, messages.SUCCESS if moved else messages.INFO)
        for reason, references in refused.items():
            self.message_user(
                request,
                f"{enquiries(len(references))} not moved. {reason} ({', '.join(references)})",
                messages.WARNING,
            )

    @admin.action(description="Enrol in their batch", permissions=["enrol"])
    def enrol_in_batch(self, request, queryset):
        """Confirmation page (each batch's free seats now) → seats.enroll for each enquiry."""
        selected = list(queryset.select_related("course", "batch__course"))
        if request.POST.get("post") != "yes":
            return self._enrol_confirmation_page(request, selected)
        without_batch = [enquiry.reference for enquiry in selected if enquiry.batch_id is None]
        for enquiry in selected:
            if enquiry.batch_id is not None:
                self._enrol(request, enquiry)
        if without_batch:
            one = len(without_batch) == 1
            self.message_user(
                request,
                f"{enquiries(len(without_batch))} {'names' if one else 'name'} no batch, so "
                f"{'it was' if one else 'they were'} not enrolled ({', '.join(without_batch)}).",
                messages.WARNING,
            )
        return None

    def _enrol_confirmation_page(self, request, selected: list[Enquiry]) -> TemplateResponse:
        batches = Batch.objects.select_related("course").in_bulk(
            {enquiry.batch_id for enquiry in selected if enquiry.batch_id}
        )
        rows = [(enquiry, batches[enquiry.batch_id]) for enquiry in selected if enquiry.batch_id]
        context = {
            **self.admin_site.each_context(request),
            "title": "Enrol in their batch",
            "opts": self.opts,
            "selected": selected,
            "rows": rows,
            "without_batch": [enquiry for enquiry in selected if enquiry.batch_id is None],
            "offer_hours": seats.offer_hours(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/enquiries/enquiry/enrol_in_batch.html", context)

    @admin.action(description="Export selected enquiries (CSV)", permissions=["export"])
    def export_selected_csv(self, request, queryset):
        return self._export(request, queryset, CSV())

    @admin.action(description="Export selected enquiries (Excel)", permissions=["export"])
    def export_selected_xlsx(self, request, queryset):
        return self._export(request, queryset, XLSX())

    def _export(self, request, queryset, file_format) -> HttpResponse:
        data = self.get_export_data(file_format, request, queryset)
        response = HttpResponse(data, content_type=file_format.get_content_type())
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # A person's data (services.privacy), for superusers: everything kept about the address of
    # the selected enquiries, as a JSON file, or erased after a confirmation page.

    def has_superuser_permission(self, request) -> bool:
        return request.user.is_superuser

    def _one_person(self, request, queryset) -> str | None:
        """The one email address the selected enquiries share, or None (and why, to staff)."""
        selected = list(queryset.values_list("email", "erased_at"))
        if any(erased_at for _, erased_at in selected):
            self.message_user(
                request, "That person's details were already erased.", messages.WARNING
            )
            return None
        if len({email.lower() for email, _ in selected}) != 1:
            self.message_user(
                request,
                "Select the enquiries of one person (one email address) for a data request.",
                messages.ERROR,
            )
            return None
        return selected[0][0]

    @admin.action(description="Export this person's data (JSON)", permissions=["superuser"])
    def export_person_data(self, request, queryset):
        email = self._one_person(request, queryset)
        if email is None:
            return None
        data = services.privacy.export_person(email=email)
        response = HttpResponse(
            services.privacy.export_json(data), content_type="application/json; charset=utf-8"
        )
        reference = queryset.order_by("created_at").first().reference
        response["Content-Disposition"] = f'attachment; filename="person-{reference}.json"'
        return response

    @admin.action(description="Erase this person", permissions=["superuser"])
    def erase_person(self, request, queryset):
        """Confirmation page (what will be erased) → services.privacy.erase_person."""
        email = self._one_person(request, queryset)
        if email is None:
            return None
        records = services.privacy.find_person(email=email)
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase this person",
                "opts": self.opts,
                "selected": list(queryset),
                "email": email,
                "counts": records.counts(),
                "enquiries": Enquiry.objects.filter(pk__in=records.enquiries)
                .select_related("course")
                .order_by("created_at"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, "admin/enquiries/enquiry/erase_person.html", context)
        try:
            counts = services.privacy.erase_person(email=email, by=request.user)
        except services.privacy.PrivacyError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        self.message_user(
            request,
            f"Erased the person's data: {counts['enquiries']} "
            f"enquir{'y' if counts['enquiries'] == 1 else 'ies'}, {counts['seats']} "
            f"seat{'' if counts['seats'] == 1 else 's'}, {counts['waiting_list_places']} "
            f"waiting-list place{'' if counts['waiting_list_places'] == 1 else 's'} and "
            f"{counts['emails']} email{'' if counts['emails'] == 1 else 's'}, with their history.",
            messages.SUCCESS,
        )
        return None
