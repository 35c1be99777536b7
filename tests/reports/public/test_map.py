from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import MapCell, Report
from reports.public import map as report_map
from reports.public.map import BBox, level_for
from reports.stats.refresh import refresh_rollups
from tests.public_fixtures import S, at, public_report

pytestmark = pytest.mark.django_db

PROVINCE_BOX = "104.7,8.5,105.9,9.7"


def get_map(client, **params):
    params.setdefault("bbox", PROVINCE_BOX)
    return client.get(reverse("public:map_data"), params)


@pytest.fixture
def small_limit(monkeypatch):
    """Aggregation starts above three reports, so a handful of reports exercises it."""
    monkeypatch.setattr(report_map, "MAP_POINT_LIMIT", 3)


@pytest.fixture
def spread(catalogue):
    """Six public reports in two communes and three statuses, plus two never shown."""
    reports = [
        public_report(offset=(0.001 * i, 0.001 * i), status=status)
        for i, status in enumerate([S.ACCEPTED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED])
    ]
    reports += [
        public_report(commune_name="Phường Bạc Liêu", category="STREETLIGHT", offset=(0, 0.002 * i))
        for i in range(2)
    ]
    public_report(published=False)  # awaiting intake
    public_report(is_hidden=True, hidden_reason="abusive")
    return reports


def test_bbox_parsing():
    box = BBox.parse("104.7,8.5,105.9,9.7")
    assert (box.west, box.south, box.east, box.north) == (104.7, 8.5, 105.9, 9.7)
    for bad in ["", "1,2,3", "a,b,c,d", "105,9,104,10", "104,10,105,9", "nan,1,2,3"]:
        with pytest.raises(report_map.BadBox):
            BBox.parse(bad)


def test_grid_level_keeps_cells_readable():
    assert level_for(BBox.parse(PROVINCE_BOX)) == 16  # 1.2° × 16 = 19 cells across
    assert level_for(BBox.parse("105.1,9.1,105.2,9.2")) == 128
    assert level_for(BBox.parse("100,5,110,15")) == 8  # never coarser than the stored grid


@pytest.mark.parametrize("bbox", ["", "1,2,3", "105,9,104,10"])
def test_bad_box_is_a_400(client, catalogue, bbox):
    response = get_map(client, bbox=bbox)
    assert response.status_code == 400
    assert "bbox" in response.json()["errors"]


def test_bad_filter_is_a_400(client, catalogue):
    response = get_map(client, category="NOPE")
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


def test_points_for_a_box_with_few_reports(client, spread):
    response = get_map(client)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    payload = response.json()
    assert payload["mode"] == "points"
    by_code = {point[0]: point for point in payload["points"]}
    assert set(by_code) == {r.tracking_code for r in spread}
    first = spread[0]
    assert by_code[first.tracking_code] == [
        first.tracking_code,
        round(first.latitude, 5),
        round(first.longitude, 5),
        0,
    ]
    groups = sorted(point[3] for point in payload["points"])
    assert groups == [0, 0, 0, 0, 1, 2]  # open ×4 (two in Bạc Liêu), fixed, closed


def test_points_only_inside_the_box(client, spread):
    an_xuyen = spread[0]
    lat, lon = an_xuyen.latitude, an_xuyen.longitude
    box = f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0045},{lat + 0.0045}"
    payload = get_map(client, bbox=box).json()
    assert {p[0] for p in payload["points"]} == {r.tracking_code for r in spread[:4]}


def test_crowded_box_returns_cells_from_the_precomputed_grid(
    client, spread, small_limit, django_assert_num_queries
):
    refresh_rollups()
    assert MapCell.objects.filter(level=16, category_key=0).exists()
    with django_assert_num_queries(1):  # only the grid: the reports table is not read
        payload = get_map(client).json()
    assert payload["mode"] == "cells"
    assert payload["cell_size"] == 1 / 16
    assert sum(cell[2] for cell in payload["cells"]) == 6
    totals = [sum(cell[i] for cell in payload["cells"]) for i in (3, 4, 5)]
    assert totals == [4, 1, 1]
    for lat, lon, count, *_ in payload["cells"]:
        assert 8.5 < lat < 9.7 and 104.7 < lon < 105.9 and count > 0


def test_cells_from_the_grid_match_cells_grouped_directly(client, spread, small_limit):
    refresh_rollups()
    precomputed = get_map(client).json()["cells"]
    direct = report_map.grouped_cells(
        queryset=Report.objects.filter(published_at__isnull=False, is_hidden=False),
        bbox=BBox.parse(PROVINCE_BOX),
        level=16,
    )
    assert sorted(precomputed) == sorted(direct)


def test_category_and_status_filters_on_cells(client, spread, small_limit):
    refresh_rollups()
    payload = get_map(client, status="open").json()
    assert payload["mode"] == "cells"
    assert sum(cell[2] for cell in payload["cells"]) == 4
    assert all(cell[4] == cell[5] == 0 for cell in payload["cells"])
    # Only two streetlights: few enough to draw one by one.
    payload = get_map(client, category="STREETLIGHT").json()
    assert payload["mode"] == "points"
    assert {p[0] for p in payload["points"]} == {r.tracking_code for r in spread[4:]}


def test_commune_and_period_filters_read_precomputed_cells(
    client, catalogue, small_limit, django_assert_num_queries
):
    old = public_report(submitted_at=timezone.now() - timedelta(days=40))
    for i in range(3):
        public_report(offset=(0.001 * i, 0))
    for i in range(4):
        public_report(commune_name="Phường Bạc Liêu", offset=(0, 0.002 * i))
    refresh_rollups()
    an_xuyen = old.commune.code
    # The commune (or category) named in the filter, then the grid: the reports table is not read.
    with django_assert_num_queries(2):
        payload = get_map(client, commune=an_xuyen).json()
    assert payload["mode"] == "cells"
    assert sum(cell[2] for cell in payload["cells"]) == 4
    with django_assert_num_queries(1):
        payload = get_map(client, period="30d").json()
    assert sum(cell[2] for cell in payload["cells"]) == 7
    # The commune, the category, the grid, then the few reports themselves.
    with django_assert_num_queries(4):
        payload = get_map(
            client, period="30d", commune=an_xuyen, category="ROAD_DAMAGE", status="open"
        ).json()
    assert payload["mode"] == "points"  # three: few enough to draw one by one
    assert old.tracking_code not in {point[0] for point in payload["points"]}
    assert len(payload["points"]) == 3


def test_map_cells_refresh_is_incremental_and_idempotent(spread, small_limit):
    refresh_rollups()
    rows = lambda: sorted(  # noqa: E731
        MapCell.objects.values_list(
            "level",
            "row",
            "col",
            "category_key",
            "commune_key",
            "period_days",
            "open",
            "fixed",
            "closed",
        )
    )
    before = rows()
    refresh_rollups()
    assert rows() == before
    # A report resolved later moves from open to fixed in its cells, and only there.
    report = spread[0]
    Report.objects.filter(pk=report.pk).update(
        status=S.RESOLVED, resolved_at=timezone.now(), updated_at=timezone.now()
    )
    refresh_rollups()
    after = rows()
    assert after != before
    report_map.rebuild_map_cells()
    assert rows() == after
    total = MapCell.objects.filter(level=64, category_key=0, commune_key=0, period_days=0)
    assert sum(c.fixed for c in total) == 2


def test_hidden_report_leaves_the_grid(spread):
    refresh_rollups()
    report = spread[0]
    Report.objects.filter(pk=report.pk).update(is_hidden=True, updated_at=timezone.now())
    refresh_rollups()
    assert (
        sum(
            c.open + c.fixed + c.closed
            for c in MapCell.objects.filter(level=8, category_key=0, commune_key=0, period_days=0)
        )
        == 5
    )


def test_summary_has_public_fields_only(client, catalogue):
    # 06:30 on 03/03 in Cà Mau is 23:30 on 02/03 in UTC: the summary gives the local date.
    report = public_report(submitted_at=at("2026-03-03 06:30"))
    response = client.get(reverse("public:map_summary", kwargs={"code": report.tracking_code}))
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == report.tracking_code
    assert data["url"] == report.get_absolute_url()
    assert data["group"] == "open"
    assert data["date"] == "03/03/2026"
    body = response.content.decode()
    for private in (report.reporter_name, report.reporter_email, report.reporter_phone):
        assert private not in body


def test_summary_costs_two_queries(client, spread, django_assert_num_queries):
    with django_assert_num_queries(2):  # the report, its first photo
        response = client.get(
            reverse("public:map_summary", kwargs={"code": spread[0].tracking_code})
        )
    assert response.status_code == 200 and response.json()["photo"] is None


def test_summary_of_a_report_not_public_is_404(client, catalogue):
    waiting = public_report(published=False)
    url = reverse("public:map_summary", kwargs={"code": waiting.tracking_code})
    assert client.get(url).status_code == 404


def test_map_page_carries_the_filters(client, spread):
    response = client.get(reverse("public:map"), {"status": "open", "category": "STREETLIGHT"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-querystring="category=STREETLIGHT&amp;status=open"' in html
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "js/map.js" in html
    assert reverse("public:list") + "?category=STREETLIGHT&amp;status=open" in html


def test_a_bad_box_is_refused_with_a_translated_message(client, catalogue):
    from django.urls import reverse

    response = client.get(reverse("public:map_data"), {"bbox": "nonsense"})
    assert response.status_code == 400
    assert "bốn số" in response.json()["errors"]["bbox"][0]["message"]
