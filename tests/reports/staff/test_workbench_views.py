"""The staff dashboard: sign-in, who sees what, every action through its URL, forged posts."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.handling import actions
from reports.models import Report, ReportEvent
from reports.private_link import private_token
from reports.staff.workbench_views import ACTIONS
from tests.factories import SubmittedReportFactory

pytestmark = pytest.mark.django_db
S = Report.Status


def workbench(code):
    return reverse("staff:report", args=[code])


def act(code, action):
    return reverse("staff:action", args=[code, action])


# --- sign-in -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_anonymous_goes_to_the_staff_sign_in(client, staff):
    response = client.get(reverse("staff:reports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_sign_in_and_back_to_the_page_asked_for(client, staff, accepted):
    target = workbench(accepted.tracking_code)
    response = client.post(
        reverse("staff:login"),
        {"email": "OFFICER@camau.gov.vn", "password": "correct horse battery", "next": target},
    )
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200


def test_sign_in_refuses_other_sites_as_next(client, staff):
    response = client.post(
        reverse("staff:login"),
        {
            "email": "officer@camau.gov.vn",
            "password": "correct horse battery",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("staff:reports")


def test_citizen_accounts_cannot_use_the_dashboard(client, staff):
    response = client.post(
        reverse("staff:login"),
        {"email": "citizen@example.vn", "password": "correct horse battery"},
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    client.force_login(staff.citizen)
    assert client.get(reverse("staff:reports")).status_code == 403


def test_lockout_after_repeated_failures(client, staff):
    for _ in range(4):
        response = client.post(
            reverse("staff:login"), {"email": "officer@camau.gov.vn", "password": "wrong"}
        )
        assert response.status_code == 400
    # The fifth failure reaches the limit, and says so.
    response = client.post(
        reverse("staff:login"), {"email": "officer@camau.gov.vn", "password": "wrong"}
    )
    assert response.status_code == 429
    # Locked: even the right password is refused, without being checked.
    response = client.post(
        reverse("staff:login"),
        {"email": "officer@camau.gov.vn", "password": "correct horse battery"},
    )
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out of that account (per account and address)...
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    response = other.post(
        reverse("staff:login"),
        {"email": "officer@camau.gov.vn", "password": "correct horse battery"},
    )
    assert response.status_code == 302


def test_lockout_per_address_across_accounts(client, staff):
    for n in range(50):
        client.post(reverse("staff:login"), {"email": f"guess{n}@camau.gov.vn", "password": "x"})
    response = client.post(
        reverse("staff:login"),
        {"email": "manager@camau.gov.vn", "password": "correct horse battery"},
    )
    assert response.status_code == 429


def test_sign_out(client, staff):
    client.force_login(staff.officer)
    response = client.post(reverse("staff:logout"))
    assert response.status_code == 302
    assert client.get(reverse("staff:reports")).status_code == 302


# --- seeing reports ------------------------------------------------------------------------


def test_default_queue_by_role(client, staff, submitted):
    client.force_login(staff.intake)
    response = client.get(reverse("staff:reports"))
    assert response.context["queue"].key == "new"
    assert submitted.tracking_code in response.content.decode()
    client.force_login(staff.officer)
    assert client.get(reverse("staff:reports")).context["queue"].key == "inbox"
    client.force_login(staff.leader)
    response = client.get(reverse("staff:reports"))
    assert response.context["queue"].key == "all"
    assert response.context["bulk"] is None


def test_workbench_visibility(client, staff, accepted):
    page = workbench(accepted.tracking_code)
    for who, status in [
        ("intake", 200),
        ("officer", 200),
        ("manager", 200),
        ("leader", 200),
        ("other_officer", 404),
        ("other_manager", 404),
    ]:
        client.force_login(getattr(staff, who))
        assert client.get(page).status_code == status, who


def test_leader_reads_without_any_action(client, staff, accepted):
    client.force_login(staff.leader)
    response = client.get(workbench(accepted.tracking_code))
    assert response.context["action_forms"] == []
    assert 'id="read-only"' in response.content.decode()


def test_internal_notes_on_the_workbench_only(client, staff, accepted):
    actions.report_add_note(report=accepted, acting_user=staff.officer, text="Gọi ông Tư trước")
    client.force_login(staff.manager)
    assert "Gọi ông Tư trước" in client.get(workbench(accepted.tracking_code)).content.decode()
    client.logout()
    public = client.get(accepted.get_absolute_url())
    assert public.status_code == 200
    assert "Gọi ông Tư trước" not in public.content.decode()


def test_reporter_contact_shown_by_role_and_consent(client, staff, accepted):
    page = workbench(accepted.tracking_code)
    client.force_login(staff.intake)
    assert accepted.reporter_email in client.get(page).content.decode()
    client.force_login(staff.officer)
    assert accepted.reporter_email not in client.get(page).content.decode()
    client.force_login(staff.leader)
    assert accepted.reporter_email not in client.get(page).content.decode()
    Report.objects.filter(pk=accepted.pk).update(contact_allowed=True)
    client.force_login(staff.officer)
    assert accepted.reporter_email in client.get(page).content.decode()


def test_a_signed_in_reporter_is_named_on_the_timeline_only_where_contact_is_allowed(client, staff):
    from reports.handling.actions import report_accept
    from tests.factories import UserFactory

    citizen = UserFactory(email="nguyen.van.an@example.vn", full_name="Nguyễn Văn An")
    report = SubmittedReportFactory(reporter=citizen, contact_allowed=False)
    report_accept(report=report, acting_user=staff.intake)
    page = workbench(report.tracking_code)

    client.force_login(staff.officer)
    html = client.get(page).content.decode()
    assert "Nguyễn Văn An" not in html
    assert "nguyen.van.an@example.vn" not in html
    assert "Trần Tiếp Nhận" in html  # staff who acted are named

    client.force_login(staff.intake)
    assert "Nguyễn Văn An" in client.get(page).content.decode()

    Report.objects.filter(pk=report.pk).update(contact_allowed=True)
    client.force_login(staff.officer)
    assert "Nguyễn Văn An" in client.get(page).content.decode()


# --- actions through the dashboard ---------------------------------------------------------


def test_intake_accepts_and_dispatches_elsewhere(client, staff, submitted):
    client.force_login(staff.intake)
    response = client.post(
        act(submitted.tracking_code, "accept"),
        {"accept-department": staff.other_agency.pk, "accept-priority": "urgent"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.department, submitted.priority) == (
        S.ACCEPTED,
        staff.other_agency,
        "urgent",
    )


def test_invalid_form_keeps_the_text_and_changes_nothing(client, staff, accepted):
    client.force_login(staff.officer)
    response = client.post(
        act(accepted.tracking_code, "transfer"),
        {"transfer-department": "", "transfer-reason": "Không thuộc thẩm quyền"},
    )
    assert response.status_code == 400
    assert "Không thuộc thẩm quyền" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.department == staff.committee


def test_officer_works_a_report_through_the_dashboard(client, staff, accepted):
    client.force_login(staff.officer)
    code = accepted.tracking_code
    assert client.post(act(code, "start")).status_code == 302
    assert (
        client.post(act(code, "request_info"), {"request_info-question": "Số nhà mấy?"}).status_code
        == 302
    )
    accepted.refresh_from_db()
    assert accepted.status == S.WAITING_INFO
    actions.report_provide_info(report=accepted, token=private_token(code), text="Số 12")
    assert (
        client.post(act(code, "public_update"), {"public_update-message": "Đang vá"}).status_code
        == 302
    )
    assert client.post(act(code, "note"), {"note-text": "vật tư đủ"}).status_code == 302
    response = client.post(act(code, "resolve"), {"resolve-answer": "Đã vá xong."})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.RESOLVED
    kinds = list(ReportEvent.objects.filter(report=accepted).values_list("kind", flat=True))
    assert kinds[-6:] == [
        "started",
        "info_requested",
        "info_provided",
        "public_update",
        "note",
        "resolved",
    ]


def test_manager_extends_and_assigns(client, staff, accepted):
    client.force_login(staff.manager)
    code = accepted.tracking_code
    response = client.post(
        act(code, "extend"), {"extend-working_days": "3", "extend-reason": "Chờ vật tư"}
    )
    assert response.status_code == 302
    response = client.post(act(code, "assign"), {"assign-assignee": staff.officer2.pk})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.resolution_extended and accepted.assigned_to == staff.officer2


def test_transfer_away_returns_to_the_list(client, staff, accepted):
    client.force_login(staff.officer)
    response = client.post(
        act(accepted.tracking_code, "transfer"),
        {"transfer-department": staff.other_agency.pk, "transfer-reason": "Cầu của Sở"},
    )
    assert response["Location"] == reverse("staff:reports")


def test_duplicate_by_tracking_code_as_typed(client, staff, accepted):
    duplicate = SubmittedReportFactory(commune=staff.commune)
    client.force_login(staff.intake)
    typed = accepted.tracking_code.replace("-", " ").lower()
    response = client.post(
        act(duplicate.tracking_code, "mark_duplicate"), {"mark_duplicate-original": typed}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == accepted


def test_action_not_allowed_in_this_status(client, staff, accepted):
    client.force_login(staff.intake)
    response = client.post(act(accepted.tracking_code, "reject"), {"reject-reason": "x"})
    assert response.status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_unknown_action_is_not_found(client, staff, accepted):
    client.force_login(staff.intake)
    assert client.post(act(accepted.tracking_code, "delete")).status_code == 404


def test_actions_need_post(client, staff, accepted):
    client.force_login(staff.officer)
    assert client.get(act(accepted.tracking_code, "start")).status_code == 405


# Every action, posted with valid data by someone who may not take it: nothing changes.
VALID_DATA = {
    "accept": lambda s: {"accept-department": s.committee.pk, "accept-priority": "normal"},
    "reject": lambda s: {"reject-reason": "x"},
    "mark_duplicate": lambda s: {"mark_duplicate-original": s.original_code},
    "start": lambda s: {},
    "request_info": lambda s: {"request_info-question": "?"},
    "public_update": lambda s: {"public_update-message": "x"},
    "resolve": lambda s: {"resolve-answer": "x"},
    "transfer": lambda s: {"transfer-department": s.ioc.pk, "transfer-reason": "x"},
    "assign": lambda s: {"assign-assignee": ""},
    "set_priority": lambda s: {"set_priority-priority": "urgent"},
    "extend": lambda s: {"extend-working_days": "2", "extend-reason": "x"},
    "note": lambda s: {"note-text": "x"},
    "reopen": lambda s: {"reopen-reason": "x"},
    "close": lambda s: {},
}


def test_every_action_has_forgery_data():
    assert set(VALID_DATA) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize(
    "who,expected", [("other_officer", 404), ("other_manager", 404), ("leader", 403)]
)
def test_forged_posts_change_nothing(client, staff, action, who, expected):
    """Another agency's staff do not even learn the report exists; leaders are refused."""
    original = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    staff.original_code = original.tracking_code
    report = SubmittedReportFactory(commune=staff.commune)
    if action not in ("accept", "reject"):
        report = actions.report_accept(report=report, acting_user=staff.intake)
    if action in ("reopen", "close"):
        report = actions.report_resolve(report=report, acting_user=staff.officer, answer="x")
    before = Report.objects.values().get(pk=report.pk)
    events = ReportEvent.objects.count()
    client.force_login(getattr(staff, who))
    response = client.post(act(report.tracking_code, action), VALID_DATA[action](staff))
    assert response.status_code == expected
    assert Report.objects.values().get(pk=report.pk) == before
    assert ReportEvent.objects.count() == events


@pytest.mark.parametrize(
    "action,expected",
    [
        ("accept", 404),  # a report awaiting intake is not the agency's yet
        ("reject", 404),
        ("mark_duplicate", 403),
        ("set_priority", 403),
        ("extend", 403),
        ("reopen", 403),
        ("close", 403),
    ],
)
def test_own_agency_but_wrong_role(client, staff, action, expected):
    """An officer of the right agency still cannot take intake's or the manager's actions."""
    original = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    staff.original_code = original.tracking_code
    report = SubmittedReportFactory(commune=staff.commune)
    if action not in ("accept", "reject"):
        report = actions.report_accept(report=report, acting_user=staff.intake)
    if action in ("reopen", "close"):
        report = actions.report_resolve(report=report, acting_user=staff.officer, answer="x")
    before = Report.objects.values().get(pk=report.pk)
    client.force_login(staff.officer)
    response = client.post(act(report.tracking_code, action), VALID_DATA[action](staff))
    assert response.status_code == expected
    assert Report.objects.values().get(pk=report.pk) == before


def test_resolve_with_after_photos_uploaded(client, staff, accepted):
    from reports.models import Photo
    from tests.factories import jpeg_upload

    client.force_login(staff.officer)
    response = client.post(
        act(accepted.tracking_code, "resolve"),
        {"resolve-answer": "Đã vá xong.", "resolve-photos": [jpeg_upload(), jpeg_upload()]},
    )
    assert response.status_code == 302
    photos = Photo.objects.filter(report=accepted)
    assert photos.count() == 2 and {p.kind for p in photos} == {Photo.Kind.AFTER}
    assert {p.event.kind for p in photos} == {"resolved"}


def test_a_bad_photo_keeps_the_report_open(client, staff, accepted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff.officer)
    response = client.post(
        act(accepted.tracking_code, "resolve"),
        {
            "resolve-answer": "Đã vá xong.",
            "resolve-photos": [SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")],
        },
    )
    assert response.status_code == 400
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_dashboard_links_the_agency_statistics(client, catalogue):
    from accounts.models import StaffMembership
    from tests.factories import StaffFactory, membership

    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="DIEN_LUC")
    client.force_login(officer)
    html = client.get(reverse("staff:reports")).content.decode()
    assert reverse("public:staff_stats") in html
    assert client.get(reverse("public:staff_stats")).status_code == 200
