"""Reads of the citizen pages: the home page."""

import pytest

from reports.models import Report
from reports.public.selectors import home_page
from tests.public_fixtures import S, public_report

pytestmark = pytest.mark.django_db


def test_home_counts_and_newest_reports(catalogue):
    in_progress = public_report(status=S.IN_PROGRESS)
    resolved = public_report(status=S.RESOLVED)
    closed = public_report(status=S.CLOSED)
    # Accepted, then merged into another report: counted, but not among the newest.
    public_report(status=S.DUPLICATE, duplicate_of=in_progress)
    public_report(published=False)  # awaiting intake: not public
    page = home_page()
    assert page["counts"] == {"total": 4, "in_progress": 1, "resolved": 2}
    assert {report.tracking_code for report in page["recent_reports"]} == {
        in_progress.tracking_code,
        resolved.tracking_code,
        closed.tracking_code,
    }
    groups = {point["url"]: point["group"] for point in page["map_points"]}
    assert groups == {
        Report(tracking_code=in_progress.tracking_code).get_absolute_url(): "open",
        Report(tracking_code=resolved.tracking_code).get_absolute_url(): "fixed",
        Report(tracking_code=closed.tracking_code).get_absolute_url(): "closed",
    }


def test_the_home_page_costs_two_queries(client, catalogue, django_assert_num_queries):
    public_report()
    with django_assert_num_queries(2):  # the newest reports, the counts
        assert client.get("/").status_code == 200
