"""The contact consent read aloud to a resident whose report is entered for them, and what
the person entering reads back once it is filed."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

CONSENT_SCRIPT = _(
    "May the agency that handles your report call you on this number about it? We will send "
    "the tracking code and news of your report to this number. Your name and number are never "
    "published."
)
CODE_SCRIPT = _(
    "Your report is recorded. Your tracking code is %(code)s. We will send it to %(phone)s."
)
CODE_SCRIPT_NO_PHONE = _("Your report is recorded. Your tracking code is %(code)s.")


def consent_script(language: str) -> str:
    """The consent question in the resident's language, as it is read to them and recorded."""
    with translation.override(language):
        return str(CONSENT_SCRIPT)


def code_script(*, language: str, code: str, phone: str) -> str:
    """What to read out once the report is filed, in the resident's language. The code is
    spelled in groups so it can be written down over a telephone line."""
    with translation.override(language):
        if phone:
            return str(CODE_SCRIPT) % {"code": code, "phone": phone}
        return str(CODE_SCRIPT_NO_PHONE) % {"code": code}
