"""Whose service this is, on every page: the header, the footer with the hotline and the
statements, the privacy and accessibility pages in both languages, the branded admin, and no
raw "---------" in the staff filters."""

import pytest
from django.conf import settings

from accounts.models import StaffMembership
from services.models import Department
from tests.factories import ReportFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _get(client, path, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "name", "owner"),
    [
        ("vi", "Cổng phản ánh hiện trường", "UBND tỉnh Cà Mau"),
        ("en", "Field report portal", "Cà Mau Provincial People's Committee"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/reports/new/", "/map/", "/stats/", "/track/"])
def test_header_and_footer_on_public_pages(client, catalogue, path, language, name, owner):
    html = _get(client, path, language)

    assert f'<span class="site-name">{name}</span>' in html
    assert f'<span class="site-owner">{owner}</span>' in html
    assert '<a class="skip-link" href="#main">' in html
    assert f'href="tel:{settings.PORTAL_HOTLINE}"' in html
    assert 'href="/privacy/"' in html and 'href="/accessibility/"' in html
    # The menu is a <details> element: it opens without JavaScript.
    assert '<details class="site-menu">' in html


def test_current_page_is_marked_in_the_menu(client, catalogue):
    html = _get(client, "/map/", "vi")
    assert '<a href="/map/" aria-current="page">' in html
    assert '<a href="/stats/" aria-current="page">' not in html


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [
        ("/privacy/", "vi", "Chính sách quyền riêng tư"),
        ("/privacy/", "en", "Privacy statement"),
        ("/accessibility/", "vi", "Tuyên bố về hỗ trợ tiếp cận"),
        ("/accessibility/", "en", "Accessibility statement"),
    ],
)
def test_statements_in_both_languages(client, path, language, heading):
    html = _get(client, path, language)
    assert f"<h1>{heading}</h1>" in html
    assert f"mailto:{settings.PORTAL_CONTACT_EMAIL}" in html


def test_privacy_statement_names_the_decree_and_what_is_never_published(client):
    html = _get(client, "/privacy/", "vi")
    assert "Nghị định 13/2023/NĐ-CP" in html
    assert "Email và số điện thoại của bạn không bao giờ được công khai" in html


def test_statements_refuse_a_post(client):
    assert client.post("/privacy/").status_code == 405


def test_staff_filters_offer_all_not_dashes(client, catalogue):
    officer = StaffFactory(email="ioc@camau.gov.vn")
    StaffMembership.objects.create(
        user=officer, role="intake_officer", department=Department.objects.get(code="IOC")
    )
    ReportFactory()
    client.force_login(officer)

    html = _get(client, "/staff/", "vi")

    assert "---------" not in html
    assert html.count('<option value="" selected>Tất cả</option>') >= 6
    assert 'aria-label="Gửi từ ngày"' in html and 'aria-label="Gửi đến ngày"' in html


@pytest.mark.parametrize(
    ("language", "header", "greeting"),
    [
        ("vi", "Cổng phản ánh hiện trường · Quản trị", "Xin chào, Nguyễn Thị Thu Viên"),
        ("en", "Field report portal · Administration", "Hello, Nguyễn Thị Thu Viên"),
    ],
)
def test_admin_is_branded_and_greets_by_the_whole_name(client, language, header, greeting):
    admin = StaffFactory(full_name="Nguyễn Thị Thu Viên", is_superuser=True)
    ReportFactory()
    client.force_login(admin)

    index = _get(client, "/admin/", language)
    report_list = _get(client, "/admin/reports/report/", language)

    assert header in index
    assert greeting in index
    assert "Django" not in index.split("<title>")[1].split("</title>")[0]
    assert "---------" not in report_list
