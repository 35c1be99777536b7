import pytest

from services.geo import CommunePoint, ProvinceGeography, boundary_shape, distance_m
from services.models import Commune

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[105.10, 9.10], [105.20, 9.10], [105.20, 9.20], [105.10, 9.20], [105.10, 9.10]]
    ],
}


def test_distance_is_haversine():
    # One thousandth of a degree of latitude is about 111 m.
    assert distance_m(9.0, 105.0, 9.001, 105.0) == pytest.approx(111.2, abs=0.5)


def test_nearest_reference_point_without_boundaries():
    geo = ProvinceGeography([CommunePoint(1, 9.0, 105.0), CommunePoint(2, 9.5, 105.5)])
    assert geo.suggest_commune(9.1, 105.1) == 1
    assert geo.suggest_commune(9.45, 105.4) == 2


def test_uploaded_boundary_decides_over_distance():
    geo = ProvinceGeography(
        [CommunePoint(1, 9.11, 105.11), CommunePoint(2, 9.30, 105.30, boundary=SQUARE)]
    )
    # Nearer to commune 1's reference point, but inside commune 2's polygon.
    assert geo.suggest_commune(9.12, 105.12) == 2
    assert geo.commune_containing(9.12, 105.12) == 2


def test_bad_boundaries_are_refused():
    with pytest.raises(ValueError):
        boundary_shape({"type": "Point", "coordinates": [105, 9]})
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValueError):
        boundary_shape(bow_tie)


@pytest.mark.django_db
def test_real_province_outline(catalogue):
    from services.geo import province_geography

    geo = province_geography()
    an_xuyen = Commune.objects.get(name="Phường An Xuyên")
    assert geo.contains(an_xuyen.latitude, an_xuyen.longitude)
    assert geo.suggest_commune(an_xuyen.latitude + 0.001, an_xuyen.longitude) == an_xuyen.pk
    assert not geo.contains(10.776, 106.700)  # Hồ Chí Minh City
    assert not geo.contains(10.03, 105.78)  # Cần Thơ
    assert not geo.contains(21.03, 105.85)  # Hà Nội
