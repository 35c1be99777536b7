"""A configuration that must not serve stops every process the README starts: the web server
(gunicorn through camau_portal.wsgi), the Celery worker and beat each exit non-zero with the
reason. Each case starts the real command in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.harness import free_port

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 60

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 40 + "-a-long-random-production-secret-for-tests",
    "DJANGO_ALLOWED_HOSTS": "phananh.camau.gov.vn",
    # Nothing needs to answer: every case is refused before a connection is made.
    "DATABASE_URL": "postgres://portal:secret@127.0.0.1:9/portal",
    "REDIS_URL": "redis://127.0.0.1:9/0",
    "PORTAL_HOTLINE": "0290 3 123 456",
}


def without(*names: str, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in PRODUCTION.items() if key not in names}
    return {**env, **overrides}


CONFIGURATIONS = {
    "no secret key": (without("DJANGO_SECRET_KEY"), "DJANGO_SECRET_KEY must be set"),
    "the development key": (
        without(DJANGO_SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY),
        "DJANGO_SECRET_KEY must be set",
    ),
    "DEBUG on": (without(DJANGO_DEBUG="true"), "DJANGO_DEBUG must be off"),
    "no PostgreSQL": (without("DATABASE_URL"), "Production needs PostgreSQL"),
    "no Redis": (without("REDIS_URL"), "Production needs Redis"),
    "no hotline": (without("PORTAL_HOTLINE"), "Production needs the intake centre's hotline"),
    # DJANGO_ENV forgotten: DEBUG off must not run on the key published in the repository.
    "no DJANGO_ENV, DEBUG off, development key": (
        {"DJANGO_DEBUG": "false"},
        "The development secret key is only for DJANGO_DEBUG=true",
    ),
}


def commands(tmp_path: Path) -> dict[str, list[str]]:
    return {
        "web": [
            str(BIN / "gunicorn"), "camau_portal.wsgi", "--workers", "1",
            "--bind", f"127.0.0.1:{free_port()}", "--no-control-socket",
        ],
        "worker": [str(BIN / "celery"), "-A", "camau_portal", "worker", "--loglevel", "INFO"],
        "beat": [
            str(BIN / "celery"), "-A", "camau_portal", "beat",
            "--schedule", str(tmp_path / "beat-schedule"),
        ],
        # How run_portal (and the delivery tests) start the worker.
        "python -m celery worker": [
            sys.executable, "-m", "celery", "-A", "camau_portal", "worker", "--loglevel", "INFO",
        ],
    }  # fmt: skip


def start(command: list[str], env_overrides: dict[str, str], tmp_path: Path):
    """Runs the command until it exits; one still running after the timeout is a failure."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PORTAL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="camau_portal.settings",
        PORTAL_VAR_DIR=str(tmp_path),
        **env_overrides,
    )
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, text=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"{command[0]} was still running after {START_TIMEOUT} s:\n{output[-3000:]}")
    return process.returncode, output


@pytest.mark.parametrize(
    ("process", "configuration"),
    [
        *((process, configuration) for process in ("web", "worker", "beat")
          for configuration in CONFIGURATIONS),
        ("python -m celery worker", "no Redis"),
    ],
)  # fmt: skip
def test_misconfigured_process_exits_with_the_reason(process, configuration, tmp_path):
    env, reason = CONFIGURATIONS[configuration]
    returncode, output = start(commands(tmp_path)[process], env, tmp_path)
    assert returncode != 0, output[-3000:]
    assert "Refusing to start" in output, output[-3000:]
    assert reason in output, output[-3000:]
    if process != "web":
        assert " ready." not in output and "beat: Starting" not in output, output[-3000:]


@pytest.mark.parametrize("configuration", CONFIGURATIONS)
def test_manage_py_commands_refuse_through_the_system_checks(configuration, tmp_path):
    env, reason = CONFIGURATIONS[configuration]
    returncode, output = start([sys.executable, "manage.py", "check"], env, tmp_path)
    assert returncode != 0, output[-3000:]
    assert reason in output, output[-3000:]


def test_debug_off_outside_production_runs_on_a_key_of_its_own(tmp_path):
    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}
    returncode, output = start([sys.executable, "manage.py", "check"], env, tmp_path)
    assert returncode == 0, output[-3000:]
