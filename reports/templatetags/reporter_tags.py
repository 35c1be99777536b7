"""The reporter's actions on their private page, as one tag the page includes. It only renders:
what the reporter may do now comes from ``reports.handling.selectors.reporter_options``."""

from django import template
from django.middleware.csrf import get_token

from reports.handling.reporter_forms import ProvideInfoForm, RateForm
from reports.handling.selectors import ReporterOptions
from reports.models import Report

register = template.Library()


@register.inclusion_tag("reports/_reporter_actions_panel.html", takes_context=True)
def reporter_actions(context, report: Report, token: str, options: ReporterOptions):
    """Works in an ``{% include ... only %}``: the CSRF token is taken from the request."""
    request = getattr(context, "request", None)
    return {
        "report": report,
        "token": token,
        "csrf_token": get_token(request) if request is not None else "",
        "question": options.question,
        "info_form": ProvideInfoForm() if options.question else None,
        "rate_form": RateForm() if options.can_rate else None,
        "rating": options.rating,
        "dispute_until": options.dispute_until,
    }
