"""The role table, spelled out: which role may do what in which status."""

import pytest

from reports.models import Report
from reports.workflow import (
    ADMINISTRATOR,
    INTAKE,
    LEADER,
    MANAGER,
    OFFICER,
    REPORTER,
    RULES,
    SYSTEM,
    NotAllowed,
    allowed_actions,
    check_allowed,
)

S = Report.Status

EXPECTED = {
    INTAKE: {
        S.SUBMITTED: {"accept", "reject", "mark_duplicate", "set_priority", "note"},
        S.ACCEPTED: {
            "mark_duplicate",
            "request_info",
            "transfer",
            "assign",
            "set_priority",
            "note",
            "public_update",
        },
        S.IN_PROGRESS: {
            "mark_duplicate",
            "request_info",
            "transfer",
            "assign",
            "set_priority",
            "note",
            "public_update",
        },
        S.WAITING_INFO: {
            "mark_duplicate",
            "transfer",
            "assign",
            "set_priority",
            "note",
            "public_update",
        },
        S.RESOLVED: {"reopen", "close", "note"},
        S.CLOSED: {"reopen", "note"},
        S.REJECTED: {"note"},
        S.DUPLICATE: {"note"},
    },
    OFFICER: {
        S.SUBMITTED: {"note"},
        S.ACCEPTED: {
            "start",
            "request_info",
            "resolve",
            "transfer",
            "assign",
            "note",
            "public_update",
        },
        S.IN_PROGRESS: {"request_info", "resolve", "transfer", "assign", "note", "public_update"},
        S.WAITING_INFO: {"resolve", "transfer", "assign", "note", "public_update"},
        S.RESOLVED: {"note"},
        S.CLOSED: {"note"},
        S.REJECTED: {"note"},
        S.DUPLICATE: {"note"},
    },
    MANAGER: {
        S.SUBMITTED: {"mark_duplicate", "set_priority", "note"},
        S.ACCEPTED: {
            "mark_duplicate",
            "start",
            "request_info",
            "resolve",
            "transfer",
            "assign",
            "set_priority",
            "extend",
            "note",
            "public_update",
        },
        S.IN_PROGRESS: {
            "mark_duplicate",
            "request_info",
            "resolve",
            "transfer",
            "assign",
            "set_priority",
            "extend",
            "note",
            "public_update",
        },
        S.WAITING_INFO: {
            "mark_duplicate",
            "resolve",
            "transfer",
            "assign",
            "set_priority",
            "extend",
            "note",
            "public_update",
        },
        S.RESOLVED: {"reopen", "close", "note"},
        S.CLOSED: {"reopen", "note"},
        S.REJECTED: {"note"},
        S.DUPLICATE: {"note"},
    },
    REPORTER: {
        S.WAITING_INFO: {"provide_info"},
        S.RESOLVED: {"reopen", "rate"},
        S.CLOSED: {"reopen", "rate"},
    },
    SYSTEM: {S.RESOLVED: {"close"}},
    LEADER: {},
    ADMINISTRATOR: {},
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("status", S.values)
def test_role_table(role, status):
    expected = EXPECTED[role].get(status, set())
    assert set(allowed_actions(status=status, roles={role})) == expected
    for action in RULES:
        if action in expected:
            assert check_allowed(action, status=status, roles={role}).name == action
        else:
            with pytest.raises(NotAllowed):
                check_allowed(action, status=status, roles={role})


def test_no_role_may_do_anything():
    assert all(allowed_actions(status=status, roles=set()) == [] for status in S.values)


def test_transitions_land_in_a_known_status():
    for rule in RULES.values():
        assert rule.target is None or rule.target in S.values
        assert rule.sources <= set(S.values)
