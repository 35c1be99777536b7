"""Status SMS to a reporter who gave a mobile number and no email: what they say, their short
links, the opt-out, and that nobody else's messages or pages carry the number."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings

from camau_portal.notifications.delivery import deliver_outbound_email
from camau_portal.notifications.models import OutboundEmail
from reports.handling.actions import report_accept
from reports.models import Follower, ReportEvent
from reports.notifications.queue import SMS_EVENT_KINDS
from reports.private_link import private_report_url
from tests.reports.support import FollowerFactory, public_event, submit_report

pytestmark = pytest.mark.django_db

Kind = ReportEvent.Kind
PHONE = "+84912345678"
LINK = re.compile(r"(?:https?://)?[\w.:-]+(/[rs]/[0-9A-Z]{16})")


def phone_report(**fields):
    fields.setdefault("reporter_email", "")
    fields.setdefault("reporter_phone", "0912 345 678")
    return submit_report(**fields)


def paths_in(text: str) -> list[str]:
    return LINK.findall(text)


def deliver_pending() -> None:
    """What the send task does once the transaction commits."""
    for pk in OutboundEmail.objects.filter(status="pending").values_list("pk", flat=True):
        deliver_outbound_email(pk)


def test_the_acknowledgement_sms_carries_the_code_and_two_short_links(
    catalogue, client, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = phone_report(title="Đèn đường tắt cả tuần")
    [sms] = sms_outbox
    assert sms.to == PHONE
    code = report.tracking_code
    assert sms.body.text.startswith(f"Phan anh {code} da duoc ghi nhan. Theo doi: ")
    assert sms.body.encoding_name == "GSM-7" and sms.body.segments == 1
    private_path, stop_path = paths_in(sms.body.text)
    assert private_path.startswith("/r/") and stop_path.startswith("/s/")
    assert code.replace("-", "").removeprefix("CM") in private_path
    assert mail.outbox == []  # no email address, no email
    row = OutboundEmail.objects.get(report_id=report.pk)
    assert (row.channel, row.status, row.provider_message_id) == ("sms", "sent", "locmem-1")

    # The short link opens the reporter's private page.
    opened = client.get(private_path)
    assert opened.status_code == 302
    assert opened["Location"] == private_report_url(report)
    page = client.get(opened["Location"])
    assert page.status_code == 200 and "Đèn đường tắt cả tuần" in page.content.decode()


def test_english_reporters_get_english_texts(catalogue, sms_outbox):
    report = phone_report(language="en")
    deliver_pending()
    [sms] = sms_outbox
    assert sms.body.text.startswith(f"Report {report.tracking_code} received. Follow it: ")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("kind", sorted(SMS_EVENT_KINDS))
@override_settings(PORTAL_BASE_URL="https://phananh.camau.gov.vn")
def test_every_status_sms_fits_one_gsm_segment_with_the_real_address(
    catalogue, sms_outbox, kind, language
):
    report = phone_report(language=language)
    event = public_event(report, kind, public_message="Nội dung trả lời dài " * 20)
    [row] = OutboundEmail.objects.filter(event_id=event.pk)
    deliver_outbound_email(row.pk)
    [sms] = sms_outbox
    assert sms.body.segments == 1 and sms.body.encoding_name == "GSM-7", sms.body.text
    assert report.tracking_code in sms.body.text
    assert "phananh.camau.gov.vn/r/" in sms.body.text
    assert "https://" not in sms.body.text  # phones make links of it anyway
    assert len(paths_in(sms.body.text)) == 2


def test_only_changes_of_status_are_texted(catalogue, sms_outbox):
    report = phone_report()
    sms_outbox.clear()
    public_event(report, Kind.PUBLIC_UPDATE, public_message="Đang xử lý")
    public_event(report, Kind.REOPENED)
    assert not OutboundEmail.objects.filter(channel="sms", template="event_public_update")
    assert not OutboundEmail.objects.filter(channel="sms", template="event_reopened")
    public_event(report, Kind.RESOLVED, public_message="Đã thay bóng đèn")
    rows = OutboundEmail.objects.filter(report_id=report.pk, channel="sms")
    assert sorted(rows.values_list("template", flat=True)) == [
        "event_resolved",
        "event_submitted",
    ]


def test_exactly_once_per_event_and_phone(catalogue, sms_outbox):
    from reports.notifications.queue import queue_event_emails

    report = phone_report()
    event = public_event(report, Kind.ACCEPTED)
    queue_event_emails(event)  # the producer runs again
    [row] = OutboundEmail.objects.filter(event_id=event.pk)
    assert row.dedupe_key == f"event:{event.pk}:sms:{PHONE}"
    assert deliver_outbound_email(row.pk).outcome == "sent"
    assert deliver_outbound_email(row.pk).outcome == "skipped"  # a repeated task
    assert [s.reference for s in sms_outbox] == [row.dedupe_key]


def test_the_stop_link_ends_the_texts_after_a_confirmation(
    catalogue, client, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = phone_report()
    _private, stop_path = paths_in(sms_outbox[0].body.text)
    to_page = client.get(stop_path)
    assert to_page.status_code == 302
    page = client.get(to_page["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "+84••••••678" in text
    assert "912345678" not in text  # the whole number is never shown
    follower = Follower.objects.get(report=report)
    assert follower.is_subscribed  # a link scanner's GET changes nothing
    assert client.post(to_page["Location"], {"action": "unsubscribe"}).status_code == 200
    follower.refresh_from_db()
    assert not follower.is_subscribed

    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        public_event(report, Kind.ACCEPTED)
    assert sms_outbox == []


def test_a_text_queued_before_the_opt_out_is_withdrawn(catalogue, client, sms_outbox):
    report = phone_report()
    event = public_event(report, Kind.ACCEPTED)  # queued, not yet sent
    follower = Follower.objects.get(report=report)
    client.post(f"/unsubscribe/{follower.unsubscribe_token}/", {"action": "unsubscribe"})
    sms_outbox.clear()
    row = OutboundEmail.objects.get(event_id=event.pk)
    assert deliver_outbound_email(row.pk).outcome == "skipped"
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", "unsubscribed")
    assert sms_outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/r/0000000000000000",
        "/r/short",
        "/r/" + "Ä" * 16,
        "/s/0000000000000000",
        "/s/%00%00",
    ],
)
def test_wrong_short_links_are_not_found(catalogue, client, path):
    phone_report()
    assert client.get(path).status_code in (400, 404)


def test_the_tracking_code_alone_opens_no_private_page(catalogue, client, sms_outbox):
    report = phone_report()
    deliver_pending()
    private_path, stop_path = paths_in(sms_outbox[0].body.text)
    other = phone_report(reporter_phone="0987654321")
    # The other report's code with this one's signature.
    forged = "/r/" + other.tracking_code.replace("CM-", "").replace("-", "") + private_path[-8:]
    assert client.get(forged).status_code == 404
    # The stop link's signature does not open the private page, nor the reverse.
    assert client.get("/r/" + stop_path[3:]).status_code == 404
    assert client.get("/s/" + private_path[3:]).status_code == 404
    # Lower case, as a phone may send it, still works.
    assert client.get("/r/" + private_path[3:].lower()).status_code == 302
    assert client.get(private_path)["Location"] == private_report_url(report)


def test_followers_saying_me_too_never_get_the_reporters_phone(
    staff, sms_outbox, django_capture_on_commit_callbacks
):
    report = phone_report()
    FollowerFactory(report=report, email="hang.xom@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(report=report, acting_user=staff.intake)
    [email] = [m for m in mail.outbox if m.to == ["hang.xom@example.vn"]]
    body = email.body + "".join(alt for alt, _type in email.alternatives)
    assert "912345678" not in body and "912 345 678" not in body
    assert "/r/" not in body  # the reporter's short link stays in their own SMS


def test_the_phone_is_on_no_public_page_feed_or_api(staff, client, sms_outbox):
    report = phone_report(title="Cống nghẹt ở chợ")
    report_accept(report=report, acting_user=staff.intake)
    deliver_pending()
    assert len(sms_outbox) == 2  # the acknowledgement and the acceptance
    pages = [
        report.get_absolute_url(),
        "/reports/",
        f"/map/reports/{report.tracking_code}.json",
        "/reports/export.csv",
        "/reports/export.geojson",
        f"/open311/v2/requests/{report.tracking_code}.json",
        "/open311/v2/requests.json",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert report.tracking_code in text, path  # the report is there
        assert "912345678" not in text and "912 345 678" not in text, path


def test_the_form_says_a_mobile_without_email_gets_texts(catalogue, client):
    page = client.get("/reports/new/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Nếu không có email, chúng tôi gửi mã tra cứu và mọi thay đổi qua SMS" in (
        page.content.decode()
    )
