"""The enquiries app's models, one module per concept; import them from here."""

from .enquiry import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    Enquiry,
    EnquiryQuerySet,
    Note,
    RoundRobinCursor,
    StatusChange,
    new_reference,
    new_token,
)
from .interest import BatchInvitation, Interest, InterestMonth, InterestQuerySet
from .mail import OutgoingEmail
from .one_on_one import OneOnOneRequest, PlanSession, TrainingPlan, Weekday
from .reminders import DigestOptOut, FollowUpDigest, Reminder, reminder_lead
from .seats import Enrollment, EnrollmentQuerySet, WaitlistEntry, WaitlistEntryQuerySet

__all__ = [
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "BatchInvitation",
    "DigestOptOut",
    "Enquiry",
    "EnquiryQuerySet",
    "Enrollment",
    "EnrollmentQuerySet",
    "FollowUpDigest",
    "Interest",
    "InterestMonth",
    "InterestQuerySet",
    "Note",
    "OneOnOneRequest",
    "OutgoingEmail",
    "PlanSession",
    "Reminder",
    "RoundRobinCursor",
    "StatusChange",
    "TrainingPlan",
    "WaitlistEntry",
    "WaitlistEntryQuerySet",
    "Weekday",
    "new_reference",
    "new_token",
    "reminder_lead",
]
