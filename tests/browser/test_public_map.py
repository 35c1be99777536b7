import pytest

from reports.public import map as report_map
from reports.stats.refresh import refresh_rollups
from tests.public_fixtures import S, public_report

pytestmark = pytest.mark.django_db(transaction=True)


def test_map_draws_points_opens_a_summary_and_groups_a_crowded_box(
    browser, page, live_server, catalogue, monkeypatch
):
    places = ["Phường An Xuyên", "Phường Bạc Liêu", "Xã U Minh"]  # far apart: not clustered
    reports = [
        public_report(commune_name=place, status=status, with_email=False)
        for place, status in zip(places, [S.ACCEPTED, S.RESOLVED, S.CLOSED], strict=True)
    ]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(".leaflet-marker-icon .map-dot-open, .map-cell")
    page.wait_for_function("() => document.getElementById('map-status').textContent.includes('3')")

    # Each report is drawn in its status colour; a click opens its summary.
    for group in ("open", "fixed", "closed"):
        assert page.locator(f".leaflet-marker-icon .map-dot-{group}").count() == 1
    page.locator(".leaflet-marker-icon .map-dot-fixed").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.get_by_role("link").wait_for()
    assert popup.get_by_role("link").get_attribute("href") == reports[1].get_absolute_url()

    # With a lower limit the same box is answered with counted cells.
    monkeypatch.setattr(report_map, "MAP_POINT_LIMIT", 2)
    refresh_rollups()
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(".map-cell")
    counts = [int(text) for text in page.locator(".map-cell").all_inner_texts()]
    assert sum(counts) == 3 and len(counts) == 3
