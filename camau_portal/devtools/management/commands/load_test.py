"""Drives N citizens against the production-mode stack for a while, then checks nothing was
lost. See ``camau_portal.devtools.load`` for what they do, and the README for how to run it."""

import logging
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from camau_portal.devtools.load import check_outcome, drive, summary
from camau_portal.devtools.management.commands.benchmark_pages import _url_of
from camau_portal.devtools.page_benchmark import ensure_template, server_url
from camau_portal.devtools.stack import (
    Browser,
    RecordingHandler,
    SmtpServer,
    celery,
    collectstatic,
    free_port,
    gunicorn,
    production_environment,
)


class Command(BaseCommand):
    help = "Load the production-mode stack with N concurrent citizens; check every report."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=180)
        parser.add_argument("--web-workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--prefix", default="camau_load", help="databases are <prefix>_...")
        parser.add_argument("--database-server", default="", help="postgres://user@host:port")
        parser.add_argument(
            "--redis-url", default="", help="a Redis database of its own (it is emptied)"
        )
        parser.add_argument("--settle", type=float, default=180, help="seconds to wait for "
                            "the worker to process photos and send emails")  # fmt: skip
        parser.add_argument("--seed", type=int, default=9)

    def handle(self, *args, users, seconds, web_workers, prefix, settle, seed, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("The load test makes its own stack: never in production.")
        server = options["database_server"]
        if not server:
            if connection.vendor != "postgresql":
                raise CommandError("set --database-server (production runs on PostgreSQL)")
            server = server_url(_url_of(connection.settings_dict))
        broker = options["redis_url"] or settings.REDIS_URL
        if not broker:
            raise CommandError("set --redis-url or REDIS_URL")
        work = Path(tempfile.mkdtemp(prefix="camau-load-"))
        self.stderr.write(f"logs and media in {work}")
        template = ensure_template(server, prefix, log=work / "setup.log", remake=False)
        name = f"{prefix}_run"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        database = f"{server}/{name}"
        redis.Redis.from_url(broker).flushdb()
        media = work / "media"
        # aiosmtpd logs every SMTP command at INFO: not what this command reports.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        handler = RecordingHandler()
        with ExitStack() as stack:
            smtp = stack.enter_context(SmtpServer(handler))
            port = free_port()
            env = production_environment(
                port=port,
                database=database,
                broker=broker,
                smtp=smtp.url,
                extra={
                    "PORTAL_VAR_DIR": str(work / "var"),
                    "MEDIA_ROOT": str(media),
                    # Behind the proxy: each citizen's own address, as the README sets it.
                    "IPWARE_META_PRECEDENCE_ORDER": "HTTP_X_FORWARDED_FOR,REMOTE_ADDR",
                },
            )
            collectstatic(env, log=work / "setup.log")
            web = gunicorn("web", port=port, env=env, logs=work, workers=web_workers)
            stack.callback(web.stop)
            worker = celery("worker", "worker", "--concurrency", "2", env=env, logs=work)
            stack.callback(worker.stop)
            beat = celery(
                "beat", "beat", "--schedule", str(work / "beat-schedule"), env=env, logs=work
            )
            stack.callback(beat.stop)
            probe = Browser(port)

            def healthy():
                try:
                    return probe.get("/healthz", follow=False).status == 200
                except OSError:
                    return False

            web.wait_until(healthy, message="gunicorn never answered /healthz")
            worker.wait_until(lambda: worker.log_says(" ready."), message="no worker")
            beat.wait_until(lambda: beat.log_says("beat: Starting"), message="no beat")
            limit = int(settings.REPORT_SUBMIT_RATE.split("/")[0])
            self.stderr.write(f"{users} users for {seconds:.0f} s on port {port}")
            started = time.monotonic()
            tally = drive(
                port=port, users=users, seconds=seconds, submit_limit=limit - 1, seed=seed
            )
            elapsed = time.monotonic() - started
            self.stderr.write(f"checking {len(tally.submissions)} accepted reports")
            check = check_outcome(
                submissions=tally.submissions,
                database=database,
                media_root=media,
                smtp_subjects=handler.subjects,
                timeout=settle,
            )
        for line in summary(tally, check, users=users, seconds=elapsed):
            self.stdout.write(line)
        lost = check.accepted - min(check.stored, check.with_photos, check.acknowledged)
        errors = sum(tally.errors.values())
        if errors or lost:
            raise CommandError(f"{errors} errors, {lost} reports lost; logs in {work}")
