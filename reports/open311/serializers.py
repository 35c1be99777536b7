"""Reports, categories and events as Open311 structures. Public fields only: the reporter's
name, email, phone and account never appear, nor anything internal."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.models import Report, ReportEvent
from reports.open311.attributes import attributes_for
from reports.open311.formats import w3c_datetime
from reports.public.visibility import public_outcome
from reports.status import ReportStatus
from reports.workflow import status_group
from services.models import Category

# GeoReport v2 knows two states: fixed and closed reports are both "closed".
OPEN311_STATUS_GROUPS = {"open": ("open",), "closed": ("fixed", "closed")}

# mySociety's Open311 extensions (as FixMyStreet reads them): every portal status as one of
# the extended statuses, for API keys that ask for them. Waiting for the reporter's details
# is the agency still looking into the report; a report intake did not accept is one the
# province will take no further action on (the reason says why). ACTION_SCHEDULED and
# INTERNAL_REFERRAL name nothing the portal records; the back-office client reads them.
MYSOCIETY_STATUSES = {
    ReportStatus.SUBMITTED: "OPEN",
    ReportStatus.ACCEPTED: "OPEN",
    ReportStatus.IN_PROGRESS: "IN_PROGRESS",
    ReportStatus.WAITING_INFO: "INVESTIGATING",
    ReportStatus.RESOLVED: "FIXED",
    ReportStatus.CLOSED: "CLOSED",
    ReportStatus.REJECTED: "NO_FURTHER_ACTION",
    ReportStatus.DUPLICATE: "DUPLICATE",
}


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


def update_id(event: ReportEvent) -> str:
    """The event's own id: it never changes, whatever key or setting the portal runs with, so
    a client that stored it never imports the update twice."""
    return str(event.pk)


def _agency_name(event: ReportEvent) -> str:
    return event.department.name if event.department_id else ""


def public_text(event: ReportEvent) -> str:
    """What an update says: the public message when there is one, otherwise what happened,
    in the active language (a status change never reads as an empty update)."""
    if event.public_message:
        return event.public_message
    Kind = ReportEvent.Kind
    if event.kind == Kind.SUBMITTED:
        return _("Report received; the intake centre checks it within 2 working hours.")
    if event.kind == Kind.ACCEPTED:
        agency = _agency_name(event)
        if agency:
            return _("Accepted and sent to %(agency)s.") % {"agency": agency}
        return _("Accepted by the intake centre.")
    if event.kind == Kind.TRANSFERRED:
        return _("Transferred to %(agency)s.") % {"agency": _agency_name(event)}
    if event.kind == Kind.STARTED:
        return _("Work has started.")
    if event.kind == Kind.MARKED_DUPLICATE:
        original = event.report.duplicate_of
        if original is not None:
            return _("Duplicate of %(code)s") % {"code": original.tracking_code}
        return _("Closed as a duplicate of another report.")
    if event.kind == Kind.REOPENED:
        return _("Reopened: the agency continues the work.")
    if event.kind == Kind.CLOSED:
        return _("Closed.")
    if event.to_status:
        return str(ReportStatus(event.to_status).label)
    return ""


def sender_attributes(report: Report, api_key) -> dict:
    """The values the sending system gave (``attribute[...]``), for that system only."""
    try:
        submission = report.api_submission
    except Report.api_submission.RelatedObjectDoesNotExist:
        return {}
    if api_key is None or submission.api_key_id != api_key.pk:
        return {}
    return dict(submission.attributes)


def update_record(request, event: ReportEvent, *, api_key=None) -> dict:
    """A public event, with the status its report had when it was posted (``status_then``,
    see ``reports.open311.selectors.public_updates``). An update of a report that was never
    published carries its outcome and nothing of its content. With an API key that asked for
    mySociety's extensions, the status is the extended one and ``external_status_code`` the
    portal's own."""
    status = event.status_then
    extended = api_key is not None and api_key.mysociety_extensions
    record = {
        "update_id": update_id(event),
        "service_request_id": event.report.tracking_code,
        "status": MYSOCIETY_STATUSES[status] if extended else open311_status(status),
        "updated_datetime": w3c_datetime(event.created_at),
        "description": public_text(event),
        "media_url": media_url(request, event.first_photo) if event.report.is_public else None,
    }
    if extended:
        record["external_status_code"] = status
        fixmystreet_id = sender_attributes(event.report, api_key).get("fixmystreet_id")
        if fixmystreet_id:
            record["fixmystreet_id"] = fixmystreet_id
    return record
