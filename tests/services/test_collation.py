"""Names in Vietnamese alphabetical order (services/collation.py), in Python and in the
database, on SQLite and PostgreSQL alike."""

import random

import pytest

from reports.permissions import assignable_users
from services.collation import VietnameseCollate, sorted_by_name, vietnamese_sort_key
from services.models import Commune, Department
from tests.factories import StaffFactory, StaffMembershipFactory

# Worked out by hand from the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư v x y) and
# the tone order (ngang, huyền, hỏi, ngã, sắc, nặng).
IN_ORDER = [
    "An Xuyên",
    "Anh",
    "Ánh",
    "Ăn",
    "Âm",
    "Cái Đôi Vàm",
    "Cái Nước",
    "Châu Thới",
    "Dạ",
    "Đá Bạc",
    "Đầm Dơi",
    "Gành Hào",
    "Năm Căn",
    "Ngọc Hiển",
    "Nguyễn Phích",
    "Tân Thành",
    "Tân Thạnh",
    "U Minh",
    "Ưu",
    "Vĩnh Lợi",
]
TONES = ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_python_key_follows_the_vietnamese_alphabet_and_tones():
    shuffled = IN_ORDER[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=vietnamese_sort_key) == IN_ORDER
    shuffled_tones = TONES[:]
    random.Random(2).shuffle(shuffled_tones)
    assert sorted(shuffled_tones, key=vietnamese_sort_key) == TONES
    # Đ is a letter of its own between D and E, not a D nor a letter after Z.
    assert sorted(["Đầm Dơi", "Cái Nước", "Năm Căn"], key=vietnamese_sort_key) == [
        "Cái Nước",
        "Đầm Dơi",
        "Năm Căn",
    ]
    assert sorted(["Vĩnh Mỹ", "U Minh"], key=vietnamese_sort_key) == ["U Minh", "Vĩnh Mỹ"]
    # The same text composed or decomposed sorts as one.
    assert vietnamese_sort_key("Đầm Dơi") == vietnamese_sort_key("Đầm Dơi")


def test_sorted_by_name_uses_the_shown_name():
    class Named:
        def __init__(self, name):
            self.name = name

    items = [Named("Đầm Dơi"), Named("Năm Căn"), Named("Cái Nước")]
    assert [i.name for i in sorted_by_name(items, lambda i: i.name)] == [
        "Cái Nước",
        "Đầm Dơi",
        "Năm Căn",
    ]


@pytest.mark.django_db
def test_database_orders_as_the_python_key_does():
    """ICU's collation on PostgreSQL, ours on SQLite: one order."""
    shuffled = IN_ORDER[:]
    random.Random(9).shuffle(shuffled)
    Commune.objects.bulk_create(
        [
            Commune(code=f"T{n:03}", name=name, kind="xa", latitude=9.1, longitude=105.1)
            for n, name in enumerate(shuffled)
        ]
    )
    names = list(
        Commune.objects.filter(code__startswith="T")
        .order_by(VietnameseCollate("name"))
        .values_list("name", flat=True)
    )
    assert names == IN_ORDER


@pytest.mark.django_db
def test_communes_and_agencies_are_listed_in_vietnamese_order(catalogue):
    communes = list(Commune.objects.values_list("name", flat=True))
    assert communes == sorted(communes, key=vietnamese_sort_key)
    # The reference data's real names: Đ between D… and E…, not after V.
    dam_doi = communes.index("Xã Đầm Dơi")
    assert communes.index("Xã Cái Nước") < dam_doi < communes.index("Xã Năm Căn")
    assert communes.index("Xã U Minh") < communes.index("Xã Vĩnh Lợi")
    agencies = list(Department.objects.values_list("name_vi", flat=True))
    assert agencies == sorted(agencies, key=vietnamese_sort_key)


@pytest.mark.django_db
def test_public_commune_filter_lists_communes_in_vietnamese_order(catalogue, client):
    page = client.get("/reports/").content.decode()
    positions = [
        page.index(f">{name}</option>") for name in ["Xã Cái Nước", "Xã Đầm Dơi", "Xã Năm Căn"]
    ]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_assignable_staff_are_in_vietnamese_order(catalogue):
    department = Department.objects.get(code="IOC")
    for name in ["Võ Văn Bảy", "Đặng Thị Mai", "Âu Minh Tâm", "Cao Văn Út"]:
        StaffMembershipFactory(user=StaffFactory(full_name=name), department=department)
    names = [user.full_name for user in assignable_users(department=department)]
    assert names == ["Âu Minh Tâm", "Cao Văn Út", "Đặng Thị Mai", "Võ Văn Bảy"]
