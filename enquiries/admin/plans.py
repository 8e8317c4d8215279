"""The back office for one-on-one training: learners' requests, and the plans made from them.

Staff create a plan from a request ("Create training plan": one_on_one.generate_plan), change
its sessions in the learner's own time zone, and tell the learner ("Notify learner":
one_on_one.notify_plan_changed). Both email the learner, so both ask for confirmation first.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from ..models import OneOnOneRequest, PlanSession, TrainingPlan, Weekday
from ..services import one_on_one, trainers
from .common import confirmation_page, count_of, issue_new_links, when


def change_link(obj, text: str) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text)


def can_see_enquiries(request) -> bool:
    """Sales can open the enquiry behind a request; Schedulers, who plan, see its reference."""
    return request.user.has_perm("enquiries.view_enquiry")


def without_enquiry_link(names) -> list:
    return ["enquiry_reference" if name == "enquiry_link" else name for name in names]


def preferences_summary(request: OneOnOneRequest) -> str:
    days = ", ".join(Weekday(day).label[:3] for day in sorted(request.preferred_days))
    return (
        f"{days}; {request.window_start:%H:%M}–{request.window_end:%H:%M} {request.timezone}; "
        f"{request.session_minutes} min × {request.sessions_per_week} a week for "
        f"{count_of(request.weeks, 'week', 'weeks')}, from {request.earliest_start:%a %d %b %Y}"
    )


# Requests


class HasPlanFilter(admin.SimpleListFilter):
    title = "training plan"
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        return [("none", "Not planned yet"), ("made", "Plan made")]

    def queryset(self, request, queryset):
        if self.value() in {"none", "made"}:
            return queryset.filter(plan__isnull=self.value() == "none")
        return queryset


@admin.register(OneOnOneRequest)
class OneOnOneRequestAdmin(admin.ModelAdmin):
    """What learners asked for; read-only (it is what they sent), with "Create training plan"."""

    list_display = [
        "reference",
        "learner",
        "course",
        "days",
        "window",
        "zone",
        "created",
        "training_plan",
    ]
    list_display_links = ["reference", "learner"]
    list_filter = [HasPlanFilter, ("enquiry__course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["enquiry__course", "plan"]
    search_fields = ["enquiry__reference", "enquiry__name", "enquiry__email"]
    ordering = ["-enquiry__created_at", "-pk"]
    actions = ["create_training_plan"]
    fields = [
        "enquiry_link",
        "learner",
        "course",
        "days",
        "window",
        "timezone",
        "session_minutes",
        "sessions_per_week",
        "weeks",
        "earliest_start",
        "created",
        "training_plan",
    ]
    readonly_fields = [*(str(name) for name in fields), "enquiry_reference"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if can_see_enquiries(request) else without_enquiry_link(fields)

    def has_add_permission(self, request):
        return False  # learners ask through the site

    def has_delete_permission(self, request, obj=None):
        return False  # it goes with its enquiry

    def has_create_plan_permission(self, request) -> bool:
        return request.user.has_perm("enquiries.add_trainingplan") and request.user.has_perm(
            "enquiries.add_plansession"
        )

    # Columns

    @admin.display(description="reference", ordering="enquiry__reference")
    def reference(self, request_):
        return request_.enquiry.reference

    @admin.display(description="enquiry")
    def enquiry_link(self, request_):
        return change_link(request_.enquiry, request_.enquiry.reference)

    @admin.display(description="enquiry")
    def enquiry_reference(self, request_):
        return request_.enquiry.reference

    @admin.display(description="learner", ordering="enquiry__name")
    def learner(self, request_):
        return f"{request_.enquiry.name} <{request_.enquiry.email}>"

    @admin.display(description="course", ordering="enquiry__course__title")
    def course(self, request_):
        return request_.enquiry.course.title

    @admin.display(description="days")
    def days(self, request_):
        return ", ".join(Weekday(day).label[:3] for day in sorted(request_.preferred_days))

    @admin.display(description="time window (learner's time)")
    def window(self, request_):
        return f"{request_.window_start:%H:%M}–{request_.window_end:%H:%M}"

    @admin.display(description="time zone", ordering="timezone")
    def zone(self, request_):
        return request_.timezone

    @admin.display(description="asked", ordering="enquiry__created_at")
    def created(self, request_):
        return when(request_.enquiry.created_at)

    @admin.display(description="training plan")
    def training_plan(self, request_):
        plan = getattr(request_, "plan", None)
        if plan is not None:
            return change_link(plan, "Open the plan")
        url = reverse("admin:enquiries_oneononerequest_create_plan", args=[request_.pk])
        return format_html('<a class="button" href="{}">Create training plan</a>', url)

    # Creating plans

    def get_urls(self):
        return [
            path(
                "<path:object_id>/create-plan/",
                self.admin_site.admin_view(self.create_plan_view),
                name="enquiries_oneononerequest_create_plan",
            ),
            *super().get_urls(),
        ]

    def create_plan_view(self, request, object_id):
        """The "Create training plan" button of one request: confirm, then create."""
        if not self.has_create_plan_permission(request):
            raise PermissionDenied
        request_ = get_object_or_404(
            OneOnOneRequest.objects.select_related("enquiry__course", "plan"),
            pk=unquote(object_id),
        )
        if request.method == "POST" and request.POST.get("post") == "yes":
            plans = self._create_plans(request, [request_])
            if plans:
                return HttpResponseRedirect(
                    reverse("admin:enquiries_trainingplan_change", args=[plans[0].pk])
                )
            return HttpResponseRedirect(
                reverse("admin:enquiries_oneononerequest_change", args=[request_.pk])
            )
        return self._confirm_create(request, [request_], action="")

    @admin.action(
        description="Create training plan and email the learner…", permissions=["create_plan"]
    )
    def create_training_plan(self, request, queryset):
        requests_ = list(queryset.select_related("enquiry__course", "plan"))
        if request.POST.get("post") != "yes":
            return self._confirm_create(request, requests_, action="create_training_plan")
        self._create_plans(request, requests_)
        return None

    def _confirm_create(self, request, requests_, *, action):
        to_plan = [r for r in requests_ if getattr(r, "plan", None) is None]
        planned = [r for r in requests_ if getattr(r, "plan", None) is not None]
        return confirmation_page(
            request,
            self,
            title="Create training plans",
            question=(
                f"Create {count_of(len(to_plan), 'training plan', 'training plans')} from "
                "the learners' preferences and email each learner the private link to "
                "their plan?"
            ),
            rows=[
                f"{r.enquiry.reference} · {r.enquiry.name} <{r.enquiry.email}> · "
                f"{r.enquiry.course.title}: {preferences_summary(r)}"
                for r in to_plan
            ],
            confirm=f"Yes, create {count_of(len(to_plan), 'plan', 'plans')} and email "
            f"{count_of(len(to_plan), 'learner', 'learners')}",
            skipped=[f"{r.enquiry.reference} · {r.enquiry.name}" for r in planned],
            skipped_reason="Already planned, so left as they are (change their sessions in the "
            "plan instead):",
            objects=requests_,
            action=action,
        )

    def _create_plans(self, request, requests_) -> list[TrainingPlan]:
        plans, refused = [], []
        for request_ in requests_:
            try:
                plans.append(one_on_one.generate_plan(request=request_, by=request.user))
            except one_on_one.PlanAlreadyExists:
                refused.append(request_.enquiry.reference)
            except one_on_one.PlanError as error:
                self.message_user(request, f"{request_.enquiry.reference}: {error}", messages.ERROR)
        if plans:
            sessions = sum(plan.sessions.count() for plan in plans)
            self.message_user(
                request,
                f"Created {count_of(len(plans), 'training plan', 'training plans')} "
                f"({count_of(sessions, 'session', 'sessions')}); each learner will be emailed "
                "their private link.",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                f"{count_of(len(refused), 'request already has', 'requests already have')} a "
                f"plan, left unchanged: {', '.join(refused)}. Change its sessions in the plan.",
                messages.WARNING,
            )
        return plans


# Plans


class LocalDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class LocalTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class PlanSessionForm(forms.ModelForm):
    """A session entered as the learner's date and clock times; stored in UTC."""

    date = forms.DateField(label="date (learner's)", widget=LocalDateInput())
    start = forms.TimeField(label="starts (learner's time)", widget=LocalTimeInput())
    end = forms.TimeField(label="ends (learner's time)", widget=LocalTimeInput())

    class Meta:
        model = PlanSession
        fields = ["date", "start", "end", "topic"]

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        if self.instance.pk:
            starts = self.instance.starts_at.astimezone(zone)
            ends = self.instance.ends_at.astimezone(zone)
            self.initial.update(date=starts.date(), start=starts.time(), end=ends.time())

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        day, start, end = (cleaned_data.get(name) for name in ("date", "start", "end"))
        if day is None or start is None or end is None:
            return cleaned_data
        starts = self._aware(day, start, field="start")
        ends = self._aware(day, end, field="end")
        if starts is None or ends is None:
            return cleaned_data
        if ends <= starts:
            self.add_error("end", "A session ends after it starts, on the same day.")
            return cleaned_data
        self.instance.starts_at, self.instance.ends_at = starts, ends
        return cleaned_data

    def _aware(self, day: dt.date, clock: dt.time, *, field: str) -> dt.datetime | None:
        """The UTC moment of a wall-clock time in the learner's zone, if it exists that day."""
        local = dt.datetime.combine(day, clock, tzinfo=self.zone)
        moment = local.astimezone(dt.UTC)
        if moment.astimezone(self.zone).replace(tzinfo=None) != local.replace(tzinfo=None):
            self.add_error(
                field,
                f"{clock:%H:%M} doesn't exist in {self.zone.key} on {day:%a %d %b %Y}: the "
                "clocks go forward then. Choose another time.",
            )
            return None
        return moment


class PlanSessionFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"zone": plan_zone(self.instance)}

    def clean(self):
        """The plan's trainer takes every session that will be saved (services.trainers);
        the admin saves in the transaction that holds the trainer's lock from this check."""
        super().clean()
        if any(self.errors):
            return
        intervals = [
            (form.instance.starts_at, form.instance.ends_at)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            trainers.check_plan(plan=self.instance, intervals=intervals)
        except trainers.TrainerError as error:
            raise ValidationError(str(error)) from error


def plan_zone(plan: TrainingPlan | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(plan.timezone if plan is not None and plan.timezone else "UTC")


class PlanSessionInline(admin.TabularInline):
    model = PlanSession
    form = PlanSessionForm
    formset = PlanSessionFormSet
    fields = ["date", "start", "end", "topic", "learner_sees"]
    readonly_fields = ["learner_sees"]
    extra = 1
    verbose_name = "session"
    verbose_name_plural = "sessions (date and times in the learner's time zone)"

    @admin.display(description="the learner sees")
    def learner_sees(self, session):
        if session.pk is None:
            return "—"
        return one_on_one.local_sessions(session.plan, [session])[0].label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")


class TrainingPlanForm(forms.ModelForm):
    notify_learner = forms.BooleanField(
        label="Email the learner that their plan changed",
        required=False,
        help_text="Sends the sessions and their private link once you save.",
    )

    class Meta:
        model = TrainingPlan
        fields = ["trainer", "joining_details", "notify_learner"]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    form = TrainingPlanForm
    inlines = [PlanSessionInline]
    list_display = [
        "learner",
        "reference",
        "course",
        "timezone",
        "trainer",
        "session_count",
        "first_session",
        "last_session",
        "notified",
        "updated",
    ]
    list_display_links = ["learner", "reference"]
    list_filter = [("request__enquiry__course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["request__enquiry__course", "trainer"]
    autocomplete_fields = ["trainer"]
    search_fields = [
        "request__enquiry__reference",
        "request__enquiry__name",
        "request__enquiry__email",
    ]
    ordering = ["-created_at"]
    actions = ["notify_learner", "issue_new_links"]
    readonly_fields = [
        "enquiry_link",
        "enquiry_reference",
        "preferences",
        "timezone",
        "learner_page",
        "created",
        "updated",
        "notified",
    ]
    fieldsets = [
        (
            "Learner",
            {"fields": ["enquiry_link", "preferences", "timezone", "learner_page"]},
        ),
        (
            "Trainer",
            {
                "fields": ["trainer"],
                "description": "Every session is checked against the trainer's other "
                "sessions (batches and plans), weekly availability and leave.",
            },
        ),
        ("How to join", {"fields": ["joining_details"]}),
        ("Record", {"fields": ["created", "updated", "notified"]}),
        ("Tell the learner", {"fields": ["notify_learner"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                session_count=Count("sessions"),
                first_starts_at=Min("sessions__starts_at"),
                last_starts_at=Max("sessions__starts_at"),
            )
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_see_enquiries(request):
            return fieldsets
        return [
            (name, options | {"fields": without_enquiry_link(options["fields"])})
            for name, options in fieldsets
        ]

    def has_add_permission(self, request):
        return False  # a plan is made from a request: "Create training plan"

    # Columns and read-only fields

    @admin.display(description="learner", ordering="request__enquiry__name")
    def learner(self, plan):
        return plan.request.enquiry.name

    @admin.display(description="reference", ordering="request__enquiry__reference")
    def reference(self, plan):
        return plan.request.enquiry.reference

    @admin.display(description="course", ordering="request__enquiry__course__title")
    def course(self, plan):
        return plan.request.enquiry.course.title

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, plan):
        return plan.session_count

    @admin.display(description="first session (learner's time)", ordering="first_starts_at")
    def first_session(self, plan):
        return self._learner_time(plan, plan.first_starts_at)

    @admin.display(description="last session (learner's time)", ordering="last_starts_at")
    def last_session(self, plan):
        return self._learner_time(plan, plan.last_starts_at)

    @staticmethod
    def _learner_time(plan, moment):
        if moment is None:
            return "—"
        return f"{moment.astimezone(plan_zone(plan)):%a %d %b %Y, %H:%M %Z}"

    @admin.display(description="learner last emailed", ordering="learner_notified_at")
    def notified(self, plan):
        return when(plan.learner_notified_at)

    @admin.display(description="changed", ordering="updated_at")
    def updated(self, plan):
        return when(plan.updated_at)

    @admin.display(description="created", ordering="created_at")
    def created(self, plan):
        return when(plan.created_at)

    @admin.display(description="enquiry")
    def enquiry_link(self, plan):
        enquiry = plan.request.enquiry
        return format_html(
            "{} · {} &lt;{}&gt; · {} ({})",
            change_link(enquiry, enquiry.reference),
            enquiry.name,
            enquiry.email,
            enquiry.course.title,
            change_link(plan.request, "request"),
        )

    @admin.display(description="enquiry")
    def enquiry_reference(self, plan):
        """The learner and their request, without the link to the enquiry's pipeline."""
        enquiry = plan.request.enquiry
        return format_html(
            "{} · {} &lt;{}&gt; · {} ({})",
            enquiry.reference,
            enquiry.name,
            enquiry.email,
            enquiry.course.title,
            change_link(plan.request, "request"),
        )

    @admin.display(description="asked for")
    def preferences(self, plan):
        return preferences_summary(plan.request)

    @admin.display(description="learner's private page")
    def learner_page(self, plan):
        return format_html(
            '<a href="{}">Plan page</a> · <a href="{}">calendar file (.ics)</a>',
            one_on_one.plan_url(plan),
            one_on_one.calendar_url(plan),
        )

    # Saving: the sessions, then the email if staff asked for it

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sessions_changed = any(formset.has_changed() for formset in formsets)
        if sessions_changed:  # a moved or new session is reminded at its new time
            one_on_one.schedule_plan_reminders(form.instance)
        if form.cleaned_data.get("notify_learner"):
            self._notify(request, form.instance)
        elif sessions_changed:
            self.message_user(
                request,
                "The learner has not been told about this change. Tick “Email the learner” "
                "and save, or use “Notify learner” on the list of plans.",
                messages.WARNING,
            )

    def _notify(self, request, plan) -> bool:
        try:
            one_on_one.notify_plan_changed(plan=plan, by=request.user)
        except one_on_one.PlanError as error:
            self.message_user(request, f"{plan}: {error}", messages.ERROR)
            return False
        return True

    @admin.action(description="Notify learner of plan changes…", permissions=["change"])
    def notify_learner(self, request, queryset):
        plans = list(queryset.select_related("request__enquiry"))
        to_tell = [plan for plan in plans if plan.session_count]
        empty = [plan for plan in plans if not plan.session_count]
        if request.POST.get("post") != "yes":
            return confirmation_page(
                request,
                self,
                title="Notify learners",
                question=(
                    f"Email {count_of(len(to_tell), 'learner', 'learners')} their plan's "
                    "sessions and private link?"
                ),
                rows=[
                    f"{plan.request.enquiry.reference} · {plan.request.enquiry.name} "
                    f"<{plan.request.enquiry.email}> · "
                    f"{count_of(plan.session_count, 'session', 'sessions')}"
                    for plan in to_tell
                ],
                confirm=f"Yes, email {count_of(len(to_tell), 'learner', 'learners')}",
                skipped=[f"{plan.request.enquiry.reference} · {plan}" for plan in empty],
                skipped_reason="No sessions, so nobody is emailed about these plans:",
                objects=plans,
                action="notify_learner",
            )
        told = sum(self._notify(request, plan) for plan in to_tell)
        self.message_user(
            request,
            f"{count_of(told, 'learner', 'learners')} will be emailed about their plan.",
            messages.SUCCESS if told else messages.INFO,
        )
        return None

    @admin.action(
        description="Email a new private link (the old one stops working)…", permissions=["change"]
    )
    def issue_new_links(self, request, queryset):
        plans = list(queryset.select_related("request__enquiry"))
        return issue_new_links(
            request,
            self,
            plans,
            question=(
                f"Give {count_of(len(plans), 'plan', 'plans')} a new private link and email "
                "it to the learner's own address? The old page and calendar links stop "
                "working at once."
            ),
            rows=[
                f"{plan.request.enquiry.reference} · {plan.request.enquiry.name} "
                f"<{plan.request.enquiry.email}>"
                for plan in plans
            ],
            issue=lambda plan: one_on_one.issue_new_plan_link(plan=plan, by=request.user),
        )
