"""Builds the working calendar from the statutory baseline, the calendar table and office hours.

The ``holidays`` package gives the statutory days off (New Year, Tết by the lunar calendar,
Hùng Kings' day, 30/4, 1/5, 2/9 and its adjacent day, with the substitutions it knows). The
``CalendarDay`` table holds what the government announces later (swapped days off, make-up
working Saturdays, extra days) and wins, date by date, wherever it says something: an
administrator can cancel a statutory day off by entering the date as a working day.

Nothing is cached across calls on purpose: the two tables are a few dozen rows, read in two
queries, so a change in admin applies to the very next deadline computed in every process
(web, worker, beat) without any invalidation protocol. Only the statutory baseline, a pure
function of the years, is memoised.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache

import holidays
from django.utils import timezone

from services.models import CalendarDay, OfficeHours
from services.sla import DEFAULT_PERIODS, WorkingCalendar

# Years of statutory holidays around today; deadlines are never further away than this.
_YEARS_BACK = 5
_YEARS_AHEAD = 3


@lru_cache(maxsize=8)
def statutory_calendar(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend working days) of the Vietnamese statutory calendar for the years."""
    vietnam = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    weekend_workdays = getattr(vietnam, "weekend_workdays", set())
    return frozenset(vietnam.keys()), frozenset(weekend_workdays)


def build_calendar(
    *,
    office_hours: list[tuple[int, object, object]],
    calendar_days: list[tuple[date, str]],
    baseline: tuple[frozenset[date], frozenset[date]] = (frozenset(), frozenset()),
) -> WorkingCalendar:
    """Combines office hours, the statutory baseline and the table (which wins per date)."""
    periods = defaultdict(list)
    for weekday, start, end in office_hours:
        periods[weekday].append((start, end))
    table_off = {day for day, kind in calendar_days if kind == CalendarDay.Kind.DAY_OFF}
    table_working = {day for day, kind in calendar_days if kind == CalendarDay.Kind.WORKING_DAY}
    baseline_off, baseline_working = baseline
    days_off = (set(baseline_off) - table_working) | table_off
    working_days = (set(baseline_working) - table_off) | table_working
    periods_by_weekday = (
        {weekday: tuple(rows) for weekday, rows in periods.items()}
        if periods
        else dict.fromkeys(range(5), DEFAULT_PERIODS)
    )
    return WorkingCalendar(
        periods_by_weekday=periods_by_weekday,
        days_off=frozenset(days_off),
        working_days=frozenset(working_days),
    )


def current_calendar(*, today: date | None = None) -> WorkingCalendar:
    """The working calendar as the database says now (two small queries)."""
    year = (today or timezone.localdate()).year
    return build_calendar(
        office_hours=list(OfficeHours.objects.values_list("weekday", "start", "end")),
        calendar_days=list(CalendarDay.objects.values_list("date", "kind")),
        baseline=statutory_calendar(year - _YEARS_BACK, year + _YEARS_AHEAD),
    )
