"""Every report's channel in the statistics (rollup, public and staff pages) and the open data;
the resident's and the operator's details in none of them, nor on any public page or API."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.handling.actions import report_accept
from reports.models import DailyStat, Report
from reports.models.stats import CHANNEL_STAT_KEYS
from reports.stats.rollup import recompute_days
from tests.factories import SubmittedReportFactory

pytestmark = pytest.mark.django_db
PRIVATE = ("Bà Nguyễn Thị Sáu", "0912 345 678", "hotline@camau.gov.vn", "Đỗ Tổng Đài")


@pytest.fixture
def mixed(desk, enter):
    """Two hotline calls, a Zalo message, a helper's entry and one web report, all today."""
    reports = [
        enter(),
        enter(),
        enter(source="zalo"),
        enter(by=desk.helper, source="helper"),
        SubmittedReportFactory(commune=desk.commune),
    ]
    for report in reports:
        report_accept(report=report, acting_user=desk.intake)
    recompute_days([timezone.localdate()])
    return reports


def test_every_channel_has_its_own_stable_number():
    assert set(CHANNEL_STAT_KEYS) == set(Report.Source.values)
    assert len(set(CHANNEL_STAT_KEYS.values())) == len(CHANNEL_STAT_KEYS)


def test_the_rollup_counts_the_reports_of_each_channel(mixed):
    received = dict(
        DailyStat.objects.filter(scope="channel", day=timezone.localdate()).values_list(
            "key", "received"
        )
    )
    # web 1, open311 2, hotline 3, zalo 4, walk-in 5, helper 6, email 7: a row for each.
    assert received == {1: 1, 2: 0, 3: 2, 4: 1, 5: 0, 6: 1, 7: 0}
    accepted = DailyStat.objects.get(scope="channel", key=3, day=timezone.localdate()).accepted
    assert accepted == 2


def _channel_cells(html: str, code: str) -> list[str]:
    table = html[html.index('data-table="channels"') :]
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', table, re.S).group(1)
    return re.findall(r'<td(?: class="[^"]*")?>([^<]*)</td>', row)


def test_the_public_statistics_show_the_channels(client, mixed):
    html = client.get(reverse("public:stats")).content.decode()
    assert "Gọi đường dây nóng" in html and "Tổ công nghệ số cộng đồng" in html
    assert _channel_cells(html, "hotline")[0] == "2"  # received
    assert _channel_cells(html, "helper")[0] == "1"
    assert _channel_cells(html, "web")[0] == "1"
    assert _channel_cells(html, "walk_in")[0] == "0"
    for private in PRIVATE:
        assert private not in html


def test_the_staff_statistics_show_the_channels(client, desk, mixed):
    client.force_login(desk.leader)
    html = client.get(reverse("public:staff_stats")).content.decode()
    assert _channel_cells(html, "zalo")[0] == "1"


def test_open_data_carries_the_channel_and_no_person(client, mixed):
    response = client.get(reverse("public:export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    channels = sorted(row["channel"] for row in rows)
    assert channels == ["helper", "hotline", "hotline", "web", "zalo"]
    for private in PRIVATE:
        assert private not in text
    geojson = b"".join(client.get(reverse("public:export_geojson")).streaming_content).decode()
    features = json.loads(geojson)["features"]
    assert sorted(f["properties"]["channel"] for f in features) == channels
    for private in PRIVATE:
        assert private not in geojson


def test_no_public_page_or_api_shows_the_resident_or_the_operator(client, mixed):
    report = mixed[0]
    pages = [
        client.get(reverse("reports:detail", args=[report.tracking_code])),
        client.get(reverse("public:list")),
        client.get("/open311/v2/requests.json"),
        client.get(f"/open311/v2/requests/{report.tracking_code}.json"),
        client.get(reverse("public:map_summary", args=[report.tracking_code])),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert report.tracking_code in html
        for private in PRIVATE:
            assert private not in html
