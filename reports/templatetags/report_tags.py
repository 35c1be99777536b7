from django import template
from django.utils.html import format_html

from reports.workflow import status_group as _status_group

register = template.Library()


@register.filter
def status_group(status: str) -> str:
    return _status_group(status)


@register.simple_tag
def status_badge(report):
    return format_html(
        '<span class="badge status-badge status-{}">{}</span>',
        _status_group(report.status),
        report.get_status_display(),
    )
