"""Guest reports joining the account of the address they were made with, each leaving an
internal event on the report's timeline."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from camau_portal.notifications.models import OutboundEmail
from reports.handling.actions import report_accept
from reports.intake.guest_join import guest_reports_join
from reports.models import ReportEvent
from services.models import Department
from tests.factories import PASSWORD, UserFactory
from tests.reports.support import staff, submit_report

pytestmark = pytest.mark.django_db

SIGNED_IN_AT = datetime(2026, 4, 7, 1, 15, tzinfo=UTC)


def _account():
    """Made after the guest reports: a report sent with a confirmed account's address joins
    the account at once."""
    return UserFactory(email="hoa.le@example.vn")


def _sign_in(client, user):
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        response = client.post(
            reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
        )
    assert response.status_code == 302


def _joins(report):
    return list(report.events.filter(kind=ReportEvent.Kind.ACCOUNT_JOINED))


def test_signing_in_joins_guest_reports_with_an_internal_event_each(client, catalogue):
    first = submit_report(reporter_email="HOA.LE@example.vn")
    second = submit_report(reporter_email="hoa.le@example.vn")
    someone_elses = submit_report(reporter_email="other@example.vn")
    citizen = _account()
    emails_before = OutboundEmail.objects.count()

    _sign_in(client, citizen)

    for report in (first, second):
        report.refresh_from_db()
        assert report.reporter == citizen
        [event] = _joins(report)
        assert (event.actor, event.created_at, event.is_public) == (citizen, SIGNED_IN_AT, False)
        assert (event.from_status, event.to_status) == ("", "")
        assert event.data == {"account": citizen.pk}
    someone_elses.refresh_from_db()
    assert someone_elses.reporter is None and _joins(someone_elses) == []
    # Nothing to tell anyone: the reporter did it themselves.
    assert OutboundEmail.objects.count() == emails_before


def test_signing_in_again_records_nothing_more(client, catalogue):
    report = submit_report(reporter_email="hoa.le@example.vn")
    citizen = _account()
    _sign_in(client, citizen)
    client.logout()
    _sign_in(client, citizen)
    assert len(_joins(report)) == 1


def test_an_unconfirmed_account_joins_nothing(client, catalogue):
    unconfirmed = UserFactory(email="new@example.vn", email_verified=False)
    report = submit_report(reporter_email="new@example.vn")
    _sign_in(client, unconfirmed)
    report.refresh_from_db()
    assert report.reporter is None and _joins(report) == []


def test_the_join_is_on_the_staff_timeline_but_not_the_public_page(client, catalogue):
    intake = staff(
        "intake_officer", Department.objects.get(code="IOC"), email="intake@camau.gov.vn"
    )
    report = report_accept(
        report=submit_report(reporter_email="hoa.le@example.vn"), acting_user=intake
    )
    citizen = _account()
    assert guest_reports_join(user=citizen, acting_user=citizen) == 1

    client.force_login(intake)
    staff_page = client.get(reverse("staff:report", args=[report.tracking_code]))
    assert 'data-kind="account_joined"' in staff_page.content.decode()
    client.logout()
    public_page = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert public_page.status_code == 200
    assert "Linked to the reporter" not in public_page.content.decode()
