"""The admin reads as the province's tool in Vietnamese: no raw "---------" empty choice in any
form or action list, and django-axes's sign-in lockouts and Django's own list controls in words
of the catalogue."""

import pytest

from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Forms with a required or optional choice (staff role, commune kind, category routing,
# weekday) and a change list with bulk actions.
ADMIN_PAGES = [
    "/admin/accounts/staffmembership/add/",
    "/admin/services/category/add/",
    "/admin/services/commune/add/",
    "/admin/services/officehours/add/",
    "/admin/services/department/add/",
    "/admin/services/commune/",
]


@pytest.fixture
def admin_page(browser, live_server, catalogue):
    StaffFactory(email="admin@camau.gov.vn", full_name="Quản Trị", is_superuser=True)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "vi", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin@camau.gov.vn")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    yield page
    context.close()


def test_no_select_shows_dashes_as_its_empty_choice(admin_page, live_server):
    for path in ADMIN_PAGES:
        assert admin_page.goto(f"{live_server.url}{path}").status == 200, path
        options = admin_page.locator("select option").all_inner_texts()
        assert options, path
        assert "---------" not in options, path
    admin_page.goto(f"{live_server.url}/admin/accounts/staffmembership/add/")
    assert admin_page.locator("#id_role option").first.inner_text() == "— Chọn —"
    admin_page.goto(f"{live_server.url}/admin/services/commune/")
    assert admin_page.locator("select[name=action] option").first.inner_text() == "— Chọn —"


def test_sign_in_lockouts_and_list_controls_are_in_vietnamese(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/")
    menu = admin_page.locator("#content-main").text_content()  # as written, not upper-cased
    assert "Khóa đăng nhập" in menu
    assert "Lượt đăng nhập" in menu
    assert "Access attempts" not in menu

    admin_page.goto(f"{live_server.url}/admin/services/commune/")
    page_text = admin_page.locator("#content").inner_text()
    assert "Hiện số lượng" in page_text
    assert "Show counts" not in page_text
    assert admin_page.locator("#changelist-form button[name=index]").inner_text() == "Thực hiện"
