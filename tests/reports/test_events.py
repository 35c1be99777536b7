"""``reports.events.event_record``: the one way an event is written and its emails queued."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from camau_portal.notifications.models import OutboundEmail
from reports.events import event_record
from reports.models import Report, ReportEvent
from tests.factories import StaffFactory, SubmittedReportFactory
from tests.reports.support import FollowerFactory

Kind = ReportEvent.Kind


def report_in_status(status: str) -> Report:
    """A filed guest report (no email, so no acknowledgement) whose row is put in ``status``:
    these tests are about the event writer, not the transitions."""
    report = SubmittedReportFactory(reporter_email="")
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_writes_the_event_with_what_the_action_gives(catalogue):
    report = report_in_status(Report.Status.ACCEPTED)
    officer = StaffFactory(email="officer@camau.gov.vn")
    at = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)

    event = event_record(
        report=report,
        kind=Kind.STARTED,
        acting_user=officer,
        at=at,
        is_public=True,
        from_status=Report.Status.ACCEPTED,
        to_status=Report.Status.IN_PROGRESS,
        public_message="Đội đã ra hiện trường.",
        internal_note="Mang theo xe cẩu.",
        department=report.proposed_department,
        data={"crew": 2},
    )

    event = ReportEvent.objects.get(pk=event.pk)
    assert (event.report_id, event.kind, event.actor, event.created_at) == (
        report.pk,
        "started",
        officer,
        at,
    )
    assert (event.is_public, event.from_status, event.to_status) == (
        True,
        "accepted",
        "in_progress",
    )
    assert (event.public_message, event.internal_note) == (
        "Đội đã ra hiện trường.",
        "Mang theo xe cẩu.",
    )
    assert event.department == report.proposed_department
    assert event.data == {"crew": 2}


@pytest.mark.django_db
def test_a_status_change_ends_at_the_reports_status_and_other_events_have_none(catalogue):
    report = report_in_status(Report.Status.RESOLVED)
    resolved = event_record(
        report=report, kind=Kind.RESOLVED, acting_user=None, from_status="in_progress"
    )
    note = event_record(report=report, kind=Kind.NOTE, acting_user=None, internal_note="…")
    assert (resolved.from_status, resolved.to_status) == ("in_progress", "resolved")
    assert (note.from_status, note.to_status) == ("", "")


@pytest.mark.django_db
def test_nobody_signed_in_is_recorded_as_no_actor(catalogue):
    report = SubmittedReportFactory(reporter_email="")
    event = event_record(report=report, kind=Kind.FOLLOWED, acting_user=AnonymousUser())
    assert ReportEvent.objects.get(pk=event.pk).actor is None


@pytest.mark.django_db
def test_queues_the_emails_of_public_events_for_subscribed_followers_after_commit(
    catalogue, django_capture_on_commit_callbacks
):
    report = SubmittedReportFactory(reporter_email="an@example.vn")  # the reporter follows
    FollowerFactory(report=report, email="hang@example.vn")
    FollowerFactory(report=report, email="quiet@example.vn", is_subscribed=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update = event_record(
            report=report,
            kind=Kind.PUBLIC_UPDATE,
            acting_user=None,
            is_public=True,
            public_message="Đang sửa.",
        )
        event_record(report=report, kind=Kind.NOTE, acting_user=None, internal_note="nội bộ")

    # Written now, in the caller's transaction; sent only once it commits.
    rows = OutboundEmail.objects.filter(event_id=update.pk).order_by("recipient")
    assert [(row.recipient, row.event_id) for row in rows] == [
        ("an@example.vn", update.pk),
        ("hang@example.vn", update.pk),
    ]
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == ["an@example.vn", "hang@example.vn"]


@pytest.mark.django_db(transaction=True)
def test_refuses_to_write_outside_a_transaction(catalogue):
    report = SubmittedReportFactory(reporter_email="")
    with pytest.raises(RuntimeError):
        event_record(report=report, kind=Kind.NOTE, acting_user=None)
    assert not ReportEvent.objects.filter(kind=Kind.NOTE).exists()


def _writes_events(path: Path) -> list[int]:
    """Lines of ``path`` that create ``ReportEvent`` rows: ``ReportEvent(...)``,
    ``ReportEvent.objects.create(...)``, ``...bulk_create(...)``, ``...get_or_create(...)``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        target = ast.unparse(node.func)
        if target == "ReportEvent" or (
            target.startswith("ReportEvent.")
            and target.rsplit(".", 1)[-1] in {"create", "bulk_create", "get_or_create"}
        ):
            lines.append(node.lineno)
    return lines


def test_no_other_code_writes_events():
    """Migrations and the development tools may seed rows directly; the product may not."""
    writers = {}
    for package in ("accounts", "reports", "services", "camau_portal"):
        for path in (REPO / package).rglob("*.py"):
            relative = path.relative_to(REPO)
            if "migrations" in relative.parts or relative.parts[:2] == ("camau_portal", "devtools"):
                continue
            if lines := _writes_events(path):
                writers[str(relative)] = lines
    assert list(writers) == ["reports/events.py"], writers
