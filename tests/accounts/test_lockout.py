"""Sign-in lockouts on every sign-in form: the three limits, the message each form shows, when a
lock ends, and whose address counts. (The staff form's own cases are with the staff views.)"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOCKED_VI = "Đăng nhập sai quá nhiều lần. Đăng nhập bị khóa trong 15 phút"
LOCKED_EN = "Too many failed attempts. Sign-in is blocked for 15 minutes"
WRONG_VI = "Địa chỉ email hoặc mật khẩu không đúng."


@pytest.fixture
def citizen(db):
    return UserFactory(email="an.nguyen@example.vn")


def citizen_sign_in(client, email, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_citizen_form_names_the_lockout_not_a_wrong_password(client, citizen):
    for _ in range(4):
        response = citizen_sign_in(client, citizen.email, "wrong")
        assert response.status_code == 200
        assert WRONG_VI in response.content.decode()

    fifth = citizen_sign_in(client, citizen.email, "wrong")
    assert fifth.status_code == 429
    assert LOCKED_VI in fifth.content.decode()
    assert WRONG_VI not in fifth.content.decode()

    # The right password is refused too, however the email is spelt, and the email stays typed.
    right = citizen_sign_in(client, " An.Nguyen@Example.VN ", PASSWORD)
    html = right.content.decode()
    assert right.status_code == 429
    assert LOCKED_VI in html and "An.Nguyen@Example.VN" in html
    assert "_auth_user_id" not in client.session


def test_admin_form_names_the_lockout_in_english(client, db):
    admin = UserFactory(email="admin@camau.gov.vn", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": admin.email, "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    response = client.post(
        reverse("admin:login"),
        {"username": admin.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_EN in html
    assert "Please enter the correct email address and password" not in html
    assert "_auth_user_id" not in client.session


def test_one_account_is_locked_after_20_failures_from_any_addresses(citizen):
    # Four failures from each of five addresses: no address reaches its own limit of five.
    statuses = [
        citizen_sign_in(from_address(f"198.51.100.{n}"), citizen.email, "wrong").status_code
        for n in range(5)
        for _ in range(4)
    ]
    assert statuses == [200] * 19 + [429]
    response = citizen_sign_in(from_address("198.51.100.99"), citizen.email, PASSWORD)
    assert response.status_code == 429


def test_one_address_is_locked_after_50_failures_on_any_accounts(client, citizen):
    statuses = [
        citizen_sign_in(client, f"guess{n}@example.vn", "wrong").status_code for n in range(50)
    ]
    assert statuses == [200] * 49 + [429]
    assert citizen_sign_in(client, citizen.email, PASSWORD).status_code == 429
    # The account itself is not locked: its owner elsewhere signs in.
    assert citizen_sign_in(from_address("198.51.100.7"), citizen.email, PASSWORD).status_code == 302


def test_signing_in_clears_the_accounts_failures_not_the_addresses(client, citizen):
    for _ in range(4):
        citizen_sign_in(client, citizen.email, "wrong")
    assert citizen_sign_in(client, citizen.email, PASSWORD).status_code == 302
    client.logout()
    # Four more typos are allowed: the sign-in forgave the first four.
    statuses = [citizen_sign_in(client, citizen.email, "wrong").status_code for _ in range(4)]
    assert statuses == [200] * 4
    assert citizen_sign_in(client, citizen.email, PASSWORD).status_code == 302
    client.logout()

    # Guesses at other accounts are not forgiven by a sign-in to an account of one's own.
    for n in range(45):
        citizen_sign_in(client, f"guess{n}@example.vn", "wrong")
    assert citizen_sign_in(client, citizen.email, PASSWORD).status_code == 302
    client.logout()
    statuses = [citizen_sign_in(client, f"other{n}@example.vn", "x").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the 46th to the 50th failure


def test_the_lock_ends_15_minutes_after_the_last_failure(client, citizen):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            citizen_sign_in(client, citizen.email, "wrong")
        clock.shift(timedelta(minutes=14, seconds=59))
        assert citizen_sign_in(client, citizen.email, "wrong").status_code == 429
        # That attempt was a failure too: the lock now runs from it.
        clock.shift(timedelta(minutes=14, seconds=59))
        assert citizen_sign_in(client, citizen.email, PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=15, seconds=1))
        assert citizen_sign_in(client, citizen.email, PASSWORD).status_code == 302


def test_headers_a_client_sends_do_not_change_its_address(citizen):
    # Without a proxy named in the settings, X-Forwarded-For and X-Real-IP are the client's
    # own inventions: changing them on every try does not escape the limit.
    statuses = [
        citizen_sign_in(
            from_address("198.51.100.5"),
            citizen.email,
            "wrong",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            HTTP_X_REAL_IP=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_behind_a_proxy_its_header_is_the_clients_address(citizen, settings):
    settings.IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]
    proxy = from_address("10.0.0.2")
    for _ in range(5):
        citizen_sign_in(proxy, citizen.email, "wrong", HTTP_X_REAL_IP="203.0.113.7")
    locked = citizen_sign_in(proxy, citizen.email, PASSWORD, HTTP_X_REAL_IP="203.0.113.7")
    assert locked.status_code == 429
    other = citizen_sign_in(proxy, citizen.email, PASSWORD, HTTP_X_REAL_IP="203.0.113.8")
    assert other.status_code == 302
