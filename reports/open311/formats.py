"""Writes Open311 responses as JSON or XML from the same Python structures."""

from __future__ import annotations

import json
import re
from datetime import datetime
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# In XML, each list is an element holding one child element per item.
XML_ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def w3c_datetime(moment: datetime | None) -> str | None:
    """ "2026-01-05T08:15:30+07:00": W3C, with the zone, without fractions of a second."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# Control characters XML 1.0 cannot carry, even escaped (a pasted description may hold some).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_NOT_XML.sub("", str(value)))


def _xml_element(name: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml_element(key, item) for key, item in value.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, list):
        item_name = XML_ITEM_NAMES[name]
        inner = "".join(_xml_element(item_name, item) for item in value)
        return f"<{name}>{inner}</{name}>"
    text = _xml_scalar(value)
    return f"<{name}>{text}</{name}>" if text else f"<{name}/>"


def to_xml(root: str, value) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' + _xml_element(root, value)


def render(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """``root`` names the XML root element; JSON has no root name (a list is the array)."""
    body = to_xml(root, value) if fmt == "xml" else json.dumps(value, ensure_ascii=False)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)
    # Public data without cookies: web apps on other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def render_errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    return render(fmt, "errors", errors, status=status)
