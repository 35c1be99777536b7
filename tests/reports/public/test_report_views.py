"""The report page as the public, its reporter (private link) and staff see it; tracking;
following (reports.public.report_views)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportEvent
from reports.private_link import private_report_url
from services.models import Category
from tests.factories import publish, submit_report

pytestmark = pytest.mark.django_db


def test_follow_this_one_instead(client, form_data):
    category = Category.objects.get(pk=form_data["category"])
    existing = publish(
        submit_report(
            category=category,
            latitude=float(form_data["latitude"]),
            longitude=float(form_data["longitude"]),
        )
    )
    response = client.post(reverse("reports:follow", args=[existing.tracking_code]), form_data)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.follower_count == 2
    assert existing.followers.filter(email="cuong@example.vn").exists()


def test_unpublished_report_is_private(client, catalogue):
    report = submit_report()
    response = client.get(reverse("reports:detail", args=[report.tracking_code]))
    assert response.status_code == 404
    assert report.title not in response.content.decode()
    private = client.get(private_report_url(report))
    assert private.status_code == 200
    assert report.title in private.content.decode()
    forged = client.get(reverse("reports:private", args=[report.tracking_code, "forged-token"]))
    assert forged.status_code == 404


def test_public_page_shows_no_personal_data(client, catalogue):
    report = publish(submit_report(name_hidden=True))
    html = client.get(reverse("reports:detail", args=[report.tracking_code])).content.decode()
    assert report.title in html
    for secret in ["Trần Thị Bình", "Bình", "binh.tran@example.vn", "0912 345 678", "345 678"]:
        assert secret not in html


def test_shown_name_is_the_given_name_only(client, catalogue):
    report = publish(submit_report(name_hidden=False))
    html = client.get(reverse("reports:detail", args=[report.tracking_code])).content.decode()
    assert "Bình" in html
    assert "Trần Thị Bình" not in html
    assert "binh.tran@example.vn" not in html


def test_track_finds_by_code_as_typed(client, catalogue):
    report = publish(submit_report())
    typed = report.tracking_code.lower().replace("-", " ")
    response = client.post(reverse("reports:track"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.tracking_code])
    missing = client.post(reverse("reports:track"), {"code": "CM-0000-0000"})
    assert missing.status_code == 400


def test_before_publication_only_intake_and_the_agency_staff_see_the_report(client, catalogue):
    from accounts.models import StaffMembership
    from tests.factories import StaffFactory, membership

    report = submit_report()
    url = reverse("reports:detail", args=[report.tracking_code])
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    other_agency = StaffFactory()
    membership(other_agency, role=StaffMembership.Role.AGENCY_OFFICER, department_code="DIEN_LUC")

    client.force_login(other_agency)
    assert client.get(url).status_code == 404
    client.force_login(intake)
    response = client.get(url)
    assert response.status_code == 200 and report.title in response.content.decode()


def test_home_and_report_page_query_counts_do_not_grow_with_rows(client, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    report = publish(submit_report(photo_keys=[]))
    home_small, page_small = count("/"), count(report.get_absolute_url())
    for n in range(6):
        other = publish(submit_report(title=f"Cống nghẹt số {n}"))
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.PUBLIC_UPDATE,
            created_at=timezone.now(),
            is_public=True,
            public_message=f"Cập nhật {n}",
            department=other.proposed_department,
        )
    assert count("/") == home_small
    assert count(report.get_absolute_url()) == page_small
