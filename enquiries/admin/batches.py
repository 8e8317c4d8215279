"""The one batch admin: courses' planning and copying, plus what needs enquiries: enquiries and
seats per batch, the batch's seats and waiting list on its page, "Add a learner", capacity
changes through the seat ledger, and "Cancel batches…".

courses.admin defines the catalog side of it (courses never imports enquiries) without
registering it; this module registers the whole.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from courses import admin as courses_admin
from courses.models import Batch

from .. import services
from ..models import Enquiry
from ..services import seats, trainers
from .common import count_of, describe_enrolment
from .seats import AddLearnerForm, can_see_seats, can_see_waiting, seat_section
from .trainers import TrainerAssigning


class BatchForm(forms.ModelForm):
    """The batch form: a batch with a trainer is checked session by session
    (services.trainers), and a refusal is an error on the trainer field.

    The admin saves inside the transaction this check runs in, so the trainer's lock, taken
    by the check, is held until the batch is saved."""

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # the instance is built here
        if self.errors:
            return
        try:
            trainers.check_batch(batch=self.instance)
        except trainers.TrainerError as error:
            self.add_error("trainer" if "trainer" in self.fields else None, str(error))


class CancellationNoteForm(forms.Form):
    note = forms.CharField(
        label="Your message to them (optional)",
        required=False,
        max_length=services.cancellation.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Added to the email under the news that the batch is cancelled, e.g. why, or "
        "what you offer instead. Plain text; line breaks are kept.",
        error_messages={
            "max_length": "Keep the message to %(limit_value)d characters (it has %(show_value)d)."
        },
    )


@admin.register(Batch)
class BatchAdmin(TrainerAssigning, courses_admin.BatchAdmin):
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
        "trainer",
        "enquiry_count",
        "status",
        "is_published",
    ]
    form = BatchForm
    actions = [*courses_admin.BatchAdmin.actions, "cancel_batches"]
    change_form_template = "admin/courses/batch/seats_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # Cancelling must release seats and tell people: the "Cancel batches" action
        # (services.cancel_batch) does that, so an existing batch's status is not a form field
        # (and the database refuses a cancelled batch that still holds a seat).
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "status"] if obj is not None else readonly

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

    # The change page: seats and waiting list; more capacity offers seats to those waiting

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["seat_section"] = seat_section(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not (change and "capacity" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        # The capacity goes through the seat ledger (refused below it, freed seats offered);
        # every other field is saved as usual first, in the same transaction.
        capacity = obj.capacity
        obj.capacity = Batch.objects.values_list("capacity", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        try:
            offered = seats.change_capacity(batch=obj, capacity=capacity, by=request.user)
        except seats.SeatError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        message = f"Capacity is now {obj.capacity if obj.capacity is not None else 'unlimited'}: "
        if not offered:
            message += "no seat offers went out (no free seat, or nobody waiting)."
        elif can_see_waiting(request):
            names = ", ".join(entry.name for entry in offered)
            message += (
                f"{count_of(len(offered), 'seat offer', 'seat offers')} went out to the "
                f"waiting list ({names})."
            )
        else:
            message += (
                f"{count_of(len(offered), 'seat offer', 'seat offers')} went out to the "
                "waiting list."
            )
        self.message_user(request, message, messages.SUCCESS if offered else messages.INFO)

    # "Add a learner": a form on its own page → seats.enroll

    def get_urls(self):
        add_learner = path(
            "<path:object_id>/add-learner/",
            self.admin_site.admin_view(self.add_learner_view),
            name="courses_batch_add_learner",
        )
        return [add_learner, *super().get_urls()]

    def add_learner_view(self, request, object_id):
        batch = self.get_object(request, unquote(object_id))
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (
            self.has_view_or_change_permission(request, batch)
            and request.user.has_perm("enquiries.add_enrollment")
        ):
            raise PermissionDenied
        change_url = reverse("admin:courses_batch_change", args=[batch.pk])
        form = AddLearnerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = seats.enroll(
                    batch=batch,
                    learner=seats.Learner(
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        phone=form.cleaned_data["phone"],
                    ),
                    by=request.user,
                )
            except seats.SeatError as error:
                form.add_error(None, str(error))
            else:
                level, text = describe_enrolment(result)
                self.message_user(request, text, level)
                return HttpResponseRedirect(change_url)
        # A plain form renders in the admin's layout as a model form does.
        fieldsets = [(None, {"fields": ["name", "email", "phone"]})]
        adminform = helpers.AdminForm(form, fieldsets, {}, model_admin=self)  # type: ignore[arg-type]
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a learner",
            "subtitle": str(batch),
            "opts": self.opts,
            "original": batch,
            "batch": batch,
            "form": form,
            "adminform": adminform,
            "errors": helpers.AdminErrorList(form, []),  # type: ignore[arg-type]
            "change_url": change_url,
            "media": self.media + adminform.media,
        }
        return TemplateResponse(request, "admin/courses/batch/add_learner.html", context)

    # Cancel batches and tell everyone concerned

    @admin.action(description="Cancel batches and tell enquirers…", permissions=["change"])
    def cancel_batches(self, request, queryset):
        """Confirmation page listing who will be told → cancel each batch and email them."""
        batches = list(queryset.select_related("course"))
        # From the list: the page. From the page: "Preview the email" shows it again with the
        # note in the email; "Yes, cancel" cancels, unless the note needs correcting.
        confirmed = request.POST.get("post") == "yes"
        form = CancellationNoteForm(request.POST if confirmed else None)
        if not confirmed or "preview" in request.POST or not form.is_valid():
            return self._cancel_confirmation_page(request, batches, form)
        note = form.cleaned_data["note"]
        cancelled, told, already = 0, 0, 0
        for batch in batches:
            if batch.status == Batch.Status.CANCELLED:
                already += 1
                continue
            told += len(services.cancel_batch(batch=batch, by=request.user, note=note))
            cancelled += 1
        message = (
            f"Cancelled {count_of(cancelled, 'batch', 'batches')}; "
            f"{count_of(told, 'person', 'people')} will be emailed."
        )
        if already:
            was = "was" if already == 1 else "were"
            message += f" {count_of(already, 'batch', 'batches')} {was} already cancelled."
        self.message_user(request, message, messages.SUCCESS if cancelled else messages.WARNING)
        return None

    def _cancel_confirmation_page(self, request, batches, form):
        show_people = request.user.has_perm("enquiries.view_enquiry")
        notices = services.cancellation.preview(
            batches,
            show_enquirers=show_people,
            show_seats=can_see_seats(request),
            show_waiting=can_see_waiting(request),
        )
        to_cancel = [notice for notice in notices if not notice.already_cancelled]
        note = form.cleaned_data["note"] if form.is_bound and form.is_valid() else ""
        context = {
            "form": form,
            "preview_batch": to_cancel[0].batch if to_cancel else None,
            "email_preview": (
                services.cancellation.preview_email(batch=to_cancel[0].batch, note=note)
                if to_cancel
                else ""
            ),
            "previewed_note": bool(note),
            **self.admin_site.each_context(request),
            "title": "Cancel batches",
            "opts": self.opts,
            "batches": batches,
            "selected": batches,
            "notices": notices,
            "show_people": show_people,
            "to_cancel_count": len(to_cancel),
            "to_tell_count": sum(notice.count for notice in to_cancel),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/courses/cancel_batches.html", context)
