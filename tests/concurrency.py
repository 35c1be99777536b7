"""Running one function in several threads at once, for the tests of what happens when
transactions overlap. Each thread has its own database connection; on PostgreSQL they really
run at the same time (SQLite serialises writers, so there the question does not arise)."""

import threading

import pytest
from django.db import connection, connections

postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions need PostgreSQL (set DATABASE_URL)",
    ),
]


def in_parallel(function, times: int) -> list:
    """``function``'s results from ``times`` threads released together; fails on any error."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results
