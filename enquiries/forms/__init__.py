"""The public forms: Enquire Now, the waiting list, one-on-one training, the contact page."""

from .enquiry import ContactForm, EnquiryForm, WaitlistForm
from .one_on_one import OneOnOneForm

__all__ = ["ContactForm", "EnquiryForm", "OneOnOneForm", "WaitlistForm"]
