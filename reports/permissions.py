"""Who a user is towards the reports: their staff memberships turned into workflow roles.

``reports.workflow`` says which role may take which action; this module says which roles a
user holds towards one report, which reports they may see at all, who may be assigned a
report, and who may enter a report for a resident by which channel. Every staff view and
action goes through these functions, so the dashboard and the server agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import StaffMembership, User
from reports.models import Report
from reports.workflow import (
    ADMINISTRATOR,
    HELPER,
    HOTLINE,
    INTAKE,
    LEADER,
    MANAGER,
    OFFICER,
    REPORTER,
)
from services.collation import VietnameseCollate

Role = StaffMembership.Role
_CACHE_ATTRIBUTE = "_staff_access_cache"
# The memberships ``staff_access`` turns into the officer or manager role towards the reports
# of the membership's agency: the people who do an agency's work.
HANDLING_MEMBERSHIP_ROLES = (Role.AGENCY_OFFICER, Role.AGENCY_MANAGER, Role.INTAKE_OFFICER)
Channel = Report.Source
# The channels a report entered for a resident may record, by who enters it: the intake centre
# (its officers and its hotline desk) takes calls, Zalo messages, visitors and emails; a
# community helper records that the hamlet's digital team helped.
DESK_CHANNELS = (Channel.HOTLINE, Channel.ZALO, Channel.WALK_IN, Channel.EMAIL)
HELPER_CHANNELS = (Channel.COMMUNITY_HELPER,)


@dataclass(frozen=True)
class StaffAccess:
    """A user's standing in the dashboard, read once per request from their memberships."""

    user_id: int | None = None
    is_intake: bool = False
    is_leader: bool = False
    is_administrator: bool = False
    officer_of: frozenset[int] = field(default_factory=frozenset)
    manager_of: frozenset[int] = field(default_factory=frozenset)
    # The intake centre's own department: its officers handle reports routed to the centre.
    intake_of: frozenset[int] = field(default_factory=frozenset)
    is_hotline: bool = False
    # The communes a community helper is attached to.
    helper_of: frozenset[int] = field(default_factory=frozenset)

    @property
    def agency_departments(self) -> frozenset[int]:
        return self.officer_of | self.manager_of | self.intake_of

    @property
    def sees_all(self) -> bool:
        return self.is_intake or self.is_leader or self.is_administrator

    @property
    def is_staff_member(self) -> bool:
        return self.sees_all or bool(self.agency_departments) or self.may_enter_reports

    @property
    def may_enter_reports(self) -> bool:
        """May type a report in for a resident (the assisted entry form)."""
        return self.is_intake or self.is_hotline or bool(self.helper_of)

    @property
    def enters_only(self) -> bool:
        """Hotline operators and community helpers without another role: their dashboard is
        the entry form and their entries, never the handling queues."""
        return self.may_enter_reports and not (self.sees_all or self.agency_departments)

    @property
    def entry_channels(self) -> tuple[str, ...]:
        """The channels this user's entries may record, in the order the form offers them."""
        channels: tuple[str, ...] = ()
        if self.is_intake or self.is_hotline:
            channels += DESK_CHANNELS
        if self.helper_of:
            channels += HELPER_CHANNELS
        return channels

    @property
    def entry_communes(self) -> frozenset[int] | None:
        """The communes this user may enter reports for: None for the intake centre's desk
        (any commune); a helper only their own."""
        if self.is_intake or self.is_hotline:
            return None
        return self.helper_of

    @property
    def is_read_only(self) -> bool:
        """Leaders and bare administrators look; they never act in the dashboard."""
        return not (self.is_intake or self.agency_departments)

    def roles_towards(self, report: Report) -> set[str]:
        roles = set()
        if self.is_intake:
            roles.add(INTAKE)
        if self.is_leader:
            roles.add(LEADER)
        if self.is_administrator:
            roles.add(ADMINISTRATOR)
        if self.is_hotline:
            roles.add(HOTLINE)
        if report.commune_id in self.helper_of:
            roles.add(HELPER)
        department_id = report.department_id
        if department_id is not None:
            if department_id in self.manager_of:
                roles.add(MANAGER)
            if department_id in self.officer_of or department_id in self.intake_of:
                roles.add(OFFICER)
        return roles

    def can_view(self, report: Report) -> bool:
        return self.sees_all or (
            report.department_id is not None and report.department_id in self.agency_departments
        )

    def may_see_reporter(self, report: Report) -> bool:
        """The reporter's contact details: the intake centre always; whoever typed the report
        in for the resident (they heard them); the handling agency only when the reporter
        allowed contact. Leaders and the commune's other helpers see statistics, not people."""
        if self.is_intake or self.is_administrator:
            return True
        if self.user_id is not None and report.entered_by_id == self.user_id:
            return True
        return report.contact_allowed and (
            report.department_id is not None and report.department_id in self.agency_departments
        )


NO_ACCESS = StaffAccess()


def staff_access(user) -> StaffAccess:
    """The user's staff standing; one query, remembered on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    rows = StaffMembership.objects.filter(
        Q(department__isnull=True) | Q(department__is_active=True), user=user
    ).values_list("department_id", "department__kind", "role", "commune_id")
    officer_of, manager_of, intake_of, helper_of = set(), set(), set(), set()
    is_intake = is_leader = is_hotline = False
    for department_id, department_kind, role, commune_id in rows:
        if role == Role.LEADER:
            is_leader = True
        elif role == Role.INTAKE_OFFICER:
            is_intake = True
            if department_kind == "intake":
                intake_of.add(department_id)
            else:
                officer_of.add(department_id)
        elif role == Role.AGENCY_MANAGER:
            manager_of.add(department_id)
        elif role == Role.AGENCY_OFFICER:
            officer_of.add(department_id)
        elif role == Role.HOTLINE_OPERATOR:
            is_hotline = True
        elif role == Role.COMMUNITY_HELPER:
            helper_of.add(commune_id)
    access = StaffAccess(
        user_id=user.pk,
        is_intake=is_intake,
        is_leader=is_leader,
        is_administrator=user.is_superuser,
        officer_of=frozenset(officer_of),
        manager_of=frozenset(manager_of),
        intake_of=frozenset(intake_of),
        is_hotline=is_hotline,
        helper_of=frozenset(helper_of),
    )
    setattr(user, _CACHE_ATTRIBUTE, access)
    return access


def forget_staff_access(user) -> None:
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def roles_for(user, report: Report) -> set[str]:
    """Every workflow role the user holds towards this report (empty: none)."""
    roles = staff_access(user).roles_towards(report)
    if (
        user is not None
        and getattr(user, "is_authenticated", False)
        and report.reporter_id is not None
        and report.reporter_id == user.pk
    ):
        roles.add(REPORTER)
    return roles


def assignable_users(
    *,
    report: Report | None = None,
    department=None,
    departments: Iterable[int] | None = None,
) -> QuerySet[User]:
    """Who may be assigned a report: the people who would work on it as its agency's officer
    or manager.

    The rule: an active account with an agency-officer, agency-manager or intake-officer
    membership in the report's handling agency, while that agency is active. Intake officers
    are assignable for the reports the intake centre handles itself (their membership is in
    the centre) and in any agency where they also hold a membership. Leaders never are, and
    a report not yet dispatched to an agency has nobody to assign. Who may *make* the
    assignment (the agency's staff, or intake for any agency) is ``reports.workflow``'s
    "assign" rule; they choose from this list. It matches ``StaffAccess.roles_towards``: an
    assignee can start, answer and resolve the report.

    Give ``report`` (its handling agency), ``department`` (an agency or its id) or
    ``departments`` (ids; anyone assignable in one of them, for list filters); with none of
    them, anyone assignable in any agency. Returns users ordered by name.
    """
    if sum(given is not None for given in (report, department, departments)) > 1:
        raise TypeError("assignable_users takes one of report, department or departments")
    memberships = StaffMembership.objects.filter(
        role__in=HANDLING_MEMBERSHIP_ROLES, department__is_active=True
    )
    if report is not None:
        if report.department_id is None:
            return User.objects.none()
        memberships = memberships.filter(department_id=report.department_id)
    if department is not None:
        memberships = memberships.filter(department=department)
    if departments is not None:
        memberships = memberships.filter(department_id__in=list(departments))
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
        VietnameseCollate("full_name"), "email"
    )


def visible_reports_for(user):
    """The reports a staff member may open: all for intake, leaders and administrators; their
    agencies' reports for agency staff; none for anyone else."""
    access = staff_access(user)
    if access.sees_all:
        return Report.objects.all()
    if access.agency_departments:
        return Report.objects.filter(department_id__in=access.agency_departments)
    return Report.objects.none()


def staff_required(view):
    """Dashboard views: signed in at the staff login and holding a staff role.

    Anonymous users go to the staff sign-in page (not the citizens' one); signed-in users
    without a staff role get 403. The view finds the standing in ``request.staff``.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('staff:login')}?{query}")
        access = staff_access(request.user)
        if not access.is_staff_member:
            raise PermissionDenied
        if access.enters_only:
            # Hotline operators and community helpers never handle reports: their part of the
            # dashboard is the entry form and their entries.
            return redirect("assisted:entries")
        request.staff = access
        return view(request, *args, **kwargs)

    return wrapper


def entry_required(view):
    """Assisted-entry views: signed in at the staff login, and allowed to enter reports for
    residents (intake centre, hotline operators, community helpers). The view finds the
    standing in ``request.staff``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('staff:login')}?{query}")
        access = staff_access(request.user)
        if not access.may_enter_reports:
            raise PermissionDenied
        request.staff = access
        return view(request, *args, **kwargs)

    return wrapper
