"""Who holds which role towards which report, and who sees which reports."""

import pytest

from accounts.models import StaffMembership
from reports.handling.actions import report_accept, report_transfer
from reports.permissions import roles_for, staff_access, visible_reports_for
from reports.workflow import ADMINISTRATOR, INTAKE, LEADER, MANAGER, OFFICER, REPORTER
from tests.factories import StaffMembershipFactory, SubmittedReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def _roles(staff, report):
    return {
        name: roles_for(getattr(staff, name), report)
        for name in ("intake", "officer", "manager", "other_officer", "leader", "citizen")
    }


def test_roles_on_a_submitted_report(staff, submitted):
    assert _roles(staff, submitted) == {
        "intake": {INTAKE},
        "officer": set(),
        "manager": set(),
        "other_officer": set(),
        "leader": {LEADER},
        "citizen": set(),
    }


def test_roles_follow_the_responsible_agency(staff, accepted):
    assert _roles(staff, accepted) == {
        "intake": {INTAKE},
        "officer": {OFFICER},
        "manager": {MANAGER},
        "other_officer": set(),
        "leader": {LEADER},
        "citizen": set(),
    }
    moved = report_transfer(
        report=accepted, acting_user=staff.manager, department=staff.other_agency, reason="x"
    )
    roles = _roles(staff, moved)
    assert roles["officer"] == set() and roles["manager"] == set()
    assert roles["other_officer"] == {OFFICER}


def test_reporter_account_and_superuser(staff):
    report = SubmittedReportFactory(commune=staff.commune, reporter=staff.citizen)
    admin = UserFactory(email="admin@camau.gov.vn", is_staff=True, is_superuser=True)
    assert roles_for(staff.citizen, report) == {REPORTER}
    assert roles_for(admin, report) == {ADMINISTRATOR}
    assert staff_access(admin).is_read_only


def test_several_agencies(staff):
    StaffMembershipFactory(
        user=staff.officer, department=staff.other_agency, role=StaffMembership.Role.AGENCY_MANAGER
    )
    mine = report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    other = report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )
    officer = type(staff.officer).objects.get(pk=staff.officer.pk)
    assert roles_for(officer, mine) == {OFFICER}
    assert roles_for(officer, other) == {MANAGER}
    assert set(visible_reports_for(officer)) == {mine, other}


def test_visibility(staff, submitted, accepted):
    elsewhere = report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )
    assert set(visible_reports_for(staff.intake)) == {accepted, elsewhere}
    assert set(visible_reports_for(staff.leader)) == {accepted, elsewhere}
    assert set(visible_reports_for(staff.officer)) == {accepted}
    assert set(visible_reports_for(staff.other_officer)) == {elsewhere}
    assert not visible_reports_for(staff.citizen).exists()


def test_inactive_agency_or_user_loses_access(staff, accepted):
    staff.committee.is_active = False
    staff.committee.save()
    officer = type(staff.officer).objects.get(pk=staff.officer.pk)
    assert roles_for(officer, accepted) == set()
    leader = type(staff.leader).objects.get(pk=staff.leader.pk)
    leader.is_active = False
    assert roles_for(leader, accepted) == set()


def test_reporter_details_visible_to_intake_and_consenting_agency(staff, accepted):
    assert staff_access(staff.intake).may_see_reporter(accepted)
    assert not staff_access(staff.leader).may_see_reporter(accepted)
    assert not staff_access(staff.officer).may_see_reporter(accepted)
    accepted.contact_allowed = True
    assert staff_access(staff.officer).may_see_reporter(accepted)
    assert not staff_access(staff.other_officer).may_see_reporter(accepted)
