import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .content_admin import CONTENT_INLINES
from .forms import MonthField, parse_month
from .models import SEATS_LEFT, Batch, Category, Trainer


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published_courses"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(published_count=Count("courses", filter=Q(courses__is_published=True)))
        )

    @admin.display(description="published courses", ordering="published_count")
    def published_courses(self, category):
        return category.published_count


def month_input(label: str, help_text: str) -> MonthField:
    return MonthField(
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        error_messages={"required": f"Choose the {label.lower()} (YYYY-MM)."},
    )


class PlanBatchesForm(forms.Form):
    first_month = month_input("First month", "The first month to plan, e.g. 2027-01.")
    last_month = month_input(
        "Last month",
        f"The last month to plan, included; at most {services.MAX_PLANNED_MONTHS} months "
        "from the first.",
    )
    trainer = forms.ModelChoiceField(
        Trainer.objects.all(),
        required=False,
        empty_label="No trainer",
        help_text="Optional. Each new batch gets this trainer if every one of its sessions "
        "fits the trainer's availability and other sessions; the others are created without "
        "a trainer, and you are told which and why.",
        error_messages={"invalid_choice": "Choose a trainer from the list."},
    )


class TrainerAssignment:
    """What the catalog admin needs from the one check of a trainer's sessions, which lives in
    enquiries (it also sees one-on-one plans): enquiries' admin classes, the registered
    ones, give new batches their trainer through it."""

    def give_trainer(self, request, *, batch: Batch, trainer: Trainer) -> str | None:
        """Assign trainer to the new batch; the reason it was refused, or None."""
        raise NotImplementedError("The registered admin assigns trainers (enquiries.admin).")

    def give_trainers(self, request, batches: list[Batch], trainer: Trainer | None) -> None:
        """Give each new batch trainer, and tell the user which could not have them and why."""
        if trainer is None:
            return
        given = 0
        for batch in batches:
            refusal = self.give_trainer(request, batch=batch, trainer=trainer)
            if refusal is None:
                given += 1
            else:
                messages.warning(request, f"{batch} was created without a trainer: {refusal}")
        if given:
            messages.info(
                request, f"{trainer} teaches {count_of(given, 'new batch', 'new batches')}."
            )


def default_plan_range(today: dt.date) -> dict[str, str]:
    """The next three months."""
    first = services.next_month(today)
    last = services.next_month(services.next_month(first))
    return {"first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"}


def count_of(number: int, singular: str, plural: str) -> str:
    """count_of(1, "batch", "batches") → "1 batch"; count_of(0, …) → "0 batches"."""
    return f"{number} {singular if number == 1 else plural}"


class CourseAdmin(TrainerAssignment, SimpleHistoryAdmin):
    """The course admin. Registered by enquiries.admin.trainers, which gives planned batches
    their trainer."""

    list_display = ["title", "category", "level", "duration_hours", "price", "is_published"]
    list_filter = ["is_published", "category", "level"]
    list_select_related = ["category"]
    list_editable = ["is_published"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["created_at", "updated_at"]
    filter_horizontal = ["training_modes", "inclusions", "related_courses"]
    inlines = CONTENT_INLINES
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "description"]}),
        ("Details", {"fields": ["level", "duration_hours", ("price", "currency")]}),
        (
            "Content",
            {
                "fields": ["outcomes", "training_modes", "inclusions", "related_courses"],
                "description": (
                    "Overview, outcomes, module summaries, answers and FAQs are Markdown. "
                    "Curriculum, interview questions and FAQs are below; order them by number."
                ),
            },
        ),
        (
            "Scheduling defaults",
            {
                "fields": [
                    ("weekday_session_start", "weekday_session_end"),
                    ("weekend_session_start", "weekend_session_end"),
                    "default_timezone",
                    ("default_capacity", "default_min_participants"),
                    ("weekday_batch_weeks", "weekend_batch_weeks"),
                ],
                "description": (
                    "Used by “Plan batches…” on the course list: a weekday batch from the "
                    "first Monday of each month and a weekend batch from the first Saturday. "
                    "Session times are wall-clock times in this time zone."
                ),
            },
        ),
        ("Publishing", {"fields": ["is_published", "created_at", "updated_at"]}),
    ]
    actions = ["plan_batches"]

    def has_plan_batches_permission(self, request) -> bool:
        return request.user.has_perm("courses.add_batch")

    @admin.action(description="Plan batches…", permissions=["plan_batches"])
    def plan_batches(self, request, queryset):
        """Month range form → preview of every batch → confirm → create the missing ones."""
        courses = list(queryset)
        if "first_month" not in request.POST:
            form = PlanBatchesForm(initial=default_plan_range(timezone.localdate()))
            return self._plan_batches_page(request, courses, form)
        form = PlanBatchesForm(request.POST)
        if not form.is_valid():
            return self._plan_batches_page(request, courses, form)
        commit = request.POST.get("confirm") == "yes"
        try:
            planned = services.plan_batches(
                courses=courses,
                first_month=form.cleaned_data["first_month"],
                last_month=form.cleaned_data["last_month"],
                commit=commit,
                by=request.user,
            )
        except services.PlanningError as error:
            form.add_error(None, str(error))
            return self._plan_batches_page(request, courses, form)
        if not commit:
            return self._plan_batches_page(request, courses, form, planned=planned)
        created = sum(1 for item in planned if not item.exists)
        existed = len(planned) - created
        self.message_user(
            request,
            f"Created {count_of(created, 'batch', 'batches')}; {existed} already existed.",
            messages.SUCCESS,
        )
        self.give_trainers(
            request,
            [item.created for item in planned if item.created is not None],
            form.cleaned_data["trainer"],
        )
        return None

    def _plan_batches_page(self, request, courses, form, *, planned=None):
        to_create = [item for item in planned or [] if not item.exists]
        context = {
            **self.admin_site.each_context(request),
            "title": "Plan batches",
            "subtitle": (
                ", ".join(course.title for course in courses)
                if len(courses) <= 3
                else f"{len(courses)} courses"
            ),
            "opts": self.opts,
            "courses": courses,
            "form": form,
            "planned": planned,
            "to_create": to_create,
            "existing": [item for item in planned or [] if item.exists],
            "create_label": f"Create {count_of(len(to_create), 'batch', 'batches')}",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/courses/plan_batches.html", context)


class MonthListFilter(admin.SimpleListFilter):
    """Filter by the month of a date (`date_field`), offering the months that have rows."""

    title = "start month"
    parameter_name = "month"
    date_field = "start_date"

    def lookups(self, request, model_admin):
        months = (
            model_admin.get_queryset(request)
            .filter(**{f"{self.date_field}__isnull": False})
            .annotate(month=TruncMonth(self.date_field))
            .order_by("month")
            .values_list("month", flat=True)
            .distinct()
        )
        return [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            month = parse_month(value)
        except ValidationError as error:
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(
            **{f"{self.date_field}__year": month.year, f"{self.date_field}__month": month.month}
        )


class SeatsListFilter(admin.SimpleListFilter):
    """Batches by their seats, from the seat ledger on each row (no query for the choices)."""

    title = "seats"
    parameter_name = "seats"

    def lookups(self, request, model_admin):
        return [
            ("free", "Seats left"),
            ("full", "Full"),
            ("waiting", "People waiting"),
            ("under_minimum", "Under minimum"),
            ("guaranteed", "Guaranteed to run"),
        ]

    def queryset(self, request, queryset):
        filters = {
            "free": lambda batches: batches.with_room_for(1),
            "full": lambda batches: batches.full(),
            "waiting": lambda batches: batches.filter(waiting_count__gt=0),
            "under_minimum": lambda batches: batches.under_minimum(),
            "guaranteed": lambda batches: batches.guaranteed(),
        }
        value = self.value()
        if value not in filters:
            return queryset
        return filters[value](queryset)


class BatchAdmin(TrainerAssignment, SimpleHistoryAdmin):
    """The catalog side of the batch admin: planning, copying, dates, times and capacity.

    Not registered here: enquiries.admin.batches registers the one batch admin, which adds
    seats, waiting lists and cancellation (courses never imports enquiries).
    """

    list_display = [
        "course",
        "month",
        "track",
        "start_date",
        "end_date",
        "session_times",
        "delivery",
        "capacity",
        "seats_taken",
        "seats_held",
        "seats_left",
        "waiting_count",
        "minimum",
        "status",
        "is_published",
    ]
    list_display_links = ["course", "month"]
    list_filter = [
        "status",
        SeatsListFilter,
        "track",
        MonthListFilter,
        "delivery",
        "is_published",
        "course",
    ]
    list_select_related = ["course", "trainer"]
    search_fields = ["course__title", "location", "trainer__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["course", "trainer"]
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["start_date", "track"]
    actions = ["copy_to_next_month"]
    fieldsets = [
        (None, {"fields": ["course", "track", "status", "is_published"]}),
        (
            "When",
            {
                "fields": [
                    ("start_date", "end_date"),
                    ("session_start", "session_end"),
                    "timezone",
                ],
                "description": "Session times are wall-clock times in the batch's zone.",
            },
        ),
        (
            "Where and how many",
            {
                "fields": [
                    "delivery",
                    "location",
                    "joining_details",
                    ("capacity", "min_participants"),
                ]
            },
        ),
        (
            "Trainer",
            {
                "fields": ["trainer"],
                "description": "Every session is checked against the trainer's other "
                "sessions (batches and one-on-one plans), weekly availability and leave.",
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="month", ordering="start_date")
    def month(self, batch):
        return f"{batch.month:%b %Y}"

    @admin.display(description="sessions")
    def session_times(self, batch):
        return f"{batch.days_label} {batch.session_times_label} ({batch.timezone})"

    # Seat counts are the batch's own ledger (the list shows its fields): no query per row.

    @admin.display(description="seats left", ordering=SEATS_LEFT)
    def seats_left(self, batch):
        if batch.seats_left is None:
            return "Unlimited"
        return "Full" if batch.is_full else batch.seats_left

    @admin.display(description="minimum", ordering="min_participants")
    def minimum(self, batch):
        """Whether the batch has the confirmed seats it needs to run."""
        if batch.min_participants is None:
            return "—"
        if batch.is_guaranteed:
            return "Guaranteed"
        return f"Under minimum ({batch.seats_taken} of {batch.min_participants})"

    @admin.action(description="Copy to next month", permissions=["add"])
    def copy_to_next_month(self, request, queryset):
        """A copy keeps the original's trainer if every session of the copy fits them;
        otherwise it is created without one, and the message says why."""
        created, skipped, refused, untrained = 0, 0, [], []
        for batch in queryset.select_related("course", "trainer"):
            try:
                copy = services.copy_to_next_month(batch=batch, by=request.user)
            except services.PlanningError as error:
                refused.append(f"{batch}: {error}")
                continue
            if copy is None:
                skipped += 1
                continue
            created += 1
            if batch.trainer is not None:
                refusal = self.give_trainer(request, batch=copy, trainer=batch.trainer)
                if refusal is not None:
                    untrained.append(f"{copy}: {refusal}")
        self.message_user(
            request,
            f"Copied {count_of(created, 'batch', 'batches')} to the next month; "
            f"{skipped} already had a copy there.",
            messages.SUCCESS if created else messages.WARNING,
        )
        for reason in refused:
            self.message_user(request, f"Not copied: {reason}", messages.ERROR)
        for reason in untrained:
            self.message_user(request, f"Copied without a trainer: {reason}", messages.WARNING)
