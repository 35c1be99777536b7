"""The statistics pages (reports.stats.views): public province figures and the staff view of an
agency."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership
from reports.stats.rollup import recompute_days
from tests.factories import StaffFactory, UserFactory, membership
from tests.public_fixtures import public_report
from tests.reports.stats.support import MARCH_QUERY

pytestmark = pytest.mark.django_db


def test_public_page_shows_the_figures_with_tables(client, seven):
    response = client.get(reverse("public:stats"), MARCH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stat="received">7<' in html
    assert 'data-stat="overdue">2<' in html
    assert 'data-stat="median_resolution">36,0 giờ<' in html
    assert "02/03/2026" in html and "10/03/2026" in html
    assert '<canvas id="chart-weekly"' in html and 'data-table="weekly"' in html
    assert 'data-table="agencies"' in html and 'data-code="SXD"' in html
    assert html.index('data-code="SXD"') < html.index('data-code="CA_TINH"')
    assert "vendor/chartjs/chart.umd.js" in html
    for private in ("Trần Thị Bình", "binh.tran@example.vn"):
        assert private not in html


def test_public_page_in_english(client, seven):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("public:stats"), MARCH_QUERY).content.decode()
    assert "How reports are handled" in html
    assert 'data-stat="median_resolution">36.0 hours<' in html
    assert "83%" in html  # intake on time: 5 of 6


def test_bad_period_falls_back_to_the_default_and_says_why(client, catalogue):
    response = client.get(reverse("public:stats"), {"period": "custom", "start": "10/03/2026"})
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()


def test_page_cost_does_not_depend_on_the_number_of_reports(
    client, catalogue, django_assert_num_queries
):
    recompute_days([timezone.localdate()])
    with django_assert_num_queries(10):  # nine, and the channel table
        client.get(reverse("public:stats"))
    for _ in range(5):
        public_report()
    recompute_days([timezone.localdate()])
    with django_assert_num_queries(10):  # nine, and the channel table
        client.get(reverse("public:stats"))


def test_staff_page_needs_a_staff_role(client, catalogue):
    url = reverse("public:staff_stats")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_agency_staff_see_their_agency(client, seven):
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    client.force_login(officer)
    response = client.get(reverse("public:staff_stats"), {**MARCH_QUERY, "agency": "CA_TINH"})
    html = response.content.decode()
    assert "Sở Xây dựng" in html
    assert 'data-stat="received">3<' in html  # SXD's reports, not another agency's
    assert 'data-table="agencies"' not in html


def test_leaders_see_the_province_and_any_agency(client, seven):
    leader = StaffFactory()
    membership(leader, role=StaffMembership.Role.LEADER, department_code=None)
    client.force_login(leader)
    html = client.get(reverse("public:staff_stats"), MARCH_QUERY).content.decode()
    assert 'data-stat="received">7<' in html and 'data-table="agencies"' in html
    html = client.get(
        reverse("public:staff_stats"), {**MARCH_QUERY, "agency": "CA_TINH"}
    ).content.decode()
    assert 'data-stat="received">2<' in html


def test_the_period_shown_is_the_period_counted(client, catalogue):
    html = client.get("/stats/").content.decode()
    assert '<option value="90d" selected>' in html
