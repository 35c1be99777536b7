"""The report page as the public, the reporter (private link) and staff see it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.handling import actions
from reports.private_link import private_report_url, private_token
from tests.factories import SubmittedReportFactory

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
