"""The unsubscribe page behind the link in every email (reports.notifications.views)."""

import pytest
from django.core import mail

from reports.models import Follower, ReportEvent
from tests.reports.support import FollowerFactory, public_event, submit_report

pytestmark = pytest.mark.django_db


def test_unsubscribed_followers_get_nothing_more(
    catalogue, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report()
    reporter = Follower.objects.get(report=report)
    url = f"/unsubscribe/{reporter.unsubscribe_token}/"
    # A link scanner's GET changes nothing.
    page = client.get(url)
    assert page.status_code == 200
    assert report.tracking_code in page.content.decode()
    reporter.refresh_from_db()
    assert reporter.is_subscribed
    assert client.post(url, {"action": "unsubscribe"}).status_code == 200
    reporter.refresh_from_db()
    assert not reporter.is_subscribed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        public_event(report, ReportEvent.Kind.PUBLIC_UPDATE, public_message="Đang xử lý")
    assert mail.outbox == []
    # And back on.
    client.post(url, {"action": "resubscribe"})
    reporter.refresh_from_db()
    assert reporter.is_subscribed


def test_one_click_unsubscribe_per_rfc_8058(catalogue, client):
    follower = FollowerFactory()
    response = client.post(
        f"/unsubscribe/{follower.unsubscribe_token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    follower.refresh_from_db()
    assert not follower.is_subscribed
    assert client.post("/unsubscribe/not-a-token/").status_code == 404
    assert client.get("/unsubscribe/not-a-token/").status_code == 404
