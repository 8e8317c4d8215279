"""The batch admin with what needs enquiries: an enquiry count per batch and "Cancel batches…".

courses.admin registers BatchAdmin without knowing enquiries exist (courses never imports
enquiries); this module replaces that registration with a subclass. It is imported at the end
of enquiries/admin.py.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse

from courses import admin as courses_admin
from courses.models import Batch

from . import services
from .models import Enquiry


@dataclass(frozen=True, kw_only=True)
class CancellationNotice:
    """Who cancelling one batch tells: their enquiries, or only how many for staff who may not
    see enquirers' personal data."""

    batch: Batch
    count: int
    enquiries: list[Enquiry] | None

    @property
    def already_cancelled(self) -> bool:
        return self.batch.status == Batch.Status.CANCELLED


def cancellation_notices(batches: list[Batch], *, show_people: bool) -> list[CancellationNotice]:
    """One query: the open enquiries of every batch (the ones cancel_batch emails), or counts."""
    to_tell = Enquiry.objects.open().filter(batch__in=[batch.pk for batch in batches])
    if show_people:
        people: dict[int, list[Enquiry]] = {batch.pk: [] for batch in batches}
        for enquiry in to_tell.only("reference", "name", "email", "batch_id").order_by(
            "created_at", "pk"
        ):
            people[enquiry.batch_id].append(enquiry)
        counts = {pk: len(enquiries) for pk, enquiries in people.items()}
    else:
        counts = dict(to_tell.order_by().values_list("batch").annotate(count=Count("pk")))
    return [
        CancellationNotice(
            batch=batch,
            count=0 if batch.status == Batch.Status.CANCELLED else counts.get(batch.pk, 0),
            enquiries=people[batch.pk] if show_people else None,
        )
        for batch in batches
    ]


admin.site.unregister(Batch)


@admin.register(Batch)
class BatchAdmin(courses_admin.BatchAdmin):
    list_display = [
        *courses_admin.BatchAdmin.list_display[
            : courses_admin.BatchAdmin.list_display.index("seats_taken") + 1
        ],
        "enquiry_count",
        *courses_admin.BatchAdmin.list_display[
            courses_admin.BatchAdmin.list_display.index("seats_taken") + 1 :
        ],
    ]
    actions = [*courses_admin.BatchAdmin.actions, "cancel_batches"]

    def get_queryset(self, request):
        enquiries = (
            Enquiry.objects.not_spam()
            .filter(batch=OuterRef("pk"))
            .order_by()
            .values("batch")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(enquiry_count=Coalesce(Subquery(enquiries, output_field=IntegerField()), 0))
        )

    @admin.display(description="enquiries", ordering="enquiry_count")
    def enquiry_count(self, batch):
        """Enquiries naming this batch, spam left out."""
        return batch.enquiry_count

    @admin.action(description="Cancel batches and tell enquirers…", permissions=["change"])
    def cancel_batches(self, request, queryset):
        """Confirmation page listing who will be told → cancel each batch and email them."""
        batches = list(queryset.select_related("course"))
        if request.POST.get("post") != "yes":
            return self._cancel_confirmation_page(request, batches)
        cancelled, told, already = 0, 0, 0
        for batch in batches:
            if batch.status == Batch.Status.CANCELLED:
                already += 1
                continue
            told += len(services.cancel_batch(batch=batch, by=request.user))
            cancelled += 1
        message = (
            f"Cancelled {courses_admin.count_of(cancelled, 'batch', 'batches')}; "
            f"{courses_admin.count_of(told, 'person', 'people')} will be emailed."
        )
        if already:
            was = "was" if already == 1 else "were"
            message += (
                f" {courses_admin.count_of(already, 'batch', 'batches')} {was} already cancelled."
            )
        self.message_user(request, message, messages.SUCCESS if cancelled else messages.WARNING)
        return None

    def _cancel_confirmation_page(self, request, batches):
        show_people = request.user.has_perm("enquiries.view_enquiry")
        notices = cancellation_notices(batches, show_people=show_people)
        to_cancel = [notice for notice in notices if not notice.already_cancelled]
        context = {
            **self.admin_site.each_context(request),
            "title": "Cancel batches",
            "opts": self.opts,
            "batches": batches,
            "notices": notices,
            "show_people": show_people,
            "to_cancel_count": len(to_cancel),
            "to_tell_count": sum(notice.count for notice in to_cancel),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/courses/cancel_batches.html", context)
