"""The daily rollup (reports.stats.rollup): a row for everything every day, counted as the
reports stand at the moment of the count, and the same rows however often it runs."""

from datetime import date

import pytest

from reports.models import DailyStat
from reports.stats.figures import Period, province_overview
from reports.stats.rollup import recompute_days
from tests.public_fixtures import at
from tests.reports.stats.support import DAYS, NOW, rollup_snapshot

pytestmark = pytest.mark.django_db


def test_overdue_follows_the_clock(seven):
    recompute_days([date(2026, 3, 2)], now=at("2026-03-02 14:00"))
    # At 14:00 the first response of R3 (due 14:30) is not late yet.
    assert province_overview(Period(date(2026, 3, 2), date(2026, 3, 2))).totals.overdue == 0
    recompute_days([date(2026, 3, 2)], now=at("2026-03-02 15:00"))
    assert province_overview(Period(date(2026, 3, 2), date(2026, 3, 2))).totals.overdue == 1


def test_every_agency_commune_category_and_channel_has_a_row_every_day(seven):
    # The catalogue: the province, 76 agencies (64 commune committees and the 12 of
    # departments.csv), 64 communes, 22 categories and the 7 channels (web, Open311, hotline,
    # Zalo, walk-in, community helper, email): 1 + 76 + 64 + 22 + 7 = 170 rows a day.
    for day in DAYS:
        dense = DailyStat.objects.filter(day=day).exclude(scope=DailyStat.Scope.DEPARTMENT_CATEGORY)
        assert dense.count() == 170


def test_recomputing_is_idempotent(seven):
    before = rollup_snapshot()
    recompute_days(DAYS, now=NOW)
    recompute_days(DAYS, now=NOW)
    assert rollup_snapshot() == before
