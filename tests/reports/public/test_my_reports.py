import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership
from reports.handling.actions import report_accept
from reports.public.report_views import MY_REPORTS_PER_PAGE
from tests.factories import ReportFactory, StaffFactory, UserFactory, membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db):
    return UserFactory()


def test_needs_signing_in(client):
    response = client.get(reverse("accounts:my_reports"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_lists_own_reports_newest_first_with_status_and_private_links(
    client, catalogue, citizen, django_assert_num_queries
):
    now = timezone.now()
    older = ReportFactory(reporter=citizen, submitted_at=now - timedelta(days=3))
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    newer = report_accept(
        report=ReportFactory(reporter=citizen, submitted_at=now - timedelta(hours=1)),
        acting_user=intake,
    )
    someone_elses = ReportFactory(reporter=UserFactory(), title="Không phải của tôi")
    guest = ReportFactory(title="Phản ánh của khách")
    client.force_login(citizen)

    # Session, user, page count, the reports with their category and commune.
    with django_assert_num_queries(4):
        response = client.get(reverse("accounts:my_reports"), HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(newer.tracking_code) < html.index(older.tracking_code)
    assert "Đã tiếp nhận" in html  # the status, translated
    assert "Chờ tiếp nhận" in html
    for hidden in (someone_elses, guest):
        assert hidden.tracking_code not in html
        assert hidden.title not in html
    # Each report links to its private page, which opens with the token the link carries.
    for mine in (newer, older):
        link = re.search(rf'href="(/reports/{mine.tracking_code}/p/[^/"]+/)"', html).group(1)
        private_page = client.get(link)
        assert private_page.status_code == 200 and mine.title in private_page.content.decode()


def test_query_count_does_not_grow_with_reports(
    client, catalogue, citizen, django_assert_num_queries
):
    for _ in range(12):
        ReportFactory(reporter=citizen)
    client.force_login(citizen)

    with django_assert_num_queries(4):
        client.get(reverse("accounts:my_reports"))


def test_paginated(client, catalogue, citizen):
    reports = [ReportFactory(reporter=citizen) for _ in range(MY_REPORTS_PER_PAGE + 1)]
    client.force_login(citizen)

    second = client.get(reverse("accounts:my_reports"), {"page": 2}).content.decode()

    oldest = min(reports, key=lambda report: (report.submitted_at, report.pk))
    assert oldest.tracking_code in second
    assert second.count("font-monospace") == 1


def test_empty_list_and_unconfirmed_notice(client):
    user = UserFactory(email_verified=False)
    client.force_login(user)

    html = client.get(reverse("accounts:my_reports"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "You have no reports in your account yet." in html
    assert reverse("accounts:verify_resend") in html


def test_reporter_contact_details_of_others_never_appear(client, catalogue, citizen):
    ReportFactory(reporter=citizen)
    ReportFactory(reporter_name="Phạm Văn Bí Mật", reporter_email="bimat@example.vn")
    client.force_login(citizen)

    html = client.get(reverse("accounts:my_reports")).content.decode()

    assert "bimat@example.vn" not in html
    assert "Phạm Văn Bí Mật" not in html
