"""Signing in keeps the language the person is browsing in, and the account remembers it."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import StaffMembership, User
from services.models import Department
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _browse_in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def test_citizen_reading_vietnamese_stays_in_vietnamese(client):
    user = UserFactory(email="lan.tran@example.vn", preferred_language="en")
    _browse_in(client, "vi")

    response = client.post(
        reverse("accounts:login"),
        {"username": "lan.tran@example.vn", "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:my_reports")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Phản ánh của tôi" in html
    # No switch to the account's old language, and the account now reads Vietnamese.
    assert response.cookies.get(settings.LANGUAGE_COOKIE_NAME) is None
    user.refresh_from_db()
    assert user.preferred_language == "vi"


def test_citizen_reading_english_keeps_english_and_it_is_saved(client):
    user = UserFactory(email="binh.le@example.vn", preferred_language="vi")
    _browse_in(client, "en")

    response = client.post(
        reverse("accounts:login"),
        {"username": "binh.le@example.vn", "password": PASSWORD},
        follow=True,
    )

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "My reports" in html
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_failed_sign_in_changes_nothing(client):
    user = UserFactory(email="chi.pham@example.vn", preferred_language="vi")
    _browse_in(client, "en")

    client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})

    user.refresh_from_db()
    assert user.preferred_language == "vi"


def test_staff_sign_in_keeps_the_browsing_language(client):
    officer = StaffFactory(email="officer@camau.gov.vn", full_name="Võ Thị Hạnh")
    officer.preferred_language = "vi"
    officer.save(update_fields=["preferred_language"])
    StaffMembership.objects.create(
        user=officer, role="intake_officer", department=Department.objects.get(code="IOC")
    )
    _browse_in(client, "en")

    response = client.post(
        reverse("staff:login"),
        {"email": "officer@camau.gov.vn", "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("staff:reports")
    assert '<html lang="en">' in response.content.decode()
    assert User.objects.get(pk=officer.pk).preferred_language == "en"
