"""A hotline operator, a community helper of one commune, and what the operator types for a
resident who calls about a broken streetlight."""

from types import SimpleNamespace

import pytest

from accounts.models import StaffMembership
from services.models import Commune
from tests.factories import StaffMembershipFactory, UserFactory

Role = StaffMembership.Role


@pytest.fixture
def desk(staff):
    """The reports conftest's staff, plus a hotline operator and the commune's helper."""
    operator = UserFactory(email="hotline@camau.gov.vn", is_staff=True, full_name="Đỗ Tổng Đài")
    StaffMembershipFactory(user=operator, role=Role.HOTLINE_OPERATOR, department=staff.ioc)
    helper = UserFactory(email="helper@camau.gov.vn", is_staff=True, full_name="Lý Tổ Viên")
    StaffMembershipFactory(user=helper, role=Role.COMMUNITY_HELPER, commune=staff.commune)
    other_commune = Commune.objects.exclude(pk=staff.commune.pk).order_by("code").first()
    return SimpleNamespace(
        **vars(staff), operator=operator, helper=helper, other_commune=other_commune
    )


@pytest.fixture
def call(desk):
    """The entry form as the operator fills it in during the call, category and commune typed
    without accents as fast typists do."""
    return {
        "source": "hotline",
        "reporter_name": "Bà Nguyễn Thị Sáu",
        "reporter_phone": "0912 345 678",
        "language": "vi",
        "reporter_email": "",
        "category": "den duong",
        "description": "Đèn đường trước chợ tắt ba đêm nay, tối om rất nguy hiểm.",
        "title": "",
        "commune": desk.commune.name,
        "address": "Ấp 3, trước chợ",
        "latitude": "",
        "longitude": "",
        "contact_allowed": "yes",
    }


@pytest.fixture
def enter(desk):
    """Files a report the way the entry form does (``report_submit`` with ``entered_by``)."""
    from reports.intake.actions import report_submit
    from services.models import Category

    def enter(*, by=None, source="hotline", commune=None, **fields):
        values = {
            "category": Category.objects.get(code="STREETLIGHT"),
            "commune": commune or desk.commune,
            "title": "Đèn đường trước chợ tắt",
            "description": "Đèn đường trước chợ tắt ba đêm nay.",
            "reporter_name": "Bà Nguyễn Thị Sáu",
            "reporter_phone": "0912 345 678",
            "contact_allowed": True,
            **fields,
        }
        entered_by = by or desk.operator
        return report_submit(**values, source=source, entered_by=entered_by, acting_user=entered_by)

    return enter
