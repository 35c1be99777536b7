"""Statistics pages: the public province view and the staff view of one's agency."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.permissions import staff_access
from reports.stats.figures import Overview, department_overview, province_overview
from reports.stats.periods import PeriodForm
from reports.stats.selectors import departments_for_statistics


def _chart_data(overview: Overview) -> dict:
    return {
        "categories": {
            "labels": [f.name for f in overview.top_categories],
            "received": [f.received for f in overview.top_categories],
        },
        "weekly": {
            "labels": [date_format(week.start, "d/m") for week in overview.weekly],
            "received": [week.received for week in overview.weekly],
            "resolved": [week.resolved for week in overview.weekly],
        },
        "labels": {"received": _("Received"), "resolved": _("Resolved")},
    }


def _context(request, overview: Overview, form: PeriodForm, **extra) -> dict:
    return {
        "overview": overview,
        "figures": overview.totals,
        "form": form,
        "chart_data": _chart_data(overview),
        **extra,
    }


@require_safe
def public_stats(request):
    form = PeriodForm(request.GET or None)
    overview = province_overview(form.selected_period())
    return render(request, "stats/public.html", _context(request, overview, form))


@require_safe
def staff_stats(request):
    """Agency staff see their agency; leaders and the intake centre see the province and may
    open any agency."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("staff:login"))
    access = staff_access(request.user)
    if not access.is_staff_member:
        raise PermissionDenied(_("Only staff members can see these statistics."))
    province_wide, departments = departments_for_statistics(access)
    form = PeriodForm(request.GET or None)
    period = form.selected_period()
    requested = request.GET.get("agency")
    department = next((d for d in departments if d.code == requested), None)
    if department is None and not province_wide:
        department = departments[0]
    if department is None:
        overview = province_overview(period)
    else:
        overview = department_overview(department, period)
    return render(
        request,
        "stats/staff.html",
        _context(
            request,
            overview,
            form,
            department=department,
            departments=departments,
            province_wide=province_wide,
        ),
    )
