import pytest

from camau_portal.devtools.page_weight import measure_page

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 300 * 1024


def test_report_form_is_light(client, catalogue):
    weight = measure_page("/reports/new/", client=client)
    assert "/static/vendor/leaflet/leaflet.js" in weight.assets
    # The typeface counts too: both weights, Latin and Vietnamese subsets.
    fonts = {url.rsplit("/", 1)[-1] for url in weight.assets if url.endswith(".woff2")}
    assert fonts == {
        "be-vietnam-pro-latin-400-normal.woff2",
        "be-vietnam-pro-latin-700-normal.woff2",
        "be-vietnam-pro-vietnamese-400-normal.woff2",
        "be-vietnam-pro-vietnamese-700-normal.woff2",
    }
    assert weight.total_bytes < BUDGET_BYTES, weight
