from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import StaffMembership, User
from reports.models import DailyStat, MapCell, Rating, Report

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_and_reports_across_statuses(catalogue, capsys):
    call_command("seed_demo", reports=40, seed=7)
    output = capsys.readouterr().out
    assert "demo-camau-2026" in output
    for email in ["intake@demo.camau.vn", "officer@demo.camau.vn", "leader@demo.camau.vn"]:
        assert email in output
        assert User.objects.get(email=email).check_password("demo-camau-2026")
    assert User.objects.get(email="admin@demo.camau.vn").is_superuser
    roles = set(StaffMembership.objects.values_list("role", flat=True))
    assert roles == set(StaffMembership.Role.values)

    assert Report.objects.count() == 40
    statuses = set(Report.objects.values_list("status", flat=True))
    assert {Report.Status.SUBMITTED, Report.Status.IN_PROGRESS, Report.Status.RESOLVED} <= statuses
    assert all(report.photos.count() == 1 for report in Report.objects.all())
    # Every report keeps a consistent timeline: nothing happens before it was submitted.
    for report in Report.objects.prefetch_related("events"):
        assert all(event.created_at >= report.submitted_at for event in report.events.all())

    # Some reports were entered for residents, by the hotline desk and the ward's helper.
    channels = set(Report.objects.values_list("source", flat=True))
    assert {"web", "helper"} <= channels and channels & {"hotline", "zalo", "walk_in"}
    helper = User.objects.get(email="helper@demo.camau.vn")
    for report in Report.objects.filter(entered_by__isnull=False):
        assert report.reporter is None and report.reporter_phone and not report.reporter_email
        if report.source == "helper":
            assert report.entered_by == helper and report.commune.name == "Phường An Xuyên"
        else:
            assert report.entered_by.email == "hotline@demo.camau.vn"
    assert "helper@demo.camau.vn" in output and "hotline@demo.camau.vn" in output

    call_command("seed_demo", reports=40, if_empty=True)
    assert Report.objects.count() == 40


# A Wednesday morning in Cà Mau: the office is open, the week's work is under way.
WEDNESDAY_MORNING = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_demo_looks_like_a_healthy_province(catalogue):
    """Most reports handled on time, a believable few late, ratings of every kind; and the
    statistics and map built, so the pages show the demo from the first visit."""
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        call_command("seed_demo", reports=60, seed=3)
    now = WEDNESDAY_MORNING
    assert set(Report.objects.values_list("status", flat=True)) == set(Report.Status.values)

    open_reports = Report.objects.open()
    overdue = open_reports.overdue(now, counting_first_reply=True).count()
    assert open_reports.count() >= 10
    assert overdue <= 0.2 * open_reports.count(), (overdue, open_reports.count())

    resolved = list(
        Report.objects.filter(resolved_at__isnull=False).values_list(
            "resolved_at", "resolution_due_at"
        )
    )
    late = sum(1 for resolved_at, due in resolved if resolved_at > due)
    assert len(resolved) >= 20
    assert late + overdue >= 1, "a demo without a single late report is not believable"
    assert late <= 0.2 * len(resolved), (late, len(resolved))

    ratings = Counter(Rating.objects.values_list("value", flat=True))
    assert set(ratings) == set(Rating.Value.values)
    assert ratings.most_common(1)[0][0] == Rating.Value.SATISFIED

    received = sum(
        DailyStat.objects.filter(scope=DailyStat.Scope.PROVINCE).values_list("received", flat=True)
    )
    assert received == 60
    assert MapCell.objects.exists()
