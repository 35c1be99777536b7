"""Working-time arithmetic: the clock behind every deadline. Pure: no database access here.

A ``WorkingCalendar`` knows the office periods of each weekday, the days off that fall on
working weekdays (public holidays, swapped days off) and the make-up working days that fall on
weekends. ``services.calendar.current_calendar`` builds one from the database and the statutory
baseline of the ``holidays`` package.

The rules (Quyết định 17/2022/QĐ-UBND of Cà Mau, as applied here):

* **Working time** is the union of the office periods of working days, in Asia/Ho_Chi_Minh
  (default Monday to Friday 07:00-11:30 and 13:30-17:00). A make-up working Saturday keeps
  Monday's periods. Periods are half-open: 11:30 is the end of the morning, not part of it.
* **Adding** ``d`` of working time to ``t`` gives the first instant at which ``d`` of working
  time has passed since ``t``. A deadline therefore always lies inside a period or exactly at
  its end (09:30 + 2 working hours is 11:30, not 13:30); the instant just before a deadline is
  always working time. Submissions outside office hours start counting at the next period.
* **N working days** are N standard working days of working time (N x 8 h by default), not
  "the same clock time N working days later" as a calendar rule would say. The two agree for
  any start inside office hours, and the working-time form composes with pauses: a pause adds
  back exactly the working time spent waiting.
* **Intake**: 2 working hours from submission. A report submitted on a day off (a weekend that
  is not a make-up day, a holiday, a swapped day off) gets 12 clock hours instead, because the
  intake centre takes reports around the clock. A report submitted on a working day after
  hours (Friday 20:00) gets working time (Monday 09:00).
* **First response**: 4 working hours from acceptance, 24 clock hours when accepted on a day off.
* **Resolution**: the category's target from acceptance, in working days or working hours
  (the urgent target for urgent reports); paused while waiting for the reporter (the waited
  working time is added back to the deadline); extended only with a recorded reason.
* **Thresholds** for reminders (``threshold_instant``): the instant at which a fraction of a
  window's *working* time has passed (75 % reminder, 200 % escalation to leaders); 100 % is the
  deadline itself. A window with no working time at all (12 clock hours on a weekend night)
  is divided in clock time instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_PERIODS = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
DEFAULT_WORKING_DAY = timedelta(hours=8)
INTAKE_WINDOW = timedelta(hours=2)
INTAKE_WINDOW_DAY_OFF = timedelta(hours=12)
RESPONSE_WINDOW = timedelta(hours=4)
RESPONSE_WINDOW_DAY_OFF = timedelta(hours=24)
WORKING_DAYS = "wd"
WORKING_HOURS = "wh"
# A calendar with no working day for this long is misconfigured; stop rather than loop forever.
_MAX_DAYS_SCANNED = 3660

Periods = tuple[tuple[time, time], ...]


def _default_week() -> dict[int, Periods]:
    return dict.fromkeys(range(5), DEFAULT_PERIODS)


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


@dataclass(frozen=True)
class WorkingCalendar:
    """Office periods by weekday (Monday is 0) plus dated exceptions.

    ``days_off`` wins over the weekly pattern; ``working_days`` wins over both (a date in both
    is a working day: the calendar table marks make-up days explicitly).
    """

    periods_by_weekday: Mapping[int, Periods] = field(default_factory=_default_week)
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    tz: ZoneInfo = LOCAL_TZ

    def __post_init__(self):
        normalised = {}
        for weekday, periods in self.periods_by_weekday.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday} is not 0-6")
            ordered = tuple(sorted(periods))
            for start, end in ordered:
                if end <= start:
                    raise ValueError(f"office period {start}-{end} ends before it starts")
            for (_, previous_end), (next_start, _) in zip(ordered, ordered[1:], strict=False):
                if next_start < previous_end:
                    raise ValueError("office periods of one weekday overlap")
            if ordered:
                normalised[weekday] = ordered
        object.__setattr__(self, "periods_by_weekday", normalised)

    # --- days -----------------------------------------------------------------------------

    @property
    def working_day_length(self) -> timedelta:
        """A standard working day, used to turn "N working days" into working time."""
        lengths = [
            sum((_span(start, end) for start, end in periods), timedelta())
            for periods in self.periods_by_weekday.values()
        ]
        return max(lengths) if lengths else DEFAULT_WORKING_DAY

    @property
    def _makeup_periods(self) -> Periods:
        # A make-up working day on a weekend keeps a normal weekday's hours (Monday's, or the
        # first weekday that has any).
        for weekday in range(7):
            if self.periods_by_weekday.get(weekday):
                return self.periods_by_weekday[weekday]
        return DEFAULT_PERIODS

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return bool(self.periods_by_weekday.get(day.weekday()))

    def is_day_off_at(self, moment: datetime) -> bool:
        """Whether ``moment`` falls on a day off, by its local date (for the clock-hour rules)."""
        _require_aware(moment, "moment")
        return not self.is_working_day(moment.astimezone(self.tz).date())

    def periods(self, day: date) -> Periods:
        if not self.is_working_day(day):
            return ()
        return self.periods_by_weekday.get(day.weekday()) or self._makeup_periods

    def _intervals_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (local aware datetimes) that end after ``start``, in order; the
        first one is clipped to begin at ``start``."""
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

    # --- instants and durations -----------------------------------------------------------

    def is_working_instant(self, moment: datetime) -> bool:
        """Whether the office is open at ``moment`` (periods are half-open)."""
        _require_aware(moment, "moment")
        local = moment.astimezone(self.tz)
        clock = local.time()
        return any(start <= clock < end for start, end in self.periods(local.date()))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The first instant at which ``duration`` of working time has passed since ``start``.

        Zero duration returns ``start`` itself, working or not.
        """
        _require_aware(start, "start")
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if duration == timedelta(0):
            return start
        remaining = duration
        for begin, end in self._intervals_from(start):
            available = end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        raise AssertionError("unreachable: _intervals_from never ends without raising")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time elapsed from ``start`` to ``end`` (zero if end is not after start)."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        local_end = end.astimezone(self.tz)
        for begin, finish in self._intervals_from(start):
            if begin >= local_end:
                break
            total += min(finish, local_end) - begin
        return total

    def target_duration(self, amount: int, unit: str) -> timedelta:
        """A category target as working time: "wd" working days or "wh" working hours."""
        if amount < 0:
            raise ValueError("a target must not be negative")
        if unit == WORKING_DAYS:
            return self.working_day_length * amount
        if unit == WORKING_HOURS:
            return timedelta(hours=amount)
        raise ValueError(f"unknown target unit {unit!r}")

    def add_target(self, start: datetime, amount: int, unit: str) -> datetime:
        """``unit`` is "wd" (working days) or "wh" (working hours)."""
        return self.add(start, self.target_duration(amount, unit))

    # --- the three clocks -----------------------------------------------------------------

    def intake_deadline(self, submitted_at: datetime) -> datetime:
        """2 working hours; 12 clock hours when submitted on a day off (QĐ 17/2022/QĐ-UBND)."""
        if self.is_day_off_at(submitted_at):
            return submitted_at + INTAKE_WINDOW_DAY_OFF
        return self.add(submitted_at, INTAKE_WINDOW)

    def response_deadline(self, accepted_at: datetime) -> datetime:
        """4 working hours; 24 clock hours when accepted on a day off (same source)."""
        if self.is_day_off_at(accepted_at):
            return accepted_at + RESPONSE_WINDOW_DAY_OFF
        return self.add(accepted_at, RESPONSE_WINDOW)

    def threshold_instant(
        self,
        start: datetime,
        due: datetime,
        fraction: float,
        *,
        paused: timedelta = timedelta(0),
    ) -> datetime:
        """When ``fraction`` of the window from ``start`` to ``due`` has been used.

        ``paused`` is working time inside the window that did not count (waiting for the
        reporter); it is assumed to lie before the threshold, which is exact for every
        threshold not yet reached when the pause began (those already reached were acted on).
        1.0 is ``due`` itself; fractions above 1 reach beyond it (2.0 is twice the window).
        """
        if fraction < 0:
            raise ValueError("fraction must not be negative")
        if fraction == 1:
            return due
        active = self.between(start, due) - paused
        if active > timedelta(0):
            return self.add(start, active * fraction + paused)
        # A window with no working time (clock hours on a day off) divides in clock time.
        return start + (due - start) * fraction
