"""The benchmark's seeder writes valid reports, and its measurements run (at a tiny size)."""

import pytest

from camau_portal.devtools.benchmark import measure, seed_reports, seeded_code
from reports.models import Report
from reports.stats.refresh import rebuild_all
from reports.tracking import normalise_tracking_code

pytestmark = pytest.mark.django_db


def test_seeded_codes_are_valid_and_distinct():
    codes = {seeded_code(n) for n in (0, 1, 31, 32, 999_999)}
    assert len(codes) == 5
    assert all(normalise_tracking_code(code) == code for code in codes)


def test_seed_then_measure(catalogue):
    seed_reports(60, span_days=14)
    seed_reports(40, start_number=60, span_days=14)
    assert Report.objects.count() == 100
    public = Report.objects.filter(published_at__isnull=False)
    assert public.exists() and public.filter(department__isnull=True).count() == 0
    assert not Report.objects.filter(status="submitted", published_at__isnull=False).exists()
    rebuild_all()
    figures = measure(repeat=1)
    assert set(figures) == {
        "map, province-wide box",
        "list, first page",
        "list, deep page",
        "statistics page",
    }
    assert all(value > 0 for value in figures.values())
