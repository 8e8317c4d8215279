from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from .forms import parse_month
from .models import Batch, Category, Course


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


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "level", "duration_hours", "price", "is_published"]
    list_filter = ["is_published", "category", "level"]
    list_select_related = ["category"]
    list_editable = ["is_published"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "description"]}),
        ("Details", {"fields": ["level", "duration_hours", ("price", "currency")]}),
        ("Publishing", {"fields": ["is_published", "created_at", "updated_at"]}),
    ]


class MonthListFilter(admin.SimpleListFilter):
    title = "start month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            model_admin.get_queryset(request)
            .annotate(month=TruncMonth("start_date"))
            .order_by("month")
            .values_list("month", flat=True)
            .distinct()
        )
        return [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            month = parse_month(self.value())
        except ValidationError as error:
            raise IncorrectLookupParameters(error) from error
        return queryset.in_month(month)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
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
        "status",
        "is_published",
    ]
    list_display_links = ["course", "month"]
    list_filter = ["status", "track", MonthListFilter, "delivery", "is_published", "course"]
    list_select_related = ["course"]
    search_fields = ["course__title", "location"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["course"]
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["start_date", "track"]
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
        ("Where and how many", {"fields": ["delivery", "location", "capacity"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_seats()

    @admin.display(description="month", ordering="start_date")
    def month(self, batch):
        return f"{batch.month:%b %Y}"

    @admin.display(description="sessions")
    def session_times(self, batch):
        return f"{batch.days_label} {batch.session_times_label} ({batch.timezone})"

    @admin.display(description="seats taken", ordering="seats_taken")
    def seats_taken(self, batch):
        return batch.seats_taken
