"""Demo logins: one account for every role, and an officer for any agency without one. All
share one password, printed by ``seed_demo``."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import StaffMembership, User
from services.models import Commune, Department

DEMO_PASSWORD = "demo-camau-2026"
DEMO_COMMUNE = "Phường An Xuyên"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str | None  # None: a citizen or the administrator
    department_code: str | None
    superuser: bool = False
    commune_name: str | None = None  # a community helper's commune


def demo_accounts(commune_department_code: str) -> list[DemoAccount]:
    R = StaffMembership.Role
    return [
        DemoAccount("admin@demo.camau.vn", "Quản trị viên", None, None, superuser=True),
        DemoAccount("intake@demo.camau.vn", "Phạm Thị Tiếp Nhận", R.INTAKE_OFFICER, "IOC"),
        DemoAccount(
            "officer@demo.camau.vn", "Nguyễn Văn Xử Lý", R.AGENCY_OFFICER, commune_department_code
        ),
        DemoAccount(
            "manager@demo.camau.vn",
            "Lê Thị Trưởng Phòng",
            R.AGENCY_MANAGER,
            commune_department_code,
        ),
        DemoAccount("power@demo.camau.vn", "Trần Văn Điện", R.AGENCY_OFFICER, "DIEN_LUC"),
        DemoAccount("leader@demo.camau.vn", "Võ Văn Lãnh Đạo", R.LEADER, None),
        DemoAccount("hotline@demo.camau.vn", "Đỗ Thị Tổng Đài", R.HOTLINE_OPERATOR, "IOC"),
        DemoAccount(
            "helper@demo.camau.vn",
            "Lý Văn Tổ Viên",
            R.COMMUNITY_HELPER,
            None,
            commune_name=DEMO_COMMUNE,
        ),
        DemoAccount("citizen@demo.camau.vn", "Huỳnh Thị Dân", None, None),
    ]


def create_demo_accounts() -> list[tuple[DemoAccount, User]]:
    commune = Commune.objects.get(name=DEMO_COMMUNE)
    department = Department.objects.get(commune=commune)
    created = []
    for account in demo_accounts(department.code):
        user, _ = User.objects.get_or_create(
            email=account.email,
            defaults={"full_name": account.full_name, "email_verified": True},
        )
        user.full_name = account.full_name
        user.is_staff = account.role is not None or account.superuser
        user.is_superuser = account.superuser
        user.email_verified = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.role:
            StaffMembership.objects.get_or_create(
                user=user,
                role=account.role,
                department=Department.objects.get(code=account.department_code)
                if account.department_code
                else None,
                commune=Commune.objects.get(name=account.commune_name)
                if account.commune_name
                else None,
            )
        created.append((account, user))
    return created


def demo_officer_for(department) -> User:
    """Agencies without demo staff get one officer, so every agency has a track record."""
    user, created = User.objects.get_or_create(
        email=f"officer.{department.code.lower()}@demo.camau.vn",
        defaults={"full_name": f"Cán bộ {department.name_vi}", "is_staff": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        StaffMembership.objects.create(
            user=user, department=department, role=StaffMembership.Role.AGENCY_OFFICER
        )
    return user
