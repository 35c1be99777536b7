"""Staff of three agencies and a submitted report, for the workflow and dashboard tests."""

from types import SimpleNamespace

import pytest

from accounts.models import StaffMembership
from services.models import Commune, Department
from tests.factories import StaffMembershipFactory, SubmittedReportFactory, UserFactory

Role = StaffMembership.Role


def _member(email, role, department=None, **user_fields):
    user = UserFactory(email=email, is_staff=True, **user_fields)
    StaffMembershipFactory(user=user, role=role, department=department)
    return user


@pytest.fixture
def staff(catalogue):
    """The intake centre, one commune committee (the usual handler) and one other agency."""
    commune = Commune.objects.order_by("code").first()
    committee = commune.committee
    other_agency = Department.objects.get(code="SXD")
    ioc = Department.objects.get(code="IOC")
    return SimpleNamespace(
        commune=commune,
        committee=committee,
        other_agency=other_agency,
        ioc=ioc,
        intake=_member("intake@camau.gov.vn", Role.INTAKE_OFFICER, ioc, full_name="Trần Tiếp Nhận"),
        officer=_member(
            "officer@camau.gov.vn", Role.AGENCY_OFFICER, committee, full_name="Lê Cán Bộ"
        ),
        officer2=_member("officer2@camau.gov.vn", Role.AGENCY_OFFICER, committee),
        manager=_member("manager@camau.gov.vn", Role.AGENCY_MANAGER, committee),
        other_officer=_member("sxd.officer@camau.gov.vn", Role.AGENCY_OFFICER, other_agency),
        other_manager=_member("sxd.manager@camau.gov.vn", Role.AGENCY_MANAGER, other_agency),
        leader=_member("leader@camau.gov.vn", Role.LEADER),
        citizen=UserFactory(email="citizen@example.vn"),
    )


@pytest.fixture
def submitted(staff):
    return SubmittedReportFactory(commune=staff.commune)


@pytest.fixture
def accepted(staff, submitted):
    from reports.handling.actions import report_accept

    return report_accept(report=submitted, acting_user=staff.intake)


@pytest.fixture
def in_progress(staff, accepted):
    from reports.handling.actions import report_start

    return report_start(report=accepted, acting_user=staff.officer)


@pytest.fixture
def resolved(staff, in_progress):
    from reports.handling.actions import report_resolve

    return report_resolve(report=in_progress, acting_user=staff.officer, answer="Đã vá ổ gà.")
