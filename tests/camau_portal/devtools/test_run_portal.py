"""`make run` as a newcomer meets it: the embedded default (SQLite, the filesystem broker, no
Redis) set up by the same commands, then run_portal serving real HTTP with its worker and beat,
and stopped with Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from camau_portal.devtools.management.commands.run_portal import base_url_for
from tests.integration.harness import Browser, free_port, wait_for

ROOT = Path(__file__).resolve().parents[3]
DEMO_PASSWORD = "demo-camau-2026"
SUBMITTED = re.compile(r"^/reports/(CM-[0-9A-Z]{4}-[0-9A-Z]{4})/submitted/$")
# What the portal must never print, and what a quiet stop must not print either.
FAILURE = re.compile(r'Traceback|database is locked|" 500 ', re.IGNORECASE)
NOISY_STOP = re.compile(r"ERROR|CRITICAL|Error|exited")

# Runs the statistics rollup from scratch, again and again, in a process of its own (as the
# worker does), until the file named by the first argument appears; prints the number of runs.
ROLLUP_LOOP = """
import sys, pathlib
import django
django.setup()
from reports.models import RollupState
from reports.stats.refresh import refresh_rollups
stop, runs = pathlib.Path(sys.argv[1]), 0
while not stop.exists():
    RollupState.objects.filter(name="reports").update(watermark=None)
    result = refresh_rollups()
    if result.skipped:  # the portal's own periodic refresh holds the lease: try again
        continue
    assert result.rebuilt
    runs += 1
print(runs)
"""


def _embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PORTAL_BASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="camau_portal.settings",
        PORTAL_VAR_DIR=str(var_dir),
        # Several submissions from one test client; the limit itself is tested elsewhere.
        REPORT_SUBMIT_RATE="100/m",
        STATS_REFRESH_SECONDS="3",
    )
    return env


def _manage(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _received(page: str) -> int:
    return int(re.search(r'data-stat="received">\s*(\d+)', page)[1])


def _submit(browser: Browser, database: Path, title: str, email: str):
    with sqlite3.connect(database) as db:
        category = db.execute("SELECT id FROM services_category WHERE code = 'GARBAGE'").fetchone()
        commune_id, latitude, longitude = db.execute(
            "SELECT id, latitude, longitude FROM services_commune WHERE name = 'Phường Tân Thành'"
        ).fetchone()
    return browser.post_form(
        "/reports/new/",
        {
            "category": str(category[0]),
            "title": title,
            "description": "Rác thải để ven đường nhiều ngày chưa được thu gom.",
            "commune": str(commune_id),
            "latitude": f"{latitude:.6f}",
            "longitude": f"{longitude:.6f}",
            "address": "Gần chợ",
            "reporter_name": "Lê Văn Cường",
            "reporter_email": email,
            "reporter_phone": "",
        },
    )


@pytest.mark.parametrize(
    ("addrport", "expected"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("localhost:9000", "http://localhost:9000"),
        ("[::]:8001", "http://[::1]:8001"),
    ],
)
def test_emails_link_to_the_address_the_portal_runs_on(addrport, expected):
    assert base_url_for(addrport) == expected


@pytest.mark.worker
def test_first_run_serves_current_figures_survives_its_rollup_and_stops_on_ctrl_c(tmp_path):
    env = _embedded_env(tmp_path)
    database = tmp_path / "portal.sqlite3"
    # The steps of `make run`, then the server in a session of its own, as in a terminal.
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_reference_data")
    _manage(env, "seed_demo", "--reports", "40", "--if-empty")
    # Seeding leaves the statistics and the map cells built, before any worker runs.
    with sqlite3.connect(database) as db:
        province_total = db.execute(
            "SELECT SUM(received) FROM reports_dailystat WHERE scope = 'province'"
        ).fetchone()[0]
        map_cells = db.execute("SELECT COUNT(*) FROM reports_mapcell").fetchone()[0]
        journal_mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert province_total == 40
    assert map_cells > 0
    # Readers never wait for the writer, and the writer never waits for readers.
    assert journal_mode == "wal"
    port = free_port()
    log = tmp_path / "run_portal.log"
    with log.open("wb") as output:
        portal = subprocess.Popen(
            [sys.executable, "manage.py", "run_portal", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        citizen, staff = Browser(base), Browser(base)
        wait_for(
            lambda: _answers(citizen, "/healthz"), timeout=180, message="the portal never answered"
        )

        # Every public page answers GET and HEAD (HEAD: monitoring and link checkers).
        for path in ["/", "/reports/new/", "/map/", "/reports/", "/stats/", "/track/"]:
            assert citizen.get(path).status == 200, path
            assert citizen.head(path).status == 200, path

        # Figures from the first request on, not after the first scheduled rollup.
        assert _received(citizen.get("/stats/").text) == 40

        # The rollup rebuilds from scratch in a loop while staff sign in and citizens report.
        stop_file = tmp_path / "stop-rollup"
        rollup = subprocess.Popen(
            [sys.executable, "-c", ROLLUP_LOOP, str(stop_file)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert citizen.get("/reports/new/").status == 200
        assert staff.get("/staff/login/").status == 200
        outcomes: list[tuple[str, int]] = []

        def sign_in_and_out(number: int):
            browser = Browser(base)
            browser.get("/staff/login/")
            response = browser.post_form(
                "/staff/login/", {"email": "intake@demo.camau.vn", "password": DEMO_PASSWORD}
            )
            outcomes.append((f"sign-in {number}", response.status))
            outcomes.append((f"queue {number}", browser.get("/staff/").status))

        def report(number: int):
            response = _submit(
                citizen, database, f"Rác ven đường {number}", f"a{number}@example.vn"
            )
            outcomes.append((f"report {number}", response.status))
            if response.status == 302:
                assert SUBMITTED.match(response.headers["Location"])

        # Meanwhile a probe takes the write lock again and again, giving up after five seconds,
        # the wait after which the portal's requests used to fail with "database is locked"
        # while the rollup held the lock for its whole run.
        probe_failures: list[str] = []
        probe_done = threading.Event()

        def probe_write_lock():
            with sqlite3.connect(database, timeout=5, isolation_level=None) as db:
                while not probe_done.is_set():
                    started = time.monotonic()
                    try:
                        db.execute("BEGIN IMMEDIATE")
                        db.execute("COMMIT")
                    except sqlite3.OperationalError as error:
                        waited = time.monotonic() - started
                        probe_failures.append(f"{time.strftime('%H:%M:%S')} {error} {waited:.1f}s")
                    time.sleep(0.05)

        probe = threading.Thread(target=probe_write_lock)
        probe.start()
        time.sleep(1)  # the first rebuild is under way
        threads = [threading.Thread(target=sign_in_and_out, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=report, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        time.sleep(2)  # the probe sees at least one more rebuild
        stop_file.touch()
        runs, errors = rollup.communicate(timeout=120)
        probe_done.set()
        probe.join(timeout=10)
        assert probe_failures == [], log.read_text(errors="replace")[-6000:]
        assert rollup.returncode == 0, errors
        assert int(runs) >= 1
        assert sorted(status for _, status in outcomes) == [200] * 4 + [302] * 8, outcomes

        # Staff statistics count the new reports once beat's next refresh has seen them.
        staff.post_form(
            "/staff/login/", {"email": "leader@demo.camau.vn", "password": DEMO_PASSWORD}
        )
        wait_for(
            lambda: _received(staff.get("/staff/stats/").text) == 44,
            timeout=120,
            interval=1,
            message="the new reports never reached the staff statistics",
        )

        # Emails link to this server, not to the default port.
        def mail_text() -> str:
            return "".join(p.read_text(errors="replace") for p in (tmp_path / "mail").glob("*"))

        wait_for(lambda: f"{base}/reports/" in mail_text(), timeout=120, message="no email link")
        assert "127.0.0.1:8000" not in mail_text()
    finally:
        running_output = log.stat().st_size
        portal.send_signal(signal.SIGINT)  # Ctrl+C
        try:
            portal.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(portal.pid, signal.SIGKILL)
            raise
    output = log.read_text(errors="replace")
    assert portal.returncode == 0, output[-4000:]
    assert not FAILURE.findall(output), output[-4000:]
    stopping = log.read_bytes()[running_output:].decode(errors="replace")
    assert not NOISY_STOP.findall(stopping), stopping
    assert "Warm shutdown" in output and "beat: Shutting down" in output
    leftover = subprocess.run(
        ["pgrep", "-f", "--", f"--schedule {tmp_path}"], capture_output=True, text=True
    )
    assert leftover.returncode == 1, f"the worker outlived run_portal: {leftover.stdout}"
    assert subprocess.run(["pgrep", "-f", f"runserver 127.0.0.1:{port}"]).returncode == 1


def _answers(browser: Browser, path: str) -> bool:
    try:
        return browser.get(path).status == 200
    except OSError:
        return False
