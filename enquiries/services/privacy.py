"""A person's data: everything kept about one email address, as a file (`export_person`) or
anonymised where it lies (`erase_person`), and the retention period of leads who never became
learners (`anonymise_old_leads`).

Erasure anonymises rather than deletes: every row stays, with its status, dates, course and
batch, so the dashboard's counts and the seat ledger stay right, but nothing in it leads back to
the person. Their name, email address, phone number and message, staff's notes, the emails we
sent about them, the change history of those rows (django-simple-history) and the admin's log
are all rewritten; private links stop working. An open waiting-list place ends, as if the person
had left (its seat passes to the next person); a confirmed seat stays as the record of a
training, under the placeholder name.

Deleting an enquiry in the admin leaves its history and emails behind: for a data request, erase.
"""

import datetime as dt
import json
import logging
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from courses import privacy
from courses.history import record_change

from ..models import (
    BatchInvitation,
    Enquiry,
    Enrollment,
    Interest,
    InterestMonth,
    Note,
    OneOnOneRequest,
    OutgoingEmail,
    PlanSession,
    StatusChange,
    TrainingPlan,
    WaitlistEntry,
    new_token,
)
from . import seats

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased person"
ERASED_TEXT = "(erased)"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never a real mailbox
ERASED_ON_REQUEST = "Erased on request"
RETENTION_ENDED = "Anonymised: retention period ended"
# Free text about the visit that could quote the person (the page URLs may carry what they
# typed); utm source, medium and campaign name a campaign, not a person, and stay.
VISIT_FIELDS = ("came_from", "landing_page", "referrer", "utm_term", "utm_content")

HistoricalEnquiry = Enquiry.history.model
HistoricalEnrollment = Enrollment.history.model
HistoricalWaitlistEntry = WaitlistEntry.history.model
HistoricalTrainingPlan = TrainingPlan.history.model


class PrivacyError(Exception):
    """A data request cannot be carried out as asked; the message is shown to staff."""


@dataclass(frozen=True, kw_only=True)
class PersonRecords:
    """The ids of every row about one person, live or only in the history."""

    email: str
    enquiries: frozenset[int]
    enrollments: frozenset[int]
    waitlist_entries: frozenset[int]
    requests: frozenset[int]
    plans: frozenset[int]
    emails: frozenset[int]

    def counts(self) -> dict[str, int]:
        """How many rows of each kind: what a confirmation page or a log line may show."""
        return {
            "enquiries": len(self.enquiries),
            "notes": Note.objects.filter(enquiry__in=self.enquiries).count(),
            "seats": len(self.enrollments),
            "waiting_list_places": len(self.waitlist_entries),
            "one_on_one_requests": len(self.requests),
            "training_plans": len(self.plans),
            "emails": len(self.emails),
            "history_rows": sum(query.count() for query in self.history().values()),
            "admin_log_entries": self.admin_log().count(),
        }

    @property
    def is_empty(self) -> bool:
        return not (self.enquiries or self.enrollments or self.waitlist_entries or self.emails)

    def history(self) -> dict[str, models.QuerySet]:
        return {
            "enquiries": HistoricalEnquiry.objects.filter(id__in=self.enquiries),
            "seats": HistoricalEnrollment.objects.filter(id__in=self.enrollments),
            "waiting_list_places": HistoricalWaitlistEntry.objects.filter(
                id__in=self.waitlist_entries
            ),
            "training_plans": HistoricalTrainingPlan.objects.filter(id__in=self.plans),
        }

    def admin_log(self) -> models.QuerySet[LogEntry]:
        """The admin's log of changes to these rows; for a person's request, also any entry
        naming their address."""
        about = Q(pk__in=[])
        for model, ids in self._objects().items():
            if ids:
                content_type = ContentType.objects.get_for_model(model)
                about |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
        if self.email:
            about |= Q(object_repr__icontains=self.email) | Q(change_message__icontains=self.email)
        return LogEntry.objects.filter(about)

    def _objects(self) -> dict[type[models.Model], frozenset[int]]:
        return {
            Enquiry: self.enquiries,
            Enrollment: self.enrollments,
            WaitlistEntry: self.waitlist_entries,
            OneOnOneRequest: self.requests,
            TrainingPlan: self.plans,
            OutgoingEmail: self.emails,
        }


def _ids(query: models.QuerySet, field: str = "pk") -> set[int]:
    return set(query.values_list(field, flat=True))


def find_person(*, email: str) -> PersonRecords:
    """Every row about the person with this email address (in any letter case): their
    enquiries, seats and waiting-list places, also those deleted since but still in the
    history, and what hangs off them."""
    email = email.strip()
    if "@" not in email:
        raise PrivacyError("Give the person's email address.")
    enquiries = _ids(Enquiry.objects.filter(email__iexact=email)) | _ids(
        HistoricalEnquiry.objects.filter(email__iexact=email), "id"
    )
    theirs = Q(email__iexact=email) | Q(enquiry_id__in=enquiries)
    enrollments = _ids(Enrollment.objects.filter(theirs)) | _ids(
        HistoricalEnrollment.objects.filter(theirs), "id"
    )
    waitlist_entries = _ids(WaitlistEntry.objects.filter(theirs)) | _ids(
        HistoricalWaitlistEntry.objects.filter(theirs), "id"
    )
    return _records(
        email=email,
        enquiries=enquiries,
        enrollments=enrollments,
        waitlist_entries=waitlist_entries,
        emails=Q(to__iexact=email) | Q(body_text__icontains=email),
    )


def _records(
    *,
    email: str,
    enquiries: set[int],
    enrollments: set[int],
    waitlist_entries: set[int],
    emails: Q | None = None,
) -> PersonRecords:
    requests = _ids(OneOnOneRequest.objects.filter(enquiry_id__in=enquiries))
    plans = _ids(TrainingPlan.objects.filter(request_id__in=requests)) | _ids(
        HistoricalTrainingPlan.objects.filter(request_id__in=requests), "id"
    )
    about = Q(enquiry_id__in=enquiries) | (emails or Q(pk__in=[]))
    return PersonRecords(
        email=email,
        enquiries=frozenset(enquiries),
        enrollments=frozenset(enrollments),
        waitlist_entries=frozenset(waitlist_entries),
        requests=frozenset(requests),
        plans=frozenset(plans),
        emails=frozenset(_ids(OutgoingEmail.objects.filter(about))),
    )


# Export


def _rows(query: models.QuerySet) -> list[dict[str, Any]]:
    """Each row as {"model", "pk", "fields"}; private-link tokens are credentials, not data
    about the person, and are left out."""
    rows = serializers.serialize("python", query.order_by("pk"))
    for row in rows:
        for secret in ("token", "submission_token"):
            row["fields"].pop(secret, None)
    return rows


def export_person(*, email: str) -> dict[str, Any]:
    """Everything kept about the person with this email address, as JSON-ready data."""
    records = find_person(email=email)
    history = {
        name: _rows(query.order_by("history_date")) for name, query in records.history().items()
    }
    return {
        "email": records.email,
        "exported_at": timezone.now(),
        "privacy_notice_version": privacy.NOTICE_VERSION,
        "enquiries": _rows(Enquiry.objects.filter(pk__in=records.enquiries)),
        "notes": _rows(Note.objects.filter(enquiry__in=records.enquiries)),
        "status_changes": _rows(StatusChange.objects.filter(enquiry__in=records.enquiries)),
        "seats": _rows(Enrollment.objects.filter(pk__in=records.enrollments)),
        "waiting_list_places": _rows(WaitlistEntry.objects.filter(pk__in=records.waitlist_entries)),
        "one_on_one_requests": _rows(OneOnOneRequest.objects.filter(pk__in=records.requests)),
        "training_plans": _rows(TrainingPlan.objects.filter(pk__in=records.plans)),
        "plan_sessions": _rows(PlanSession.objects.filter(plan__in=records.plans)),
        "interest_list": _rows(Interest.objects.filter(enquiry__in=records.enquiries)),
        "interest_months": _rows(
            InterestMonth.objects.filter(interest__enquiry__in=records.enquiries)
        ),
        "batch_invitations": _rows(BatchInvitation.objects.filter(enquiry__in=records.enquiries)),
        "emails": _rows(OutgoingEmail.objects.filter(pk__in=records.emails)),
        "history": history,
        "admin_log": _rows(records.admin_log()),
    }


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# Erasure


def erase_person(*, email: str, by: User | None = None) -> dict[str, int]:
    """Anonymise every row about the person with this email address, in one transaction;
    returns how many rows of each kind were erased (no personal data, fit for a log)."""
    with transaction.atomic():
        records = find_person(email=email)
        if records.is_empty:
            raise PrivacyError("Nothing is kept about this email address.")
        counts = records.counts()
        _erase(records, by=by, reason=ERASED_ON_REQUEST)
        counts["sessions"] = _end_sessions(records.email)
    logger.info("Erased a person's data on request: %s", counts)
    return counts


def _placeholder_email(prefix: str) -> Concat:
    """Unique per row, as the seat and waiting-list constraints need: erased-seat-12@…"""
    return Concat(
        Value(f"erased-{prefix}-"),
        Cast("id", output_field=CharField()),
        Value(f"@{ERASED_DOMAIN}"),
        output_field=CharField(),
    )


def _identifiers(records: PersonRecords) -> set[str]:
    """The person's email addresses, names and phone numbers as every row and every past
    version of those rows spelled them, lower-cased, to find them quoted elsewhere."""
    found = {records.email.lower()} if records.email else set()
    history = records.history()
    for query in (
        Enquiry.objects.filter(pk__in=records.enquiries),
        Enrollment.objects.filter(pk__in=records.enrollments),
        WaitlistEntry.objects.filter(pk__in=records.waitlist_entries),
        history["enquiries"],
        history["seats"],
        history["waiting_list_places"],
    ):
        for values in query.values_list("name", "email", "phone"):
            found |= {value.lower() for value in values if len(value) >= 3}
    return found - {ERASED_NAME.lower()}


def _quotes(text: str | None, identifiers: set[str]) -> bool:
    lowered = (text or "").lower()
    return any(identifier in lowered for identifier in identifiers)


def _erase(records: PersonRecords, *, by: User | None, reason: str) -> None:
    """Within a transaction: anonymise the rows, their history, emails and admin log."""
    identifiers = _identifiers(records)
    now = timezone.now()
    # An open place would be offered a seat no one can take: it ends as if the person left.
    for token in (
        WaitlistEntry.objects.open_places()
        .filter(pk__in=records.waitlist_entries)
        .values_list("token", flat=True)
    ):
        seats.leave_waitlist(token=token)

    person = {"name": ERASED_NAME, "phone": ""}
    for enquiry in Enquiry.objects.filter(pk__in=records.enquiries, erased_at__isnull=True):
        for field, value in (person | dict.fromkeys(VISIT_FIELDS, "") | {"message": ""}).items():
            setattr(enquiry, field, value)
        enquiry.email = f"erased-enquiry-{enquiry.pk}@{ERASED_DOMAIN}"
        enquiry.erased_at = now
        record_change(enquiry, by=by, reason=reason)  # the history says when, not whom
        enquiry.save(update_fields=[*person, "email", "message", *VISIT_FIELDS, "erased_at"])
    history = records.history()
    history["enquiries"].update(
        **person,
        email=_placeholder_email("enquiry"),
        message="",
        **dict.fromkeys(VISIT_FIELDS, ""),
    )
    Note.objects.filter(enquiry__in=records.enquiries).update(text=ERASED_TEXT)

    Enrollment.objects.filter(pk__in=records.enrollments).update(
        **person, email=_placeholder_email("seat")
    )
    history["seats"].update(**person, email=_placeholder_email("seat"))
    WaitlistEntry.objects.filter(pk__in=records.waitlist_entries).update(
        **person, email=_placeholder_email("place")
    )
    history["waiting_list_places"].update(**person, email=_placeholder_email("place"))
    # New private links: the old ones, in the person's mailbox, stop working.
    for model, ids in ((WaitlistEntry, records.waitlist_entries), (TrainingPlan, records.plans)):
        for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(token=new_token())
    # Off the interest list, and its unsubscribe link stops working too.
    for interest in Interest.objects.filter(enquiry__in=records.enquiries):
        Interest.objects.filter(pk=interest.pk).update(
            token=new_token(), unsubscribed_at=interest.unsubscribed_at or now
        )
    for query in history.values():
        for row in query.exclude(history_change_reason__isnull=True).exclude(
            history_change_reason=""
        ):
            if _quotes(row.history_change_reason, identifiers):
                type(row).objects.filter(pk=row.pk).update(history_change_reason=reason)

    _erase_emails(records, identifiers=identifiers)
    _erase_admin_log(records)


def _erase_emails(records: PersonRecords, *, identifiers: set[str]) -> None:
    """Subjects and bodies go; an address stays only if it is not the person's (a member of
    staff told about their enquiry). One not sent yet never will be."""
    for email in OutgoingEmail.objects.filter(pk__in=records.emails):
        email.subject = ERASED_TEXT
        email.body_text = email.body_html = email.last_error = ""
        if email.to.lower() in identifiers:
            email.to = f"erased-email-{email.pk}@{ERASED_DOMAIN}"
        if email.status in (OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING):
            email.status = OutgoingEmail.Status.FAILED
            email.last_error = "Not sent: erased on request."
        email.save(
            update_fields=["subject", "body_text", "body_html", "last_error", "to", "status"]
        )


def _erase_admin_log(records: PersonRecords) -> None:
    """Keep who changed what and when; drop the object's description and the quoted text
    (a note added inline is quoted in the change message)."""
    for entry in records.admin_log():
        entry.object_repr = ERASED_TEXT
        entry.change_message = _scrubbed_change_message(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])


def _scrubbed_change_message(message: str) -> str:
    try:
        changes = json.loads(message or "[]")
    except ValueError:
        return ""
    if not isinstance(changes, list):
        return ""
    for change in changes:
        for detail in change.values() if isinstance(change, dict) else []:
            if isinstance(detail, dict) and "object" in detail:
                detail["object"] = ERASED_TEXT
    return json.dumps(changes)


def _end_sessions(email: str) -> int:
    """Visitor sessions that still hold the address (the page after joining a waiting list
    shows where the link went) are ended. Only sessions kept in the database can be read."""
    if "db" not in settings.SESSION_ENGINE:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    needle = email.lower()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        decoded = json.dumps(session.get_decoded(), cls=DjangoJSONEncoder).lower()
        if needle in decoded:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


# Retention


def stale_leads(*, days: int, now: dt.datetime | None = None) -> models.QuerySet[Enquiry]:
    """Enquiries not yet erased, made and last touched (saved, noted or emailed about) more than
    `days` days ago, from a person who never became a learner: no seat under their address,
    no enquiry of theirs ever enrolled or given a training plan, no open waiting-list place."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    same_person = Enquiry.objects.filter(email__iexact=OuterRef("email"))
    became_learner = same_person.filter(
        Q(status=Enquiry.Status.ENROLLED)
        | Q(status_changes__to_status=Enquiry.Status.ENROLLED)
        | Q(one_on_one_request__plan__isnull=False)
    )
    return (
        Enquiry.objects.filter(erased_at__isnull=True, created_at__lt=cutoff, updated_at__lt=cutoff)
        .exclude(Exists(became_learner))
        .exclude(Exists(Enrollment.objects.filter(email__iexact=OuterRef("email"))))
        .exclude(Exists(Enrollment.objects.filter(enquiry=OuterRef("pk"))))
        .exclude(Exists(WaitlistEntry.objects.open_places().filter(enquiry=OuterRef("pk"))))
        .exclude(Exists(Note.objects.filter(enquiry=OuterRef("pk"), created_at__gte=cutoff)))
        .exclude(
            Exists(OutgoingEmail.objects.filter(enquiry=OuterRef("pk"), created_at__gte=cutoff))
        )
    )


def anonymise_old_leads(*, days: int, now: dt.datetime | None = None) -> int:
    """Anonymise every stale lead (see `stale_leads`), as `erase_person` would, in one
    transaction; returns how many enquiries were anonymised."""
    if days <= 0:
        raise PrivacyError("The retention period must be at least one day.")
    with transaction.atomic():
        enquiries = _ids(stale_leads(days=days, now=now))
        if not enquiries:
            return 0
        theirs = Q(enquiry_id__in=enquiries)
        records = _records(
            email="",
            enquiries=enquiries,
            enrollments=set(),
            waitlist_entries=_ids(WaitlistEntry.objects.filter(theirs))
            | _ids(HistoricalWaitlistEntry.objects.filter(theirs), "id"),
        )
        _erase(records, by=None, reason=RETENTION_ENDED)
    logger.info("Anonymised %s leads past the retention period of %s days", len(enquiries), days)
    return len(enquiries)
