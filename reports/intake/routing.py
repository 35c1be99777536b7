"""Which agency a category's reports go to, proposed at submission and confirmed at intake."""

from services.models import Category, Department

INTAKE_DEPARTMENT_CODE = "IOC"


def proposed_department(*, category: Category, commune) -> Department | None:
    if category.handled_by == Category.HandledBy.DEPARTMENT:
        return category.department
    if category.handled_by == Category.HandledBy.COMMUNE:
        return Department.objects.filter(commune=commune, is_active=True).first()
    return Department.objects.filter(code=INTAKE_DEPARTMENT_CODE).first()
