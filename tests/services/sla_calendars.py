"""Working calendars for clock tests, built without the database from the real 2025-2026 data."""

import csv
from datetime import date, datetime

from services.calendar import build_calendar, statutory_calendar
from services.reference_data import DATA_DIR, DEFAULT_OFFICE_HOURS
from services.sla import LOCAL_TZ, WorkingCalendar

OFFICE_HOURS = [
    (weekday, start, end) for weekday in range(5) for start, end in DEFAULT_OFFICE_HOURS
]


def announced_days() -> list[tuple[date, str]]:
    with open(DATA_DIR / "holidays_vn.csv", encoding="utf-8", newline="") as handle:
        return [(date.fromisoformat(row["date"]), row["kind"]) for row in csv.DictReader(handle)]


def camau_calendar() -> WorkingCalendar:
    """The statutory baseline plus the announced 2025-2026 swaps, default office hours."""
    return build_calendar(
        office_hours=OFFICE_HOURS,
        calendar_days=announced_days(),
        baseline=statutory_calendar(2024, 2027),
    )


def statutory_only_calendar() -> WorkingCalendar:
    return build_calendar(
        office_hours=OFFICE_HOURS, calendar_days=[], baseline=statutory_calendar(2024, 2027)
    )


def local(year, month, day, hour=0, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)
