import pytest

from services.models import CalendarDay, Category, Commune, Department, OfficeHours
from services.reference_data import load_reference_data


def _empty_catalogue():
    """Every test database holds the catalogue already (tests/conftest.py); this test is about
    the first load, so it starts from empty tables (the test's rollback puts them back)."""
    Category.objects.all().delete()
    Department.objects.all().delete()
    Commune.objects.all().delete()
    CalendarDay.objects.all().delete()
    OfficeHours.objects.all().delete()


@pytest.mark.django_db
def test_loads_the_whole_catalogue_and_is_idempotent():
    _empty_catalogue()
    first = load_reference_data()
    assert first.created["commune"] == 64
    assert Commune.objects.count() == 64
    assert Department.objects.filter(kind=Department.Kind.COMMUNE).count() == 64
    assert Department.objects.filter(code="IOC", kind=Department.Kind.INTAKE).exists()
    assert Category.objects.get(code="POWER_HAZARD").department.code == "DIEN_LUC"
    assert Category.objects.get(code="ROAD_DAMAGE").handled_by == Category.HandledBy.COMMUNE
    assert CalendarDay.objects.get(date="2026-01-10").kind == CalendarDay.Kind.WORKING_DAY
    assert OfficeHours.objects.count() == 10

    second = load_reference_data()
    assert not second.changed_anything


@pytest.mark.django_db
def test_reload_restores_edited_reference_fields_but_keeps_admin_additions(catalogue):
    Category.objects.filter(code="GARBAGE").update(resolution_target=99)
    Category.objects.create(
        code="CUSTOM",
        group_vi="Khác",
        name_vi="Tùy chỉnh",
        handled_by=Category.HandledBy.INTAKE,
        resolution_target=1,
        resolution_unit="wd",
    )
    result = load_reference_data()
    assert result.updated == {"category": 1}
    assert Category.objects.get(code="GARBAGE").resolution_target == 2
    assert Category.objects.filter(code="CUSTOM").exists()
