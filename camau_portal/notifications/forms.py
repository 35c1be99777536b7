"""The phone number field every form that takes one uses, so that a number the form accepts is
one the SMS channel can read (``phone``), and a resident told "we text you" can be texted."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from camau_portal.notifications.phone import is_phone_number, normalise_phone


class PhoneNumberField(forms.CharField):
    """A phone number as people in Vietnam write it ("0912 345 678", "+84 912 345 678"), kept as
    typed with its spaces tidied; refused when it is no number at all."""

    default_error_messages = {
        "invalid": _("Enter a phone number, such as 0912 345 678."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = " ".join(super().to_python(value).split())
        if value and not is_phone_number(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def texting_phone_error(phone: str):
    """The error for a form that will reach a person by text at ``phone`` alone: a landline or a
    number no mobile network serves would leave them without news."""
    if phone and normalise_phone(phone) is None:
        return forms.ValidationError(
            _("Text messages cannot reach this number: give a mobile number or an email."),
            code="not_mobile",
        )
    return None
