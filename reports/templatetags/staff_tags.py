from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.deadlines.clocks import deadline_state
from reports.models import Report

register = template.Library()

STATE_LABELS = {
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "running": _("On time"),
    "paused": _("Paused"),
    "stopped": _("Stopped"),
    "on_time": _("Met"),
    "late": _("Late"),
    "none": "—",
}


@register.simple_tag
def list_deadline(report, now, soon):
    """The current deadline of a report in the list, coloured by urgency."""
    if report.status == Report.Status.WAITING_INFO:
        return format_html('<span class="deadline-paused">{}</span>', STATE_LABELS["paused"])
    due = report.handling_due_at
    state = deadline_state(due, now=now, soon=soon)
    if state == "none":
        return "—"
    return format_html(
        '<time class="deadline-{}" datetime="{}" title="{}">{}</time>',
        state,
        due.isoformat(),
        STATE_LABELS[state],
        timezone.localtime(due).strftime("%d/%m/%Y %H:%M"),
    )


@register.filter
def deadline_label(state: str) -> str:
    return STATE_LABELS.get(state, state)
