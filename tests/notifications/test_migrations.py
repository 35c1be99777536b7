"""The outbox moved from reports to camau_portal.notifications: its table and rows stay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from camau_portal.notifications.models import OutboundEmail

BEFORE = [("reports", "0007_event_kind_deadlines_recomputed"), ("notifications", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_kept_and_read_by_the_new_model(catalogue):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        Report = old.get_model("reports", "Report")
        OldOutboundEmail = old.get_model("reports", "OutboundEmail")
        category = old.get_model("services", "Category").objects.first()
        commune = old.get_model("services", "Commune").objects.first()
        report = Report.objects.create(
            tracking_code="CM-MOVE-0001",
            title="Ổ gà",
            description="Trước số 12",
            category_id=category.pk,
            commune_id=commune.pk,
            submitted_at=timezone.now(),
        )
        OldOutboundEmail.objects.create(
            dedupe_key="event:1:an@example.vn",
            template="event_submitted",
            recipient="an@example.vn",
            report=report,
            next_attempt_at=timezone.now(),
        )
    finally:
        migrate(latest)

    row = OutboundEmail.objects.get(dedupe_key="event:1:an@example.vn")
    assert (row.template, row.recipient, row.report_id) == (
        "event_submitted",
        "an@example.vn",
        report.pk,
    )
    assert OutboundEmail._meta.db_table == "reports_outboundemail"
