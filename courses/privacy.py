"""The privacy notice's version and the consent sentences the forms show, in one place.

A consent record stores the version and the exact sentence the person ticked, so whenever the
notice (templates/courses/privacy.html) or a sentence changes in substance, bump
NOTICE_VERSION here: records made before then keep naming what their person read.
"""

import datetime as dt
from email.utils import parseaddr

from django.conf import settings

NOTICE_VERSION = "2026-12-01"
NOTICE_DATE = dt.date(2026, 12, 1)

# Beside the consent box of Enquire Now and of the one-on-one request.
ENQUIRY_CONSENT = "I agree to be contacted by email or phone about this enquiry."
# Beside the consent box of a full batch's waiting list.
WAITLIST_CONSENT = "I agree to be contacted by email or phone about a seat in this batch."
# Beside the consent box of the interest list ("tell me when a new batch is scheduled").
INTEREST_CONSENT = (
    "I agree to be emailed when a new batch of this course is scheduled, and contacted "
    "by email or phone about it."
)


def contact_email() -> str:
    """Where people send a request to see or erase their data: BATCHWISE_PRIVACY_CONTACT_EMAIL,
    else the address of DEFAULT_FROM_EMAIL."""
    configured = getattr(settings, "PRIVACY_CONTACT_EMAIL", "")
    return configured or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def lead_retention_days() -> int:
    """Days after its last activity that a lead who never became a learner is anonymised;
    0 keeps leads until someone asks."""
    return max(int(getattr(settings, "LEAD_RETENTION_DAYS", 0) or 0), 0)
