"""Properties of the working-time clock that must hold for any start, duration and calendar."""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.sla import LOCAL_TZ, WorkingCalendar
from tests.services.sla_calendars import camau_calendar

REAL = camau_calendar()
TINY = timedelta(microseconds=1)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(LOCAL_TZ)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=240))
positive_durations = st.timedeltas(min_value=TINY, max_value=timedelta(hours=240))


@st.composite
def calendars(draw):
    """The real calendar, or a random week with random days off and make-up days."""
    if draw(st.booleans()):
        return REAL
    week = {}
    for weekday in range(7):
        if draw(st.booleans()) or weekday == 0:
            first = draw(st.integers(min_value=5, max_value=10))
            second = draw(st.integers(min_value=first + 1, max_value=20))
            periods = [(time(first), time(second))]
            if second < 22 and draw(st.booleans()):
                periods.append((time(second + 1), time(draw(st.integers(second + 2, 23)))))
            week[weekday] = tuple(periods)
    days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
    return WorkingCalendar(
        periods_by_weekday=week,
        days_off=draw(st.frozensets(days, max_size=60)),
        working_days=draw(st.frozensets(days, max_size=20)),
    )


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, durations)
def test_adding_then_measuring_returns_the_same_amount(cal, start, duration):
    assert cal.between(start, cal.add(start, duration)) == duration


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, positive_durations)
def test_deadlines_never_fall_on_a_non_working_instant(cal, start, duration):
    due = cal.add(start, duration)
    assert due > start
    # A deadline is inside a period or exactly at its end: the instant before it is working.
    assert cal.is_working_instant(due - TINY)


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, instants, durations)
def test_deadlines_are_monotonic_in_the_start(cal, first, second, duration):
    earlier, later = sorted((first, second))
    assert cal.add(earlier, duration) <= cal.add(later, duration)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, durations, durations)
def test_deadlines_are_monotonic_in_the_duration_and_compose(cal, start, first, second):
    shorter, longer = sorted((first, second))
    assert cal.add(start, shorter) <= cal.add(start, longer)
    assert cal.add(cal.add(start, first), second) == cal.add(start, first + second)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants, instants)
def test_working_time_between_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)
    assert cal.between(a, c) <= c - a


@settings(max_examples=200, deadline=None)
@given(instants, st.integers(min_value=1, max_value=30), st.sampled_from(["wd", "wh"]))
def test_targets_are_monotonic_and_land_in_working_time(start, amount, unit):
    due = REAL.add_target(start, amount, unit)
    assert REAL.is_working_instant(due - TINY)
    assert REAL.add_target(start, amount + 1, unit) > due
    assert REAL.between(start, due) == REAL.target_duration(amount, unit)


# Short enough that twice the window fits the clock's ten-year horizon even in the sparsest
# generated calendar (one working hour a week).
short_durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
short_positive_durations = st.timedeltas(min_value=TINY, max_value=timedelta(hours=120))


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, short_positive_durations, short_durations)
def test_thresholds_are_ordered_around_the_deadline(cal, start, window, paused):
    due = cal.add(start, window + paused)
    paused = min(paused, cal.between(start, due))
    reminder = cal.threshold_instant(start, due, 0.75, paused=paused)
    double = cal.threshold_instant(start, due, 2, paused=paused)
    assert start <= reminder <= due <= double


@settings(max_examples=200, deadline=None)
@given(instants)
def test_intake_and_response_deadlines_follow_the_day_off_rule(start):
    intake, response = REAL.intake_deadline(start), REAL.response_deadline(start)
    if REAL.is_day_off_at(start):
        assert intake - start == timedelta(hours=12)
        assert response - start == timedelta(hours=24)
    else:
        assert REAL.between(start, intake) == timedelta(hours=2)
        assert REAL.between(start, response) == timedelta(hours=4)
        assert REAL.is_working_instant(intake - TINY)
