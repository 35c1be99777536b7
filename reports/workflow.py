"""The status machine: every allowed transition and workflow action, and who may make it; how
the statuses group; and which status a report had at a given moment.

This is the one place that decides. ``reports.actions`` asks ``check_allowed`` before every
change; views only use ``allowed_actions`` to decide which buttons to show. Pages, the API,
exports and statistics ask the groups below (or ``Report.objects``' methods built on them)
rather than listing statuses themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from reports.status import ReportStatus

S = ReportStatus

# The three groups the public, the map and Open311 see.
OPEN_STATUSES = frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING_INFO})
FIXED_STATUSES = frozenset({S.RESOLVED})
CLOSED_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.DUPLICATE})
STATUS_GROUPS = {"open": OPEN_STATUSES, "fixed": FIXED_STATUSES, "closed": CLOSED_STATUSES}
# The fixed group is exactly the resolved status, so it carries that status' label: one wording
# for the same thing on the map, the filters and the report pages.
STATUS_GROUP_LABELS = {
    "open": _("Open"),
    "fixed": S.RESOLVED.label,
    "closed": _("Closed"),
}

# Finer groups the workflow itself works with.
# An agency has the report: accepted and not yet resolved.
HANDLING_STATUSES = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.WAITING_INFO})
# The agency's resolution clock runs (it pauses while waiting for the reporter).
RESOLUTION_CLOCK_STATUSES = HANDLING_STATUSES - {S.WAITING_INFO}
# Not closed yet: the dashboard's working set (resolved reports still await a rating).
LIVE_STATUSES = OPEN_STATUSES | FIXED_STATUSES
# The agency answered: resolved, and closed after the resolution (a report closes only from
# resolved). The reporter may rate the answer.
ANSWERED_STATUSES = frozenset({S.RESOLVED, S.CLOSED})
# Closed without being handled: not accepted, or merged into another report. The public learns
# the outcome (the reason, or the original), never the content.
DISMISSED_STATUSES = frozenset({S.REJECTED, S.DUPLICATE})


def status_group(status: str) -> str:
    """Open311 and the public map see three groups: open, fixed, closed."""
    if status in OPEN_STATUSES:
        return "open"
    if status in FIXED_STATUSES:
        return "fixed"
    return "closed"


class StatusChange(Protocol):
    """What ``status_at`` reads of an event (``ReportEvent`` has it)."""

    pk: int
    created_at: datetime
    to_status: str


def status_at(events: Iterable[StatusChange], moment: datetime) -> str | None:
    """The status a report had at ``moment``: the ``to_status`` of the last status change among
    ``events`` (one report's events, in any order) made at or before it. Events that change no
    status (``to_status`` empty) are skipped. None when no change is recorded by then.

    A change made at ``moment`` itself counts; events of one instant follow their ids.
    """
    latest = None
    for event in events:
        if not event.to_status or event.created_at > moment:
            continue
        if latest is None or (event.created_at, event.pk) > (latest.created_at, latest.pk):
            latest = event
    return latest.to_status if latest is not None else None


def status_when_posted(events: Iterable[StatusChange], event: StatusChange) -> str | None:
    """The status a report had when ``event`` was recorded, counting ``event`` itself (a status
    change reads as its new status) and nothing recorded after it, even in the same instant."""
    position = (event.created_at, event.pk)
    return status_at(
        (other for other in events if (other.created_at, other.pk) <= position), event.created_at
    )


# Roles a user can hold towards one report (see reports.permissions.roles_for).
INTAKE = "intake"  # intake centre officer: every report
OFFICER = "agency_officer"  # officer of the report's responsible agency
MANAGER = "agency_manager"  # manager of the report's responsible agency
LEADER = "leader"  # provincial leader: reads everything, changes nothing
REPORTER = "reporter"  # the reporter, through an account or the private link
SYSTEM = "system"  # scheduled tasks (auto-close)
# Enter reports for residents and follow them; no rule below names them, so they never
# handle a report. The operator sits at the intake centre's telephone and Zalo desk; the
# helper holds this role towards the reports of the communes they are attached to.
HOTLINE = "hotline_operator"
HELPER = "community_helper"
# A superuser without a workflow membership: reads the dashboard like a leader and works
# through Django admin (catalogue, accounts, moderation).
ADMINISTRATOR = "administrator"

AGENCY = frozenset({OFFICER, MANAGER})
STAFF_ROLES = frozenset({INTAKE, OFFICER, MANAGER, LEADER, ADMINISTRATOR, HOTLINE, HELPER})

# After resolution the reporter has this long to dispute (a "not satisfied" rating reopens the
# report); after it a resolved report closes itself.
DISPUTE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    sources: frozenset[str]
    roles: frozenset[str]
    target: str | None = None  # None: the action does not change the status


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in [
        Rule(
            "accept",
            _("Accept and dispatch"),
            frozenset({S.SUBMITTED}),
            frozenset({INTAKE}),
            S.ACCEPTED,
        ),
        Rule("reject", _("Reject"), frozenset({S.SUBMITTED}), frozenset({INTAKE}), S.REJECTED),
        Rule(
            "mark_duplicate",
            _("Mark as duplicate"),
            OPEN_STATUSES,
            frozenset({INTAKE, MANAGER}),
            S.DUPLICATE,
        ),
        Rule("start", _("Start work"), frozenset({S.ACCEPTED}), AGENCY, S.IN_PROGRESS),
        Rule(
            "request_info",
            _("Ask the reporter for information"),
            frozenset({S.ACCEPTED, S.IN_PROGRESS}),
            AGENCY | {INTAKE},
            S.WAITING_INFO,
        ),
        Rule(
            "provide_info",
            _("Send the information"),
            frozenset({S.WAITING_INFO}),
            frozenset({REPORTER}),
            S.IN_PROGRESS,
        ),
        Rule("resolve", _("Resolve"), HANDLING_STATUSES, AGENCY, S.RESOLVED),
        Rule(
            "reopen",
            _("Reopen"),
            ANSWERED_STATUSES,
            frozenset({INTAKE, MANAGER, REPORTER}),
            S.IN_PROGRESS,
        ),
        Rule(
            "close",
            _("Close"),
            frozenset({S.RESOLVED}),
            frozenset({INTAKE, MANAGER, SYSTEM}),
            S.CLOSED,
        ),
        Rule("transfer", _("Transfer to another agency"), HANDLING_STATUSES, AGENCY | {INTAKE}),
        Rule("assign", _("Assign"), HANDLING_STATUSES, AGENCY | {INTAKE}),
        Rule("set_priority", _("Set priority"), OPEN_STATUSES, frozenset({INTAKE, MANAGER})),
        Rule("extend", _("Extend the deadline"), HANDLING_STATUSES, frozenset({MANAGER})),
        Rule(
            "note",
            _("Add an internal note"),
            OPEN_STATUSES | FIXED_STATUSES | CLOSED_STATUSES,
            AGENCY | {INTAKE},
        ),
        Rule("public_update", _("Post a public update"), HANDLING_STATUSES, AGENCY | {INTAKE}),
        Rule("rate", _("Rate the answer"), ANSWERED_STATUSES, frozenset({REPORTER})),
    ]
}


class NotAllowed(Exception):
    """Raised when a role may not take an action, or the report's status does not allow it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check_allowed(action: str, *, status: str, roles: set[str] | frozenset[str]) -> Rule:
    rule = RULES[action]
    if not (rule.roles & set(roles)):
        raise NotAllowed(_("You are not allowed to do this on this report."))
    if status not in rule.sources:
        raise NotAllowed(_("This cannot be done while the report is in its current status."))
    return rule


def allowed_actions(*, status: str, roles: set[str] | frozenset[str]) -> list[str]:
    return [
        name for name, rule in RULES.items() if status in rule.sources and rule.roles & set(roles)
    ]
