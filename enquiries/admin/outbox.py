"""Outgoing email: what we owe people and how delivery went, read-only, with "Retry now"."""

from django.contrib import admin, messages
from django.utils.text import Truncator

from .. import mail
from ..models import DigestOptOut, OutgoingEmail
from .common import count_of, enquiry_link, owner_name, when


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """What we owe people by email and how delivery went; read-only, with "Retry now"."""

    list_display = [
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt",
        "sent",
        "short_error",
        "enquiry_reference",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["enquiry"]
    search_fields = ["to", "subject", "enquiry__reference"]
    actions = ["retry_now"]
    fields = [
        "kind",
        "enquiry_reference",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "created_at",
        "message_id",
        "last_error",
        "extra_headers",
        "attached_file",
        "body_text",
    ]
    readonly_fields = [str(name) for name in fields]

    @admin.display(description="extra headers")
    def extra_headers(self, email):
        return "\n".join(f"{name}: {value}" for name, value in email.headers.items()) or "—"

    @admin.display(description="attachment")
    def attached_file(self, email):
        if not email.attachment_name:
            return "—"
        return (
            f"{email.attachment_name} ({email.attachment_type}, {len(email.attachment)} characters)"
        )

    @admin.display(description="next attempt", ordering="next_attempt_at")
    def next_attempt(self, email):
        return when(email.next_attempt_at) if email.status == OutgoingEmail.Status.PENDING else "—"

    @admin.display(description="sent", ordering="sent_at")
    def sent(self, email):
        return when(email.sent_at) if email.sent_at else "—"

    @admin.display(description="last error")
    def short_error(self, email):
        return Truncator(email.last_error).chars(80) or "—"

    @admin.display(description="enquiry", ordering="enquiry__reference")
    def enquiry_reference(self, email):
        if email.enquiry is None:
            return "—"
        return enquiry_link(email.enquiry_id, email.enquiry.reference)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # No editing a message; the list's "Retry now" needs the change permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry now", permissions=["change"])
    def retry_now(self, request, queryset):
        selected = queryset.count()  # before the retry changes what a status filter matches
        retried = mail.retry_now(queryset)
        skipped = selected - retried
        message = f"{count_of(retried, 'email', 'emails')} will be retried now."
        if skipped:
            message += f" {count_of(skipped, 'was', 'were')} already sent or being sent."
        self.message_user(request, message, messages.SUCCESS if retried else messages.INFO)


@admin.register(DigestOptOut)
class DigestOptOutAdmin(admin.ModelAdmin):
    """Who turned the follow-up digest off (its unsubscribe link); delete a row to turn it on."""

    list_display = ["staff_member", "user_email", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    readonly_fields = ["user", "created_at"]

    @admin.display(description="staff member", ordering="user__first_name")
    def staff_member(self, opt_out):
        return owner_name(opt_out.user)

    @admin.display(description="email", ordering="user__email")
    def user_email(self, opt_out):
        return opt_out.user.email

    def has_add_permission(self, request):
        return False  # only the person, through the digest's link

    def has_change_permission(self, request, obj=None):
        return False
