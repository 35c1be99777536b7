"""Delivery tests run a real Celery worker in another process, so it must see the test
database: these tests are transactional (their writes are committed), and on SQLite the test
database is a file instead of the in-memory default. The switch happens here, at collection,
before pytest-django creates the test database."""

import tempfile
from pathlib import Path

from django.conf import settings

_database = settings.DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _test = _database.setdefault("TEST", {})
    if not _test.get("NAME") or ":memory:" in str(_test["NAME"]):
        _test["NAME"] = str(Path(tempfile.mkdtemp(prefix="camau-test-db-")) / "test.sqlite3")
