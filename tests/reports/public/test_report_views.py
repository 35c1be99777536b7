"""The report page as the public, the reporter (private link) and staff see it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports.handling import actions
from reports.models import ReportEvent
from reports.private_link import private_report_url, private_token
from services.models import Category
from tests.factories import SubmittedReportFactory, publish, submit_report

pytestmark = pytest.mark.django_db


def test_the_private_page_costs_a_fixed_number_of_queries(
    client, staff, in_progress, django_assert_num_queries
):
    url = private_report_url(in_progress)
    with django_assert_num_queries(3):  # the report, its photos, its timeline
        client.get(url)
    waiting = actions.report_request_info(
        report=in_progress, acting_user=staff.officer, question="Ổ gà trước nhà số mấy?"
    )
    with django_assert_num_queries(4):  # and the pending question
        html = client.get(url).content.decode()
    assert "Ổ gà trước nhà số mấy?" in html and 'id="provide-info"' in html
    actions.report_provide_info(
        report=waiting, token=private_token(waiting.tracking_code), text="Số 12."
    )
    actions.report_resolve(report=waiting, acting_user=staff.officer, answer="Đã vá.")
    with django_assert_num_queries(4):  # and the rating of the answer, if any
        html = client.get(url).content.decode()
    assert 'id="rate"' in html and 'id="provide-info"' not in html


def test_the_deadline_shows_until_the_answer(client, staff, in_progress):
    due = timezone.localtime(in_progress.resolution_due_at).strftime("%d/%m/%Y %H:%M")
    assert due in client.get(in_progress.get_absolute_url()).content.decode()
    resolved = actions.report_resolve(
        report=in_progress, acting_user=staff.officer, answer="Đã vá ổ gà."
    )
    html = client.get(resolved.get_absolute_url()).content.decode()
    assert "Đã vá ổ gà." in html and due not in html


def test_a_rejected_report_shows_its_reason_only(client, staff, submitted):
    rejected = actions.report_reject(
        report=submitted, acting_user=staff.intake, reason="Không thuộc thẩm quyền của tỉnh."
    )
    response = client.get(rejected.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không thuộc thẩm quyền của tỉnh." in html
    assert rejected.title not in html and rejected.description not in html


def test_a_duplicate_never_accepted_links_to_the_original(client, staff, submitted):
    original = actions.report_accept(
        report=SubmittedReportFactory(
            commune=staff.commune, submitted_at=timezone.now() - timedelta(days=1)
        ),
        acting_user=staff.intake,
    )
    duplicate = actions.report_mark_duplicate(
        report=submitted, acting_user=staff.intake, original=original
    )
    html = client.get(duplicate.get_absolute_url()).content.decode()
    assert f'href="{original.get_absolute_url()}"' in html
    assert duplicate.title not in html


def test_a_report_awaiting_intake_shows_nothing(client, submitted):
    response = client.get(submitted.get_absolute_url())
    assert response.status_code == 404 and submitted.title not in response.content.decode()


def test_follow_this_one_instead(client, form_data, django_capture_on_commit_callbacks):
    category = Category.objects.get(pk=form_data["category"])
    existing = publish(
        submit_report(
            category=category,
            latitude=float(form_data["latitude"]),
            longitude=float(form_data["longitude"]),
        )
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:follow", args=[existing.tracking_code]), form_data)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.follower_count == 1  # counted once the address is confirmed
    assert existing.followers.filter(email="cuong@example.vn", confirmed_at=None).exists()
    assert [message.to for message in mail.outbox] == [["cuong@example.vn"]]


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
