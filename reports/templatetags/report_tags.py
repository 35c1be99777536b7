from django import template
from django.utils.html import format_html

from reports.status import ReportStatus
from reports.workflow import STATUS_GROUP_LABELS
from reports.workflow import status_group as _status_group

register = template.Library()


@register.filter
def status_group(status: str) -> str:
    return _status_group(status)


@register.simple_tag
def status_badge(report_or_status):
    """The one way a status is shown: its label (``ReportStatus``) on its colour (the
    ``--status-<status>`` token in static/css/theme.css). Takes a report or a status value."""
    status = getattr(report_or_status, "status", report_or_status)
    return format_html(
        '<span class="status-badge status-{}">{}</span>', status, ReportStatus(status).label
    )


@register.simple_tag
def status_group_badge(group: str):
    """A status group (open, fixed, closed) as the map and its filters name it."""
    return format_html(
        '<span class="status-badge status-{}">{}</span>', group, STATUS_GROUP_LABELS[group]
    )
