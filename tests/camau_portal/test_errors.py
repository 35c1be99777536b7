"""The error pages over HTTP: the portal's layout, both languages, the right status, no
personal data, and a 500 page that needs neither the database nor any context processor."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ReportFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.camau_portal.error_urls")]

HEADER_VI = "Cổng phản ánh hiện trường"
HEADER_EN = "Field report portal"


def _get(client, path, language, **extra):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path, **extra)


@pytest.mark.parametrize(
    ("language", "header", "heading"),
    [
        ("vi", HEADER_VI, "Không tìm thấy trang này"),
        ("en", HEADER_EN, "We cannot find this page"),
    ],
)
def test_404_in_the_portal_layout(client, language, header, heading):
    response = _get(client, "/no-such-page/", language)

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert header in html
    assert heading in html
    assert 'href="/track/"' in html  # a way on: track a report by its code


def test_unknown_report_code_is_the_friendly_404(client):
    response = _get(client, "/reports/CM-ZZZZ-ZZZZ/", "vi")

    assert response.status_code == 404
    assert "Không tìm thấy trang này" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("vi", "Bạn không thể mở trang này"), ("en", "You cannot open this page")],
)
def test_403(client, language, heading):
    response = _get(client, "/test-errors/forbidden/", language)

    assert response.status_code == 403
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("vi", "Quá nhiều yêu cầu từ kết nối này"),
        ("en", "Too many requests from this connection"),
    ],
)
def test_rate_limit_answers_429_with_retry_after(client, language, heading):
    first = _get(client, "/test-errors/limited/", language)
    second = _get(client, "/test-errors/limited/", language)

    assert first.status_code == 200
    assert second.status_code == 429
    assert second["Retry-After"] == "3600"
    assert heading in second.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("vi", "Không gửi được biểu mẫu"), ("en", "The form could not be sent")],
)
def test_csrf_failure_explains_what_to_do(language, heading):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.post("/accounts/login/", {"username": "a@b.vn", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert heading in html
    assert HEADER_VI in html if language == "vi" else HEADER_EN in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("vi", "Đã có lỗi ở phía chúng tôi"), ("en", "Something went wrong on our side")],
)
def test_500_renders_without_the_database(django_assert_num_queries, language, heading):
    user = UserFactory(full_name="Nguyễn Thị Mai", email="mai@example.vn", phone="0912345678")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # Not one query while failing and rendering: no context processor reads the session's
    # user, so a database that is down cannot break the error page itself.
    with django_assert_num_queries(0):
        response = client.get("/test-errors/database-down/")

    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert "/static/css/theme.css" in html
    for private in ("Nguyễn Thị Mai", "mai@example.vn", "0912345678"):
        assert private not in html


def test_error_pages_show_no_reporter_data(client):
    report = ReportFactory(
        reporter_name="Trần Văn Bảo", reporter_email="bao@example.vn", reporter_phone="0987654321"
    )
    response = _get(client, f"/reports/{report.tracking_code}/does-not-exist/", "vi")

    assert response.status_code == 404
    html = response.content.decode()
    for private in ("Trần Văn Bảo", "bao@example.vn", "0987654321"):
        assert private not in html
