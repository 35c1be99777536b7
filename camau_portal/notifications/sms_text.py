"""The text an SMS carries and what it costs: GSM 03.38 when it fits, UCS-2 otherwise.

Vietnamese needs UCS-2 with its diacritics (70 characters a segment, 67 when split), but reads
well enough without them in GSM 7-bit (160, 153 when split), which is also what carriers'
brand-name routes price lowest. A text goes without diacritics when that keeps it to one GSM
segment; a longer one keeps them, since it costs several segments either way and the reader
then gets proper Vietnamese.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from smpplib import consts
from smpplib.gsm import gsm_encode

GSM_SINGLE = 160
GSM_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

GSM7 = consts.SMPP_ENCODING_DEFAULT
UCS2 = consts.SMPP_ENCODING_ISO10646

# Letters NFD does not take apart.
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class SmsText:
    text: str
    data_coding: int  # SMPP data_coding: GSM7 or UCS2
    segments: int

    @property
    def encoding_name(self) -> str:
        return "GSM-7" if self.data_coding == GSM7 else "UCS-2"


def without_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_UNDECOMPOSABLE))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def gsm_septets(text: str) -> int | None:
    """How many GSM 7-bit septets ``text`` takes (escaped characters count two), or None
    when it has a character outside the GSM alphabet."""
    try:
        return len(gsm_encode(text))
    except UnicodeError:
        return None


def ucs2_units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


def segments_for(text: str) -> SmsText:
    """``text`` as it would go, unchanged: its encoding and number of segments."""
    septets = gsm_septets(text)
    if septets is not None:
        count = 1 if septets <= GSM_SINGLE else math.ceil(septets / GSM_PART)
        return SmsText(text, GSM7, count)
    units = ucs2_units(text)
    count = 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_PART)
    return SmsText(text, UCS2, count)


def sms_text(text: str) -> SmsText:
    """The form ``text`` goes in: without diacritics when that fits one GSM-7 segment, else
    as written (UCS-2 when it has Vietnamese letters, in as many segments as it takes)."""
    text = " ".join(text.split())
    plain = segments_for(without_diacritics(text))
    if plain.data_coding == GSM7 and plain.segments == 1:
        return plain
    return segments_for(text)
