"""The status machine: every allowed transition and workflow action, and who may make it.

This is the one place that decides. ``reports.actions`` asks ``check_allowed`` before every
change; views only use ``allowed_actions`` to decide which buttons to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from reports.models import Report

S = Report.Status

OPEN_STATUSES = frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING_INFO})
HANDLING_STATUSES = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.WAITING_INFO})
FIXED_STATUSES = frozenset({S.RESOLVED})
CLOSED_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.DUPLICATE})


def status_group(status: str) -> str:
    """Open311 and the public map see three groups: open, fixed, closed."""
    if status in OPEN_STATUSES:
        return "open"
    if status in FIXED_STATUSES:
        return "fixed"
    return "closed"


# Roles a user can hold towards one report (see reports.permissions.roles_for).
INTAKE = "intake"  # intake centre officer: every report
OFFICER = "agency_officer"  # officer of the report's responsible agency
MANAGER = "agency_manager"  # manager of the report's responsible agency
LEADER = "leader"  # provincial leader: reads everything, changes nothing
REPORTER = "reporter"  # the reporter, through an account or the private link
SYSTEM = "system"  # scheduled tasks (auto-close)
# A superuser without a workflow membership: reads the dashboard like a leader and works
# through Django admin (catalogue, accounts, moderation).
ADMINISTRATOR = "administrator"

AGENCY = frozenset({OFFICER, MANAGER})
STAFF_ROLES = frozenset({INTAKE, OFFICER, MANAGER, LEADER, ADMINISTRATOR})

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
            frozenset({S.RESOLVED, S.CLOSED}),
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
        Rule(
            "rate", _("Rate the answer"), frozenset({S.RESOLVED, S.CLOSED}), frozenset({REPORTER})
        ),
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
