"""Keeping the rollup current (reports.stats.refresh): only the days that changed are recounted,
to the same rows a full rebuild gives."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.models import Report, ReportEvent, RollupState
from reports.stats.figures import Period, province_overview
from reports.stats.refresh import refresh_rollups
from tests.public_fixtures import S, public_report
from tests.reports.stats.support import rollup_snapshot

pytestmark = pytest.mark.django_db


def test_incremental_refresh_matches_a_full_rebuild(catalogue):
    today = timezone.now()
    reports = [public_report(department="SXD") for _ in range(3)]
    first = refresh_rollups()
    assert first.rebuilt
    assert (
        province_overview(Period(timezone.localdate(today), timezone.localdate(today))).totals.open
        == 3
    )
    # The agency resolves one report: the action writes the status and an event.
    report = reports[0]
    Report.objects.filter(pk=report.pk).update(
        status=S.RESOLVED, resolved_at=timezone.now(), first_response_at=timezone.now()
    )
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.RESOLVED, created_at=timezone.now(), is_public=True
    )
    second = refresh_rollups()
    assert not second.rebuilt and second.days == 1  # only today's rows are recomputed
    incremental = rollup_snapshot()
    totals = province_overview(Period(timezone.localdate(today), timezone.localdate(today))).totals
    assert (totals.open, totals.resolved) == (2, 1)
    call_command("rebuild_stats")
    assert rollup_snapshot() == incremental
    assert RollupState.objects.get().watermark >= today
