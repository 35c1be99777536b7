import os
import socket
from urllib.parse import urlparse

import pytest
from django.db.models.signals import post_migrate

from services.reference_data import load_reference_data

REQUIRE_SERVICES = (
    os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="Run only the tests that use the database. For a second pass on another database "
        "backend: the other tests would run exactly as in the first pass.",
    )


def _uses_database(item) -> bool:
    database_fixtures = {"db", "transactional_db", "live_server", "django_db_setup"}
    return item.get_closest_marker("django_db") is not None or bool(
        database_fixtures & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("database_tests_only"):
        deselected = [item for item in items if not _uses_database(item)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if _uses_database(item)]
    _require_or_skip_redis(items)


def _require_or_skip_redis(items):
    """Tests that need Redis fail in CI when it is missing, and are skipped elsewhere."""
    if _reachable(TEST_REDIS_URL):
        return
    needs_redis = [item for item in items if "redis" in item.keywords]
    if not needs_redis:
        return
    if REQUIRE_SERVICES:
        raise pytest.UsageError(f"Redis is required here but {TEST_REDIS_URL} is unreachable.")
    skip = pytest.mark.skip(reason=f"Redis not reachable at {TEST_REDIS_URL}")
    for item in needs_redis:
        item.add_marker(skip)


def _reload_catalogue_after_flush(sender, using, **kwargs):
    # A transactional test (live server, real worker, concurrency) ends by emptying every
    # table, and the flush then sends post_migrate: the catalogue comes back at once, so the
    # next test, whatever its kind, starts from the same database.
    load_reference_data()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker) holds the reference data from the start:
    loaded once, after the migrations, so each test's transaction rolls back to it."""
    from django.apps import apps

    with django_db_blocker.unblock():
        load_reference_data()
    services = apps.get_app_config("services")
    post_migrate.connect(_reload_catalogue_after_flush, sender=services, dispatch_uid="catalogue")
    yield
    post_migrate.disconnect(sender=services, dispatch_uid="catalogue")


@pytest.fixture
def catalogue(db):
    """The real reference data: 64 communes, their committees, agencies, categories, calendar.

    Every test database holds it already (see ``django_db_setup``); a test asks for this
    fixture to say that it relies on it."""


@pytest.fixture
def redis_url():
    return TEST_REDIS_URL


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached lookups must not leak from one test into the next."""
    from django.core.cache import cache

    from services.geo import _cached_geography

    cache.clear()
    # The geography is cached under the communes' count and latest change; a test that
    # changed a commune and was rolled back leaves that stamp as it found it, so the
    # geography built from its changes must go with it.
    _cached_geography.cache_clear()
    yield
    cache.clear()
    _cached_geography.cache_clear()


@pytest.fixture(autouse=True)
def sms_outbox():
    """The SMS "sent" in this test (the locmem backend of the test settings), like mail.outbox."""
    from camau_portal.notifications.sms_backends import locmem, reset_sms_backend

    locmem.outbox.clear()
    reset_sms_backend()
    yield locmem.outbox
    locmem.outbox.clear()
    reset_sms_backend()
