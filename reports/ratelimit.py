"""A fixed-window rate limit on the shared cache (Redis in production), per client and action."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache

_RATE_RE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period_seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "5/10m" is five per ten minutes; "100/h" is a hundred per hour."""
        match = _RATE_RE.match(text.strip())
        if not match:
            raise ValueError(f"bad rate {text!r}")
        count, multiplier, unit = match.groups()
        return cls(int(count), int(multiplier or 1) * _UNIT_SECONDS[unit])


def consume(*, scope: str, identity: str, rate: Rate) -> bool:
    """Counts one use; False when the limit for the current window is already reached."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=rate.period_seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=rate.period_seconds)
        used = 1
    return used <= rate.limit
