"""Hand-worked cases for the working-time clock (services.sla), on the real 2025-2026 calendar."""

from datetime import UTC, datetime, time, timedelta

import pytest

from services.sla import WorkingCalendar
from tests.services.sla_calendars import camau_calendar, local, statutory_only_calendar

H = timedelta(hours=1)


@pytest.fixture(scope="module")
def cal():
    return camau_calendar()


# --- office hours and the lunch break ------------------------------------------------------


def test_intake_inside_office_hours_runs_across_lunch(cal):
    # Tuesday 10:00: 1.5 h before lunch, 0.5 h after 13:30.
    assert cal.intake_deadline(local(2026, 3, 3, 10, 0)) == local(2026, 3, 3, 14, 0)


def test_submission_during_lunch_starts_counting_at_1330(cal):
    assert cal.intake_deadline(local(2026, 3, 3, 12, 0)) == local(2026, 3, 3, 15, 30)


def test_deadline_exactly_at_the_end_of_a_period_stays_there(cal):
    assert cal.intake_deadline(local(2026, 3, 3, 9, 30)) == local(2026, 3, 3, 11, 30)
    assert cal.add(local(2026, 3, 3, 16, 0), H) == local(2026, 3, 3, 17, 0)


def test_before_office_hours_counts_from_opening(cal):
    assert cal.intake_deadline(local(2026, 3, 3, 5, 45)) == local(2026, 3, 3, 9, 0)


def test_between_skips_lunch_and_night(cal):
    assert cal.between(local(2026, 3, 3, 11, 0), local(2026, 3, 3, 14, 0)) == H
    assert cal.between(local(2026, 3, 3, 16, 0), local(2026, 3, 4, 8, 0)) == 2 * H
    assert cal.between(local(2026, 3, 3, 12, 0), local(2026, 3, 3, 13, 0)) == timedelta(0)
    assert cal.between(local(2026, 3, 4), local(2026, 3, 3)) == timedelta(0)


# --- Friday evenings and days off ------------------------------------------------------------


def test_friday_evening_submission_is_due_monday_morning(cal):
    # Friday is a working day, so working time applies even after hours.
    assert cal.intake_deadline(local(2026, 3, 6, 20, 0)) == local(2026, 3, 9, 9, 0)
    assert cal.intake_deadline(local(2026, 3, 6, 16, 0)) == local(2026, 3, 9, 8, 0)
    assert cal.response_deadline(local(2026, 3, 6, 16, 30)) == local(2026, 3, 9, 10, 30)


def test_day_off_submission_gets_clock_hours(cal):
    assert cal.intake_deadline(local(2026, 3, 7, 10, 0)) == local(2026, 3, 7, 22, 0)
    assert cal.intake_deadline(local(2026, 3, 8, 23, 0)) == local(2026, 3, 9, 11, 0)
    assert cal.response_deadline(local(2026, 3, 7, 10, 0)) == local(2026, 3, 8, 10, 0)


def test_day_off_is_judged_by_local_date_not_utc(cal):
    # 2026-03-06 18:30 UTC is Saturday 01:30 in Cà Mau: a day off.
    submitted = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)
    assert cal.is_day_off_at(submitted)
    assert cal.intake_deadline(submitted) == submitted + 12 * H


# --- Tết 2026 (Monday 16/2 to Friday 20/2) ----------------------------------------------------


def test_tet_2026_days_are_off(cal):
    for day in range(16, 21):
        assert not cal.is_working_day(local(2026, 2, day).date())
    assert cal.is_working_day(local(2026, 2, 13).date())
    assert cal.is_working_day(local(2026, 2, 23).date())


def test_intake_before_tet_waits_for_the_holiday(cal):
    # One hour on Friday 13/2, the second on Monday 23/2.
    assert cal.intake_deadline(local(2026, 2, 13, 16, 0)) == local(2026, 2, 23, 8, 0)
    assert cal.response_deadline(local(2026, 2, 13, 15, 0)) == local(2026, 2, 23, 9, 0)


def test_submission_during_tet_gets_twelve_clock_hours(cal):
    assert cal.intake_deadline(local(2026, 2, 18, 10, 0)) == local(2026, 2, 18, 22, 0)
    assert cal.response_deadline(local(2026, 2, 18, 10, 0)) == local(2026, 2, 19, 10, 0)


def test_resolution_in_working_days_across_tet(cal):
    # Accepted Thursday 12/2 09:00, 5 working days = 40 working hours:
    # Thu 6 h + Fri 8 h + (Tết) + Mon 23, Tue 24, Wed 25 (24 h) + Thu 26/2 2 h.
    assert cal.add_target(local(2026, 2, 12, 9, 0), 5, "wd") == local(2026, 2, 26, 9, 0)
    assert cal.between(local(2026, 2, 13, 17, 0), local(2026, 2, 23, 7, 0)) == timedelta(0)


def test_statutory_baseline_alone_knows_lunar_tet():
    cal = statutory_only_calendar()
    assert not cal.is_working_day(local(2026, 2, 17).date())
    assert not cal.is_working_day(local(2025, 1, 29).date())
    assert not cal.is_working_day(local(2026, 4, 27).date())  # Hùng Kings, observed
    assert not cal.is_working_day(local(2026, 9, 1).date())  # the day next to 2/9


# --- the 2/1 and 10/1 2026 swap -------------------------------------------------------------


def test_new_year_swap_moves_the_day_off_to_friday_2_january(cal):
    assert not cal.is_working_day(local(2026, 1, 1).date())
    assert not cal.is_working_day(local(2026, 1, 2).date())
    # Wednesday 31/12/2025 16:30: half an hour, then Thu 1/1, Fri 2/1 and the weekend are off.
    assert cal.intake_deadline(local(2025, 12, 31, 16, 30)) == local(2026, 1, 5, 8, 30)
    assert cal.intake_deadline(local(2026, 1, 2, 9, 0)) == local(2026, 1, 2, 21, 0)


def test_makeup_saturday_10_january_is_a_working_day_with_weekday_hours(cal):
    saturday = local(2026, 1, 10).date()
    assert cal.is_working_day(saturday)
    assert cal.periods(saturday) == ((time(7), time(11, 30)), (time(13, 30), time(17)))
    assert cal.intake_deadline(local(2026, 1, 10, 10, 0)) == local(2026, 1, 10, 14, 0)
    # Accepted Friday 9/1 15:00: two hours on Friday, two on the make-up Saturday.
    assert cal.response_deadline(local(2026, 1, 9, 15, 0)) == local(2026, 1, 10, 9, 0)


def test_without_the_announced_swap_2_january_would_be_a_working_day():
    assert statutory_only_calendar().intake_deadline(local(2026, 1, 2, 9, 0)) == local(
        2026, 1, 2, 11, 0
    )


# --- targets, thresholds -------------------------------------------------------------------


def test_working_days_are_standard_days_of_working_time(cal):
    assert cal.working_day_length == 8 * H
    assert cal.add_target(local(2026, 3, 6, 16, 0), 1, "wd") == local(2026, 3, 9, 16, 0)
    assert cal.add_target(local(2026, 3, 6, 16, 30), 2, "wh") == local(2026, 3, 9, 8, 30)
    # Accepted at opening time, one working day ends the same evening.
    assert cal.add_target(local(2026, 3, 3, 7, 0), 1, "wd") == local(2026, 3, 3, 17, 0)
    with pytest.raises(ValueError):
        cal.add_target(local(2026, 3, 3, 7, 0), 1, "days")


def test_thresholds_of_a_working_window(cal):
    start, due = local(2026, 3, 2, 9, 0), local(2026, 3, 2, 11, 0)
    assert cal.threshold_instant(start, due, 0.75) == local(2026, 3, 2, 10, 30)
    assert cal.threshold_instant(start, due, 1) == due
    # Twice the window: four working hours from 09:00, across lunch.
    assert cal.threshold_instant(start, due, 2) == local(2026, 3, 2, 15, 0)


def test_thresholds_of_a_clock_hour_window_on_a_day_off(cal):
    start = local(2026, 3, 7, 10, 0)
    due = cal.intake_deadline(start)
    assert cal.threshold_instant(start, due, 0.75) == local(2026, 3, 7, 19, 0)
    assert cal.threshold_instant(start, due, 2) == local(2026, 3, 8, 10, 0)


def test_thresholds_leave_out_time_spent_waiting(cal):
    # Accepted Monday 09:00, one working day, two working hours waiting for the reporter.
    start = local(2026, 3, 2, 9, 0)
    due = cal.add(cal.add_target(start, 1, "wd"), 2 * H)
    assert due == local(2026, 3, 3, 11, 0)
    assert cal.threshold_instant(start, due, 0.75, paused=2 * H) == local(2026, 3, 3, 9, 0)
    assert cal.threshold_instant(start, due, 2, paused=2 * H) == local(2026, 3, 4, 11, 0)


# --- configuration and misuse --------------------------------------------------------------


def test_custom_office_hours_define_the_working_day():
    cal = WorkingCalendar(periods_by_weekday={0: ((time(8), time(12)),), 5: ((time(8), time(10)),)})
    assert cal.working_day_length == 4 * H
    assert cal.is_working_day(local(2026, 3, 7).date())  # a Saturday with hours
    assert not cal.is_working_day(local(2026, 3, 3).date())  # a Tuesday without
    assert cal.add(local(2026, 3, 2, 11, 0), 2 * H) == local(2026, 3, 7, 9, 0)


def test_dated_exceptions_override_the_week():
    monday = local(2026, 3, 2).date()
    saturday = local(2026, 3, 7).date()
    cal = WorkingCalendar(days_off=frozenset({monday}), working_days=frozenset({saturday}))
    assert not cal.is_working_day(monday)
    assert cal.is_working_day(saturday)
    assert cal.add(local(2026, 3, 6, 16, 0), 2 * H) == local(2026, 3, 7, 8, 0)


def test_rejects_naive_datetimes_negative_durations_and_bad_periods(cal):
    with pytest.raises(ValueError):
        cal.add(datetime(2026, 3, 2, 9, 0), H)
    with pytest.raises(ValueError):
        cal.add(local(2026, 3, 2, 9, 0), -H)
    with pytest.raises(ValueError):
        WorkingCalendar(periods_by_weekday={0: ((time(8), time(12)), (time(11), time(13)))})
    with pytest.raises(ValueError):
        WorkingCalendar(periods_by_weekday={0: ((time(12), time(8)),)})


def test_a_calendar_without_working_time_fails_loudly():
    cal = WorkingCalendar(periods_by_weekday={})
    with pytest.raises(ValueError, match="no working time"):
        cal.add(local(2026, 3, 2, 9, 0), H)


def test_results_keep_the_callers_time_zone(cal):
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Cà Mau
    assert cal.add(start, H) == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert cal.add(start, H).tzinfo is UTC
