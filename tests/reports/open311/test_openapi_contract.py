"""The Open311 API keeps the promises of its OpenAPI description (docs/open311.openapi.json):
requests generated from the description by schemathesis, valid ones and deliberately invalid
ones, are sent over real HTTP to a live server; none gets a server error, and every answer has
a documented status, content type, headers and body."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reports.models import ApiKey
from services.reference_data import load_reference_data
from tests.public_fixtures import S, public_report

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def api_key(transactional_db):
    load_reference_data()
    _key, raw = ApiKey.objects.issue(name="Contract test", requests_per_hour=10_000)
    return raw


@pytest.fixture
def reports(api_key):
    return [
        public_report(),
        public_report(category="STREETLIGHT", status=S.RESOLVED, commune_name="Phường Bạc Liêu"),
        public_report(published=False),
    ]


def test_the_description_is_served_and_linked_from_discovery(live_server, api_key):
    discovery = requests.get(f"{live_server.url}/open311/v2/discovery.json", timeout=10).json()
    assert discovery["api_description"] == f"{live_server.url}/open311/v2/openapi.json"
    document = requests.get(discovery["api_description"], timeout=10)
    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.")
    assert document.headers["Access-Control-Allow-Origin"] == "*"


def test_the_api_answers_as_its_openapi_description_says(live_server, api_key, reports):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/open311/v2/openapi.json")
    base_url = f"{live_server.url}/open311/v2"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.definition.raw["operationId"] for operation in operations} == {
        "discovery",
        "listServices",
        "getServiceDefinition",
        "listRequests",
        "createRequest",
        "getRequest",
        "listRequestUpdates",
    }
    # Closed at the end, so the live server lets go of its database connection.
    with requests.Session() as session:
        for operation in operations:
            takes_input = any(
                len(inputs)
                for inputs in (operation.path_parameters, operation.query, operation.body)
            )
            modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if takes_input else [])
            for mode in modes:
                _check(operation, mode, base_url=base_url, session=session, api_key=api_key)

        # Random codes rarely name a real report or a place in the province: these do.
        by_id = {operation.definition.raw["operationId"]: operation for operation in operations}
        for report in reports:
            _check(
                by_id["getRequest"],
                GenerationMode.POSITIVE,
                base_url=base_url,
                session=session,
                api_key=api_key,
                overrides={"path_parameters": {"service_request_id": report.tracking_code}},
                expected=200,
            )
        commune = reports[0].commune
        _check(
            by_id["createRequest"],
            GenerationMode.POSITIVE,
            base_url=base_url,
            session=session,
            api_key=api_key,
            overrides={
                "body": {
                    "api_key": api_key,
                    "service_code": "ROAD_DAMAGE",
                    "lat": str(commune.latitude),
                    "long": str(commune.longitude),
                    "description": "Ổ gà sâu khoảng 20 cm trước chợ, xe máy dễ té ngã.",
                    "email": "api.reporter@example.vn",
                }
            },
            expected=201,
        )


def _check(operation, mode, *, base_url, session, api_key, overrides=None, expected=None):
    @given(case=operation.as_strategy(generation_mode=mode, **(overrides or {})))
    @settings(
        max_examples=1 if overrides else EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        if mode is GenerationMode.POSITIVE and isinstance(case.body, dict):
            case.body["api_key"] = api_key  # get past the key to the real checks
        response = case.call_and_validate(base_url=base_url, session=session, checks=CHECKS)
        assert expected is None or response.status_code == expected, response.text

    answers_as_documented()
