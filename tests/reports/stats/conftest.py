import pytest

from tests.reports.stats.support import seven_reports


@pytest.fixture
def seven(catalogue):
    """The seven reports of ``tests.reports.stats.support``, counted into the rollup."""
    return seven_reports()
