"""Phone numbers as the SMSC wants them: E.164 ("+84912345678"), read the way people in
Vietnam write them ("0912 345 678", "84-912-345-678", "+84912345678")."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "VN"


def is_phone_number(raw: str, *, region: str = DEFAULT_REGION) -> bool:
    """Whether ``raw`` is a real number (landline or mobile) a person could be called on."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(raw or "", region))
    except phonenumbers.NumberParseException:
        return False


def normalise_phone(raw: str, *, region: str = DEFAULT_REGION) -> str | None:
    """The E.164 form of ``raw``, or None when it is not a number a mobile could receive."""
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked_phone(e164: str) -> str:
    """What a page may show its owner: the last three digits ("+84•••••••678")."""
    if len(e164) <= 6:
        return "•" * len(e164)
    return e164[:3] + "•" * (len(e164) - 6) + e164[-3:]
