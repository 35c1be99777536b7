"""The outbox on its own, with a template of the test's own: no report, no account involved."""

import pytest
from django.core import mail

from camau_portal.notifications import rendering
from camau_portal.notifications.delivery import SENT, SKIPPED, deliver_outbound_email
from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.outbox import Recipient, emails_ready, queue_emails
from camau_portal.notifications.rendering import Withdrawn, render_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def greeting_template(settings, tmp_path):
    """emails/greeting_*: a subject, a text and an HTML body naming the row's context."""
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "greeting_subject.txt").write_text("Chào {{ name }}\n")
    (folder / "greeting.txt").write_text("Chào {{ name }}, {{ extra|default:'-' }}.\n")
    (folder / "greeting.html").write_text("<p>Chào {{ name }}</p>\n")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "greeting"


@pytest.fixture
def context_processor(monkeypatch):
    """Registers a processor for one test only."""
    processors = list(rendering._context_processors)
    monkeypatch.setattr(rendering, "_context_processors", processors)

    def register(processor):
        rendering.register_context_processor(processor)
        return processor

    return register


def test_rows_are_announced_after_commit_and_sent_once(
    greeting_template, django_capture_on_commit_callbacks
):
    announced = []

    def listener(sender, ids, **kwargs):
        announced.append(ids)

    emails_ready.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            rows = queue_emails(
                template=greeting_template,
                recipients=[Recipient(email=" Lan@Example.vn ", language="vi")],
                dedupe_prefix="greeting:1",
                context={"name": "Lan"},
            )
        [row] = rows
        assert (row.recipient, row.dedupe_key) == ("Lan@Example.vn", "greeting:1:lan@example.vn")
        assert announced == [] and mail.outbox == []
        for callback in callbacks:
            callback()
    finally:
        emails_ready.disconnect(listener)

    assert announced == [[row.pk]]
    [message] = mail.outbox  # the send task's receiver queued it (Celery is eager in tests)
    assert (message.to, message.subject) == (["Lan@Example.vn"], "Chào Lan")
    assert message.body == "Chào Lan, -.\n"
    assert deliver_outbound_email(row.pk).outcome == SKIPPED


def test_the_same_cause_and_recipient_is_written_once(greeting_template):
    for _ in range(2):
        queue_emails(
            template=greeting_template,
            recipients=[
                Recipient(email="lan@example.vn", language="vi"),
                Recipient(email="LAN@example.vn", language="en"),
            ],
            dedupe_prefix="greeting:2",
            enqueue=False,
        )

    assert OutboundEmail.objects.count() == 1


def test_a_recipients_own_context_joins_the_shared_context(greeting_template):
    [row] = queue_emails(
        template=greeting_template,
        recipients=[Recipient(email="lan@example.vn", language="vi", context={"extra": "42"})],
        dedupe_prefix="greeting:3",
        context={"name": "Lan", "extra": "shared"},
        enqueue=False,
    )

    assert row.context == {"name": "Lan", "extra": "42"}
    assert render_message(row).body == "Chào Lan, 42.\n"


def test_registered_context_processors_add_to_every_email(greeting_template, context_processor):
    context_processor(lambda row: {"extra": f"row {row.dedupe_key}"})
    [row] = queue_emails(
        template=greeting_template,
        recipients=[Recipient(email="lan@example.vn", language="vi")],
        dedupe_prefix="greeting:4",
        context={"name": "Lan"},
        enqueue=False,
    )

    assert render_message(row).body == "Chào Lan, row greeting:4:lan@example.vn.\n"


def test_a_withdrawn_email_is_marked_failed_unsent_without_an_attempt(
    greeting_template, context_processor
):
    @context_processor
    def refuse(row):
        raise Withdrawn("unsubscribed")

    [row] = queue_emails(
        template=greeting_template,
        recipients=[Recipient(email="lan@example.vn", language="vi")],
        dedupe_prefix="greeting:5",
        context={"name": "Lan"},
        enqueue=False,
    )

    assert deliver_outbound_email(row.pk).outcome == SKIPPED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 0, "unsubscribed")
    assert mail.outbox == []


def test_delivery_marks_the_row_sent(greeting_template):
    [row] = queue_emails(
        template=greeting_template,
        recipients=[Recipient(email="lan@example.vn", language="vi")],
        dedupe_prefix="greeting:6",
        context={"name": "Lan"},
        enqueue=False,
    )

    assert deliver_outbound_email(row.pk).outcome == SENT
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None
