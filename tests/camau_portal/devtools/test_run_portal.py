import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.worker
def test_run_portal_serves_and_processes_tasks_and_stops_its_children(tmp_path):
    """The embedded default: web, worker and beat from one command, on SQLite and the
    filesystem broker, with no Redis; stopping it stops everything it started."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="camau_portal.settings", PORTAL_VAR_DIR=str(tmp_path))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([*manage, "load_reference_data"], cwd=ROOT, env=env, check=True, timeout=120)
    subprocess.run(
        [*manage, "seed_demo", "--reports", "3"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "run_portal", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None and '"ok"' in body
        # The worker drains the queue the demo filled: acknowledgements land in var/mail.
        while time.monotonic() < deadline and not list((tmp_path / "mail").glob("*.log")):
            time.sleep(0.5)
        assert list((tmp_path / "mail").glob("*.log")), "the worker sent no email"
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0].decode(errors="replace")
    assert process.returncode in (0, 1), output
    leftover = subprocess.run(
        ["pgrep", "-f", "--", f"--schedule {tmp_path}"], capture_output=True, text=True
    )
    assert leftover.returncode == 1, f"the worker outlived run_portal: {leftover.stdout}"
