"""An independent Open311 client from PyPI (``georeport``) reads our API over real HTTP."""

import pytest
from georeport import GeoReport

from reports.models import Report
from tests.public_fixtures import S, public_report


@pytest.fixture
def published(transactional_db, catalogue):
    return [
        public_report(department="SXD", with_email=False),
        public_report(category="STREETLIGHT", status=S.RESOLVED, with_email=False),
    ]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_independent_client_reads_services_and_requests(live_server, published, output_format):
    client = GeoReport(f"{live_server.url}/open311/v2/", output_format=output_format)

    services = client.get_service_list()
    codes = [service["service_code"] for service in services]
    assert len(codes) == 22 and "FLOODING" in codes

    definition = client.get_service_definition("FLOODING")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = attributes["attribute"]
    attribute = attributes[0] if isinstance(attributes, list) else attributes
    assert attribute["code"] == "water_depth"

    requests = client.get_service_requests()
    if isinstance(requests, dict):
        requests = [requests]
    assert {r["service_request_id"] for r in requests} == {r.tracking_code for r in published}

    closed = client.get_service_requests(status="closed")
    closed = [closed] if isinstance(closed, dict) else closed
    assert [r["service_request_id"] for r in closed] == [published[1].tracking_code]

    one = client.get_service_request(published[0].tracking_code)
    assert one["service_request_id"] == published[0].tracking_code
    assert one["status"] == "open"
    assert one["agency_responsible"] == "Sở Xây dựng"
    assert Report.objects.count() == 2
