"""Report administration: moderation through the actions, the read-only audit trail, and
list pages that never count a whole big table."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.handling import actions
from reports.models import Photo, Report, ReportEvent
from tests.factories import StaffFactory, SubmittedReportFactory, staged_photo, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    superuser = StaffFactory(email="root@camau.gov.vn", is_superuser=True)
    client.force_login(superuser)
    client.user = superuser
    return client


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


def test_every_admin_list_page_opens(admin_client, accepted):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url


def test_report_list_never_counts_the_whole_table(admin_client, staff):
    for _ in range(12):
        SubmittedReportFactory(commune=staff.commune)
    url = reverse("admin:reports_report_changelist")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(url, {"status__exact": "submitted"}).status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "reports_report" in q["sql"]]
    assert counts and all("LIMIT" in sql for sql in counts)
    few = len(queries)
    for _ in range(20):
        SubmittedReportFactory(commune=staff.commune)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(url, {"status__exact": "submitted"})
    assert len(queries) == few


def test_report_admin_search(admin_client, staff):
    road = SubmittedReportFactory(commune=staff.commune, title="Ổ gà đường Trần Hưng Đạo")
    SubmittedReportFactory(commune=staff.commune, title="Cây đổ")
    url = reverse("admin:reports_report_changelist")
    page = admin_client.get(url, {"q": "tran hung dao"}).content.decode()
    assert road.tracking_code in page and "Cây đổ" not in page
    page = admin_client.get(url, {"q": road.tracking_code}).content.decode()
    assert road.tracking_code in page


def _moderation_post(report, **changes):
    data = {
        "is_hidden": "",
        "hidden_reason": "",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_hiding_a_report_records_who_and_why(admin_client, client, accepted):
    response = admin_client.post(
        change_url(accepted),
        _moderation_post(accepted, is_hidden="on", hidden_reason="Chứa thông tin cá nhân"),
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.is_hidden and accepted.hidden_reason == "Chứa thông tin cá nhân"
    event = ReportEvent.objects.filter(report=accepted).latest("id")
    assert (event.kind, event.actor, event.is_public) == ("hidden", admin_client.user, False)
    admin_client.logout()
    assert accepted.title not in client.get(accepted.get_absolute_url()).content.decode()
    # Workflow fields cannot be changed here.
    assert "status" in admin.site._registry[Report].get_readonly_fields(None, accepted)


def test_hiding_needs_a_reason(admin_client, accepted):
    admin_client.post(change_url(accepted), _moderation_post(accepted, is_hidden="on"))
    accepted.refresh_from_db()
    assert not accepted.is_hidden
    assert not ReportEvent.objects.filter(report=accepted, kind="hidden").exists()


def test_moderation_needs_the_permission(client, staff, accepted):
    from django.core.exceptions import PermissionDenied

    from reports.handling.moderation import report_hide

    with pytest.raises(PermissionDenied):
        report_hide(report=accepted, acting_user=staff.manager, reason="x")


def test_hiding_a_photo(admin_client, staff, accepted):
    photo = staged_photo()
    Photo.objects.filter(pk=photo.pk).update(report=accepted)
    data = _moderation_post(
        accepted,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-report": str(accepted.pk),
            "photos-0-is_hidden": "on",
            "photos-0-hidden_reason": "Lộ biển số xe",
        },
    )
    response = admin_client.post(change_url(accepted), data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.is_hidden and photo.hidden_reason == "Lộ biển số xe"
    event = ReportEvent.objects.filter(report=accepted).latest("id")
    assert event.kind == "hidden" and event.data == {"photo": photo.key}


def test_bulk_hide_action_takes_a_reason(admin_client, staff):
    reports = [
        actions.report_accept(
            report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
        )
        for _ in range(2)
    ]
    url = reverse("admin:reports_report_changelist")
    payload = {
        "action": "hide_reports",
        "_selected_action": [r.pk for r in reports],
        "hidden_reason": "Spam",
    }
    admin_client.post(url, payload)
    assert set(Report.objects.values_list("is_hidden", "hidden_reason")) == {(True, "Spam")}
    admin_client.post(url, {**payload, "action": "show_reports"})
    assert set(Report.objects.values_list("is_hidden", flat=True)) == {False}


def test_audit_trail_is_read_only(admin_client, accepted):
    event = ReportEvent.objects.get(report=accepted, kind=ReportEvent.Kind.ACCEPTED)
    url = reverse("admin:reports_reportevent_change", args=[event.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"kind": "note", "internal_note": "rewritten"})
    event.refresh_from_db()
    assert event.kind == "accepted"
    assert admin_client.get(reverse("admin:reports_reportevent_add")).status_code == 403
    delete = reverse("admin:reports_reportevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReportEvent.objects.filter(pk=event.pk).exists()


def test_the_outbox_is_found_by_a_reports_tracking_code(
    admin_client, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = submit_report(reporter_email="an@example.vn")
        submit_report(reporter_email="binh@example.vn")
    url = reverse("admin:notifications_outboundemail_changelist")

    found = admin_client.get(url, {"q": report.tracking_code.lower()}).content.decode()
    by_address = admin_client.get(url, {"q": "binh@example.vn"}).content.decode()

    assert "an@example.vn" in found and "binh@example.vn" not in found
    assert "binh@example.vn" in by_address and "an@example.vn" not in by_address
