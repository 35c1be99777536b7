"""The working calendar as built from the database: statutory baseline, table, office hours."""

from datetime import date, time

import pytest

from services.calendar import current_calendar
from services.models import CalendarDay, OfficeHours
from tests.services.sla_calendars import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_tables():
    """Every test database holds the seeded calendar (tests/conftest.py); these tests start
    from the tables as a new installation has them."""
    CalendarDay.objects.all().delete()
    OfficeHours.objects.all().delete()


def test_statutory_days_come_from_the_holidays_package_with_an_empty_table(empty_tables):
    cal = current_calendar(today=date(2026, 6, 1))
    assert not cal.is_working_day(date(2026, 2, 17))  # Tết, lunar
    assert not cal.is_working_day(date(2026, 4, 30))
    assert not cal.is_working_day(date(2026, 9, 2))
    assert cal.is_working_day(date(2026, 1, 2))  # the 2026 swap is not statutory
    # No office hours entered yet: the default week.
    assert cal.periods(date(2026, 3, 2)) == ((time(7), time(11, 30)), (time(13, 30), time(17)))


def test_the_table_wins_where_it_differs_from_the_package(empty_tables):
    CalendarDay.objects.create(date=date(2026, 1, 2), kind="day_off", name_vi="Nghỉ hoán đổi")
    CalendarDay.objects.create(date=date(2026, 1, 10), kind="working_day", name_vi="Làm bù")
    # An administrator cancels a statutory day off by declaring it a working day.
    CalendarDay.objects.create(date=date(2026, 8, 31), kind="working_day", name_vi="Đi làm")
    cal = current_calendar(today=date(2026, 6, 1))
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))
    assert cal.is_working_day(date(2026, 8, 31))


def test_a_calendar_change_applies_to_the_next_deadline_computed(catalogue):
    friday_evening = local(2026, 10, 9, 16, 0)
    assert current_calendar().intake_deadline(friday_evening) == local(2026, 10, 12, 8, 0)
    CalendarDay.objects.create(date=date(2026, 10, 12), kind="day_off", name_vi="Nghỉ")
    assert current_calendar().intake_deadline(friday_evening) == local(2026, 10, 13, 8, 0)
    CalendarDay.objects.filter(date=date(2026, 10, 12)).delete()
    assert current_calendar().intake_deadline(friday_evening) == local(2026, 10, 12, 8, 0)


def test_office_hours_from_the_table(catalogue):
    OfficeHours.objects.filter(weekday=4).delete()
    OfficeHours.objects.create(weekday=4, start=time(7, 30), end=time(11, 0))
    cal = current_calendar()
    assert cal.periods(date(2026, 10, 9)) == ((time(7, 30), time(11)),)
    assert cal.intake_deadline(local(2026, 10, 9, 10, 0)) == local(2026, 10, 12, 8, 0)


def test_the_calendar_costs_two_queries(catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):
        current_calendar()
