"""The handling workflow: intake, dispatch, assignment, answers, closing and the reporter's replies.

Every function here is one transaction that
1. locks the report row (``SELECT ... FOR UPDATE``), so two officers acting at once are
   serialised and the second one sees the first one's result;
2. asks ``reports.workflow.check_allowed`` whether the acting user's roles and the report's
   current status allow the action (``NotAllowed`` otherwise; nothing is written);
3. changes the report and its deadlines (``reports.deadlines.clocks``);
4. records its event (the timeline and the audit trail) with ``reports.events.event_record``,
   which also writes the notification outbox rows; the emails leave after commit.

Invalid input (an empty reason, an inactive agency...) raises ``ValidationError``.
Reporter actions take ``acting_user=None`` with the private-link ``token``, or the reporter's
own account as ``acting_user``. ``acting_user=None`` without a token is the system (scheduled
tasks); only ``report_close`` accepts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.deadlines import clocks as deadlines
from reports.events import event_record
from reports.models import Follower, Photo, Rating, Report, ReportEvent
from reports.permissions import assignable_users, roles_for, staff_access
from reports.private_link import private_token_valid
from reports.tallies import report_save_counted
from reports.workflow import (
    DISPUTE_WINDOW,
    INTAKE,
    MANAGER,
    OFFICER,
    REPORTER,
    SYSTEM,
    NotAllowed,
    check_allowed,
)
from services.calendar import current_calendar
from services.models import Department

S = Report.Status
Kind = ReportEvent.Kind
MAX_EXTENSION_WORKING_DAYS = 60


# --- plumbing shared by every action -------------------------------------------------------


def _lock(report: Report) -> Report:
    """The report re-read under a row lock: the status every check uses is the committed one."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "department")
        .get(pk=report.pk)
    )


def _authorise(action: str, report: Report, acting_user, *, token: str | None = None) -> set[str]:
    roles = roles_for(acting_user, report)
    if token is not None and private_token_valid(report.tracking_code, token):
        roles.add(REPORTER)
    check_allowed(action, status=report.status, roles=roles)
    return roles


def _required_text(value: str | None, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def _save(report: Report, fields: Iterable[str]) -> None:
    report_save_counted(report, fields)


def _attach_photos(report: Report, event: ReportEvent, photos: Sequence[Photo], kind: str):
    """Staged photos (no report yet) become part of the report, linked to the event."""
    photos = list(photos)
    if not photos:
        return
    if len(photos) > settings.PHOTOS_PER_REPORT:
        raise ValidationError(
            _("At most %(count)d photos at a time.") % {"count": settings.PHOTOS_PER_REPORT}
        )
    position = Photo.objects.filter(report=report).count()
    for offset, photo in enumerate(photos):
        attached = Photo.objects.filter(pk=photo.pk, report__isnull=True).update(
            report=report, event=event, kind=kind, position=position + offset
        )
        if not attached:
            raise ValidationError(_("A photo was already used elsewhere; upload it again."))


def _resume_if_paused(report: Report, *, at, calendar=None) -> list[str]:
    if report.resolution_paused_at is None:
        return []
    return deadlines.resume_resolution_clock(report, at=at, calendar=calendar or current_calendar())


def _check_department(department: Department | None) -> Department:
    if department is None:
        raise ValidationError(_("Choose the agency that will handle this report."))
    if not department.is_active:
        raise ValidationError(_("This agency is no longer active."))
    return department


# --- intake --------------------------------------------------------------------------------


@transaction.atomic
def report_accept(
    *,
    report: Report,
    acting_user: User,
    department: Department | None = None,
    priority: str | None = None,
) -> Report:
    """Intake accepts a submitted report and dispatches it to ``department`` (default: the
    agency proposed by routing). The report becomes public; the first-response and resolution
    clocks start. The reporter and followers are told."""
    report = _lock(report)
    _authorise("accept", report, acting_user)
    department = _check_department(department or report.proposed_department)
    if priority is not None and priority not in Report.Priority.values:
        raise ValidationError(_("Unknown priority."))
    now = timezone.now()
    from_status = report.status
    report.status = S.ACCEPTED
    report.department = department
    report.accepted_at = now
    report.intake_done_at = now
    fields = ["status", "department", "accepted_at", "intake_done_at"]
    if report.published_at is None:
        report.published_at = now
        fields.append("published_at")
    if priority and priority != report.priority:
        report.priority = priority
        fields.append("priority")
    fields += deadlines.start_handling_clocks(report, accepted_at=now, calendar=current_calendar())
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.ACCEPTED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        is_public=True,
        department=department,
        data={
            "department": department.code,
            "proposed_department_overridden": department.pk != report.proposed_department_id,
        },
    )
    return report


@transaction.atomic
def report_reject(*, report: Report, acting_user: User, reason: str) -> Report:
    """Intake declines a submitted report with a reason the reporter and the public see.
    The report's own content never becomes public."""
    reason = _required_text(reason, _("Give the reason the reporter will read."))
    report = _lock(report)
    _authorise("reject", report, acting_user)
    now = timezone.now()
    from_status = report.status
    report.status = S.REJECTED
    report.public_reason = reason
    report.intake_done_at = now
    report.closed_at = now
    _save(report, ["status", "public_reason", "intake_done_at", "closed_at"])
    event_record(
        report=report,
        kind=Kind.REJECTED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        is_public=True,
        public_message=reason,
    )
    return report


@transaction.atomic
def report_mark_duplicate(
    *, report: Report, acting_user: User, original: Report, note: str = ""
) -> Report:
    """Closes ``report`` as a duplicate of ``original`` (or of the report that one duplicates).

    The duplicate's followers are told, then follow the original instead (its reporter too,
    as a follower). Both rows are locked in id order, so two merges cannot deadlock.
    """
    while original.duplicate_of_id is not None:
        original = Report.objects.get(pk=original.duplicate_of_id)
    if original.pk == report.pk:
        raise ValidationError(_("A report cannot duplicate itself."))
    locked = {
        row.pk: row
        for row in Report.objects.select_for_update(of=("self",))
        .select_related("category", "department")
        .filter(pk__in=[report.pk, original.pk])
        .order_by("pk")
    }
    report, original = locked[report.pk], locked[original.pk]
    _authorise("mark_duplicate", report, acting_user)
    if not staff_access(acting_user).can_view(original):
        raise NotAllowed(_("You cannot see the original report."))
    if original.status in (S.REJECTED, S.DUPLICATE):
        raise ValidationError(_("The original must be a report that was not rejected or merged."))

    now = timezone.now()
    from_status = report.status
    fields = _resume_if_paused(report, at=now)
    report.status = S.DUPLICATE
    report.duplicate_of = original
    report.closed_at = now
    fields += ["status", "duplicate_of", "closed_at"]
    if report.intake_done_at is None:
        report.intake_done_at = now
        fields.append("intake_done_at")
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.MARKED_DUPLICATE,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        is_public=True,
        internal_note=note.strip(),
        data={"original": original.tracking_code},
    )
    moved = _move_followers(report, original)
    event_record(
        report=original,
        kind=Kind.FOLLOWED,
        acting_user=acting_user,
        at=now,
        data={"merged_from": report.tracking_code, "followers_added": moved},
    )
    return report


def _move_followers(duplicate: Report, original: Report) -> int:
    """Followers of the duplicate follow the original. The reporter keeps their own report too
    (their private page), everyone else leaves it. Returns how many new followers the
    original gained."""
    added = 0
    leaving = []
    for follower in Follower.objects.filter(report=duplicate):
        _, created = Follower.objects.get_or_create(
            report=original,
            email=follower.email,
            defaults={
                "user": follower.user,
                "language": follower.language,
                "is_subscribed": follower.is_subscribed,
                "confirmed_at": follower.confirmed_at,
                "is_reporter": False,
            },
        )
        added += created and follower.confirmed_at is not None
        if not follower.is_reporter:
            leaving.append(follower.pk)
    if leaving:
        Follower.objects.filter(pk__in=leaving).delete()
        Report.objects.filter(pk=duplicate.pk, follower_count__gte=len(leaving)).update(
            follower_count=F("follower_count") - len(leaving)
        )
    if added:
        Report.objects.filter(pk=original.pk).update(follower_count=F("follower_count") + added)
    return added


# --- routing and organisation --------------------------------------------------------------


@transaction.atomic
def report_transfer(
    *, report: Report, acting_user: User, department: Department, reason: str
) -> Report:
    """Hands the report to another agency. The deadlines keep running; the assignment is
    cleared (the new agency assigns its own officer). The public sees who handles it now;
    the reason stays internal."""
    reason = _required_text(reason, _("Say why the report goes to another agency."))
    department = _check_department(department)
    report = _lock(report)
    _authorise("transfer", report, acting_user)
    if department.pk == report.department_id:
        raise ValidationError(_("The report is already with this agency."))
    now = timezone.now()
    previous = report.department
    report.department = department
    report.assigned_to = None
    _save(report, ["department", "assigned_to"])
    event_record(
        report=report,
        kind=Kind.TRANSFERRED,
        acting_user=acting_user,
        at=now,
        is_public=True,
        department=department,
        internal_note=reason,
        data={"from": previous.code if previous else None, "to": department.code},
    )
    return report


@transaction.atomic
def report_assign(*, report: Report, acting_user: User, assignee: User | None) -> Report:
    """Gives the report to one officer of its agency (``None`` clears the assignment).
    Who may be assigned is ``reports.permissions.assignable_users``, the rule the dashboard's
    choices come from too."""
    report = _lock(report)
    _authorise("assign", report, acting_user)
    if assignee is not None and not assignable_users(report=report).filter(pk=assignee.pk).exists():
        raise ValidationError(_("This person is not an officer of the handling agency."))
    new_id = assignee.pk if assignee else None
    if new_id == report.assigned_to_id:
        return report
    now = timezone.now()
    previous_id = report.assigned_to_id
    report.assigned_to = assignee
    _save(report, ["assigned_to"])
    event_record(
        report=report,
        kind=Kind.ASSIGNED,
        acting_user=acting_user,
        at=now,
        department=report.department,
        data={"from": previous_id, "to": new_id, "name": str(assignee) if assignee else ""},
    )
    return report


@transaction.atomic
def report_set_priority(
    *, report: Report, acting_user: User, priority: str, reason: str = ""
) -> Report:
    """Urgent reports get the category's short resolution target, counted from acceptance.
    A deadline a manager extended stays as extended (``reports.deadlines.clocks``)."""
    if priority not in Report.Priority.values:
        raise ValidationError(_("Unknown priority."))
    report = _lock(report)
    _authorise("set_priority", report, acting_user)
    if priority == report.priority:
        return report
    now = timezone.now()
    previous = report.priority
    report.priority = priority
    fields = ["priority"]
    if report.accepted_at is not None:
        fields += deadlines.recompute_resolution_due(report, calendar=current_calendar())
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.PRIORITY_CHANGED,
        acting_user=acting_user,
        at=now,
        internal_note=reason.strip(),
        data={
            "from": previous,
            "to": priority,
            "resolution_due_at": report.resolution_due_at.isoformat()
            if report.resolution_due_at
            else None,
        },
    )
    return report


# --- handling ------------------------------------------------------------------------------


@transaction.atomic
def report_start(*, report: Report, acting_user: User) -> Report:
    """The agency starts work; an unassigned report goes to the officer who starts it."""
    report = _lock(report)
    roles = _authorise("start", report, acting_user)
    now = timezone.now()
    from_status = report.status
    report.status = S.IN_PROGRESS
    fields = ["status"]
    if report.assigned_to_id is None and roles & {OFFICER, MANAGER}:
        report.assigned_to = acting_user
        fields.append("assigned_to")
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.STARTED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        is_public=True,
        department=report.department,
    )
    return report


@transaction.atomic
def report_request_info(*, report: Report, acting_user: User, question: str) -> Report:
    """Asks the reporter for details. The resolution clock pauses until they answer through
    their private link. The question reaches the reporter only, never the public page."""
    question = _required_text(question, _("Write the question for the reporter."))
    report = _lock(report)
    _authorise("request_info", report, acting_user)
    now = timezone.now()
    from_status = report.status
    report.status = S.WAITING_INFO
    fields = ["status", *deadlines.pause_resolution_clock(report, at=now)]
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.INFO_REQUESTED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        public_message=question,
        department=report.department,
    )
    return report


@transaction.atomic
def report_provide_info(
    *,
    report: Report,
    acting_user: User | None = None,
    token: str | None = None,
    text: str,
    photos: Sequence[Photo] = (),
) -> Report:
    """The reporter answers a request for information (text and/or staged photos). The
    resolution clock resumes; the waiting time is added to the deadline."""
    text = (text or "").strip()
    if not text and not photos:
        raise ValidationError(_("Write an answer or add a photo."))
    report = _lock(report)
    _authorise("provide_info", report, acting_user, token=token)
    now = timezone.now()
    from_status = report.status
    report.status = S.IN_PROGRESS
    fields = ["status", *_resume_if_paused(report, at=now)]
    _save(report, fields)
    event = event_record(
        report=report,
        kind=Kind.INFO_PROVIDED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        public_message=text,
    )
    _attach_photos(report, event, photos, Photo.Kind.INFO)
    return report


@transaction.atomic
def report_add_note(*, report: Report, acting_user: User, text: str) -> ReportEvent:
    """An internal note: on the staff timeline only, never on a public page or in an email."""
    text = _required_text(text, _("The note is empty."))
    report = _lock(report)
    _authorise("note", report, acting_user)
    return event_record(report=report, kind=Kind.NOTE, acting_user=acting_user, internal_note=text)


@transaction.atomic
def report_post_update(*, report: Report, acting_user: User, message: str) -> ReportEvent:
    """A public progress message. The first one stops the first-response clock."""
    message = _required_text(message, _("The update is empty."))
    report = _lock(report)
    _authorise("public_update", report, acting_user)
    now = timezone.now()
    if report.first_response_at is None:
        report.first_response_at = now
        _save(report, ["first_response_at"])
    return event_record(
        report=report,
        kind=Kind.PUBLIC_UPDATE,
        acting_user=acting_user,
        at=now,
        is_public=True,
        public_message=message,
        department=report.department,
    )


@transaction.atomic
def report_extend_deadline(
    *, report: Report, acting_user: User, working_days: int, reason: str
) -> Report:
    """A manager moves the resolution deadline ``working_days`` later, with a recorded reason.
    Results finished after the original deadline then count as "late with an extension"."""
    reason = _required_text(reason, _("Give the reason for the extension."))
    if not 1 <= int(working_days) <= MAX_EXTENSION_WORKING_DAYS:
        raise ValidationError(
            _("An extension is between 1 and %(max)d working days.")
            % {"max": MAX_EXTENSION_WORKING_DAYS}
        )
    report = _lock(report)
    _authorise("extend", report, acting_user)
    if report.resolution_due_at is None:
        raise ValidationError(_("This report has no resolution deadline to extend."))
    now = timezone.now()
    previous = report.resolution_due_at
    new_due = current_calendar().add_target(previous, int(working_days), "wd")
    fields = deadlines.extend_resolution(report, to=new_due)
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.DEADLINE_EXTENDED,
        acting_user=acting_user,
        at=now,
        internal_note=reason,
        department=report.department,
        data={
            "from": previous.isoformat(),
            "to": new_due.isoformat(),
            "working_days": int(working_days),
        },
    )
    return report


@transaction.atomic
def report_resolve(
    *, report: Report, acting_user: User, answer: str, photos: Sequence[Photo] = ()
) -> Report:
    """The agency's public answer closes the work; optional "after" photos show the result.
    The reporter is invited to rate it; without a dispute the report closes itself after
    ``DISPUTE_WINDOW``."""
    answer = _required_text(answer, _("Write the answer the public will read."))
    report = _lock(report)
    _authorise("resolve", report, acting_user)
    now = timezone.now()
    from_status = report.status
    fields = _resume_if_paused(report, at=now)
    report.status = S.RESOLVED
    report.resolved_at = now
    report.awaiting_rating = True
    fields += ["status", "resolved_at", "awaiting_rating"]
    if report.first_response_at is None:
        report.first_response_at = now
        fields.append("first_response_at")
    _save(report, fields)
    event = event_record(
        report=report,
        kind=Kind.RESOLVED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        is_public=True,
        public_message=answer,
        department=report.department,
    )
    _attach_photos(report, event, photos, Photo.Kind.AFTER)
    return report


def _reopen(report: Report, *, acting_user, at, reason: str, by_reporter: bool) -> None:
    """Back to in progress: the resolution clock runs again against its deadline (now
    probably past, which the queues then show as overdue)."""
    from_status = report.status
    report.status = S.IN_PROGRESS
    report.resolved_at = None
    report.closed_at = None
    fields = ["status", "resolved_at", "closed_at"]
    fields += deadlines.watch_deadlines(report, calendar=current_calendar())
    _save(report, fields)
    event_record(
        report=report,
        kind=Kind.REOPENED,
        acting_user=acting_user,
        at=at,
        from_status=from_status,
        is_public=True,
        public_message="" if by_reporter else reason,
        internal_note=reason if by_reporter else "",
        department=report.department,
        data={"by_reporter": by_reporter},
    )


def _within_dispute_window(report: Report, now) -> bool:
    return report.resolved_at is not None and now - report.resolved_at <= DISPUTE_WINDOW


@transaction.atomic
def report_reopen(
    *, report: Report, acting_user: User | None = None, token: str | None = None, reason: str
) -> Report:
    """Back to work after a resolution. Staff (intake, the agency's manager) may reopen any
    time with a public reason; the reporter only within the dispute window."""
    reason = _required_text(reason, _("Say why the report is reopened."))
    report = _lock(report)
    roles = _authorise("reopen", report, acting_user, token=token)
    now = timezone.now()
    by_reporter = not (roles & {INTAKE, MANAGER})
    if by_reporter and not _within_dispute_window(report, now):
        raise NotAllowed(_("The time to dispute this answer has passed."))
    _reopen(report, acting_user=acting_user, at=now, reason=reason, by_reporter=by_reporter)
    return report


@transaction.atomic
def report_close(*, report: Report, acting_user: User | None = None) -> Report:
    """Closes a resolved report. ``acting_user=None`` is the scheduled task closing reports
    nobody disputed within ``DISPUTE_WINDOW``."""
    report = _lock(report)
    if acting_user is None:
        check_allowed("close", status=report.status, roles={SYSTEM})
    else:
        _authorise("close", report, acting_user)
    now = timezone.now()
    from_status = report.status
    report.status = S.CLOSED
    report.closed_at = now
    _save(report, ["status", "closed_at"])
    event_record(
        report=report,
        kind=Kind.CLOSED,
        acting_user=acting_user,
        at=now,
        from_status=from_status,
        is_public=True,
        department=report.department,
        data={"automatic": acting_user is None},
    )
    return report


@transaction.atomic
def report_rate(
    *,
    report: Report,
    acting_user: User | None = None,
    token: str | None = None,
    value: str,
    comment: str = "",
) -> Rating:
    """The reporter rates the answer, once per resolution. "Not satisfied" within the dispute
    window reopens the report for the agency."""
    if value not in Rating.Value.values:
        raise ValidationError(_("Choose a rating."))
    report = _lock(report)
    roles = _authorise("rate", report, acting_user, token=token)
    if (
        report.resolved_at is not None
        and Rating.objects.filter(report=report, created_at__gte=report.resolved_at).exists()
    ):
        raise ValidationError(_("You have already rated this answer."))
    now = timezone.now()
    comment = (comment or "").strip()
    rating = Rating.objects.create(
        report=report, value=value, comment=comment, department=report.department
    )
    if report.awaiting_rating:
        report.awaiting_rating = False
        _save(report, ["awaiting_rating"])
    event_record(
        report=report,
        kind=Kind.RATED,
        acting_user=acting_user,
        at=now,
        internal_note=comment,
        department=report.department,
        data={"value": value},
    )
    if value == Rating.Value.NOT_SATISFIED and _within_dispute_window(report, now):
        check_allowed("reopen", status=report.status, roles=roles)
        _reopen(report, acting_user=acting_user, at=now, reason=comment, by_reporter=True)
    return rating


# --- bulk ----------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)  # tracking codes
    refused: list[tuple[str, str]] = field(default_factory=list)  # (tracking code, why)


def _bulk(reports: Iterable[Report], apply) -> BulkResult:
    """Each report in its own transaction: one refusal does not undo the others."""
    result = BulkResult()
    for report in reports:
        try:
            apply(report)
        except NotAllowed as exc:
            result.refused.append((report.tracking_code, str(exc.message)))
        except ValidationError as exc:
            result.refused.append((report.tracking_code, " ".join(exc.messages)))
        else:
            result.done.append(report.tracking_code)
    return result


def reports_bulk_accept(
    *, reports: Iterable[Report], acting_user: User, department: Department | None = None
) -> BulkResult:
    """Accepts each report and dispatches it to ``department``, or to its proposed agency."""
    return _bulk(
        reports,
        lambda report: report_accept(report=report, acting_user=acting_user, department=department),
    )


def reports_bulk_assign(
    *, reports: Iterable[Report], acting_user: User, assignee: User | None
) -> BulkResult:
    return _bulk(
        reports,
        lambda report: report_assign(report=report, acting_user=acting_user, assignee=assignee),
    )
