"""The public forms: Enquire Now, the waiting list, one-on-one training."""

from .enquiry import EnquiryForm, WaitlistForm
from .one_on_one import OneOnOneForm

__all__ = ["EnquiryForm", "OneOnOneForm", "WaitlistForm"]
