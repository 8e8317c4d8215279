"""Trainers: who they are, their weekly availability and leave, their private calendar link,
and the hook through which the catalog admin gives new batches a trainer
(services.trainers, the one check of a trainer's sessions)."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from courses import admin as courses_admin
from courses.models import Batch, Course, Trainer, TrainerAvailability, TrainerLeave
from courses.site import absolute_url

from ..services import trainers
from .common import count_of


class TrainerAssigning:
    """Implements courses.admin.TrainerAssignment through services.trainers."""

    def give_trainer(self, request, *, batch: Batch, trainer: Trainer) -> str | None:
        try:
            trainers.assign_trainer(batch=batch, trainer=trainer, by=request.user)
        except trainers.TrainerError as error:
            return str(error)
        return None


class AvailabilityInline(admin.TabularInline):
    model = TrainerAvailability
    extra = 1
    verbose_name = "weekly availability window"
    verbose_name_plural = "weekly availability (the trainer's own time zone)"


class LeaveInline(admin.TabularInline):
    model = TrainerLeave
    extra = 1
    verbose_name_plural = "leave (dates in the trainer's own time zone, both included)"


def calendar_feed_url(trainer: Trainer) -> str:
    return absolute_url(
        reverse("enquiries:trainer_calendar", kwargs={"token": trainer.calendar_token})
    )


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "timezone", "course_count", "calendar"]
    search_fields = ["name", "email"]
    filter_horizontal = ["courses"]
    inlines = [AvailabilityInline, LeaveInline]
    readonly_fields = ["calendar_feed", "created_at", "updated_at"]
    actions = ["issue_new_calendar_links"]
    fieldsets = [
        (None, {"fields": ["name", "email", "timezone", "bio"]}),
        ("Teaches", {"fields": ["courses"]}),
        (
            "Calendar",
            {
                "fields": ["calendar_feed"],
                "description": "A private address: anyone who has it can read the trainer's "
                "sessions. Give it only to the trainer; “Issue a new calendar link” on the "
                "list of trainers replaces a leaked one.",
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(course_count=Count("courses"))

    @admin.display(description="courses", ordering="course_count")
    def course_count(self, trainer):
        return trainer.course_count

    @admin.display(description="sessions")
    def calendar(self, trainer):
        return format_html(
            '<a href="{}?trainer={}">Calendar</a>', reverse("staff-calendar"), trainer.pk
        )

    @admin.display(description="calendar feed (.ics, private)")
    def calendar_feed(self, trainer):
        if trainer.pk is None:
            return "Shown once the trainer is saved."
        url = calendar_feed_url(trainer)
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(
        description="Issue a new calendar link (the old one stops working)",
        permissions=["change"],
    )
    def issue_new_calendar_links(self, request, queryset):
        renewed = [trainers.reissue_calendar_link(trainer=trainer) for trainer in queryset]
        self.message_user(
            request,
            f"{count_of(len(renewed), 'trainer has', 'trainers have')} a new calendar link; "
            "the old ones no longer work.",
            messages.SUCCESS,
        )


@admin.register(Course)
class CourseAdmin(TrainerAssigning, courses_admin.CourseAdmin):
    """The course admin, registered here so that planned batches get their trainer through
    services.trainers."""
