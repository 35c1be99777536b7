"""Builds the working calendar from the database: office hours and the calendar table."""

from __future__ import annotations

from collections import defaultdict

from services.models import CalendarDay, OfficeHours
from services.sla import DEFAULT_PERIODS, WorkingCalendar


def current_calendar() -> WorkingCalendar:
    periods = defaultdict(list)
    for row in OfficeHours.objects.all():
        periods[row.weekday].append((row.start, row.end))
    days_off, working_days = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (days_off if kind == CalendarDay.Kind.DAY_OFF else working_days).add(day)
    periods_by_weekday = (
        {weekday: tuple(sorted(rows)) for weekday, rows in periods.items()}
        if periods
        else dict.fromkeys(range(5), DEFAULT_PERIODS)
    )
    return WorkingCalendar(
        periods_by_weekday=periods_by_weekday,
        days_off=frozenset(days_off),
        working_days=frozenset(working_days),
    )
