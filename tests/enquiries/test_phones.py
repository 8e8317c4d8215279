"""Phone numbers: parsed with their country code, stored in E.164, shown the international way."""

import pytest
from django.core.exceptions import ValidationError

from enquiries.phones import display_phone, normalise_phone, validate_e164

NEEDS_COUNTRY_CODE = (
    "Enter your phone number with its country code, starting with +, e.g. +91 98123 45678."
)
DIGITS_ONLY = "Enter digits only, with the country code, e.g. +91 98123 45678."
INCOMPLETE_FOR_COUNTRY = (
    "That doesn't look like a complete phone number for its country. "
    "Check the digits and the country code."
)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        pytest.param("+91 98123 45678", "+919812345678", id="india-mobile"),
        pytest.param("+91-98123-45678", "+919812345678", id="india-with-dashes"),
        pytest.param("  +91 98123 45678 ", "+919812345678", id="india-surrounding-spaces"),
        pytest.param("+44 20 7946 0958", "+442079460958", id="uk-london-landline"),
        pytest.param("+1 (201) 555-0123", "+12015550123", id="us-with-brackets"),
        pytest.param("+1 212 555 0100", "+12125550100", id="us-new-york"),
    ],
)
def test_normalise_phone_returns_e164_for_numbers_with_a_country_code(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param("98123 45678", NEEDS_COUNTRY_CODE, id="no-plus-no-country-code"),
        pytest.param("0044 20 7946 0958", NEEDS_COUNTRY_CODE, id="00-prefix-instead-of-plus"),
        pytest.param("call me", DIGITS_ONLY, id="words"),
        pytest.param("+44 phone", DIGITS_ONLY, id="country-code-then-letters"),
        pytest.param("", NEEDS_COUNTRY_CODE, id="empty"),
        pytest.param("+1", NEEDS_COUNTRY_CODE, id="country-code-only"),
        pytest.param("+44 123", INCOMPLETE_FOR_COUNTRY, id="uk-too-short"),
        pytest.param("+91 98123", INCOMPLETE_FOR_COUNTRY, id="india-too-short"),
        pytest.param("+1 201 555 01", INCOMPLETE_FOR_COUNTRY, id="us-too-short"),
        pytest.param("+91 98123 45678 9012", INCOMPLETE_FOR_COUNTRY, id="india-too-long"),
    ],
)
def test_normalise_phone_rejects_what_is_not_a_complete_international_number(typed, message):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(typed)

    assert caught.value.code == "invalid_phone"
    assert caught.value.messages == [message]


def test_normalise_phone_rejects_letters_mixed_into_the_digits():
    with pytest.raises(ValidationError):
        normalise_phone("+44 20 79AB CDEF")


def test_validate_e164_accepts_a_number_already_in_e164():
    validate_e164("+919812345678")


@pytest.mark.parametrize(
    ("stored", "code"),
    [
        pytest.param("+44 20 7946 0958", "not_e164", id="formatted-with-spaces"),
        pytest.param("+91-98123-45678", "not_e164", id="formatted-with-dashes"),
        pytest.param("9812345678", "invalid_phone", id="no-country-code"),
    ],
)
def test_validate_e164_rejects_anything_but_e164(stored, code):
    with pytest.raises(ValidationError) as caught:
        validate_e164(stored)

    assert caught.value.code == code


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        pytest.param("+919812345678", "+91 98123 45678", id="india"),
        pytest.param("+442079460958", "+44 20 7946 0958", id="uk"),
        pytest.param("+12015550123", "+1 201-555-0123", id="us"),
    ],
)
def test_display_phone_shows_e164_the_international_way(stored, shown):
    assert display_phone(stored) == shown


def test_display_phone_shows_an_unparseable_value_unchanged():
    assert display_phone("ask at reception") == "ask at reception"
