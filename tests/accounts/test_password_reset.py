import pytest
from django.core import mail
from django.urls import reverse

from camau_portal.notifications.models import OutboundEmail
from tests.accounts.helpers import link_in_last_email
from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "đèn-đường-hỏng-ở-Năm-Căn"


def request_reset(client, capture, email):
    with capture(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


@pytest.fixture
def citizen(db):
    return UserFactory(email="binh.tran@example.vn", preferred_language="vi")


def test_reset_email_goes_through_the_outbox(client, citizen, django_capture_on_commit_callbacks):
    response = request_reset(client, django_capture_on_commit_callbacks, "Binh.Tran@example.vn")

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    row = OutboundEmail.objects.get()
    assert (row.template, row.recipient, row.language) == (
        "account_password_reset",
        citizen.email,
        "vi",
    )
    assert "/accounts/password/reset/" not in str(row.context)
    [message] = mail.outbox
    assert message.to == [citizen.email]
    assert "mật khẩu" in message.subject


def test_unknown_address_gets_the_same_page_and_no_email(
    client, citizen, django_capture_on_commit_callbacks
):
    response = request_reset(client, django_capture_on_commit_callbacks, "nobody@example.vn")

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_repeated_requests_send_one_email(client, citizen, django_capture_on_commit_callbacks):
    for _ in range(3):
        request_reset(client, django_capture_on_commit_callbacks, citizen.email)

    assert len(mail.outbox) == 1


def test_link_sets_the_password_signs_in_confirms_and_joins_guest_reports(
    client, catalogue, django_capture_on_commit_callbacks
):
    citizen = UserFactory(email="binh.tran@example.vn", email_verified=False)
    guest_report = ReportFactory(reporter_email="binh.tran@example.vn")
    request_reset(client, django_capture_on_commit_callbacks, citizen.email)
    link = link_in_last_email(citizen.email, "/accounts/password/reset/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:my_reports")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert citizen.email_verified  # the link proved the mailbox is theirs
    assert int(client.session["_auth_user_id"]) == citizen.pk
    guest_report.refresh_from_db()
    assert guest_report.reporter == citizen
    assert guest_report.tracking_code in response.content.decode()
    # The link works once.
    client.logout()
    assert "validlink" in client.get(link, follow=True).context
    assert client.get(link, follow=True).context["validlink"] is False


def test_mismatched_new_passwords_are_a_translated_error(
    client, citizen, django_capture_on_commit_callbacks
):
    request_reset(client, django_capture_on_commit_callbacks, citizen.email)
    link = link_in_last_email(citizen.email, "/accounts/password/reset/")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": "khác"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 200
    assert "Hai trường mật khẩu không giống nhau." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password("correct horse battery")
