"""Working-time arithmetic: the clock behind every deadline. Pure: no database access here.

A ``WorkingCalendar`` knows the office periods of each weekday, the days off that fall on
weekdays and the make-up working days that fall on weekends. ``services.calendar`` builds one
from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_PERIODS = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
INTAKE_WINDOW = timedelta(hours=2)
INTAKE_WINDOW_DAY_OFF = timedelta(hours=12)
RESPONSE_WINDOW = timedelta(hours=4)
RESPONSE_WINDOW_DAY_OFF = timedelta(hours=24)
_MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class WorkingCalendar:
    periods_by_weekday: dict[int, tuple[tuple[time, time], ...]] = field(
        default_factory=lambda: dict.fromkeys(range(5), DEFAULT_PERIODS)
    )
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    tz: ZoneInfo = LOCAL_TZ

    @property
    def working_day_length(self) -> timedelta:
        """A standard working day, used to turn "N working days" into working time."""
        lengths = [
            sum((_span(start, end) for start, end in periods), timedelta())
            for periods in self.periods_by_weekday.values()
            if periods
        ]
        return max(lengths) if lengths else timedelta(hours=8)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return bool(self.periods_by_weekday.get(day.weekday()))

    def periods(self, day: date) -> tuple[tuple[time, time], ...]:
        if not self.is_working_day(day):
            return ()
        periods = self.periods_by_weekday.get(day.weekday())
        if not periods:
            # A make-up working day on a weekend keeps a normal weekday's hours.
            periods = self.periods_by_weekday.get(0) or DEFAULT_PERIODS
        return periods

    def _intervals_from(self, start: datetime):
        """Working intervals (local aware datetimes) that end after ``start``, in order."""
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(_MAX_DAYS_SCANNED):
            for period_start, period_end in self.periods(day):
                begin = datetime.combine(day, period_start, self.tz)
                end = datetime.combine(day, period_end, self.tz)
                if end <= local:
                    continue
                yield max(begin, local), end
            day += timedelta(days=1)
        raise ValueError("no working time within ten years: check the calendar")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time has passed since ``start``."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        remaining = duration
        if remaining == timedelta(0):
            return start
        for begin, end in self._intervals_from(start):
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time elapsed from ``start`` to ``end`` (zero if end is not after start)."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        local_end = end.astimezone(self.tz)
        for begin, finish in self._intervals_from(start):
            if begin >= local_end:
                break
            total += min(finish, local_end) - begin
        return total

    def is_working_instant(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(start <= local.time() < end for start, end in self.periods(local.date()))

    def add_target(self, start: datetime, amount: int, unit: str) -> datetime:
        """``unit`` is "wd" (working days) or "wh" (working hours)."""
        if unit == "wd":
            return self.add(start, self.working_day_length * amount)
        if unit == "wh":
            return self.add(start, timedelta(hours=amount))
        raise ValueError(f"unknown target unit {unit!r}")

    def intake_deadline(self, submitted_at: datetime) -> datetime:
        """2 working hours; 12 clock hours when submitted on a day off (QĐ 17/2022/QĐ-UBND)."""
        if not self.is_working_day(submitted_at.astimezone(self.tz).date()):
            return submitted_at + INTAKE_WINDOW_DAY_OFF
        return self.add(submitted_at, INTAKE_WINDOW)

    def response_deadline(self, accepted_at: datetime) -> datetime:
        """4 working hours; 24 clock hours when accepted on a day off (same source)."""
        if not self.is_working_day(accepted_at.astimezone(self.tz).date()):
            return accepted_at + RESPONSE_WINDOW_DAY_OFF
        return self.add(accepted_at, RESPONSE_WINDOW)


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)
