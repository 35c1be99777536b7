import os
import socket
from urllib.parse import urlparse

import pytest

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


def pytest_collection_modifyitems(config, items):
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


@pytest.fixture
def catalogue(db):
    """The real reference data: 64 communes, their committees, agencies, categories, calendar."""
    load_reference_data()


@pytest.fixture
def redis_url():
    return TEST_REDIS_URL


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached lookups must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
