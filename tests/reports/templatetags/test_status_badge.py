"""One label and one colour per status, the same on every page that shows it."""

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from tests.factories import PASSWORD, ReportFactory, UserFactory, publish

pytestmark = pytest.mark.django_db

VIETNAMESE_LABELS = {
    "submitted": "Chờ tiếp nhận",
    "accepted": "Đã tiếp nhận",
    "in_progress": "Đang xử lý",
    "waiting_info": "Chờ bổ sung thông tin",
    "resolved": "Đã xử lý",
    "closed": "Đã đóng",
    "rejected": "Không tiếp nhận",
    "duplicate": "Trùng lặp",
}


@pytest.mark.parametrize(("status", "label"), VIETNAMESE_LABELS.items())
def test_badge_has_the_status_label_and_its_own_colour(status, label):
    with translation.override("vi"):
        html = Template("{% load report_tags %}{% status_badge status %}").render(
            Context({"status": status})
        )
    assert html == f'<span class="status-badge status-{status}">{label}</span>'


def test_every_status_has_a_colour_token_and_class():
    css = (settings.BASE_DIR / "static" / "css" / "theme.css").read_text()
    for status in VIETNAMESE_LABELS:
        assert f"--status-{status}:" in css
        assert f".status-{status} {{ background: var(--status-{status}); }}" in css


def test_map_legend_and_filters_word_the_resolved_group_as_the_status(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    map_page = client.get("/map/").content.decode()
    list_page = client.get("/reports/").content.decode()

    for html in (map_page, list_page):
        assert "Đã khắc phục" not in html
        assert "Đã xử lý" in html
    assert '<span class="status-badge status-fixed">Đã xử lý</span>' in map_page


def test_my_reports_uses_the_same_badge(client):
    citizen = UserFactory(email="hoa@example.vn")
    publish(ReportFactory(reporter=citizen))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.post("/accounts/login/", {"username": "hoa@example.vn", "password": PASSWORD})

    html = client.get("/accounts/my-reports/").content.decode()

    assert '<span class="status-badge status-accepted">Đã tiếp nhận</span>' in html
