"""Open311 GeoReport v2 endpoints. Thin: parsing in ``params``, reads in ``selectors``,
shapes in ``serializers``, writes through ``reports.actions``."""

from __future__ import annotations

import functools
import json
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from reports.open311 import params, selectors, serializers
from reports.open311.auth import authenticate
from reports.open311.formats import render, render_errors, w3c_datetime
from reports.open311.submission import SubmissionError, submit_request

SPECIFICATION_URL = "http://wiki.open311.org/GeoReport_v2"
# When this API's shape last changed, for the discovery document.
API_CHANGESET = datetime.fromisoformat("2026-11-23T00:00:00+07:00")
MAX_IDS_PER_LOOKUP = 100
# The OpenAPI 3 description of this API, written by hand next to the design documents.
OPENAPI_PATH = settings.BASE_DIR / "docs" / "open311.openapi.json"


@functools.cache
def _openapi_document() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


@require_safe
def openapi(request):
    response = JsonResponse(_openapi_document(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found(request):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return render_errors(fmt, 404, f"{request.path} is not part of this API")


@require_safe
def discovery(request, fmt):
    changeset = w3c_datetime(API_CHANGESET)
    return render(
        fmt,
        "discovery",
        {
            "changeset": changeset,
            "contact": settings.OPEN311_CONTACT,
            "api_description": request.build_absolute_uri(reverse("open311:openapi")),
            "key_service": _(
                "API keys for creating reports are issued by the Cà Mau Intelligent "
                "Operations Centre; write to the contact address."
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION_URL,
                    "url": request.build_absolute_uri(request.path.rsplit("/", 1)[0]),
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@require_safe
def service_list(request, fmt):
    return render(fmt, "services", [serializers.service(c) for c in selectors.active_services()])


@require_safe
def service_definition(request, fmt, code):
    category = selectors.active_service(code)
    if category is None:
        return render_errors(fmt, 404, f"service_code {code} not found")
    return render(fmt, "service_definition", serializers.service_definition(category))


def in_requested_language(view):
    """Answers in the language of the ``locale`` parameter (``vi``, ``en_US``…) when it names
    one the portal speaks, otherwise in the one ``Accept-Language`` chose."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        language = params.language(request.GET.get("locale") or request.POST.get("locale"))
        if language is None:
            return view(request, *args, **kwargs)
        with translation.override(language):
            return view(request, *args, **kwargs)

    return wrapped


def _records(request, reports) -> list[dict]:
    return [
        serializers.request_record(request, report)
        if report.is_public
        else serializers.minimal_request_record(report)
        for report in reports
    ]


@csrf_exempt
@in_requested_language
def service_requests(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    get = request.GET
    try:
        codes = params.parse_list(get.get("service_request_id"))
        if codes:
            # Looking up by id overrides every other parameter (as the specification says).
            if len(codes) > MAX_IDS_PER_LOOKUP:
                raise params.ParameterError(
                    f"at most {MAX_IDS_PER_LOOKUP} service_request_id values at once"
                )
            return render(
                fmt, "service_requests", _records(request, selectors.requests_by_code(codes))
            )
        updated_after = params.parse_w3c("updated_after", get.get("updated_after"))
        updated_before = params.parse_w3c("updated_before", get.get("updated_before"))
        if updated_after and updated_before and updated_before < updated_after:
            raise params.ParameterError("updated_before must not be before updated_after")
        by_update = updated_after is not None or updated_before is not None
        window = params.date_window(get, default_when_open=not by_update)
        paging = params.paging(get, by_request_id=True)
        box = params.bbox(get)
        statuses = params.parse_list(get.get("status"))
        unknown = [s for s in statuses if s not in serializers.OPEN311_STATUS_GROUPS]
        if unknown:
            raise params.ParameterError("status must be open or closed")
    except params.ParameterError as error:
        return render_errors(fmt, 400, str(error))

    page = selectors.requests_page(
        service_codes=params.parse_list(get.get("service_code")),
        status_groups=serializers.status_groups_for(statuses),
        start=window.start,
        end=window.end,
        updated_after=updated_after,
        updated_before=updated_before,
        bbox=box,
        size=paging.page_size,
        after=paging.after,
        skip=paging.offset,
    )
    response = render(
        fmt, "service_requests", [serializers.request_record(request, r) for r in page.rows]
    )
    if page.next_cursor:
        response["Link"] = _link(request, rel="next", after=page.next_cursor)
    return response


def _link(request, *, rel: str, after: str) -> str:
    """An RFC 8288 link to the page after ``after`` with the same parameters (the body is
    the specification's bare array, so the way on is a header)."""
    query = request.GET.copy()
    query.pop("page", None)
    query["after"] = after
    return f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="{rel}"'


@require_safe
@in_requested_language
def service_request(request, fmt, code):
    found = selectors.requests_by_code([code])
    if not found:
        return render_errors(fmt, 404, f"service_request_id {code} not found")
    return render(fmt, "service_requests", _records(request, found))


@require_safe
@in_requested_language
def service_request_updates(request, fmt):
    """The FixMyStreet extension: public changes to public reports in a time window, and the
    outcome of reports closed before publication. A key that asked for mySociety's
    extensions gets the extended statuses."""
    api_key = None
    if request.GET.get("api_key"):
        api_key = authenticate(request.GET["api_key"])
        if api_key is None:
            return render_errors(fmt, 403, "Invalid api_key")
    try:
        window = params.date_window(request.GET)
        paging = params.paging(request.GET)
    except params.ParameterError as error:
        return render_errors(fmt, 400, str(error))
    events = selectors.public_updates(
        start=window.start, end=window.end, size=paging.page_size, skip=paging.offset
    )
    return render(
        fmt,
        "service_request_updates",
        [serializers.update_record(request, event, api_key=api_key) for event in events],
    )


def _create_request(request, fmt):
    try:
        report = submit_request(request)
    except SubmissionError as error:
        response = render_errors(fmt, error.status, *error.messages)
        if error.retry_after:
            response["Retry-After"] = str(error.retry_after)
        return response
    except ValidationError as error:
        return render_errors(fmt, 400, *error.messages)
    notice = _(
        "Thank you. The intake centre checks new reports within 2 working hours; the report "
        "is public once accepted."
    )
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": report.tracking_code,
                "service_notice": notice,
                "account_id": None,
            }
        ],
        status=201,
    )
