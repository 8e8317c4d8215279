"""The public forms: Enquire Now, the waiting list, one-on-one training, the contact page;
and the scheduler's calendar filters."""

from .calendar import CalendarFilterForm
from .enquiry import ContactForm, EnquiryForm, WaitlistForm
from .one_on_one import OneOnOneForm

__all__ = ["CalendarFilterForm", "ContactForm", "EnquiryForm", "OneOnOneForm", "WaitlistForm"]
