"""Revoking an Open311 API key: it stops working, and who revoked it and when is on record."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from reports.models import ApiKey
from reports.open311.actions import api_key_revoke
from services.models import Commune
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

REVOKED_AT = datetime(2026, 6, 1, 8, 45, tzinfo=UTC)
URL = "/open311/v2/requests.json"


@pytest.fixture
def issued(catalogue):
    return ApiKey.objects.issue(name="Zalo mini app")


@pytest.fixture
def administrator():
    return StaffFactory(email="root@camau.gov.vn", is_superuser=True)


def _post_report(client, raw_key):
    commune = Commune.objects.get(name="Phường An Xuyên")
    return client.post(
        URL,
        {
            "api_key": raw_key,
            "service_code": "ROAD_DAMAGE",
            "lat": f"{commune.latitude:.6f}",
            "long": f"{commune.longitude:.6f}",
            "description": "Ổ gà lớn giữa đường, xe máy dễ té ngã vào ban đêm.",
            "email": "binh.tran@example.vn",
        },
    )


def test_the_admin_action_revokes_and_records_who_and_when(client, issued, administrator):
    api_key, raw_key = issued
    assert _post_report(client, raw_key).status_code == 201
    client.force_login(administrator)

    with time_machine.travel(REVOKED_AT, tick=False):
        response = client.post(
            reverse("admin:reports_apikey_changelist"),
            {"action": "revoke", "_selected_action": [api_key.pk]},
        )

    assert response.status_code == 302
    api_key.refresh_from_db()
    assert not api_key.is_active
    [entry] = LogEntry.objects.all()
    assert (entry.user, entry.action_time, entry.action_flag) == (administrator, REVOKED_AT, CHANGE)
    assert entry.get_edited_object() == api_key
    with translation.override("en"):
        assert entry.get_change_message() == "Changed active."
    # On the key's history page in the admin.
    history = client.get(reverse("admin:reports_apikey_history", args=[api_key.pk]))
    assert administrator.email in history.content.decode()
    # And the partner's next request is refused.
    client.logout()
    response = _post_report(client, raw_key)
    assert response.status_code == 403
    assert [error["description"] for error in response.json()] == ["Invalid api_key"]


def test_revoking_a_revoked_key_records_nothing_more(issued, administrator):
    api_key, _raw_key = issued
    api_key_revoke(api_key=api_key, acting_user=administrator)
    api_key_revoke(api_key=api_key, acting_user=administrator)
    assert LogEntry.objects.count() == 1


def test_only_users_who_may_change_keys_revoke_them(issued):
    api_key, _raw_key = issued
    viewer = StaffFactory(email="viewer@camau.gov.vn")
    viewer.user_permissions.add(Permission.objects.get(codename="view_apikey"))
    with pytest.raises(PermissionDenied):
        api_key_revoke(api_key=api_key, acting_user=viewer)
    with pytest.raises(PermissionDenied):
        api_key_revoke(api_key=api_key, acting_user=None)
    api_key.refresh_from_db()
    assert api_key.is_active and not LogEntry.objects.exists()


def test_the_change_form_cannot_switch_a_key_off_around_the_action(client, issued, administrator):
    api_key, _raw_key = issued
    client.force_login(administrator)
    response = client.post(
        reverse("admin:reports_apikey_change", args=[api_key.pk]),
        {"name": "Zalo mini app", "contact_email": "", "requests_per_hour": 120},
    )
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.is_active


def test_the_admin_turns_mysociety_extensions_on_for_a_key(client, issued, administrator):
    api_key, raw_key = issued
    assert client.get("/open311/v2/servicerequestupdates.json", {"api_key": raw_key}).json() == []
    client.force_login(administrator)
    response = client.post(
        reverse("admin:reports_apikey_change", args=[api_key.pk]),
        {
            "name": "FixMyStreet",
            "contact_email": "",
            "requests_per_hour": 120,
            "mysociety_extensions": "on",
        },
    )
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.mysociety_extensions
