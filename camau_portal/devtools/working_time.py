"""The working calendar as arrays: deadlines for a million instants at once, for the seeder.

``services.sla.WorkingCalendar`` decides what working time is (office periods, days off, make-up
days) and how each clock's deadline follows from it; it walks the periods of one instant at a
time, a few microseconds per deadline and far too slow for a province's million reports. This
module asks that calendar once for the working periods of every day of the seeded span, lays
them end to end as a table of cumulative working time, and answers the same questions (add,
between, the intake and response deadlines, the reminder thresholds) for whole numpy arrays by
binary search in that table. Instants are int64 microseconds since the Unix epoch (UTC).

The answers equal the calendar's to the microsecond (``tests/camau_portal/devtools``
compares them on samples); the rules themselves stay in ``services.sla``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from services.sla import (
    INTAKE_WINDOW,
    INTAKE_WINDOW_DAY_OFF,
    RESPONSE_WINDOW,
    RESPONSE_WINDOW_DAY_OFF,
    WorkingCalendar,
)

MICROSECONDS_PER_DAY = 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def instant_micros(moment: datetime) -> int:
    return micros(moment - EPOCH)


def micros_instant(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(value))


def scale(durations: np.ndarray, fraction: float) -> np.ndarray:
    """``durations * fraction`` rounded as ``timedelta * float`` rounds (to the nearest
    microsecond, halves to even), so thresholds match the calendar's exactly."""
    numerator, denominator = fraction.as_integer_ratio()
    quotient, remainder = np.divmod(durations * numerator, denominator)
    twice = remainder * 2
    round_up = (twice > denominator) | ((twice == denominator) & (quotient % 2 == 1))
    return quotient + round_up


@dataclass
class WorkingTimeTable:
    """Working intervals ``[begins[i], ends[i])`` in order, with the working time before each."""

    begins: np.ndarray
    ends: np.ndarray
    worked_before: np.ndarray
    first_day: date
    working_day: np.ndarray  # by local day from first_day: whether it is a working day
    utc_offset: int  # microseconds; Vietnam has kept +07:00 since 1975
    working_day_length: int

    @classmethod
    def build(cls, calendar: WorkingCalendar, first_day: date, last_day: date) -> WorkingTimeTable:
        """The table from ``first_day`` to ``last_day`` (local dates); every instant given to
        it must lie in that span, with room after it for the longest deadline."""
        offsets = {
            calendar.tz.utcoffset(datetime.combine(day, datetime.min.time()))
            for day in (first_day, last_day)
        }
        if len(offsets) != 1:
            raise ValueError("the seeder's working-time table needs a fixed UTC offset")
        begins, ends, working = [], [], []
        day = first_day
        while day <= last_day:
            working.append(calendar.is_working_day(day))
            for start, end in calendar.periods(day):
                begins.append(instant_micros(datetime.combine(day, start, calendar.tz)))
                ends.append(instant_micros(datetime.combine(day, end, calendar.tz)))
            day += timedelta(days=1)
        begins_array = np.array(begins, dtype=np.int64)
        ends_array = np.array(ends, dtype=np.int64)
        lengths = ends_array - begins_array
        return cls(
            begins=begins_array,
            ends=ends_array,
            worked_before=np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64),
            first_day=first_day,
            working_day=np.array(working, dtype=bool),
            utc_offset=micros(offsets.pop()),
            working_day_length=micros(calendar.working_day_length),
        )

    def _check_inside(self, instants: np.ndarray) -> None:
        if instants.size and instants.max() >= self.ends[-1]:
            raise ValueError("an instant lies beyond the working-time table; build it longer")

    def worked(self, instants: np.ndarray) -> np.ndarray:
        """Working time from the table's start to each instant."""
        self._check_inside(instants)
        index = np.searchsorted(self.ends, instants, side="right")
        inside = np.clip(instants - self.begins[index], 0, None)
        return self.worked_before[index] + inside

    def add(self, starts: np.ndarray, durations: np.ndarray) -> np.ndarray:
        """``WorkingCalendar.add``: the first instant at which each duration of working time
        has passed since its start (zero duration: the start itself)."""
        target = self.worked(starts) + durations
        index = np.searchsorted(self.worked_before + (self.ends - self.begins), target, "left")
        if index.size and index.max() >= self.begins.size:
            raise ValueError("a deadline lies beyond the working-time table; build it longer")
        moved = self.begins[index] + (target - self.worked_before[index])
        return np.where(durations == 0, starts, moved)

    def between(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``WorkingCalendar.between``: working time from each start to its end."""
        return np.clip(self.worked(ends) - self.worked(starts), 0, None)

    def local_day_index(self, instants: np.ndarray) -> np.ndarray:
        first = (instant_micros(datetime.combine(self.first_day, datetime.min.time(), UTC))) - (
            self.utc_offset
        )
        return (instants - first) // MICROSECONDS_PER_DAY

    def local_midnight(self, instants: np.ndarray) -> np.ndarray:
        local = instants + self.utc_offset
        return local - local % MICROSECONDS_PER_DAY - self.utc_offset

    def is_day_off(self, instants: np.ndarray) -> np.ndarray:
        return ~self.working_day[self.local_day_index(instants)]

    def intake_deadline(self, submitted: np.ndarray) -> np.ndarray:
        """``WorkingCalendar.intake_deadline``."""
        return np.where(
            self.is_day_off(submitted),
            submitted + micros(INTAKE_WINDOW_DAY_OFF),
            self.add(submitted, np.full_like(submitted, micros(INTAKE_WINDOW))),
        )

    def response_deadline(self, accepted: np.ndarray) -> np.ndarray:
        """``WorkingCalendar.response_deadline``."""
        return np.where(
            self.is_day_off(accepted),
            accepted + micros(RESPONSE_WINDOW_DAY_OFF),
            self.add(accepted, np.full_like(accepted, micros(RESPONSE_WINDOW))),
        )

    def threshold(self, starts: np.ndarray, dues: np.ndarray, fraction: float) -> np.ndarray:
        """``WorkingCalendar.threshold_instant`` for a clock that was never paused."""
        active = self.between(starts, dues)
        by_working_time = self.add(starts, scale(active, fraction))
        by_clock_time = starts + scale(dues - starts, fraction)
        return np.where(active > 0, by_working_time, by_clock_time)
