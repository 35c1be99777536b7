"""Talks Open311 GeoReport v2 to an agency's back office: POST a request, GET its updates.
Nothing here writes to our database; callers decide what an answer means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.utils.dateparse import parse_datetime

from reports.models import BackOfficeEndpoint
from reports.open311.formats import w3c_datetime

TIMEOUT_SECONDS = 15
PAGE_SIZE = 500
MAX_PAGES = 50
USER_AGENT = "camau-portal-open311-client/1"


class BackOfficeError(Exception):
    """``may_pass``: the system was unreachable or failed on its side (a later try may work);
    otherwise it refused what we sent, and sending the same again will not help."""

    def __init__(self, message: str, *, may_pass: bool):
        super().__init__(message)
        self.may_pass = may_pass


@dataclass(frozen=True)
class RemoteUpdate:
    update_id: str
    service_request_id: str
    status: str  # lower case, underscores: "in_progress", "fixed", "not_councils_responsibility"
    description: str
    updated_at: datetime


def _url(endpoint: BackOfficeEndpoint, resource: str) -> str:
    return endpoint.base_url.rstrip("/") + f"/{resource}.json"


def _errors(response) -> str:
    try:
        return "; ".join(str(e.get("description", "")) for e in response.json())
    except (ValueError, AttributeError, TypeError):
        return response.text[:300]


def _call(method: str, url: str, **kwargs):
    try:
        response = requests.request(
            method, url, timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT}, **kwargs
        )
    except requests.RequestException as error:
        raise BackOfficeError(f"{type(error).__name__}: {error}", may_pass=True) from None
    if response.status_code >= 400:
        may_pass = response.status_code >= 500 or response.status_code in (408, 429)
        raise BackOfficeError(
            f"HTTP {response.status_code}: {_errors(response)}", may_pass=may_pass
        )
    try:
        return response.json()
    except ValueError:
        raise BackOfficeError("the answer is not JSON", may_pass=True) from None


def request_post(endpoint: BackOfficeEndpoint, fields: dict) -> str:
    """Files ``fields`` (an Open311 POST requests form) and returns the back office's
    service_request_id."""
    data = {"api_key": endpoint.api_key, **fields}
    if endpoint.jurisdiction_id:
        data["jurisdiction_id"] = endpoint.jurisdiction_id
    answer = _call("POST", _url(endpoint, "requests"), data=data)
    try:
        first = answer[0]
        external_id = first.get("service_request_id") or first.get("token")
    except (IndexError, KeyError, TypeError, AttributeError):
        external_id = None
    if not external_id:
        raise BackOfficeError("the answer carries no service_request_id", may_pass=True)
    return str(external_id)


def _second_at_or_after(moment: datetime) -> datetime:
    """Open311 dates have whole seconds: an ``end_date`` cut down to its second would leave
    out what the office wrote in the last fraction of the window (the fraction is most of a
    second when the office acted just before we asked)."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def updates_get(endpoint: BackOfficeEndpoint, *, start: datetime, end: datetime):
    """The back office's updates in ``[start, end]`` (both ends widened to whole seconds),
    oldest first as it sends them."""
    params = {
        "api_key": endpoint.api_key,
        "start_date": w3c_datetime(start),
        "end_date": w3c_datetime(_second_at_or_after(end)),
        "page_size": PAGE_SIZE,
    }
    if endpoint.jurisdiction_id:
        params["jurisdiction_id"] = endpoint.jurisdiction_id
    updates = []
    for page in range(1, MAX_PAGES + 1):
        answer = _call(
            "GET", _url(endpoint, "servicerequestupdates"), params={**params, "page": page}
        )
        if not isinstance(answer, list):
            raise BackOfficeError("the updates are not a list", may_pass=True)
        updates.extend(_update(item) for item in answer if isinstance(item, dict))
        if len(answer) < PAGE_SIZE:
            break
    return [update for update in updates if update is not None]


def _update(item: dict) -> RemoteUpdate | None:
    moment = parse_datetime(str(item.get("updated_datetime") or ""))
    if not item.get("update_id") or not item.get("service_request_id") or moment is None:
        return None
    return RemoteUpdate(
        update_id=str(item["update_id"]),
        service_request_id=str(item["service_request_id"]),
        status=str(item.get("status") or "").strip().lower().replace(" ", "_"),
        description=str(item.get("description") or "").strip(),
        updated_at=moment,
    )
