from django.contrib import admin

from .models import Enquiry
from .phones import display_phone

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


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "name", "course", "batch_summary", "kind", "status", "created_at"]
    list_display_links = ["reference", "name"]
    list_filter = ["status", "kind", "course", "created_at", "utm_source"]
    list_select_related = ["course", "batch"]
    search_fields = ["reference", "name", "email", "phone"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["course", "batch"]
    readonly_fields = [
        "reference",
        "kind",
        "formatted_phone",
        "consent_at",
        "created_at",
        "updated_at",
        *SOURCE_FIELDS,
    ]
    fieldsets = [
        (None, {"fields": ["reference", "status", "kind", "course", "batch"]}),
        ("Learner", {"fields": ["name", "email", "phone", "formatted_phone", "message"]}),
        ("Consent and record", {"fields": ["consent_at", "created_at", "updated_at"]}),
        ("Source", {"fields": SOURCE_FIELDS, "classes": ["collapse"]}),
    ]

    @admin.display(description="batch", ordering="batch__start_date")
    def batch_summary(self, enquiry):
        if enquiry.batch is None:
            return "—"
        batch = enquiry.batch
        return f"{batch.get_track_display()} from {batch.start_date:%a %d %b %Y}"

    @admin.display(description="phone (international)")
    def formatted_phone(self, enquiry):
        return display_phone(enquiry.phone)

    def has_add_permission(self, request):
        # Enquiries come from learners through the site; staff record calls as notes later.
        return False
