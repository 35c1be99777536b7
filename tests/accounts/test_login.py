import pytest
from django.urls import reverse

from reports.subscriptions import report_follow_request
from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def citizen(db):
    return UserFactory(email="an.nguyen@example.vn", preferred_language="en")


def test_sign_in_with_email_in_any_capitals(client, citizen):
    response = client.post(
        reverse("accounts:login"), {"username": " An.Nguyen@Example.VN ", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:my_reports")
    assert int(client.session["_auth_user_id"]) == citizen.pk


def test_wrong_password_is_a_translated_error_and_keeps_the_email(client, citizen):
    response = client.post(
        reverse("accounts:login"),
        {"username": "an.nguyen@example.vn", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Địa chỉ email hoặc mật khẩu không đúng." in html
    assert 'value="an.nguyen@example.vn"' in html
    assert "_auth_user_id" not in client.session


def test_next_is_followed_only_on_this_site(client, citizen):
    safe = client.post(
        reverse("accounts:login") + "?next=/accounts/my-reports/?page=2",
        {"username": citizen.email, "password": PASSWORD, "next": "/accounts/my-reports/?page=2"},
    )
    assert safe.url == "/accounts/my-reports/?page=2"
    client.logout()
    unsafe = client.post(
        reverse("accounts:login"),
        {"username": citizen.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert unsafe.url == reverse("accounts:my_reports")


def test_unconfirmed_account_can_sign_in(client):
    user = UserFactory(email_verified=False)

    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})

    assert int(client.session["_auth_user_id"]) == user.pk


def test_inactive_account_cannot_sign_in(client):
    user = UserFactory(is_active=False)

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_in_joins_guest_follows_made_since(client, catalogue, citizen):
    # A guest report made with a confirmed account's address joins the account when it is
    # filed; a report followed as a guest with it joins at the next sign-in.
    report = ReportFactory(reporter_email="AN.NGUYEN@example.vn")
    assert report.reporter == citizen
    follow = report_follow_request(
        report=ReportFactory(), email="AN.NGUYEN@example.vn", language="vi"
    )
    assert follow.user is None

    client.post(reverse("accounts:login"), {"username": citizen.email, "password": PASSWORD})

    follow.refresh_from_db()
    assert follow.user == citizen


def test_guest_reports_do_not_join_an_unconfirmed_account(client, catalogue):
    user = UserFactory(email_verified=False)
    report = ReportFactory(reporter_email=user.email)

    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})

    report.refresh_from_db()
    assert report.reporter is None


def test_sign_out_is_a_post(client, citizen):
    client.force_login(citizen)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session


def test_signed_in_citizen_skips_the_login_page(client, citizen):
    client.force_login(citizen)

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:my_reports")
