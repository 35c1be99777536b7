"""The precomputed map cells agree with a count straight from the reports, for every filter the
map offers, after each kind of change a report goes through and as reports grow older than the
map's periods."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.handling import actions
from reports.handling.moderation import report_hide
from reports.models import Report
from reports.public.filters import PERIOD_DAYS
from reports.public.map import ANY_TIME, PRECOMPUTED_LEVELS, BBox, grouped_cells, precomputed_cells
from reports.stats.refresh import refresh_rollups
from services.models import Category
from tests.factories import SubmittedReportFactory, UserFactory
from tests.public_fixtures import public_report

pytestmark = pytest.mark.django_db

PROVINCE = BBox.parse("104.7,8.5,105.9,9.7")
PERIODS = [(None, ANY_TIME), *PERIOD_DAYS.items()]


def cell_key(cell):
    lat, lon, *counts = cell
    return (*counts, round(lat, 3), round(lon, 3))


def assert_cells_match_reports(*, now):
    reports = Report.objects.filter(published_at__isnull=False, is_hidden=False)
    categories = [None, *Category.objects.filter(report__isnull=False).distinct()]
    communes = [None, *{r.commune for r in Report.objects.select_related("commune")}]
    compared = 0
    for level in PRECOMPUTED_LEVELS:
        for category in categories:
            for place in communes:
                for period, period_days in PERIODS:
                    direct = reports
                    if category:
                        direct = direct.filter(category=category)
                    if place:
                        direct = direct.filter(commune=place)
                    if period:
                        direct = direct.filter(submitted_at__gte=now - timedelta(days=period_days))
                    expected = grouped_cells(queryset=direct, bbox=PROVINCE, level=level)
                    stored = precomputed_cells(
                        bbox=PROVINCE,
                        level=level,
                        category_id=category.id if category else None,
                        commune_id=place.id if place else None,
                        period_days=period_days,
                        status=None,
                    )
                    where = (level, category, place, period)
                    assert sorted(map(cell_key, stored)) == sorted(map(cell_key, expected)), where
                    compared += len(expected)
    assert compared > 0


def refreshed(now=None):
    now = now or timezone.now()
    refresh_rollups(now=now)
    return now


def test_cells_follow_every_change(staff):
    ages = [2, 20, 60, 200, 500]
    for age in ages:
        public_report(submitted_at=timezone.now() - timedelta(days=age))
    public_report(commune_name="Phường Bạc Liêu", category="STREETLIGHT")
    public_report(commune_name="Phường Bạc Liêu", status=Report.Status.RESOLVED)
    assert_cells_match_reports(now=refreshed())  # the first refresh builds every cell

    place = staff.commune  # the officer's committee handles it
    submitted = SubmittedReportFactory(commune=place, latitude=place.latitude + 0.01)
    assert_cells_match_reports(now=refreshed())  # submitted: not public, not on the map

    accepted = actions.report_accept(report=submitted, acting_user=staff.intake)
    assert_cells_match_reports(now=refreshed())  # published

    started = actions.report_start(report=accepted, acting_user=staff.officer)
    actions.report_resolve(report=started, acting_user=staff.officer, answer="Đã sửa.")
    assert_cells_match_reports(now=refreshed())  # open → fixed

    duplicate = actions.report_accept(
        report=SubmittedReportFactory(commune=place, latitude=place.latitude - 0.01),
        acting_user=staff.intake,
    )
    assert_cells_match_reports(now=refreshed())
    actions.report_mark_duplicate(report=duplicate, acting_user=staff.intake, original=accepted)
    assert_cells_match_reports(now=refreshed())  # merged: closed as a duplicate

    moderator = UserFactory(email="mod@camau.gov.vn", is_staff=True, is_superuser=True)
    report_hide(report=accepted, acting_user=moderator, reason="Lộ thông tin cá nhân.")
    assert_cells_match_reports(now=refreshed())  # hidden: off the map


def test_reports_leave_a_period_as_days_pass(catalogue):
    for age in (5, 25, 80, 300):
        public_report(submitted_at=timezone.now() - timedelta(days=age))
    now = refreshed()
    assert_cells_match_reports(now=now)
    # Nothing about the reports changes; each one grows older than a period in turn.
    for days_later in (3, 10, 20, 70):
        later = now + timedelta(days=days_later)
        refresh_rollups(now=later)
        assert_cells_match_reports(now=later)
