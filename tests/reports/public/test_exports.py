import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report
from reports.public import listing
from tests.public_fixtures import S, public_report

pytestmark = pytest.mark.django_db

PERSONAL = ("Trần Thị Bình", "binh.tran@example.vn", "0912 345 678")


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def reports(catalogue):
    made = [
        public_report(status=S.RESOLVED, resolved_at=timezone.now(), department="SXD"),
        public_report(category="STREETLIGHT", offset=(0.001, 0.001)),
        public_report(commune_name="Phường Bạc Liêu"),
    ]
    no_pin = public_report()
    Report.objects.filter(pk=no_pin.pk).update(latitude=None, longitude=None)
    made.append(no_pin)
    public_report(published=False)
    public_report(is_hidden=True)
    return made


def test_csv_has_public_reports_and_no_personal_data(client, reports):
    response = client.get(reverse("public:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="camau-reports-')
    text = body(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row["tracking_code"] for row in rows} == {r.tracking_code for r in reports}
    assert set(rows[0]) == {name for name, _ in listing.EXPORT_FIELDS} | {"status_group", "url"}
    for private in PERSONAL:
        assert private not in text
    assert not any("reporter" in column or "email" in column for column in rows[0])
    resolved = next(row for row in rows if row["tracking_code"] == reports[0].tracking_code)
    assert resolved["status_group"] == "fixed"
    assert resolved["agency_vi"] == "Sở Xây dựng"
    assert resolved["submitted_at"].endswith("+07:00")
    assert resolved["url"] == "http://testserver" + reports[0].get_absolute_url()


def test_csv_follows_the_filters(client, reports):
    text = body(client.get(reverse("public:export_csv"), {"category": "STREETLIGHT"}))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["tracking_code"] for row in rows] == [reports[1].tracking_code]


def test_geojson_is_a_feature_collection_without_personal_data(client, reports):
    response = client.get(reverse("public:export_geojson"), {"status": "open"})
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    text = body(response)
    data = json.loads(text)
    assert data["type"] == "FeatureCollection"
    features = {f["properties"]["tracking_code"]: f for f in data["features"]}
    assert set(features) == {r.tracking_code for r in reports[1:]}
    pinned = features[reports[1].tracking_code]
    assert pinned["geometry"] == {
        "type": "Point",
        "coordinates": [reports[1].longitude, reports[1].latitude],
    }
    assert features[reports[3].tracking_code]["geometry"] is None
    assert "latitude" not in pinned["properties"]
    for private in PERSONAL:
        assert private not in text


def test_export_reads_in_batches_across_equal_timestamps(client, catalogue, monkeypatch):
    monkeypatch.setattr(listing, "EXPORT_BATCH", 3)
    instant = timezone.now() - timedelta(hours=2)
    made = [public_report(published_at=instant) for _ in range(7)]
    rows = list(listing.export_rows(Report.objects.filter(published_at__isnull=False)))
    assert sorted(row["tracking_code"] for row in rows) == sorted(r.tracking_code for r in made)
    assert len(rows) == 7
