import pytest

from camau_portal.devtools.page_weight import measure_page

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 300 * 1024


def test_report_form_is_light(client, catalogue):
    weight = measure_page("/reports/new/", client=client)
    assert "/static/vendor/leaflet/leaflet.js" in weight.assets
    assert weight.total_bytes < BUDGET_BYTES, weight
