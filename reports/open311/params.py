"""Parameters clients send: the query of GET requests and GET servicerequestupdates, and the
numbers of POST requests. Anything a client can send is either read or refused here with a
``ParameterError`` (a 400 in the API's error format): never infinite or out-of-range numbers,
never impossible dates.

Messages stay in English, like the rest of the API's error descriptions: clients are programs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reports.public.map import BadBox, BBox

DEFAULT_WINDOW = timedelta(days=90)
MAX_WINDOW = timedelta(days=90)
DEFAULT_LIMIT = 1000
MAX_PAGE_SIZE = 1000
# Far past any real archive, and keeps the row offset well inside a 64-bit integer.
MAX_PAGE = 100_000
# A numbered page skips the records before it one by one, so its cost grows with its depth;
# deeper than this, lists continue by keyset (``after``), updates by a later start_date.
MAX_OFFSET = 10_000
# Dates outside these years are typing mistakes; they also keep window arithmetic in range.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
_W3C_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


class ParameterError(ValueError):
    pass


def parse_w3c(name: str, raw: str | None) -> datetime | None:
    """A W3C datetime ("2026-01-05T08:15:30+07:00", "…Z", or a plain date, read as local
    midnight). A time without a zone is refused: the specification requires one."""
    if not raw:
        return None
    raw = raw.strip().replace(" ", "+")  # a "+" sent unencoded arrives as a space
    if not _W3C_RE.match(raw):
        raise ParameterError(
            f"{name} must be a W3C datetime with a time zone, e.g. 2026-01-05T08:00:00+07:00"
        )
    date_only = "T" not in raw
    try:
        moment = parse_datetime(raw + "T00:00:00" if date_only else raw)
    except ValueError:  # well formed, but no such day or time ("2026-02-30")
        moment = None
    if moment is None:
        raise ParameterError(f"{name} is not a real date and time")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ParameterError(f"{name} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return timezone.make_aware(moment) if date_only else moment


def language(raw: str | None) -> str | None:
    """The portal language a ``locale`` parameter names ("vi", "en_US", "en-GB"), or None
    (not given, or a language the portal does not speak: ``Accept-Language`` decides)."""
    if not raw:
        return None
    code = raw.strip().replace("_", "-").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else None


def parse_list(raw: str | None) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


def parse_positive(name: str, raw: str | None, *, default: int, maximum: int | None = None) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:  # also digits past Python's limit for int()
        raise ParameterError(f"{name} must be a whole number") from None
    if value < 1:
        raise ParameterError(f"{name} must be at least 1")
    if maximum is not None and value > maximum:
        raise ParameterError(f"{name} may be at most {maximum}")
    return value


@dataclass
class Window:
    start: datetime | None
    end: datetime | None


def date_window(get, *, default_when_open: bool = True) -> Window:
    """start_date / end_date: at most 90 days apart; the last 90 days when neither is given."""
    start = parse_w3c("start_date", get.get("start_date"))
    end = parse_w3c("end_date", get.get("end_date"))
    if start and end:
        if end < start:
            raise ParameterError("end_date must not be before start_date")
        if end - start > MAX_WINDOW:
            raise ParameterError("start_date and end_date may not span more than 90 days")
    elif start:
        end = min(timezone.now(), start + MAX_WINDOW)
        end = max(end, start)
    elif end:
        start = end - DEFAULT_WINDOW
    elif default_when_open:
        end = timezone.now()
        start = end - DEFAULT_WINDOW
    return Window(start=start, end=end)


@dataclass
class Paging:
    """``after`` (a service_request_id, the last one of the previous page) pages by keyset, as
    the ``Link`` header of a list offers; ``page`` numbers are kept for existing clients."""

    page: int
    page_size: int
    after: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def parse_coordinate(name: str, raw: str | None, *, limit: float) -> float | None:
    """A latitude (``limit`` 90) or longitude (180) in degrees; None when not given."""
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ParameterError(f"{name} must be a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ParameterError(f"{name} must be a number between -{limit:g} and {limit:g}")
    return value


def paging(get, *, by_request_id: bool = False) -> Paging:
    """``page`` and ``page_size``; with ``by_request_id``, also ``after``."""
    after = (get.get("after") or "").strip() if by_request_id else ""
    result = Paging(
        page=parse_positive("page", get.get("page"), default=1, maximum=MAX_PAGE),
        page_size=parse_positive(
            "page_size", get.get("page_size"), default=DEFAULT_LIMIT, maximum=MAX_PAGE_SIZE
        ),
        after=after or None,
    )
    if result.after and result.page > 1:
        raise ParameterError("page and after cannot be used together")
    if result.offset > MAX_OFFSET:
        instead = "the after parameter (the Link header)" if by_request_id else "a later start_date"
        raise ParameterError(
            f"page numbers reach the first {MAX_OFFSET} records; go further with {instead}"
        )
    return result


def bbox(get) -> BBox | None:
    raw = get.get("bbox")
    if not raw:
        return None
    try:
        return BBox.parse(raw)
    except BadBox as error:
        raise ParameterError(f"bbox: {error}") from None
