"""The project's own pages: the home page and the health check (camau_portal.views)."""

import re

import pytest
from django.db import OperationalError, connection

from tests.factories import publish, submit_report

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.redis
def test_healthz_checks_redis_when_configured(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "ok"


def test_redis_unreachable_is_degraded_but_keeps_the_node_in_rotation(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["redis"].startswith("error")


def test_healthz_fails_without_the_database(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "error: OperationalError"},
    }


def test_home_shows_public_reports_only(client, catalogue):
    public = publish(submit_report(title="Cống nghẹt đường Phan Ngọc Hiển"))
    hidden = submit_report(title="Chưa tiếp nhận")
    html = client.get("/").content.decode()
    assert public.title in html and hidden.title not in html
    assert re.search(r'id="count-total">\s*1<', html)
