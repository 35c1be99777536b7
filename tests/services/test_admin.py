"""Catalogue administration: boundary upload, and calendar changes moving open deadlines."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.handling.actions import report_accept
from services.models import CalendarDay, Commune
from tests.factories import StaffFactory, SubmittedReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, catalogue):
    client.force_login(StaffFactory(email="root@camau.gov.vn", is_superuser=True))
    return client


def _square(lat, lon, half=0.01):
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _post_commune(client, commune, upload=None, **extra):
    data = {
        "code": commune.code,
        "name": commune.name,
        "kind": commune.kind,
        "is_active": "on",
        "former_province": commune.former_province,
        "former_district": commune.former_district,
        "predecessors": commune.predecessors,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        **extra,
    }
    if upload is not None:
        data["boundary_file"] = upload
    return client.post(reverse("admin:services_commune_change", args=[commune.pk]), data)


def _geojson(payload, name="ranh-gioi.geojson"):
    return SimpleUploadedFile(name, json.dumps(payload).encode(), "application/geo+json")


def test_boundary_upload(admin_client):
    commune = Commune.objects.get(name="Phường An Xuyên")
    response = _post_commune(
        admin_client, commune, _geojson(_square(commune.latitude, commune.longitude))
    )
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.boundary["type"] == "Polygon"
    from services.geo import province_geography

    assert (
        province_geography().commune_containing(commune.latitude, commune.longitude) == commune.pk
    )
    _post_commune(admin_client, commune, clear_boundary="on")
    commune.refresh_from_db()
    assert commune.boundary is None


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        json.dumps({"type": "Point", "coordinates": [105.1, 9.1]}).encode(),
        # A bow tie: self-intersecting.
        json.dumps(
            {
                "type": "Polygon",
                "coordinates": [[[105, 9], [105.1, 9.1], [105.1, 9], [105, 9.1], [105, 9]]],
            }
        ).encode(),
        # Latitude and longitude swapped: far outside the province.
        json.dumps(_square(105.15, 9.18)).encode(),
    ],
)
def test_bad_boundaries_are_refused(admin_client, content):
    commune = Commune.objects.get(name="Phường An Xuyên")
    upload = SimpleUploadedFile("bad.geojson", content, "application/geo+json")
    response = _post_commune(admin_client, commune, upload)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    commune.refresh_from_db()
    assert commune.boundary is None


def test_a_new_day_off_moves_open_deadlines(
    admin_client, django_capture_on_commit_callbacks, settings
):
    commune = Commune.objects.get(name="Phường An Xuyên")
    intake = StaffFactory(email="intake@camau.gov.vn")
    from accounts.models import StaffMembership
    from services.models import Department

    StaffMembership.objects.create(
        user=intake, role="intake_officer", department=Department.objects.get(code="IOC")
    )
    report = report_accept(report=SubmittedReportFactory(commune=commune), acting_user=intake)
    due = report.resolution_due_at
    local_due = timezone.localtime(due).date()
    # Make a working day before the deadline a day off: the deadline moves later.
    day = timezone.localdate() + timedelta(days=1)
    while day < local_due and (day.weekday() >= 5 or CalendarDay.objects.filter(date=day).exists()):
        day += timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:services_calendarday_add"),
            {
                "date": day.isoformat(),
                "kind": "day_off",
                "name_vi": "Nghỉ bù",
                "is_confirmed": "on",
            },
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolution_due_at > due
