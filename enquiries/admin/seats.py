"""The back office for seats: enrollments, waiting lists, and the seats on a batch's page.

Every seat is created and freed by enquiries.services.seats; these pages only call it and turn its
SeatError into a message or a form error. Nothing here writes a seat's status or batch: the
one field staff edit is a waiting-list entry's position, its place in the queue. Cancelling a
seat, transferring one and offering free seats email people, so each asks for confirmation.
"""

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from courses.models import Batch

from ..models import Enrollment, WaitlistEntry
from ..phones import PHONE_HELP, normalise_phone
from ..services import seats
from .common import (
    EnquiryHistoryContext,
    count_of,
    enquiry_link,
    issue_new_links,
    when,
)


def seats_word(number: int) -> str:
    return count_of(number, "seat", "seats")


def can_see_seats(request) -> bool:
    return request.user.has_perm("enquiries.view_enrollment")


def can_see_waiting(request) -> bool:
    return request.user.has_perm("enquiries.view_waitlistentry")


# Offers made by a seat change, told to staff


def offers_since(moment: dt.datetime, *, batch_ids) -> list[WaitlistEntry]:
    """The offers seats made in these batches from `moment` on (one query).

    cancel_enrollment and transfer offer a freed seat themselves and return the seat; this
    reads back whom they offered it to.
    """
    return list(
        WaitlistEntry.objects.filter(
            batch_id__in=batch_ids, status=WaitlistEntry.Status.OFFERED, offered_at__gte=moment
        )
        .select_related("batch__course")
        .order_by("batch__start_date", "batch_id", "position", "pk")
    )


def describe_offers(offers: list[WaitlistEntry], *, show_people: bool) -> str:
    if not offers:
        return "Nobody was waiting, so the freed seat is open to the next enrolment."
    if not show_people:
        return (
            f"{count_of(len(offers), 'freed seat was', 'freed seats were')} offered to the "
            "next people on the waiting list, who are emailed."
        )
    people = "; ".join(f"{entry.name} ({entry.email}) in {entry.batch}" for entry in offers)
    until = when(offers[0].offer_expires_at)
    if len(offers) == 1:
        return (
            "The freed seat was offered to the next person on the waiting list, who is emailed: "
            f"{people}. The offer is open until {until}."
        )
    return (
        "The freed seats were offered to the next people on the waiting lists, who are emailed: "
        f"{people}. The offers are open until {until}."
    )


# Filters


class SeatBatchFilter(admin.SimpleListFilter):
    """The batches that have rows in this list, with their course (one query)."""

    title = "batch"
    parameter_name = "batch"

    def lookups(self, request, model_admin):
        batches = (
            Batch.objects.filter(pk__in=model_admin.model.objects.values("batch"))
            .select_related("course")
            .order_by("start_date", "track", "session_start", "pk")
        )
        return [(str(batch.pk), str(batch)) for batch in batches]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit()):
            raise IncorrectLookupParameters(f"“{value}” is not a batch.")
        return queryset.filter(batch_id=int(value))


# Records seats writes: never added or deleted here; history shown, never restored


class SeatRecordAdmin(SimpleHistoryAdmin):
    """Rows seats writes: changed only through its functions, from the list's actions."""

    def has_add_permission(self, request):
        return False  # seats come from seats.enroll; places from seats.join_waitlist

    def has_delete_permission(self, request, obj=None):
        return False  # a seat is cancelled, which offers it to the next person, not deleted

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions are shown, not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return EnquiryHistoryContext(self.model, historical_record)

    def action_page(self, request, template: str, title: str, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
                **context,
            },
        )


# Enrollments


class TransferForm(forms.Form):
    to_batch = forms.ModelChoiceField(
        label="Move to",
        queryset=Batch.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the batch to move the seat to.",
            "invalid_choice": "Choose one of the batches listed.",
        },
    )

    def __init__(self, *args, course, leaving: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        # Any other batch of the course is accepted here; seats.transfer has the last word on
        # whether it can take the learner (a free seat, not cancelled or finished).
        cast(forms.ModelChoiceField, self.fields["to_batch"]).queryset = (
            Batch.objects.filter(course=course).exclude(pk__in=leaving).select_related("course")
        )


@admin.register(Enrollment)
class EnrollmentAdmin(SeatRecordAdmin):
    list_display = ["name", "email", "batch", "status", "created", "enquiry_reference"]
    list_display_links = ["name"]
    list_filter = [
        "status",
        ("batch__course", admin.RelatedOnlyFieldListFilter),
        "batch__track",
        SeatBatchFilter,
    ]
    list_select_related = ["batch__course", "enquiry"]
    search_fields = ["name", "email", "phone", "enquiry__reference", "batch__course__title"]
    ordering = ["-created_at", "-pk"]
    fields = [
        "name",
        "email",
        "phone",
        "batch",
        "status",
        "enquiry_reference",
        "created_at",
        "ended_at",
        "transferred_to",
    ]
    readonly_fields = fields
    actions = ["cancel_seats", "transfer_seats"]

    def has_change_permission(self, request, obj=None):
        # The list's actions need the change permission; one seat's page is read-only.
        return obj is None and super().has_change_permission(request)

    @admin.display(description="created", ordering="created_at")
    def created(self, enrollment):
        return when(enrollment.created_at)

    @admin.display(description="enquiry", ordering="enquiry__reference")
    def enquiry_reference(self, enrollment):
        if enrollment.enquiry is None:
            return "—"
        return enquiry_link(enrollment.enquiry_id, enrollment.enquiry.reference)

    # Cancel seat: confirmation → seats.cancel_enrollment, which offers the seat on

    @admin.action(description="Cancel seat", permissions=["change"])
    def cancel_seats(self, request, queryset):
        selected = list(queryset.select_related("batch__course"))
        to_cancel = [seat for seat in selected if seat.status == Enrollment.Status.CONFIRMED]
        if request.POST.get("post") != "yes":
            batch_ids = {seat.batch_id for seat in to_cancel}
            waiting = Batch.objects.filter(pk__in=batch_ids).in_bulk()
            return self.action_page(
                request,
                "admin/enquiries/enrollment/cancel_seats.html",
                "Cancel seats",
                selected=selected,
                rows=[(seat, waiting[seat.batch_id].waiting_count) for seat in to_cancel],
                not_confirmed=[seat for seat in selected if seat not in to_cancel],
                offer_hours=seats.offer_hours(),
            )
        started = timezone.now()
        cancelled = []
        for seat in to_cancel:
            try:
                seats.cancel_enrollment(enrollment=seat, by=request.user)
            except seats.SeatError as error:
                self.message_user(
                    request, f"{seat.name}'s seat was not cancelled: {error}", messages.ERROR
                )
            else:
                cancelled.append(seat)
        if cancelled:
            who = "; ".join(f"{seat.name} in {seat.batch}" for seat in cancelled)
            offers = offers_since(started, batch_ids={seat.batch_id for seat in cancelled})
            self.message_user(
                request,
                f"Cancelled {seats_word(len(cancelled))}: {who}. "
                + describe_offers(offers, show_people=can_see_waiting(request)),
                messages.SUCCESS,
            )
        skipped = len(selected) - len(to_cancel)
        if skipped:
            self.message_user(
                request,
                f"{seats_word(skipped)} {'was' if skipped == 1 else 'were'} not confirmed "
                "and left as they were.",
                messages.WARNING,
            )
        return None

    # Transfer: choose a batch of the same course → confirm → seats.transfer

    @admin.action(description="Transfer to another batch…", permissions=["change"])
    def transfer_seats(self, request, queryset):
        selected = list(queryset.select_related("batch__course"))
        if any(seat.status != Enrollment.Status.CONFIRMED for seat in selected):
            self.message_user(
                request,
                "Only confirmed seats can be transferred; select those only.",
                messages.ERROR,
            )
            return None
        if len({seat.batch.course_id for seat in selected}) != 1:
            self.message_user(request, "Transfer seats of one course at a time.", messages.ERROR)
            return None
        course = selected[0].batch.course
        leaving = {seat.batch_id for seat in selected}
        form = TransferForm(
            request.POST if "to_batch" in request.POST else None, course=course, leaving=leaving
        )
        if not form.is_bound or not form.is_valid():
            return self._transfer_page(request, selected, form, course=course, leaving=leaving)
        target = form.cleaned_data["to_batch"]
        if request.POST.get("post") != "yes":
            return self._transfer_page(
                request, selected, form, course=course, leaving=leaving, target=target
            )
        started = timezone.now()
        moved = []
        for seat in selected:
            try:
                seats.transfer(enrollment=seat, to_batch=target, by=request.user)
            except seats.SeatError as error:
                self.message_user(request, f"{seat.name} was not moved: {error}", messages.ERROR)
            else:
                moved.append(seat)
                self.message_user(
                    request, f"Moved {seat.name} from {seat.batch} to {target}.", messages.SUCCESS
                )
        if moved:
            offers = offers_since(started, batch_ids={seat.batch_id for seat in moved})
            self.message_user(
                request,
                describe_offers(offers, show_people=can_see_waiting(request)),
                messages.INFO,
            )
        return None

    def _transfer_page(self, request, selected, form, *, course, leaving, target=None):
        choices = (
            Batch.objects.open_for_enquiry()
            .filter(course=course)
            .exclude(pk__in=leaving)
            .with_room_for(len(selected))
            .select_related("course")
            .order_by("start_date", "track", "session_start", "pk")
        )
        sources = Batch.objects.select_related("course").in_bulk(leaving)
        return self.action_page(
            request,
            "admin/enquiries/enrollment/transfer.html",
            "Transfer seats",
            selected=selected,
            form=form,
            course=course,
            choices=[] if target else list(choices),
            chosen=str(form["to_batch"].value() or ""),
            target=target,
            sources=[sources[pk] for pk in sorted(leaving, key=lambda pk: sources[pk].start_date)],
        )


# Waiting lists


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(SeatRecordAdmin):
    """Each batch's queue: staff reorder it by editing positions in the list."""

    list_display = [
        "name",
        "batch_label",
        "position",
        "place",
        "email",
        "status",
        "offer_open_until",
        "joined",
    ]
    list_display_links = ["name"]
    list_editable = ["position"]
    list_filter = [SeatBatchFilter, "status"]
    list_select_related = ["batch__course"]
    search_fields = ["name", "email", "phone", "enquiry__reference", "batch__course__title"]
    ordering = ["batch", "position", "pk"]
    fields = [
        "name",
        "email",
        "phone",
        "batch",
        "position",
        "status",
        "offered_at",
        "offer_expires_at",
        "consent_at",
        "enquiry_reference",
        "enrollment",
        "created_at",
    ]
    # Only the position is edited, in the list or on an entry's page.
    readonly_fields = [name for name in fields if name != "position"]
    actions = ["offer_free_seats_now", "issue_new_links"]

    def get_queryset(self, request):
        # Place in line as seats.waiting_position counts it, in the list's one query.
        return super().get_queryset(request).with_position()

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        form.base_fields["position"].help_text = ""
        return form

    def save_model(self, request, obj, form, change):
        # Only the order, under the batch's lock: status and offers belong to the seat
        # service, which may have changed them since this list was loaded.
        seats.move_in_waitlist(entry=obj, position=obj.position, by=request.user)

    @admin.display(description="place in line", ordering="position")
    def place(self, entry):
        return entry.waiting_position or "—"

    @admin.display(description="batch", ordering="batch")
    def batch_label(self, entry):
        batch = entry.batch
        return f"{batch.course} · {batch.days_label} from {batch.start_date:%a %d %b %Y}"

    @admin.display(description="offer open until", ordering="offer_expires_at")
    def offer_open_until(self, entry):
        if entry.status != WaitlistEntry.Status.OFFERED:
            return "—"
        return when(entry.offer_expires_at)

    @admin.display(description="joined", ordering="created_at")
    def joined(self, entry):
        return when(entry.created_at)

    @admin.display(description="enquiry")
    def enquiry_reference(self, entry):
        if entry.enquiry_id is None:
            return "—"
        return enquiry_link(entry.enquiry_id, entry.enquiry.reference)

    @admin.action(description="Offer free seats now", permissions=["change"])
    def offer_free_seats_now(self, request, queryset):
        """Confirmation (free seats and who is next, per batch) → seats.offer_free_seats."""
        batch_ids = set(queryset.values_list("batch_id", flat=True))
        batches = list(
            Batch.objects.select_related("course")
            .filter(pk__in=batch_ids)
            .order_by("start_date", "track", "session_start", "pk")
        )
        if request.POST.get("post") != "yes":
            return self._offer_confirmation_page(request, queryset, batches)
        for batch in batches:
            offered = seats.offer_free_seats(batch=batch)
            if offered:
                names = ", ".join(entry.name for entry in offered)
                self.message_user(
                    request,
                    f"Offered {seats_word(len(offered))} in {batch} to {names}; "
                    f"each has until {when(offered[0].offer_expires_at)} to accept.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"No seat offered in {batch}: it has no free seat or nobody is waiting.",
                    messages.WARNING,
                )
        return None

    @admin.action(
        description="Email a new private link (the old one stops working)…",
        permissions=["change"],
    )
    def issue_new_links(self, request, queryset):
        """Confirmation (whose link, to which address) → seats.issue_new_place_link."""
        entries = list(queryset.select_related("batch__course"))
        return issue_new_links(
            request,
            self,
            entries,
            question=(
                f"Give {count_of(len(entries), 'place', 'places')} a new private link and "
                "email it to the learner's own address? The old link stops working at once."
            ),
            rows=[f"{entry.name} <{entry.email}> · {entry.batch}" for entry in entries],
            issue=lambda entry: seats.issue_new_place_link(entry=entry, by=request.user),
        )

    def _offer_confirmation_page(self, request, queryset, batches):
        waiting: dict[int, list[WaitlistEntry]] = {batch.pk: [] for batch in batches}
        for entry in (
            WaitlistEntry.objects.waiting()
            .filter(batch__in=batches)
            .only("batch_id", "name", "email", "position")
            .order_by("position", "pk")
        ):
            waiting[entry.batch_id].append(entry)
        rows = []
        for batch in batches:
            free = batch.seats_left
            queue = waiting[batch.pk]
            rows.append((batch, free, queue[:free] if free is not None else queue, len(queue)))
        return self.action_page(
            request,
            "admin/enquiries/waitlistentry/offer_free_seats.html",
            "Offer free seats now",
            selected=list(queryset.values_list("pk", flat=True)),
            rows=rows,
            offers_count=sum(len(next_up) for _, _, next_up, _ in rows),
            offer_hours=seats.offer_hours(),
        )


# The batch page: its seats and waiting list, and "Add a learner"


@dataclass(frozen=True, kw_only=True)
class WaitingPlace:
    place: int | None  # in line, for those still waiting
    entry: WaitlistEntry


@dataclass(frozen=True, kw_only=True)
class SeatSection:
    """What the batch page shows about seats: counts for everyone; learners' names and emails
    only to staff who may see enrollments (and, for the waiting list, waiting lists too)."""

    batch: Batch
    seats: list[Enrollment] | None
    waiting: list[WaitingPlace] | None
    enrollments_url: str
    waitlist_url: str
    add_learner_url: str | None


def seat_section(request, batch: Batch) -> SeatSection:
    """Two queries when the viewer may see learners; the counts are the batch's ledger."""
    confirmed = None
    if can_see_seats(request):
        confirmed = list(
            Enrollment.objects.confirmed()
            .filter(batch=batch)
            .select_related("enquiry")
            .order_by("created_at", "pk")
        )
    places = None
    if can_see_seats(request) and can_see_waiting(request):
        places = [
            WaitingPlace(place=entry.waiting_position, entry=entry)
            for entry in WaitlistEntry.objects.open_places()
            .filter(batch=batch)
            .with_position()
            .order_by("position", "pk")
        ]
    add_learner_url = None
    if request.user.has_perm("enquiries.add_enrollment"):
        add_learner_url = reverse("admin:courses_batch_add_learner", args=[batch.pk])
    return SeatSection(
        batch=batch,
        seats=confirmed,
        waiting=places,
        enrollments_url=reverse("admin:enquiries_enrollment_changelist")
        + f"?batch={batch.pk}&status__exact=confirmed",
        waitlist_url=reverse("admin:enquiries_waitlistentry_changelist") + f"?batch={batch.pk}",
        add_learner_url=add_learner_url,
    )


class AddLearnerForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the learner's name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="One seat per email address in a batch.",
        error_messages={
            "required": "Enter the learner's email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        help_text=f"Optional. {PHONE_HELP}",
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""
