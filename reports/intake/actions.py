"""Submitting a report."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import user_for_guest_email
from camau_portal.notifications.phone import normalise_phone
from reports.deadlines.clocks import start_intake_clock
from reports.events import event_record
from reports.intake.photos import photos_claim
from reports.intake.routing import proposed_department
from reports.intake.selectors import report_for_client_key
from reports.models import Follower, Photo, Report, ReportEvent
from reports.permissions import staff_access
from reports.search import search_text_for
from reports.tallies import report_count_new
from reports.tracking import new_tracking_code
from services.calendar import current_calendar
from services.geo import province_geography
from services.models import Category, Commune


def validate_location(*, latitude: float | None, longitude: float | None, commune: Commune) -> bool:
    """Refuses a point outside the province; returns True when a boundary puts the pin in
    another commune than the one chosen (kept, but flagged for the intake officer)."""
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    if latitude is None:
        return False
    geography = province_geography()
    if not geography.contains(latitude, longitude):
        raise ValidationError(
            {
                "latitude": _(
                    "This point is outside Cà Mau province. Move the pin into the province."
                )
            }
        )
    inside = geography.commune_containing(latitude, longitude)
    return inside is not None and inside != commune.pk


@transaction.atomic
def report_submit(
    *,
    category: Category,
    commune: Commune,
    title: str,
    description: str,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    contact_allowed: bool = False,
    name_hidden: bool = True,
    language: str = "vi",
    photos: Sequence[Photo] = (),
    photo_keys: Sequence[str] = (),
    photos_staged_by: str = "",
    source: str = Report.Source.WEB,
    client_key: uuid.UUID | None = None,
    acting_user=None,
    entered_by=None,
    consent_script: str = "",
) -> Report:
    """Files a new report, awaiting intake.

    Invariants: the point is inside the province; the report has at least an email or phone
    when given by a guest (forms enforce it; the API may omit contact); one report per
    ``client_key``: a device retrying a submission whose answer it never got (or two attempts
    racing) gets the report filed the first time, and nothing else is written. Side effects:
    the SUBMITTED event, the reporter as a follower (when an email is known), the intake clock,
    the staged photos attached (``photos`` rows, or ``photo_keys`` staged by
    ``photos_staged_by``), and the acknowledgement email queued after commit.

    Assisted entry: ``entered_by`` (a hotline operator, a community helper, an intake officer)
    types the report in for a resident. The resident, never the person typing, is the
    reporter: the report joins no account but a confirmed one of the resident's email. The
    channel (``source``) must be one ``entered_by`` may record and, for a helper, the commune
    their own; the resident's answer to the contact consent (``contact_allowed``) and the
    ``consent_script`` read to them are kept in the SUBMITTED event, whose actor is
    ``entered_by``.
    """
    if client_key is not None and (filed := report_for_client_key(client_key)) is not None:
        return filed
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if entered_by is not None:
        _check_entry_allowed(entered_by=entered_by, source=source, commune=commune)
        if not (reporter_phone.strip() or reporter_email.strip()):
            raise ValidationError(
                {"reporter_phone": _("Give the resident's phone number so they can be told.")}
            )
    mismatch = validate_location(latitude=latitude, longitude=longitude, commune=commune)
    now = timezone.now()
    reporter = acting_user if acting_user is not None and acting_user.is_authenticated else None
    if entered_by is not None:
        reporter = None
    if reporter is None and reporter_email:
        # A guest report made with a confirmed account's address joins that account.
        reporter = user_for_guest_email(reporter_email)
    elif reporter is not None:
        reporter_email = reporter_email or reporter.email
        reporter_name = reporter_name or reporter.full_name
        reporter_phone = reporter_phone or reporter.phone
    report = Report(
        category=category,
        commune=commune,
        title=title.strip(),
        description=description.strip(),
        latitude=latitude,
        longitude=longitude,
        address=address.strip(),
        commune_mismatch=mismatch,
        priority=Report.Priority.URGENT if category.urgent_default else Report.Priority.NORMAL,
        source=source,
        proposed_department=proposed_department(category=category, commune=commune),
        reporter=reporter,
        reporter_name=reporter_name.strip(),
        reporter_email=reporter_email.strip().lower(),
        reporter_phone=reporter_phone.strip(),
        contact_allowed=contact_allowed,
        name_hidden=name_hidden,
        language=language,
        submitted_at=now,
        client_key=client_key,
        entered_by=entered_by,
    )
    start_intake_clock(report, calendar=current_calendar())
    try:
        _save_with_unique_code(report)
    except IntegrityError:
        # A concurrent attempt with the same key committed first (PostgreSQL holds this insert
        # until it does, then refuses it): answer with that report.
        filed = report_for_client_key(client_key) if client_key is not None else None
        if filed is None:
            raise
        return filed
    report_count_new(report)

    # The reporter follows first: the acknowledgement goes to the report's followers. Without
    # an email, a mobile number they gave gets the acknowledgement and changes by SMS.
    sms_phone = "" if report.reporter_email else normalise_phone(report.reporter_phone) or ""
    if report.reporter_email or sms_phone:
        Follower.objects.create(
            report=report,
            user=reporter,
            email=report.reporter_email,
            phone=sms_phone,
            language=language,
            is_reporter=True,
        )
        Report.objects.filter(pk=report.pk).update(follower_count=1)
        report.follower_count = 1
    event = event_record(
        report=report,
        kind=ReportEvent.Kind.SUBMITTED,
        acting_user=entered_by if entered_by is not None else reporter,
        at=now,
        is_public=True,
        to_status=Report.Status.SUBMITTED,
        department=report.proposed_department,
        data=(
            {
                "channel": source,
                "contact_allowed": contact_allowed,
                "consent_script": consent_script,
            }
            if entered_by is not None
            else None
        ),
    )
    attached = _claim_photos(photos=photos, keys=photo_keys, staged_by=photos_staged_by)
    for position, photo in enumerate(attached):
        photo.report = report
        photo.event = event
        photo.position = position
        photo.staged_by = ""
        photo.save(update_fields=["report", "event", "position", "staged_by"])
    return report


def _check_entry_allowed(*, entered_by, source: str, commune: Commune) -> None:
    """Who may enter a report for a resident, by which channel, for which commune: the rule is
    ``StaffAccess.entry_channels`` and ``entry_communes`` (``reports.permissions``)."""
    access = staff_access(entered_by)
    if not access.may_enter_reports:
        raise PermissionDenied(_("Your role cannot enter reports for residents."))
    if source not in access.entry_channels:
        raise ValidationError({"source": _("Your role cannot record this channel.")})
    communes = access.entry_communes
    if communes is not None and commune.pk not in communes:
        raise ValidationError(
            {"commune": _("You can enter reports only for the communes you are attached to.")}
        )


def _claim_photos(*, photos: Sequence[Photo], keys: Sequence[str], staged_by: str) -> list[Photo]:
    """Locks the staged photos to attach: given as rows (API) or as a session's keys (form).
    A photo already attached elsewhere, or another session's, is refused, never moved."""
    if photos:
        keys = [photo.key for photo in photos]
        staged_by = photos[0].staged_by
        if any(photo.staged_by != staged_by for photo in photos):
            raise ValidationError({"photos": _("A photo can belong to one report only.")})
    claimed = photos_claim(keys=list(keys), staged_by=staged_by)
    if len(claimed) != len(dict.fromkeys(keys)):
        raise ValidationError({"photos": _("A photo can belong to one report only.")})
    return claimed


def _save_with_unique_code(report: Report, attempts: int = 5) -> None:
    """2^40 codes make a collision rare; retry the insert with a new code if one happens."""
    for attempt in range(attempts):
        report.search_text = search_text_for(report)
        try:
            with transaction.atomic():
                report.save(force_insert=True)
            return
        except IntegrityError:
            if (
                attempt == attempts - 1
                or Report.objects.filter(tracking_code=report.tracking_code).count() == 0
            ):
                raise
            report.tracking_code = new_tracking_code()
            report.pk = None
