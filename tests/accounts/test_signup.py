import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.tasks import send_outbound_email
from reports.models import Follower
from tests.accounts.helpers import link_in_last_email
from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "  Lê   Thị Hoa ",
    "email": "Hoa.Le@Example.VN",
    "phone": "0912 345 678",
    "preferred_language": "vi",
    "password1": "mưa-trên-sông-Gành-Hào",
    "password2": "mưa-trên-sông-Gành-Hào",
}


def sign_up(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("accounts:signup"), {**SIGNUP, **changes})


def test_signup_creates_an_unconfirmed_account_and_emails_the_link(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "hoa.le@example.vn"
    assert user.full_name == "Lê Thị Hoa"
    assert user.phone == "0912345678"
    assert user.preferred_language == "vi"
    assert not user.email_verified
    assert user.check_password(SIGNUP["password1"])
    # Through the outbox, in the account's language; the row holds no secret link.
    row = OutboundEmail.objects.get()
    assert (row.template, row.recipient, row.language) == ("account_verify", user.email, "vi")
    assert row.status == OutboundEmail.Status.SENT
    assert "/accounts/verify/" not in str(row.context)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "Xác nhận" in message.subject
    assert "/accounts/verify/" in message.alternatives[0][0]
    # Not signed in: confirming the address needs the password too.
    assert "_auth_user_id" not in client.session


def test_confirming_joins_guest_reports_and_follows_with_the_same_address(
    client, catalogue, django_capture_on_commit_callbacks
):
    guest_report = ReportFactory(reporter_email="HOA.LE@example.vn")
    followed = ReportFactory()
    Follower.objects.create(report=followed, email="hoa.le@EXAMPLE.vn")
    someone_elses = ReportFactory(reporter_email="other@example.vn")
    other_account = UserFactory()
    theirs_already = ReportFactory(reporter_email="hoa.le@example.vn", reporter=other_account)
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in_last_email("hoa.le@example.vn", "/accounts/verify/")

    page = client.get(link)
    assert page.status_code == 200
    assert "hoa.le@example.vn" in page.content.decode()
    # Opening the link (a mail scanner does) is not enough: it asks for the password.
    assert not User.objects.get(email="hoa.le@example.vn").email_verified
    response = client.post(link, {"password": SIGNUP["password1"]}, follow=True)

    user = User.objects.get(email="hoa.le@example.vn")
    assert user.email_verified
    assert response.redirect_chain[-1][0] == reverse("accounts:my_reports")
    assert int(client.session["_auth_user_id"]) == user.pk
    guest_report.refresh_from_db()
    someone_elses.refresh_from_db()
    theirs_already.refresh_from_db()
    assert guest_report.reporter == user
    assert someone_elses.reporter is None
    assert theirs_already.reporter == other_account
    assert Follower.objects.get(report=followed, is_reporter=False).user == user
    html = response.content.decode()
    assert guest_report.tracking_code in html
    assert someone_elses.tracking_code not in html
    assert theirs_already.tracking_code not in html


def test_confirmation_link_needs_the_accounts_password(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in_last_email("hoa.le@example.vn", "/accounts/verify/")

    response = client.post(link, {"password": "not-the-password"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert "Mật khẩu không đúng." in response.content.decode()
    assert not User.objects.get().email_verified
    assert "_auth_user_id" not in client.session


def test_signed_in_owner_confirms_by_opening_the_link(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in_last_email("hoa.le@example.vn", "/accounts/verify/")
    client.post(
        reverse("accounts:login"),
        {"username": "hoa.le@example.vn", "password": SIGNUP["password1"]},
    )

    response = client.get(link)

    assert response.status_code == 302
    assert User.objects.get().email_verified
    # The link is used up.
    again = client.get(link, follow=True)
    assert "đã được xác nhận" in again.content.decode()


def test_forged_or_stale_links_do_not_confirm(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in_last_email("hoa.le@example.vn", "/accounts/verify/")
    forged = link.rstrip("/")[:-3] + "abc/"

    assert client.get(forged).status_code == 400
    assert client.get("/accounts/verify/Zm9v/abc-def/").status_code == 400
    # A password change (a reset, say) makes older links stale.
    user = User.objects.get()
    user.set_password("another-long-password-42")
    user.save()
    assert client.get(link).status_code == 400
    assert not User.objects.get().email_verified


def test_errors_are_translated_and_keep_what_was_typed(client):
    with translation.override("vi"):
        response = client.post(
            reverse("accounts:signup"),
            {**SIGNUP, "password2": "something else", "phone": "12345"},
            HTTP_ACCEPT_LANGUAGE="vi",
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hai mật khẩu không giống nhau." in html
    assert "Nhập số điện thoại, ví dụ 0912 345 678." in html
    assert 'value="  Lê   Thị Hoa "' in html
    assert 'value="Hoa.Le@Example.VN"' in html
    assert 'value="12345"' in html
    assert SIGNUP["password1"] not in html  # passwords are never sent back
    assert not User.objects.exists()


def test_weak_password_is_refused(client):
    response = client.post(
        reverse("accounts:signup"),
        {**SIGNUP, "password1": "12345678", "password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "entirely numeric" in response.content.decode()
    assert not User.objects.exists()


def test_signing_up_with_a_taken_address_reveals_nothing_and_tells_the_owner(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="hoa.le@example.vn", preferred_language="en")

    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery")  # untouched
    [message] = mail.outbox
    assert message.to == ["hoa.le@example.vn"]
    assert "already have an account" in message.subject
    assert "/accounts/password/reset/" in message.body
    # Asking again at once sends nothing more.
    sign_up(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_signed_in_citizen_can_ask_for_the_link_again(client, django_capture_on_commit_callbacks):
    user = UserFactory(email_verified=False)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:verify_resend"), follow=True)

    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == [user.email]
    assert client.get(reverse("accounts:verify_resend")).status_code == 405


def test_email_is_queued_even_when_the_broker_is_down(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(send_outbound_email, "apply_async", broker_down)

    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.PENDING  # the periodic scan sends it later
    assert User.objects.exists()


def test_signup_page_is_in_vietnamese_by_default(client):
    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 200
    assert "Tạo tài khoản" in response.content.decode()
