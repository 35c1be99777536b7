"""How many SMS one Celery worker sends per second over SMPP (``manage.py benchmark_sms``).

A loopback SMSC (the one the test suite runs, ``tests/integration/smsc.py``) records every
``submit_sm``; one real worker process (concurrency 1, the deployed settings) is started
against it and the configured Redis; N status texts about one report are written to the outbox
and their send tasks published at once. The clock runs from the first publish to the SMSC's
N-th recorded message, so it counts the broker, the row lock, rendering, the SMPP round trip
and the commit, per message. The SMSC answers at once: the figure is the portal's ceiling, not
the carrier's (whose accounts are usually throttled to tens of messages a second).
"""

from __future__ import annotations

import secrets
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.outbox import Recipient, emails_ready, queue_emails

# Test helpers for a development command: the SMSC on loopback and the worker process runner.
from tests.integration.harness import Worker, publishing_to, wait_for
from tests.integration.smsc import Smsc


@dataclass(frozen=True)
class SmsBenchmark:
    count: int
    seconds: float
    submitted: int
    binds: int

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def benchmark_phone(number: int) -> str:
    """Distinct, valid Vietnamese mobile numbers (Viettel's 086 range)."""
    return f"+8486{number:07d}"


def run_sms_benchmark(
    *, report_id: int, count: int, broker_url: str, timeout: float
) -> SmsBenchmark:
    prefix = f"benchmark-sms:{uuid.uuid4().hex[:8]}"
    rows = queue_emails(
        template="event_accepted",
        recipients=[
            Recipient(email="", phone=benchmark_phone(n), language="vi") for n in range(count)
        ],
        dedupe_prefix=prefix,
        report_id=report_id,
        enqueue=False,
    )
    ids = [row.pk for row in rows]
    try:
        with Smsc() as smsc, tempfile.TemporaryDirectory(prefix="camau-sms-bench-") as var_dir:
            worker = Worker(
                broker_url=broker_url,
                smtp_url="smtp://127.0.0.1:9",  # nothing is emailed
                var_dir=Path(var_dir),
                env={
                    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                    "SMS_SMPP_HOST": "127.0.0.1",
                    "SMS_SMPP_PORT": str(smsc.port),
                    "SMS_SMPP_SYSTEM_ID": "benchmark",
                    "SMS_SMPP_PASSWORD": "benchmark",
                },
            )
            worker.start()
            try:
                # This process publishes to the worker's broker, whatever the settings name.
                with publishing_to(broker_url):
                    started = time.perf_counter()
                    # What an action's commit does: the send task's receiver publishes the rows.
                    published = sum(
                        count for _receiver, count in emails_ready.send(OutboundEmail, ids=ids)
                    )
                if published != len(ids):
                    raise RuntimeError(f"only {published} of {len(ids)} tasks reached the broker")
                wait_for(
                    lambda: len(smsc.submitted) >= count,
                    timeout=timeout,
                    interval=0.01,
                    message=f"{len(smsc.submitted)} of {count} SMS sent; log:\n{worker.log_text()}",
                )
                seconds = time.perf_counter() - started
            finally:
                worker.stop()
            return SmsBenchmark(count, seconds, len(smsc.submitted), len(smsc.binds))
    finally:
        OutboundEmail.objects.filter(dedupe_key__startswith=prefix).delete()
