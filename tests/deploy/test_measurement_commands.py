"""The two measuring commands run end to end at tiny sizes on the CI PostgreSQL and Redis:
``benchmark_pages`` times every page with no failed request, and ``load_test`` loses nothing."""

from __future__ import annotations

import os
import re
from io import StringIO

import psycopg
import pytest
import redis
from django.core.management import call_command

from camau_portal.devtools.page_benchmark import Landmarks, page_list
from tests.conftest import REQUIRE_SERVICES, TEST_REDIS_URL

pytestmark = [pytest.mark.deploy, pytest.mark.redis]

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/camau")
SERVER, DATABASE = TEST_POSTGRES_URL.rsplit("/", 1)


@pytest.fixture
def postgres_server() -> str:
    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is not reachable at {SERVER}: {error}")
        pytest.skip(f"PostgreSQL is not reachable at {SERVER}")
    return SERVER


def drop_databases(prefix: str):
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        names = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"]
        ).fetchall()
        for (name,) in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_benchmark_pages_times_every_page_in_both_distributions(postgres_server):
    prefix = f"{DATABASE}_pagebench"
    out = StringIO()
    try:
        call_command(
            "benchmark_pages", "--sizes", "150,300", "--repeat", "2", "--prefix", prefix,
            "--database-server", postgres_server, "--redis-url", TEST_REDIS_URL,
            "--concurrency", "2", "--concurrency-seconds", "1", "--reseed", "--span-days", "60",
            stdout=out, stderr=StringIO(),
        )  # fmt: skip
    finally:
        drop_databases(prefix)
    text = out.getvalue()
    names = [page.name for page in page_list(Landmarks(*["x"] * 7))]
    assert len(names) > 70
    for distribution in ("steady", "backlog"):
        section = text.split(f"== {distribution} ==", 1)[1].split("\n== ", 1)[0]
        rows = {line[:44].rstrip(): line for line in section.splitlines()[2:] if line.strip()}
        for name in names:
            assert name[:44] in rows, f"{name} missing from the {distribution} table"
            # Every page answered and its query count was read from the server.
            assert re.match(r"\s+\d+(/\d+)?\s", rows[name[:44]][44:]), rows[name[:44]]
    assert "failed requests" not in text
    assert "requests/s at concurrency 2" in text
    assert "PostgreSQL JIT" in text
    assert re.search(r"^worst ratio \d+\.\d\d \(.+, (steady|backlog)\)$", text.strip(), re.M)
    assert text.strip().splitlines()[-1].startswith("worst ratio ")


def test_load_test_stores_and_acknowledges_every_accepted_report(postgres_server):
    prefix = f"{DATABASE}_load"
    out = StringIO()
    try:
        call_command(
            "load_test", "--users", "5", "--seconds", "10", "--prefix", prefix,
            "--database-server", postgres_server, "--redis-url", TEST_REDIS_URL,
            "--web-workers", "2", "--settle", "120",
            stdout=out, stderr=StringIO(),
        )  # fmt: skip
    finally:
        drop_databases(prefix)
        redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    text = out.getvalue()
    assert "errors: 0" in text
    assert "lost: 0" in text
    accepted = re.search(r"reports accepted (\d+), stored (\d+), with all photos processed "
                         r"(\d+), acknowledged by email (\d+)", text)  # fmt: skip
    assert accepted, text
    counts = [int(n) for n in accepted.groups()]
    assert counts[0] > 0 and len(set(counts)) == 1, text
