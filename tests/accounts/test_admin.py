"""Staff accounts and their roles are created in the administration."""

import pytest
from django.urls import reverse

from accounts.models import StaffMembership, User
from reports.permissions import staff_access
from services.models import Commune, Department
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_create_a_staff_account_with_a_role(client, catalogue):
    client.force_login(StaffFactory(email="root@camau.gov.vn", is_superuser=True))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "can.bo@camau.gov.vn",
            "full_name": "Cán Bộ Mới",
            "usable_password": "true",
            "password1": "Mat-khau-rat-manh-2026",
            "password2": "Mat-khau-rat-manh-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="can.bo@camau.gov.vn")
    committee = Department.objects.get(code="SXD")
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": "vi",
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-role": StaffMembership.Role.AGENCY_MANAGER,
        "memberships-0-department": committee.pk,
    }
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(pk=user.pk)
    assert staff_access(user).manager_of == {committee.pk}


def test_user_list_and_role_filter(client, catalogue):
    client.force_login(StaffFactory(email="root@camau.gov.vn", is_superuser=True))
    leader = StaffFactory(email="leader@camau.gov.vn")
    StaffMembership.objects.create(user=leader, role="leader")
    response = client.get(reverse("admin:accounts_user_changelist"), {"role": "leader"})
    page = response.content.decode()
    assert "leader@camau.gov.vn" in page and "root@camau.gov.vn" not in page


def test_an_agencys_page_lists_its_staff(client, catalogue):
    client.force_login(StaffFactory(email="root@camau.gov.vn", is_superuser=True))
    committee = Department.objects.get(code="SXD")
    officer = StaffFactory(email="can.bo@camau.gov.vn")
    StaffMembership.objects.create(
        user=officer, department=committee, role=StaffMembership.Role.AGENCY_OFFICER
    )

    response = client.get(reverse("admin:services_department_change", args=[committee.pk]))

    assert response.status_code == 200
    assert 'name="memberships-0-role"' in response.content.decode()
    assert response.context["inline_admin_formsets"][0].formset.queryset.get().user == officer


def _membership_post(user, **membership):
    return {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": "vi",
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        **{f"memberships-0-{name}": value for name, value in membership.items()},
    }


def test_a_community_helper_is_attached_to_a_commune(client, catalogue):
    client.force_login(StaffFactory(email="root@camau.gov.vn", is_superuser=True))
    helper = StaffFactory(email="to.vien@camau.gov.vn")
    commune = Commune.objects.get(name="Phường An Xuyên")
    url = reverse("admin:accounts_user_change", args=[helper.pk])

    without = client.post(url, _membership_post(helper, role="community_helper"))
    assert without.status_code == 200
    assert "Thành viên tổ công nghệ số cộng đồng thuộc một xã" in without.content.decode()
    with_agency = client.post(
        url,
        _membership_post(
            helper,
            role="community_helper",
            commune=commune.pk,
            department=Department.objects.get(code="SXD").pk,
        ),
    )
    assert with_agency.status_code == 200
    assert not StaffMembership.objects.filter(user=helper).exists()

    response = client.post(
        url, _membership_post(helper, role="community_helper", commune=commune.pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert staff_access(User.objects.get(pk=helper.pk)).helper_of == {commune.pk}


def test_a_hotline_operator_belongs_to_an_agency_not_a_commune(client, catalogue):
    client.force_login(StaffFactory(email="root@camau.gov.vn", is_superuser=True))
    operator = StaffFactory(email="tong.dai@camau.gov.vn")
    url = reverse("admin:accounts_user_change", args=[operator.pk])
    ioc = Department.objects.get(code="IOC")
    commune = Commune.objects.get(name="Phường An Xuyên")
    refused = client.post(
        url,
        _membership_post(operator, role="hotline_operator", department=ioc.pk, commune=commune.pk),
    )
    assert refused.status_code == 200
    response = client.post(
        url, _membership_post(operator, role="hotline_operator", department=ioc.pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert staff_access(User.objects.get(pk=operator.pk)).is_hotline
