"""The report list: queues with counts, filters, keyset pages, bulk actions, CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from reports.csv_export import csv_response
from reports.handling.actions import reports_bulk_accept, reports_bulk_assign
from reports.pagination import DEFAULT_SORT, SORTS
from reports.permissions import staff_required, visible_reports_for
from reports.staff import selectors
from reports.staff.auth_views import local_next_url
from reports.staff.export import export_rows
from reports.staff.filters import StaffReportFilter, assignable_staff
from reports.staff.forms import BulkActionForm
from reports.staff.queues import (
    QUEUES,
    default_queue,
    queue_context,
    queue_counts,
    queue_reports,
    queues_for,
)
from services.calendar import current_calendar

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def _filtered(request):
    """The queue, filters and ordering the request asks for, applied to what the user may see."""
    access = request.staff
    ctx = queue_context(access, now=timezone.now(), calendar=current_calendar())
    queues = queues_for(access)
    queue = QUEUES.get(request.GET.get("queue", ""))
    if queue not in queues:
        queue = default_queue(access)
    visible = visible_reports_for(request.user)
    filterset = StaffReportFilter(
        request.GET,
        queryset=queue_reports(visible, queue.key, ctx),
        access=access,
        now=ctx.now,
        soon=ctx.soon,
    )
    reports = filterset.qs if filterset.is_valid() else visible.none()
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else DEFAULT_SORT
    return ctx, queues, queue, visible, filterset, reports, sort


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@require_safe
@staff_required
def report_list(request):
    ctx, queues, queue, visible, filterset, reports, sort = _filtered(request)
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    if size not in PAGE_SIZES:
        size = DEFAULT_PAGE_SIZE
    page = selectors.report_list_page(
        reports, sort=sort, size=size, cursor=request.GET.get("cursor")
    )
    counts = queue_counts(visible, queues, ctx)
    access = request.staff
    bulk = None
    if not access.is_read_only:
        bulk = BulkActionForm(assignees=assignable_staff(access))
    return render(
        request,
        "staff/report_list.html",
        {
            "queues": [(q, counts.get(q.key)) for q in queues],
            "queue": queue,
            "filter": filterset,
            "page": page,
            "sort": sort,
            "sorts": SORTS,
            "size": size,
            "page_sizes": PAGE_SIZES,
            "now": ctx.now,
            "soon": ctx.soon,
            "bulk": bulk,
            "can_accept": access.is_intake,
            "query": _query_without(request, "cursor"),
            "filter_query": _query_without(request, "cursor", "queue"),
            "sort_query": _query_without(request, "cursor", "sort"),
        },
    )


@require_safe
@staff_required
def report_export(request):
    _ctx, _queues, queue, _visible, _filterset, reports, sort = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = csv_response(
        export_rows(reports, access=request.staff, sort=sort),
        filename=f"reports-{queue.key}-{stamp}.csv",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def report_bulk(request):
    access = request.staff
    back = HttpResponseRedirect(local_next_url(request, default=reverse("staff:reports")))
    if access.is_read_only:
        messages.error(request, _("Your role cannot change reports."))
        return back
    form = BulkActionForm(request.POST, assignees=assignable_staff(access))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    codes = form.cleaned_data["codes"]
    found = selectors.visible_reports_by_code(request.user, codes)
    reports = [found[code] for code in codes if code in found]
    action = form.cleaned_data["action"]
    if action == BulkActionForm.ASSIGN:
        result = reports_bulk_assign(
            reports=reports, acting_user=request.user, assignee=form.cleaned_data["assignee"]
        )
    else:
        department = form.cleaned_data["department"] if action == BulkActionForm.DISPATCH else None
        result = reports_bulk_accept(
            reports=reports, acting_user=request.user, department=department
        )
    if result.done:
        messages.success(
            request,
            ngettext("%(count)d report updated.", "%(count)d reports updated.", len(result.done))
            % {"count": len(result.done)},
        )
    for code in codes:
        if code not in found:
            messages.error(request, _("%(code)s: not found.") % {"code": code})
    for code, reason in result.refused:
        messages.error(request, f"{code}: {reason}")
    return back
