"""Phone numbers are parsed and validated with the phonenumbers library and stored in E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import timezone as phone_time_zones

from courses.time_zones import LEGACY_ZONE_NAMES

PHONE_HELP = "Include your country code, e.g. +91 98123 45678 or +44 20 7946 0958."


def normalise_phone(raw: str) -> str:
    """Return the number in E.164 (+919812345678) or raise ValidationError in plain words."""
    if any(char.isalpha() for char in raw):
        # phonenumbers reads letters as keypad digits and drops "ext.": refuse rather than
        # store a number the learner never typed.
        raise ValidationError(
            "Enter digits only, with the country code, e.g. +91 98123 45678.",
            code="invalid_phone",
        )
    try:
        number = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            "Enter your phone number with its country code, starting with +, e.g. +91 98123 45678.",
            code="invalid_phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "That doesn't look like a complete phone number for its country. "
            "Check the digits and the country code.",
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if normalise_phone(value) != value:
        raise ValidationError("Store phone numbers in E.164, e.g. +919812345678.", code="not_e164")


def display_phone(value: str) -> str:
    """E.164 shown the international way, e.g. +91 98123 45678."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_time_zone(value: str) -> str | None:
    """The one IANA zone a number's country (or area) is in, or None when it spans several."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    zones = phone_time_zones.time_zones_for_number(number)
    if len(zones) != 1 or zones[0] == phone_time_zones.UNKNOWN_TIMEZONE:
        return None
    return LEGACY_ZONE_NAMES.get(zones[0], zones[0])
