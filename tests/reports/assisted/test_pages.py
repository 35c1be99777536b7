"""My entries, my commune, and where the dashboard sends hotline operators and helpers."""

import pytest
from django.urls import reverse

from reports.handling.actions import report_accept
from tests.factories import SubmittedReportFactory

pytestmark = pytest.mark.django_db


def test_my_entries_lists_what_i_typed_in_with_the_resident(client, desk, enter):
    mine = enter(reporter_name="Ông Trần Văn Bảy")
    theirs = enter(by=desk.helper, source="helper", reporter_name="Bà Lê Thị Tám")
    citizens_own = SubmittedReportFactory(commune=desk.commune)
    client.force_login(desk.operator)
    html = client.get(reverse("assisted:entries")).content.decode()
    assert f'data-code="{mine.tracking_code}"' in html
    assert "Ông Trần Văn Bảy" in html and "0912 345 678" in html
    assert "Gọi đường dây nóng" in html  # the channel, in Vietnamese
    assert theirs.tracking_code not in html and "Bà Lê Thị Tám" not in html
    assert citizens_own.tracking_code not in html


def test_my_entries_cost_one_query_for_the_list(client, desk, enter, django_assert_max_num_queries):
    for _ in range(3):
        enter()
    client.force_login(desk.operator)
    client.get(reverse("assisted:entries"))  # warm the session
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("assisted:entries"))
    for _ in range(3):
        enter()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("assisted:entries"))


def test_my_commune_shows_every_report_of_the_commune_without_who_reported(client, desk, enter):
    by_phone = enter(reporter_name="Ông Trần Văn Bảy")
    from_the_web = SubmittedReportFactory(
        commune=desk.commune, reporter_name="Chị Đặng Thị Chín", reporter_phone="0987 000 111"
    )
    elsewhere = SubmittedReportFactory(commune=desk.other_commune)
    report_accept(report=from_the_web, acting_user=desk.intake)
    client.force_login(desk.helper)
    html = client.get(reverse("assisted:commune")).content.decode()
    assert by_phone.tracking_code in html and from_the_web.tracking_code in html
    assert elsewhere.tracking_code not in html
    for private in ("Ông Trần Văn Bảy", "0912 345 678", "Chị Đặng Thị Chín", "0987 000 111"):
        assert private not in html
    # A public report links to its public page, one still awaiting intake does not.
    assert reverse("reports:detail", args=[from_the_web.tracking_code]) in html
    assert reverse("reports:detail", args=[by_phone.tracking_code]) not in html


def test_the_operator_has_no_commune_page(client, desk):
    client.force_login(desk.operator)
    response = client.get(reverse("assisted:commune"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assisted:entries")


def test_the_code_page_is_only_for_who_entered_it(client, desk, enter):
    report = enter()
    url = reverse("assisted:entered", args=[report.tracking_code])
    client.force_login(desk.helper)
    assert client.get(url).status_code == 404
    client.force_login(desk.operator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["operator", "helper"])
def test_operators_and_helpers_never_reach_the_handling_dashboard(client, desk, enter, who):
    report = enter()
    report_accept(report=report, acting_user=desk.intake)
    client.force_login(getattr(desk, who))
    for url in (
        reverse("staff:reports"),
        reverse("staff:export"),
        reverse("staff:report", args=[report.tracking_code]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("assisted:entries")
    response = client.post(
        reverse("staff:action", args=[report.tracking_code, "start"]), {"note": "x"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("assisted:entries")
    report.refresh_from_db()
    assert report.status == "accepted"


def test_operators_and_helpers_sign_in_at_the_staff_login(client, desk):
    desk.helper.set_password("mật-khẩu-dài-123")
    desk.helper.save()
    response = client.post(
        reverse("staff:login"), {"email": desk.helper.email, "password": "mật-khẩu-dài-123"}
    )
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    assert landing.request["PATH_INFO"] == reverse("assisted:entries")
    html = landing.content.decode()
    assert reverse("assisted:new") in html and reverse("assisted:commune") in html
    menu = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("staff:reports")}"' not in menu  # no queues in a helper's menu


def test_helpers_see_the_province_statistics(client, desk):
    client.force_login(desk.helper)
    response = client.get(reverse("public:staff_stats"))
    assert response.status_code == 200
    assert 'data-table="channels"' in response.content.decode()


def test_the_intake_workbench_shows_the_channel_and_who_entered_it(client, desk, enter):
    report = enter(source="zalo")
    client.force_login(desk.intake)
    html = client.get(reverse("staff:report", args=[report.tracking_code])).content.decode()
    assert '<span id="report-channel">Tin nhắn Zalo</span>' in html
    assert "do Đỗ Tổng Đài nhập" in html
    assert "Bà Nguyễn Thị Sáu" in html  # intake always sees the reporter


def test_the_staff_export_has_the_channel_and_who_entered_it(client, desk, enter, settings):
    import csv
    import io

    settings.LANGUAGE_CODE = "en"
    report = enter(source="walk_in")
    web = SubmittedReportFactory(commune=desk.commune)
    client.force_login(desk.intake)
    response = client.get(reverse("staff:export"), {"queue": "all"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Tracking code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[report.tracking_code]["Channel"] == "Walk-in"
    assert rows[report.tracking_code]["Entered by"] == "Đỗ Tổng Đài"
    assert rows[web.tracking_code]["Channel"] == "Web form"
    assert rows[web.tracking_code]["Entered by"] == ""
