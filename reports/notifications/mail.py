"""What report emails show: the report, its links, the event, the agency and the deadline.

Registered with the outbox's rendering (``ReportsConfig.ready``), so every outbox row that
names a report, an event or a follower gets them. A row whose follower unsubscribed, or whose
report is gone, is withdrawn instead of sent.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.rendering import Withdrawn, absolute_url
from reports.models import DeadlineReminder, Follower, Report, ReportEvent
from reports.private_link import private_report_url
from services.models import Department


def staff_report_url(report) -> str:
    """The staff dashboard's page of a report."""
    try:
        return absolute_url(reverse("staff:report", kwargs={"code": report.tracking_code}))
    except NoReverseMatch:  # a deployment without the staff dashboard
        return absolute_url(report.get_absolute_url())


def report_email_context(row: OutboundEmail) -> dict:
    """Template context for a report email; raises ``Withdrawn`` when it must not be sent."""
    context = {}
    report = None
    if row.report_id:
        report = Report.objects.select_related("duplicate_of").filter(pk=row.report_id).first()
        if report is None:
            raise Withdrawn("report deleted")
    follower = None
    if row.context.get("follower_id"):
        follower = Follower.objects.filter(pk=row.context["follower_id"]).first()
        if follower is None or not follower.is_subscribed:
            raise Withdrawn("unsubscribed")  # between the event and the sending
        context["unsubscribe_url"] = absolute_url(
            reverse("reports:unsubscribe", kwargs={"token": follower.unsubscribe_token})
        )
    if report is not None:
        context["report"] = report
        context["report_url"] = absolute_url(report.get_absolute_url())
        if row.template.startswith("staff_"):
            context["staff_url"] = staff_report_url(report)
        if report.duplicate_of_id:
            context["original_url"] = absolute_url(report.duplicate_of.get_absolute_url())
        if follower is not None and follower.is_reporter:
            context["private_url"] = absolute_url(private_report_url(report))
    if row.event_id:
        context["event"] = ReportEvent.objects.filter(pk=row.event_id).first()
    if row.context.get("department_id"):
        context["department"] = Department.objects.filter(pk=row.context["department_id"]).first()
    if "clock" in row.context:
        context["clock_label"] = DeadlineReminder.Clock(row.context["clock"]).label
    link_url = context.get("private_url") or context.get("report_url")
    if link_url:
        context["link_url"] = link_url
    return context
