import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "camau_portal.settings",
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "DJANGO_ALLOWED_HOSTS": "phananh.camau.gov.vn",
    "DATABASE_URL": "postgres://portal:secret@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PORTAL_HOTLINE": "0290 3 123 456",
}


def test_production_settings_pass_the_deployment_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "error_id"),
    [
        ("DJANGO_SECRET_KEY", "SECRET_KEY"),
        ("DATABASE_URL", "E003"),
        ("REDIS_URL", "E004"),
        ("PORTAL_HOTLINE", "E007"),
    ],
)
def test_production_refuses_to_start_without(missing, error_id):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = run_manage("check", "--deploy", env_overrides=env)
    assert result.returncode != 0
    assert error_id in result.stdout + result.stderr


def test_production_refuses_debug():
    result = run_manage("check", env_overrides={**PRODUCTION, "DJANGO_DEBUG": "true"})
    assert result.returncode != 0
    assert "camau_portal.E002" in result.stdout + result.stderr


def test_wsgi_refuses_misconfigured_production():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"})
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import camau_portal.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Production needs Redis" in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT setting")
def test_postgresql_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
