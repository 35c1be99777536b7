"""Delivery tests run a real Celery worker in another process, so it must see the test
database: these tests are transactional (their writes are committed), and on SQLite the test
database is a file instead of the in-memory default. The switch happens here, at collection,
before pytest-django creates the test database."""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES
from tests.integration.harness import RedisServer

_database = settings.DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _test = _database.setdefault("TEST", {})
    if not _test.get("NAME") or ":memory:" in str(_test["NAME"]):
        _test["NAME"] = str(Path(tempfile.mkdtemp(prefix="camau-test-db-")) / "test.sqlite3")


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own, to stop and start at will, and on which no other test run's
    worker takes this test's tasks (as on a Redis shared between runs)."""
    if shutil.which("redis-server") is None:
        if REQUIRE_SERVICES:
            pytest.fail("redis-server is required for a broker of the test's own")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
