import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report
from reports.public import listing
from tests.public_fixtures import S, public_report

pytestmark = pytest.mark.django_db


def codes_in(response) -> list[str]:
    return re.findall(
        r'<span class="tracking-code">(CM-[0-9A-Z]{4}-[0-9A-Z]{4})</span>',
        response.content.decode(),
    )


def link(response, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.fixture
def many(catalogue):
    """45 public reports published a minute apart (newest last), and two never listed."""
    start = timezone.now() - timedelta(days=1)
    reports = []
    for i in range(45):
        report = public_report(
            category="STREETLIGHT" if i % 3 == 0 else "ROAD_DAMAGE",
            status=S.RESOLVED if i % 5 == 0 else S.ACCEPTED,
            published_at=start + timedelta(minutes=i),
        )
        reports.append(report)
    public_report(published=False)
    public_report(is_hidden=True)
    return reports


def test_first_page_lists_newest_public_reports(client, many):
    response = client.get(reverse("public:list"))
    assert response.status_code == 200
    newest_first = [r.tracking_code for r in reversed(many)]
    assert codes_in(response) == newest_first[: listing.PAGE_SIZE]
    assert link(response, "prev") is None


def test_keyset_pages_walk_forward_and_back(client, many):
    newest_first = [r.tracking_code for r in reversed(many)]
    first = client.get(reverse("public:list"))
    second = client.get(reverse("public:list") + link(first, "next"))
    assert codes_in(second) == newest_first[20:40]
    third = client.get(reverse("public:list") + link(second, "next"))
    assert codes_in(third) == newest_first[40:]
    assert link(third, "next") is None
    back = client.get(reverse("public:list") + link(third, "prev"))
    assert codes_in(back) == newest_first[20:40]
    back_again = client.get(reverse("public:list") + link(back, "prev"))
    assert codes_in(back_again) == newest_first[:20]
    assert link(back_again, "prev") is None


def test_reports_published_at_the_same_instant_are_paged_without_loss(client, catalogue):
    instant = timezone.now() - timedelta(hours=1)
    reports = [public_report(published_at=instant) for _ in range(25)]
    seen = []
    url = reverse("public:list")
    response = client.get(url)
    while True:
        seen += codes_in(response)
        following = link(response, "next")
        if not following:
            break
        response = client.get(url + following)
    assert sorted(seen) == sorted(r.tracking_code for r in reports)
    assert len(seen) == len(set(seen))


def test_filters_apply_and_are_kept_in_page_links(client, many):
    response = client.get(reverse("public:list"), {"category": "STREETLIGHT", "status": "open"})
    expected = [
        r.tracking_code
        for r in reversed(many)
        if r.category.code == "STREETLIGHT" and r.status == S.ACCEPTED
    ]
    assert codes_in(response) == expected
    html = response.content.decode()
    assert 'value="STREETLIGHT" selected' in html
    assert reverse("public:export_csv") + "?category=STREETLIGHT&amp;status=open" in html

    everything = client.get(reverse("public:list"), {"status": "open"})
    following = link(everything, "next")
    assert following.startswith("?status=open&after=CM-")


def test_commune_and_period_filters(client, catalogue):
    old = public_report(submitted_at=timezone.now() - timedelta(days=60))
    recent = public_report(commune_name="Phường Bạc Liêu")
    assert codes_in(client.get(reverse("public:list"), {"period": "30d"})) == [recent.tracking_code]
    by_commune = client.get(reverse("public:list"), {"commune": old.commune.code})
    assert codes_in(by_commune) == [old.tracking_code]


def test_unknown_filter_values_are_shown_as_errors_not_failures(client, many):
    response = client.get(reverse("public:list"), {"category": "NOPE", "after": "CM-0000-0000"})
    assert response.status_code == 200
    assert len(codes_in(response)) == listing.PAGE_SIZE
    assert "invalid-feedback" in response.content.decode()


def test_works_without_javascript(client, many):
    html = client.get(reverse("public:list")).content.decode()
    assert '<form method="get"' in html
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]
    for report in many[-20:]:
        assert f'href="{report.get_absolute_url()}"' in html


def test_page_costs_a_fixed_number_of_queries(client, many, django_assert_max_num_queries):
    cursor = many[10].tracking_code
    with django_assert_max_num_queries(4):  # cursor, page, two filter choice lists at most
        client.get(reverse("public:list"), {"after": cursor})


def test_no_personal_data_in_the_list(client, many):
    html = client.get(reverse("public:list")).content.decode()
    report = many[-1]
    for private in (report.reporter_email, report.reporter_phone, report.reporter_name):
        assert private not in html


def test_page_helper_orders_by_publication(catalogue):
    older = public_report(published_at=timezone.now() - timedelta(days=2))
    newer = public_report(published_at=timezone.now() - timedelta(days=1))
    page = listing.public_report_page(Report.objects.filter(pk__in=[older.pk, newer.pk]))
    assert [r.pk for r in page.rows] == [newer.pk, older.pk]
    assert page.next_cursor is None and page.previous_cursor is None
