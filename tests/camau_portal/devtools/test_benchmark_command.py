"""The deadline-scan benchmark runs end to end (at toy sizes) on the test database."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import Report


@pytest.mark.django_db
def test_benchmark_prints_the_scan_times_and_their_ratio(catalogue):
    out = StringIO()
    call_command(
        "benchmark_deadline_scan", "--sizes", "200", "1000", "--due", "5", "--repeat", "2",
        stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert any(line.split()[0] == "1,000" for line in lines if line.strip())
    assert "ratio scan(1,000)/scan(200) =" in out.getvalue()
    assert not Report.objects.exists()  # the seeded reports are removed again


@pytest.mark.django_db
def test_benchmark_refuses_a_database_with_reports(catalogue):
    from tests.reports.support import submit_report

    submit_report()
    with pytest.raises(CommandError, match="scratch database"):
        call_command("benchmark_deadline_scan", "--sizes", "200", stdout=StringIO())
