"""The developer's view of the emails written to var/mail (camau_portal.devtools.views)."""

import pytest

from camau_portal.notifications.delivery import SENT, deliver_outbound_email
from camau_portal.notifications.models import OutboundEmail
from tests.reports.support import submit_report

pytestmark = pytest.mark.django_db


def test_dev_mail_viewer_is_debug_only(catalogue, client, settings, tmp_path):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.DEBUG = False
    assert client.get("/dev/mail/").status_code == 404
    report = submit_report()
    row = OutboundEmail.objects.get()
    assert deliver_outbound_email(row.pk).outcome == SENT
    settings.DEBUG = True
    listing = client.get("/dev/mail/")
    assert listing.status_code == 200
    name = next(tmp_path.glob("*.log")).name
    assert name in listing.content.decode()
    page = client.get(f"/dev/mail/{name}/")
    assert report.tracking_code in page.content.decode()
    assert client.get("/dev/mail/nothing.log/").status_code == 404


def test_dev_sms_viewer_lists_what_the_file_backend_wrote(catalogue, client, settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.SMS_BACKEND = "camau_portal.notifications.sms_backends.filebased.FileSmsBackend"
    settings.DEBUG = False
    assert client.get("/dev/sms/").status_code == 404
    report = submit_report(reporter_email="", reporter_phone="0912345678")
    row = OutboundEmail.objects.get()
    assert deliver_outbound_email(row.pk).outcome == SENT
    [written] = (tmp_path / "sms").glob("*.json")
    (tmp_path / "sms" / "broken.json").write_text("{not json")  # skipped, not a 500
    settings.DEBUG = True
    listing = client.get("/dev/sms/")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert f"Phan anh {report.tracking_code} da duoc ghi nhan." in text
    assert "+84912345678" in text and "GSM-7" in text
    row.refresh_from_db()
    assert row.provider_message_id and row.provider_message_id[:8] in written.name
