"""Reads for the statistics pages besides the figures themselves (``reports.stats.figures``)."""

from __future__ import annotations

from reports.permissions import StaffAccess
from services.collation import sorted_by_name
from services.models import Department


def departments_for_statistics(access: StaffAccess) -> tuple[bool, list[Department]]:
    """Whether the user sees the whole province, and the agencies they may pick (one query).
    Hotline operators and community helpers, who belong to no agency, see the province."""
    if access.sees_all or access.enters_only:
        return True, list(Department.objects.filter(is_active=True))
    own = Department.objects.filter(pk__in=access.agency_departments)
    return False, sorted_by_name(own, lambda department: department.name)
