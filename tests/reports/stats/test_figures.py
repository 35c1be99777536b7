"""Every figure of the statistics pages (reports.stats.figures), against values worked out by
hand on the seven reports of ``tests.reports.stats.support``."""

from datetime import date

import pytest

from reports.stats.figures import Period, department_overview, province_overview
from services.models import Commune, Department
from tests.reports.stats.support import MARCH

pytestmark = pytest.mark.django_db


def test_province_figures(seven):
    figures = province_overview(MARCH).totals
    assert (figures.received, figures.accepted, figures.resolved) == (7, 5, 3)
    assert (figures.open, figures.overdue) == (3, 2)  # R3 (no first response), R5 (intake)
    assert (figures.intake.on_time, figures.intake.late_extended, figures.intake.late) == (5, 0, 1)
    assert (figures.response.on_time, figures.response.late) == (3, 1)
    assert (
        figures.resolution.on_time,
        figures.resolution.late_extended,
        figures.resolution.late,
    ) == (1, 1, 1)
    assert figures.intake.on_time_rate == 5 / 6
    assert figures.resolution.on_time_rate == 1 / 3
    assert (figures.satisfied, figures.acceptable, figures.not_satisfied) == (1, 1, 1)
    assert figures.satisfaction_rate == 1 / 3
    # Response times 1 h, 6 h, 0.5 h, 0.5 h: buckets [0,1)×2, [1,2), [4,8) → 1 h.
    assert figures.median_response_hours == 1
    # Resolution times 24 h, 72 h, 11 h → 36 h (the exact median, 24 h, is in the same bucket).
    assert figures.median_resolution_hours == 36
    assert figures.resolved_rate == 3 / 7


def test_agency_figures_and_league(seven):
    overview = province_overview(MARCH)
    by_code = {f.code: f for f in overview.departments}
    sxd, police = by_code["SXD"], by_code["CA_TINH"]
    assert (sxd.received, sxd.resolved, sxd.open, sxd.overdue) == (3, 2, 1, 0)
    assert sxd.resolution.on_time_rate == 0.5
    assert sxd.median_response_hours == 1.5  # 1 h, 6 h, 0.5 h: half = 1.5 in [1,2)
    assert (police.received, police.resolved, police.open, police.overdue) == (2, 1, 1, 1)
    assert police.resolution.on_time_rate == 0
    assert police.median_resolution_hours == 12  # one in [8, 16)
    assert [f.code for f in overview.league] == ["SXD", "CA_TINH"]
    assert by_code["IOC"].is_empty


def test_commune_category_and_weekly_figures(seven):
    overview = province_overview(MARCH)
    communes = {f.name: f for f in overview.communes}
    assert communes["Phường An Xuyên"].received == 5
    assert communes["Phường Bạc Liêu"].received == 2
    assert communes["Phường Bạc Liêu"].overdue == 1
    assert len(overview.communes) == Commune.objects.count()
    top = [(f.code, f.received) for f in overview.top_categories]
    assert top[0] == ("ROAD_DAMAGE", 3)
    assert sorted(top[1:]) == [("NOISE", 2), ("STREETLIGHT", 2)]
    weekly = [(w.start, w.received, w.resolved) for w in overview.weekly]
    assert weekly == [(date(2026, 3, 2), 6, 3), (date(2026, 3, 9), 1, 0)]


def test_one_agency_overview(seven):
    overview = department_overview(Department.objects.get(code="SXD"), MARCH)
    assert overview.totals.received == 3 and overview.totals.name == "Sở Xây dựng"
    assert [(f.code, f.received) for f in overview.top_categories] == [("ROAD_DAMAGE", 3)]
    assert [(w.received, w.resolved) for w in overview.weekly] == [(2, 2), (1, 0)]


def test_a_period_counts_only_its_days(seven):
    second_day = province_overview(Period(start=date(2026, 3, 3), end=date(2026, 3, 3))).totals
    assert (second_day.received, second_day.resolved, second_day.overdue) == (3, 1, 1)
