"""Tracking codes: short, unguessable, and easy to read aloud over the phone.

Eight symbols from Crockford's base-32 alphabet (no I, L, O or U) give 2^40 codes; grouped as
``CM-XXXX-XXXX``. Input is normalised so that "cm 4k7p x9qd", "CM4K7PX9QD" and a misheard "O"
for "0" all find the same report.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "CM"
CODE_PATTERN = r"CM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"
_CODE_RE = re.compile(rf"^{CODE_PATTERN}$")
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_tracking_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{symbols[:4]}-{symbols[4:]}"


def normalise_tracking_code(raw: str) -> str | None:
    """The canonical code for what a person typed, or None if it cannot be one."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != 8:
        return None
    code = f"{PREFIX}-{cleaned[:4]}-{cleaned[4:]}"
    return code if _CODE_RE.match(code) else None
