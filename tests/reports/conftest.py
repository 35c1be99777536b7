"""Staff of three agencies and a submitted report, for the workflow and dashboard tests; what a
citizen types into the report form."""

from types import SimpleNamespace

import pytest

from accounts.models import StaffMembership
from services.models import Category, Commune, Department
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


@pytest.fixture
def form_data(catalogue):
    """What a citizen types into the report form (reports.intake.forms.ReportForm)."""
    commune = Commune.objects.get(name="Phường An Xuyên")
    return {
        "category": Category.objects.get(code="STREETLIGHT").pk,
        "title": "Đèn đường không sáng",
        "description": "Ba bóng đèn trên đường Lý Thường Kiệt tắt từ tuần trước.",
        "commune": commune.pk,
        "latitude": f"{commune.latitude + 0.002:.6f}",
        "longitude": f"{commune.longitude + 0.002:.6f}",
        "address": "Trước số 120 Lý Thường Kiệt",
        "reporter_name": "Lê Văn Cường",
        "reporter_email": "cuong@example.vn",
        "reporter_phone": "",
        "name_hidden": "on",
    }
