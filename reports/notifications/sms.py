"""What report text messages show: the tracking code, the short link to the reporter's private
page and the short opt-out link, written without "https://" (phones make a link of them
anyway, and every character counts in one segment).

Registered with the outbox's rendering (``ReportsConfig.ready``) next to the email context;
it adds only to SMS rows.
"""

from __future__ import annotations

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.rendering import absolute_url
from reports.models import Report
from reports.short_links import private_short_path, sms_stop_short_path


def as_typed(url: str) -> str:
    return url.removeprefix("https://")


def report_sms_context(row: OutboundEmail) -> dict:
    if row.channel != OutboundEmail.Channel.SMS or not row.report_id:
        return {}
    # The email context has already withdrawn a row whose report is gone.
    report = Report.objects.only("tracking_code").get(pk=row.report_id)
    return {
        "code": report.tracking_code,
        "short_url": as_typed(absolute_url(private_short_path(report))),
        "stop_url": as_typed(absolute_url(sms_stop_short_path(report))),
    }
