"""Turning a report's emails off and on leaves an internal event on its timeline."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from reports.handling.actions import report_accept
from reports.models import Follower, ReportEvent
from reports.subscriptions import follow_confirm_token
from services.models import Department
from tests.reports.support import staff, submit_report

pytestmark = pytest.mark.django_db
Kind = ReportEvent.Kind
CLICKED_AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def _subscription_events(report):
    return list(
        report.events.filter(kind__in=[Kind.UNSUBSCRIBED, Kind.RESUBSCRIBED])
        .order_by("id")
        .values_list("kind", "actor", "created_at", "is_public", "data")
    )


def test_unsubscribing_and_back_through_the_link(client, catalogue):
    report = submit_report(reporter_email="be@example.org")
    reporter = Follower.objects.get(report=report)
    url = reverse("reports:unsubscribe", args=[reporter.unsubscribe_token])

    with time_machine.travel(CLICKED_AT, tick=False):
        assert client.post(url, {"action": "unsubscribe"}).status_code == 200
        # Clicking twice changes nothing, so records nothing.
        assert client.post(url, {"action": "unsubscribe"}).status_code == 200
        assert client.post(url, {"action": "resubscribe"}).status_code == 200

    about_the_reporter = {"follower": reporter.pk, "by_reporter": True}
    assert _subscription_events(report) == [
        (Kind.UNSUBSCRIBED, None, CLICKED_AT, False, about_the_reporter),
        (Kind.RESUBSCRIBED, None, CLICKED_AT, False, about_the_reporter),
    ]


def test_following_again_after_unsubscribing_turns_the_emails_back_on(client, catalogue):
    intake = staff("intake_officer", Department.objects.get(code="IOC"))
    report = report_accept(report=submit_report(), acting_user=intake)
    follow = reverse("reports:follow", args=[report.tracking_code])
    client.post(follow, {"email": "hang@example.org"})
    follower = Follower.objects.get(report=report, email="hang@example.org")
    confirm = reverse("reports:follow_confirm", args=[follow_confirm_token(follower)])
    client.post(confirm)
    client.post(
        reverse("reports:unsubscribe", args=[follower.unsubscribe_token]),
        {"action": "unsubscribe"},
    )

    # Asking again sends the link again; only opening it turns the emails back on.
    assert client.post(follow, {"email": "hang@example.org"}).status_code == 302
    follower.refresh_from_db()
    assert not follower.is_subscribed
    with time_machine.travel(CLICKED_AT, tick=False):
        assert client.post(confirm).status_code == 302

    follower.refresh_from_db()
    assert follower.is_subscribed
    assert [kind for kind, *_ in _subscription_events(report)] == [
        Kind.UNSUBSCRIBED,
        Kind.RESUBSCRIBED,
    ]
    assert _subscription_events(report)[-1] == (
        Kind.RESUBSCRIBED,
        None,
        CLICKED_AT,
        False,
        {"follower": follower.pk, "by_reporter": False},
    )
