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
