"""Statistics pages: the public province view and the staff view of one's agency."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import StaffMembership
from reports.stats.figures import Overview, department_overview, province_overview
from reports.stats.periods import PeriodForm
from services.models import Department

PROVINCE_ROLES = {StaffMembership.Role.LEADER, StaffMembership.Role.INTAKE_OFFICER}


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


@require_GET
def public_stats(request):
    form = PeriodForm(request.GET or None)
    overview = province_overview(form.selected_period())
    return render(request, "stats/public.html", _context(request, overview, form))


def _staff_departments(user) -> tuple[bool, list[Department]]:
    """Whether the user sees the whole province, and the agencies they may pick."""
    memberships = list(user.memberships.select_related("department"))
    if user.is_superuser or any(m.role in PROVINCE_ROLES for m in memberships):
        return True, list(Department.objects.filter(is_active=True))
    own = {m.department.id: m.department for m in memberships if m.department}
    return False, sorted(own.values(), key=lambda d: d.name)


@require_GET
def staff_stats(request):
    """Agency staff see their agency; leaders and the intake centre see the province and may
    open any agency."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    province_wide, departments = _staff_departments(request.user)
    if not province_wide and not departments:
        raise PermissionDenied(_("Only staff members can see these statistics."))
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
