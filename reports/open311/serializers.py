"""Reports, categories and events as Open311 structures. Public fields only: the reporter's
name, email, phone and account never appear, nor anything internal."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.models import Report
from reports.open311.attributes import attributes_for
from reports.open311.formats import w3c_datetime
from reports.public.visibility import public_outcome
from reports.workflow import status_group
from services.models import Category

# GeoReport v2 knows two states: fixed and closed reports are both "closed".
OPEN311_STATUS_GROUPS = {"open": ("open",), "closed": ("fixed", "closed")}


def open311_status(status: str) -> str:
    group = status_group(status)
    return next(state for state, groups in OPEN311_STATUS_GROUPS.items() if group in groups)


def status_groups_for(states: list[str]) -> list[str]:
    """The status groups (``reports.workflow.STATUS_GROUPS``) the Open311 states cover."""
    return [group for state in states for group in OPEN311_STATUS_GROUPS[state]]


def service(category: Category) -> dict:
    english = (get_language() or "vi").startswith("en")
    description = category.description_en if english else category.description_vi
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": description or category.name,
        "metadata": bool(attributes_for(category.code)),
        "type": "realtime",
        "keywords": ", ".join(k.strip() for k in category.keywords.split(",") if k.strip()),
        "group": category.group,
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": str(attribute.datatype_description) or None,
                "order": order,
                "description": str(attribute.description),
                **(
                    {"values": [{"key": key, "name": str(name)} for key, name in attribute.values]}
                    if attribute.values
                    else {}
                ),
            }
            for order, attribute in enumerate(attributes_for(category.code), start=1)
        ],
    }


def media_url(request, image_name: str | None) -> str | None:
    if not image_name:
        return None
    return request.build_absolute_uri(default_storage.url(image_name))


def _status_notes(report: Report) -> str | None:
    if report.status == Report.Status.REJECTED and report.public_reason:
        return report.public_reason
    if report.status == Report.Status.DUPLICATE and report.duplicate_of_id:
        return _("Duplicate of %(code)s") % {"code": report.duplicate_of.tracking_code}
    return report.last_public_note or None


def request_record(request, report: Report) -> dict:
    """A public report, in the field order of the specification."""
    return {
        "service_request_id": report.tracking_code,
        "status": open311_status(report.status),
        "status_notes": _status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.department.name if report.department else None,
        "service_notice": None,
        "requested_datetime": w3c_datetime(report.submitted_at),
        "updated_datetime": w3c_datetime(
            report.last_public_change or report.published_at or report.submitted_at
        ),
        "expected_datetime": w3c_datetime(report.resolution_due_at),
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": media_url(request, report.first_photo),
    }


def minimal_request_record(report: Report) -> dict:
    """A report the intake centre has not yet accepted (or refused): found by its id, but
    nothing of what the reporter wrote is published until a person has checked it."""
    return {
        "service_request_id": report.tracking_code,
        "status": open311_status(report.status),
        "status_notes": _status_notes(report) if public_outcome(report) else None,
        "service_name": report.category.name,
        "service_code": report.category.code,
        "requested_datetime": w3c_datetime(report.submitted_at),
        "updated_datetime": w3c_datetime(report.last_public_change or report.submitted_at),
    }


def update_id(event) -> str:
    """A stable, opaque id for a public event (database ids stay on the server)."""
    return salted_hmac("open311.update", str(event.pk)).hexdigest()[:20]


def update_record(request, event) -> dict:
    """A public event, with the status its report had when it was posted (``status_then``,
    see ``reports.open311.selectors.public_updates``)."""
    status = event.status_then
    return {
        "update_id": update_id(event),
        "service_request_id": event.report.tracking_code,
        "status": open311_status(status),
        "external_status_code": status,
        "updated_datetime": w3c_datetime(event.created_at),
        "description": event.public_message or "",
        "media_url": media_url(request, event.first_photo),
    }
