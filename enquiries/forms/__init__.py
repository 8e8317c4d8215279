"""The public forms: Enquire Now, the waiting list, one-on-one training, the contact page,
the interest list; the scheduler's calendar filters, and the lead staff record in the admin."""

from .calendar import CalendarFilterForm
from .enquiry import ContactForm, EnquiryForm, WaitlistForm
from .interest import InterestForm
from .lead import LeadForm
from .one_on_one import OneOnOneForm

__all__ = [
    "CalendarFilterForm",
    "ContactForm",
    "EnquiryForm",
    "InterestForm",
    "LeadForm",
    "OneOnOneForm",
    "WaitlistForm",
]
