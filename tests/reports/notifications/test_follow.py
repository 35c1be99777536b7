"""Following a report ("me too"): only an address that opened its confirmation link gets the
report's emails, and one client cannot send many requests."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports.models import Follower, Report, ReportEvent
from reports.notifications.queue import queue_event_emails
from tests.factories import UserFactory
from tests.public_fixtures import public_report
from tests.reports.support import ReportEventFactory

pytestmark = pytest.mark.django_db

NEIGHBOUR = "hang.neighbour@example.vn"


@pytest.fixture
def report(catalogue):
    report = public_report()
    mail.outbox.clear()
    return report


def follow(client, report, email=NEIGHBOUR, **extra):
    return client.post(
        reverse("reports:follow", args=[report.tracking_code]), {"email": email}, **extra
    )


def confirm_link(message) -> str:
    [link] = re.findall(r"http://127\.0\.0\.1:8000(/follow/confirm/[^/\s]+/)", message.body)
    return link


def public_update(report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = ReportEventFactory(
            report=report, kind=ReportEvent.Kind.PUBLIC_UPDATE, public_message="Đã khảo sát."
        )
        queue_event_emails(event)


def test_a_guest_gets_a_confirmation_link_and_nothing_else_until_it_is_opened(
    client, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, report)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Chúng tôi đã gửi một đường dẫn tới {NEIGHBOUR}" in page

    [message] = mail.outbox
    assert message.to == [NEIGHBOUR]
    assert report.tracking_code in message.subject
    follower = Follower.objects.get(email=NEIGHBOUR)
    assert follower.confirmed_at is None
    report.refresh_from_db()
    assert report.follower_count == 1  # the reporter only

    mail.outbox.clear()
    public_update(report, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["binh.tran@example.vn"]]  # not the neighbour


def test_opening_the_link_asks_then_confirms(client, report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, report)
    link = confirm_link(mail.outbox[0])

    page = client.get(link)  # a link scanner's visit changes nothing
    assert page.status_code == 200
    assert NEIGHBOUR in page.content.decode()
    assert Follower.objects.get(email=NEIGHBOUR).confirmed_at is None

    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    follower = Follower.objects.get(email=NEIGHBOUR)
    assert follower.confirmed_at is not None
    report.refresh_from_db()
    assert report.follower_count == 2
    assert ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.FOLLOWED).count() == 1

    client.post(link)  # twice changes nothing
    report.refresh_from_db()
    assert report.follower_count == 2

    mail.outbox.clear()
    public_update(report, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["binh.tran@example.vn", NEIGHBOUR]


def test_a_forged_or_expired_link_confirms_nothing(
    client, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, report)
    link = confirm_link(mail.outbox[0])
    assert client.post(link[:-3] + "xx/").status_code == 404
    later = timezone.now() + timezone.timedelta(days=8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: later.timestamp())
        assert client.post(link).status_code == 404
    assert Follower.objects.get(email=NEIGHBOUR).confirmed_at is None


def test_asking_again_the_same_day_sends_one_link(
    client, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, report)
        follow(client, report, email=NEIGHBOUR.upper())
    assert len(mail.outbox) == 1


def test_a_signed_in_user_follows_with_their_verified_address_at_once(
    client, report, django_capture_on_commit_callbacks
):
    user = UserFactory(email="an.user@example.vn", email_verified=True)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, report, email="")
    assert response.status_code == 302
    assert mail.outbox == []
    assert Follower.objects.get(email="an.user@example.vn").confirmed_at is not None
    assert Report.objects.get(pk=report.pk).follower_count == 2


def test_someone_who_unsubscribed_cannot_be_signed_up_again_by_others(
    client, report, django_capture_on_commit_callbacks
):
    reporter = Follower.objects.get(report=report, is_reporter=True)
    Follower.objects.filter(pk=reporter.pk).update(is_subscribed=False)
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, report, email=reporter.email)
    reporter.refresh_from_db()
    assert not reporter.is_subscribed
    [message] = mail.outbox  # the owner of the address decides
    client.post(confirm_link(message))
    reporter.refresh_from_db()
    assert reporter.is_subscribed


def test_follow_requests_are_rate_limited_per_client(client, report, settings):
    settings.REPORT_FOLLOW_RATE = "2/h"
    for n in range(2):
        assert follow(client, report, email=f"n{n}@example.vn").status_code == 302
    response = follow(client, report, email="third@example.vn")
    assert response.status_code == 429
    html = response.content.decode()
    assert "third@example.vn" in html  # what was typed is kept
    assert "Bạn đã yêu cầu theo dõi" in html
    assert not Follower.objects.filter(email="third@example.vn").exists()
    other = follow(client, report, email="fourth@example.vn", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302
