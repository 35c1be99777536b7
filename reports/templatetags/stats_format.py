"""Formatting of statistics: shares as percentages and durations in hours or days."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(share):
    """0.873 → "87%"; no data → "—"."""
    if share is None:
        return "—"
    return f"{number_format(share * 100, 0)}%"


@register.simple_tag
def outcome_bar(outcome):
    """On time, late with an extension and late as one bar of three segments.

    Drawn as SVG: its geometry is markup, not a ``style`` attribute, so the page needs no
    inline styles under the Content-Security-Policy.
    """
    segments, start = [], 0.0
    for css_class, share in (
        ("outcome-on-time", outcome.on_time_rate),
        ("outcome-late-extended", outcome.late_extended_rate),
        ("outcome-late", outcome.late_rate),
    ):
        width = (share or 0) * 100
        segments.append((css_class, f"{start:.1f}", f"{width:.1f}"))
        start += width
    return format_html(
        '<svg class="outcome-bar" viewBox="0 0 100 1" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">{}</svg>',
        format_html_join(
            "", '<rect class="{}" x="{}" y="0" width="{}" height="1"></rect>', segments
        ),
    )


@register.filter
def duration_hours(hours):
    """A duration given in hours, in hours below two days and in days above; "—" if none."""
    if hours is None:
        return "—"
    if hours < 48:
        return _("%(value)s hours") % {"value": number_format(hours, 1)}
    return _("%(value)s days") % {"value": number_format(hours / 24, 1)}
