"""The role table, spelled out: which role may do what in which status; the status groups; the
status a report had at a given moment."""

import random
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from reports.models import Report
from reports.workflow import (
    ADMINISTRATOR,
    HELPER,
    HOTLINE,
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
    status_at,
    status_group,
    status_when_posted,
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
    # They enter reports for residents and follow them; they never handle one.
    HOTLINE: {},
    HELPER: {},
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


def test_every_status_has_one_public_group():
    groups = {status: status_group(status) for status in S.values}
    assert groups == {
        "submitted": "open",
        "accepted": "open",
        "in_progress": "open",
        "waiting_info": "open",
        "resolved": "fixed",
        "closed": "closed",
        "rejected": "closed",
        "duplicate": "closed",
    }


# --- the status at a moment ------------------------------------------------------------------

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def moment(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 3, 10, hours, minutes, tzinfo=ZONE)


def change(pk: int, hhmm: str, to_status: str = "") -> SimpleNamespace:
    return SimpleNamespace(pk=pk, created_at=moment(hhmm), to_status=to_status)


# Submitted 08:00, accepted 09:00, a public update 09:30 (no status change), work started
# 10:00, resolved 11:00 and, in the same instant, reopened by the reporter (a later id).
SUBMITTED = change(1, "08:00", S.SUBMITTED)
ACCEPTED = change(2, "09:00", S.ACCEPTED)
UPDATE = change(3, "09:30")
STARTED = change(4, "10:00", S.IN_PROGRESS)
RESOLVED = change(5, "11:00", S.RESOLVED)
REOPENED = change(6, "11:00", S.IN_PROGRESS)
HISTORY = [SUBMITTED, ACCEPTED, UPDATE, STARTED, RESOLVED, REOPENED]


@pytest.mark.parametrize(
    "hhmm, expected",
    [
        ("07:59", None),  # before the report existed
        ("08:00", S.SUBMITTED),  # a change made at that moment counts
        ("08:59", S.SUBMITTED),
        ("09:30", S.ACCEPTED),  # the update changed nothing
        ("10:30", S.IN_PROGRESS),
        ("11:00", S.IN_PROGRESS),  # resolved and reopened at 11:00: the later id wins
        ("23:00", S.IN_PROGRESS),
    ],
)
def test_status_at(hhmm, expected):
    assert status_at(HISTORY, moment(hhmm)) == expected
    shuffled = HISTORY[:]
    random.Random(hhmm).shuffle(shuffled)
    assert status_at(shuffled, moment(hhmm)) == expected


def test_status_when_posted_counts_nothing_recorded_after_the_event():
    assert status_when_posted(HISTORY, UPDATE) == S.ACCEPTED
    assert status_when_posted(HISTORY, STARTED) == S.IN_PROGRESS  # a change reads as its result
    # Recorded in the same instant as the reopening, but before it.
    assert status_when_posted(HISTORY, RESOLVED) == S.RESOLVED
    # Resolved again at 12:00; in one instant the reporter rates "not satisfied" (no status
    # change) and that reopens it: the rating was given while the report was resolved.
    rating = change(8, "12:00")
    later = [*HISTORY, change(7, "12:00", S.RESOLVED), rating, change(9, "12:00", S.IN_PROGRESS)]
    assert status_when_posted(later, rating) == S.RESOLVED
    assert status_at(later, moment("12:00")) == S.IN_PROGRESS
    assert status_at([], moment("12:00")) is None
    assert status_when_posted([UPDATE], UPDATE) is None
    assert status_at(HISTORY, moment("09:00") - timedelta(microseconds=1)) == S.SUBMITTED
