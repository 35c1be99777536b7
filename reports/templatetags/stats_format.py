"""Formatting of statistics: shares as percentages and durations in hours or days."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(share):
    """0.873 → "87%"; no data → "—"."""
    if share is None:
        return "—"
    return f"{number_format(share * 100, 0)}%"


@register.filter
def percent_width(share):
    """A CSS width for a bar segment (never localised: CSS needs a dot)."""
    return f"{(share or 0) * 100:.1f}%"


@register.filter
def duration_hours(hours):
    """A duration given in hours, in hours below two days and in days above; "—" if none."""
    if hours is None:
        return "—"
    if hours < 48:
        return _("%(value)s hours") % {"value": number_format(hours, 1)}
    return _("%(value)s days") % {"value": number_format(hours / 24, 1)}
