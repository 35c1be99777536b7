"""The reporter's actions on their private page, as one tag the page includes."""

from django import template
from django.middleware.csrf import get_token
from django.utils import timezone

from reports.handling.reporter_forms import ProvideInfoForm, RateForm
from reports.models import Rating, Report, ReportEvent
from reports.workflow import DISPUTE_WINDOW

register = template.Library()


@register.inclusion_tag("reports/_reporter_actions_panel.html", takes_context=True)
def reporter_actions(context, report: Report, token: str):
    """What the reporter can do now: answer the pending question, or rate the answer.

    Works in an ``{% include ... only %}``: the CSRF token is taken from the request.
    """
    request = getattr(context, "request", None)
    question = None
    can_rate = False
    rating = None
    dispute_until = None
    if report.status == Report.Status.WAITING_INFO:
        question = (
            ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.INFO_REQUESTED)
            .order_by("-created_at", "-id")
            .first()
        )
    elif report.status in (Report.Status.RESOLVED, Report.Status.CLOSED) and report.resolved_at:
        rating = (
            Rating.objects.filter(report=report, created_at__gte=report.resolved_at)
            .order_by("-created_at")
            .first()
        )
        can_rate = rating is None
        if timezone.now() - report.resolved_at <= DISPUTE_WINDOW:
            dispute_until = report.resolved_at + DISPUTE_WINDOW
    return {
        "report": report,
        "token": token,
        "csrf_token": get_token(request) if request is not None else "",
        "question": question,
        "info_form": ProvideInfoForm() if question else None,
        "rate_form": RateForm() if can_rate else None,
        "rating": rating,
        "dispute_until": dispute_until,
    }
