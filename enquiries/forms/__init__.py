"""The public forms: Enquire Now, the waiting list, one-on-one training, the contact page,
the interest list; and the scheduler's calendar filters."""

from .calendar import CalendarFilterForm
from .enquiry import ContactForm, EnquiryForm, WaitlistForm
from .interest import InterestForm
from .one_on_one import OneOnOneForm

__all__ = [
    "CalendarFilterForm",
    "ContactForm",
    "EnquiryForm",
    "InterestForm",
    "OneOnOneForm",
    "WaitlistForm",
]
