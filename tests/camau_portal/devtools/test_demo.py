import pytest
from django.core.management import call_command

from accounts.models import StaffMembership, User
from reports.models import Report

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
