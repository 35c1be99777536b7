"""The seeder's working-time table answers what ``services.sla.WorkingCalendar`` answers, to the
microsecond, for instants all over 2025-2026 (Tết, swapped days off, make-up Saturdays) and on
the edges of office periods."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from camau_portal.devtools.working_time import (
    WorkingTimeTable,
    instant_micros,
    micros,
    micros_instant,
)
from services.sla import WORKING_DAYS, WORKING_HOURS
from tests.services.sla_calendars import camau_calendar, local

CALENDAR = camau_calendar()


@pytest.fixture(scope="module")
def table():
    return WorkingTimeTable.build(CALENDAR, date(2024, 12, 1), date(2027, 6, 30))


def sample_instants(count: int = 1500) -> list:
    rng = random.Random(17)
    start = local(2025, 1, 1)
    moments = [
        start + timedelta(seconds=rng.uniform(0, 730 * 86_400), microseconds=rng.randrange(10**6))
        for _ in range(count)
    ]
    # The edges: the start and end of each office period, and just before them, over Tết.
    for day in range(25, 40):
        for hour, minute in ((7, 0), (11, 30), (13, 30), (17, 0)):
            edge = local(2025, 1, 1, hour, minute) + timedelta(days=day)
            moments += [edge, edge - timedelta(microseconds=1)]
    return moments


MOMENTS = sample_instants()


def as_array(moments) -> np.ndarray:
    return np.array([instant_micros(moment) for moment in moments], dtype=np.int64)


def as_moments(values: np.ndarray) -> list:
    return [micros_instant(value) for value in values]


def test_intake_and_response_deadlines_equal_the_calendar(table):
    instants = as_array(MOMENTS)
    assert as_moments(table.intake_deadline(instants)) == [
        CALENDAR.intake_deadline(moment) for moment in MOMENTS
    ]
    assert as_moments(table.response_deadline(instants)) == [
        CALENDAR.response_deadline(moment) for moment in MOMENTS
    ]


@pytest.mark.parametrize(
    ("amount", "unit"),
    [(0, WORKING_HOURS), (2, WORKING_HOURS), (3, WORKING_DAYS), (30, WORKING_DAYS)],
)
def test_adding_a_target_equals_the_calendar(table, amount, unit):
    duration = CALENDAR.target_duration(amount, unit)
    added = table.add(as_array(MOMENTS), np.full(len(MOMENTS), micros(duration)))
    assert as_moments(added) == [CALENDAR.add_target(moment, amount, unit) for moment in MOMENTS]


def test_working_time_between_and_the_reminder_threshold_equal_the_calendar(table):
    rng = random.Random(5)
    ends = [moment + timedelta(hours=rng.uniform(0, 400)) for moment in MOMENTS]
    starts_array, ends_array = as_array(MOMENTS), as_array(ends)
    between = table.between(starts_array, ends_array)
    assert [timedelta(microseconds=int(value)) for value in between] == [
        CALENDAR.between(start, end) for start, end in zip(MOMENTS, ends, strict=True)
    ]
    # Windows with no working time at all (a weekend night) divide in clock time.
    assert as_moments(table.threshold(starts_array, ends_array, 0.75)) == [
        CALENDAR.threshold_instant(start, end, 0.75)
        for start, end in zip(MOMENTS, ends, strict=True)
    ]


def test_an_instant_beyond_the_table_is_refused(table):
    with pytest.raises(ValueError, match="beyond"):
        table.add(as_array([local(2027, 6, 30, 16)]), np.array([micros(timedelta(days=40))]))
