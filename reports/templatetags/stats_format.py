"""Formatting of statistics: shares as percentages and durations in hours or days."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
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


STATS_ROW = (
    '<tr data-code="{code}">{rank}<th scope="row">{name}</th><td>{received}</td>'
    "<td>{resolved}</td><td>{open}</td><td{overdue_class}>{overdue}</td><td>{intake}</td>"
    "<td>{response}</td><td>{resolution}</td><td>{median_response}</td>"
    "<td>{median_resolution}</td><td>{satisfied}</td></tr>"
)


@register.simple_tag
def stats_rows(rows, ranked=False, link_agencies=False) -> SafeString:
    """The body rows of an agency, commune or channel table, one line each.

    Written in Python rather than as a template loop: the province's tables run to well over
    a hundred rows of twelve cells, and the loop took most of the page's render time. Alignment
    and weight come from the stylesheet (``table.stats``), not a class on every cell."""
    lines = []
    for number, row in enumerate(rows, start=1):
        name = row.name
        if link_agencies:
            name = format_html('<a href="?agency={}">{}</a>', row.code, row.name)
        lines.append(
            format_html(
                STATS_ROW,
                code=row.code,
                rank=format_html("<td>{}</td>", number) if ranked else "",
                name=name,
                received=row.received,
                resolved=row.resolved,
                open=row.open,
                overdue_class=mark_safe(' class="text-danger"') if row.overdue else "",
                overdue=row.overdue,
                intake=percent(row.intake.on_time_rate),
                response=percent(row.response.on_time_rate),
                resolution=percent(row.resolution.on_time_rate),
                median_response=duration_hours(row.median_response_hours),
                median_resolution=duration_hours(row.median_resolution_hours),
                satisfied=percent(row.satisfaction_rate),
            )
        )
    return mark_safe("\n".join(lines))  # every piece went through format_html
