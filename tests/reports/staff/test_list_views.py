"""The report list: queues and counts, filters and search, keyset pages, export, bulk actions."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.handling import actions
from reports.models import Report
from reports.private_link import private_token
from reports.search import search_text_for
from services.models import Category, Commune
from tests.factories import SubmittedReportFactory

pytestmark = pytest.mark.django_db
S = Report.Status
LIST = reverse("staff:reports")


def codes(response):
    return [report.tracking_code for report in response.context["page"].rows]


def counts(response):
    return {queue.key: count for queue, count in response.context["queues"]}


def test_queues_and_counts_for_an_officer(client, staff):
    mine = actions.report_start(
        report=actions.report_accept(
            report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
        ),
        acting_user=staff.officer,
    )
    colleague = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    actions.report_assign(report=colleague, acting_user=staff.manager, assignee=staff.officer2)
    waiting = actions.report_request_info(
        report=actions.report_accept(
            report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
        ),
        acting_user=staff.officer,
        question="?",
    )
    overdue = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    Report.objects.filter(pk=overdue.pk).update(
        resolution_due_at=timezone.now() - timedelta(hours=1)
    )
    resolved = actions.report_resolve(
        report=actions.report_accept(
            report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
        ),
        acting_user=staff.officer,
        answer="xong",
    )
    rated = actions.report_resolve(
        report=actions.report_accept(
            report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
        ),
        acting_user=staff.officer,
        answer="xong",
    )
    actions.report_rate(report=rated, token=private_token(rated.tracking_code), value="satisfied")
    SubmittedReportFactory(commune=staff.commune)  # awaiting intake: not the agency's yet
    elsewhere = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )

    client.force_login(staff.officer)
    response = client.get(LIST)
    c = counts(response)
    assert c["inbox"] == 4 and c["waiting"] == 1 and c["overdue"] == 1
    assert c["awaiting_rating"] == 1 and c["all"] is None and "new" not in c
    assert c["mine"] == 1
    assert set(codes(response)) == {
        mine.tracking_code,
        colleague.tracking_code,
        waiting.tracking_code,
        overdue.tracking_code,
    }
    assert codes(client.get(LIST, {"queue": "mine"})) == [mine.tracking_code]
    assert codes(client.get(LIST, {"queue": "overdue"})) == [overdue.tracking_code]
    assert codes(client.get(LIST, {"queue": "awaiting_rating"})) == [resolved.tracking_code]
    everything = set(codes(client.get(LIST, {"queue": "all"})))
    assert elsewhere.tracking_code not in everything and len(everything) == 6


def test_intake_new_queue_sorted_by_deadline(client, staff):
    now = timezone.now()
    late = SubmittedReportFactory(commune=staff.commune, intake_due_at=now - timedelta(hours=1))
    soon = SubmittedReportFactory(commune=staff.commune, intake_due_at=now + timedelta(hours=1))
    later = SubmittedReportFactory(commune=staff.commune, intake_due_at=now + timedelta(days=3))
    client.force_login(staff.intake)
    response = client.get(LIST)
    assert codes(response) == [late.tracking_code, soon.tracking_code, later.tracking_code]
    assert counts(response)["new"] == 3 and counts(response)["overdue"] == 1
    newest_first = codes(client.get(LIST, {"sort": "newest"}))
    assert newest_first == [later.tracking_code, soon.tracking_code, late.tracking_code]


def test_keyset_pages_walk_forward_and_back(client, staff):
    now = timezone.now()
    reports = [
        SubmittedReportFactory(commune=staff.commune, intake_due_at=now + timedelta(minutes=n % 4))
        for n in range(11)
    ]
    SubmittedReportFactory(commune=staff.commune, intake_due_at=None)  # no deadline: last
    client.force_login(staff.intake)
    response = client.get(LIST, {"queue": "new", "size": 25})
    seen = codes(response)
    assert len(seen) == 12 and response.context["page"].next_cursor is None
    # Smaller pages: the same order, page by page, and "previous" comes back exactly.
    from reports.pagination import SORTS, decode_cursor, keyset_page

    queryset = Report.objects.filter(status=S.SUBMITTED)
    by_deadline = SORTS["deadline"]

    def page_at(cursor):
        return keyset_page(queryset, order=by_deadline, size=5, cursor=decode_cursor(cursor))

    page = page_at(None)
    history = [page]
    while page.next_cursor:
        page = page_at(page.next_cursor)
        history.append(page)
    order = [r.tracking_code for p in history for r in p.rows]
    assert order == seen
    assert order[-1] == Report.objects.get(intake_due_at__isnull=True).tracking_code
    back = page_at(history[-1].previous_cursor)
    assert [r.tracking_code for r in back.rows] == [r.tracking_code for r in history[-2].rows]
    back = page_at(back.previous_cursor)
    assert [r.tracking_code for r in back.rows] == [r.tracking_code for r in history[0].rows]
    assert back.previous_cursor is None
    assert len(reports) == 11


@pytest.mark.parametrize("sort", ["deadline", "newest", "oldest", "updated"])
def test_every_sort_pages_through_everything_once(staff, sort):
    from reports.pagination import SORTS, iterate_in_chunks

    base = timezone.now()
    for n in range(9):
        SubmittedReportFactory(
            commune=staff.commune,
            submitted_at=base - timedelta(minutes=n % 3),
            intake_due_at=None if n % 4 == 0 else base + timedelta(minutes=n % 2),
        )
    rows = list(iterate_in_chunks(Report.objects.all(), order=SORTS[sort], chunk_size=2))
    assert len(rows) == 9 and len({r.pk for r in rows}) == 9


def test_a_bad_cursor_shows_the_first_page(client, staff, submitted):
    client.force_login(staff.intake)
    response = client.get(LIST, {"cursor": "n!!!not-base64"})
    assert response.status_code == 200 and codes(response) == [submitted.tracking_code]


def test_filters(client, staff):
    other_commune = Commune.objects.exclude(pk=staff.commune.pk).order_by("code").first()
    flooding = Category.objects.get(code="FLOODING")
    road = SubmittedReportFactory(commune=staff.commune)
    flood = SubmittedReportFactory(commune=other_commune, category=flooding, priority="urgent")
    old = SubmittedReportFactory(
        commune=staff.commune, submitted_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(staff.intake)

    def found(**params):
        return set(codes(client.get(LIST, {"queue": "all", **params})))

    assert found(category=flooding.pk) == {flood.tracking_code}
    assert found(commune=other_commune.pk) == {flood.tracking_code}
    assert found(priority="urgent") == {flood.tracking_code}
    assert found(status="submitted") == {road.tracking_code, flood.tracking_code, old.tracking_code}
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert found(submitted_after=since) == {road.tracking_code, flood.tracking_code}
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert found(submitted_before=until) == {old.tracking_code}

    accepted = actions.report_accept(report=road, acting_user=staff.intake)
    actions.report_assign(report=accepted, acting_user=staff.intake, assignee=staff.officer)
    assert found(department=staff.committee.pk) == {road.tracking_code}
    assert found(assigned_to=staff.officer.pk) == {road.tracking_code}
    assert found(assigned_to="null") == {flood.tracking_code, old.tracking_code}


def test_deadline_state_filter(client, staff):
    now = timezone.now()
    overdue = SubmittedReportFactory(
        commune=staff.commune, intake_due_at=now - timedelta(minutes=5)
    )
    soon = SubmittedReportFactory(commune=staff.commune, intake_due_at=now + timedelta(minutes=30))
    on_time = SubmittedReportFactory(commune=staff.commune, intake_due_at=now + timedelta(days=10))
    client.force_login(staff.intake)

    def found(state):
        return codes(client.get(LIST, {"queue": "all", "deadline": state}))

    assert found("overdue") == [overdue.tracking_code]
    assert found("due_soon") == [soon.tracking_code]
    assert found("on_time") == [on_time.tracking_code]


@pytest.mark.parametrize("typed", ["duong", "ĐƯỜNG", "Đường", "duong so", "o ga", "ổ gà đường"])
def test_search_without_diacritics(client, staff, typed):
    hit = SubmittedReportFactory(commune=staff.commune, title="Ổ gà trên đường số 5")
    SubmittedReportFactory(commune=staff.commune, title="Đèn đường hỏng", description="Tối om")
    miss = SubmittedReportFactory(
        commune=staff.commune, title="Cây đổ", description="Cây ngã ra lộ"
    )
    client.force_login(staff.intake)
    found = codes(client.get(LIST, {"queue": "all", "q": typed}))
    assert hit.tracking_code in found and miss.tracking_code not in found


def test_search_by_tracking_code_as_typed(client, staff):
    report = SubmittedReportFactory(commune=staff.commune)
    SubmittedReportFactory(commune=staff.commune)
    client.force_login(staff.intake)
    typed = report.tracking_code.lower().replace("-", " ")
    assert codes(client.get(LIST, {"queue": "all", "q": typed})) == [report.tracking_code]


def test_search_finds_a_code_without_digits_as_typed(client, staff):
    """About one code in twenty has no digit ((22/32)^8): typed with spaces it also reads as
    words, and must still find its report."""
    report = SubmittedReportFactory(commune=staff.commune)
    report.tracking_code = "CM-PEAG-WEGZ"
    Report.objects.filter(pk=report.pk).update(
        tracking_code=report.tracking_code, search_text=search_text_for(report)
    )
    SubmittedReportFactory(commune=staff.commune)
    client.force_login(staff.intake)
    for typed in ("cm peag wegz", "CM-PEAG-WEGZ", "peagwegz"):
        assert codes(client.get(LIST, {"queue": "all", "q": typed})) == ["CM-PEAG-WEGZ"]


def test_search_in_description(client, staff):
    report = SubmittedReportFactory(
        commune=staff.commune, title="Sự cố", description="Nước ngập sâu"
    )
    client.force_login(staff.intake)
    assert codes(client.get(LIST, {"queue": "all", "q": "nuoc ngap"})) == [report.tracking_code]


def _list_queries(client, size):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"queue": "all", "size": size})
    assert response.status_code == 200
    return len(queries), len(response.context["page"].rows)


def test_fixed_number_of_queries_whatever_the_page_size(client, staff, django_assert_num_queries):
    for n in range(30):
        report = SubmittedReportFactory(commune=staff.commune)
        if n % 3 == 0:
            report = actions.report_accept(report=report, acting_user=staff.intake)
            actions.report_assign(report=report, acting_user=staff.intake, assignee=staff.officer)
    client.force_login(staff.intake)
    client.get(LIST)  # warm the session
    small, shown_small = _list_queries(client, 25)
    large, shown_large = _list_queries(client, 100)
    assert (shown_small, shown_large) == (25, 30)
    assert small == large
    # session, user, memberships, calendar (2), page rows, counts (tallies, due soon, overdue
    # days, overdue today), filter choices (category, commune, agency, assignee), bulk
    # choices (agency, assignee).
    with django_assert_num_queries(small):
        client.get(LIST, {"queue": "all", "size": 50})
    assert small <= 17


def test_workbench_query_count_does_not_grow_with_the_timeline(
    client, staff, accepted, django_assert_max_num_queries
):
    client.force_login(staff.officer)
    page = reverse("staff:report", args=[accepted.tracking_code])
    with CaptureQueriesContext(connection) as before:
        client.get(page)
    for n in range(15):
        actions.report_add_note(report=accepted, acting_user=staff.officer, text=f"note {n}")
    with django_assert_max_num_queries(len(before)):
        client.get(page)


# --- export --------------------------------------------------------------------------------


def _export(client, **params):
    response = client.get(reverse("staff:export"), params)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_follows_the_filters(client, staff, settings):
    settings.LANGUAGE_CODE = "en"
    flooding = Category.objects.get(code="FLOODING")
    SubmittedReportFactory(commune=staff.commune)
    flood = SubmittedReportFactory(commune=staff.commune, category=flooding, title="=HYPERLINK(1)")
    client.force_login(staff.intake)
    rows = _export(client, queue="all", category=flooding.pk)
    assert [row["Tracking code"] for row in rows] == [flood.tracking_code]
    assert rows[0]["Title"] == "'=HYPERLINK(1)"  # never run as a formula
    assert rows[0]["Reporter email"] == flood.reporter_email


def test_export_personal_data_only_where_the_role_may_see_it(client, staff, settings):
    settings.LANGUAGE_CODE = "en"
    consenting = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, contact_allowed=True),
        acting_user=staff.intake,
    )
    private = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    client.force_login(staff.officer)
    rows = {row["Tracking code"]: row for row in _export(client, queue="all")}
    assert rows[consenting.tracking_code]["Reporter email"] == consenting.reporter_email
    assert rows[private.tracking_code]["Reporter email"] == ""
    assert rows[private.tracking_code]["Reporter phone"] == ""
    client.force_login(staff.leader)
    rows = _export(client, queue="all")
    assert len(rows) == 2 and "Reporter email" not in rows[0]
    assert private.reporter_email not in str(rows)


def test_export_is_streamed_in_chunks(client, staff):
    from reports.staff import export

    for _ in range(7):
        SubmittedReportFactory(commune=staff.commune)
    client.force_login(staff.intake)
    original = export.iterate_in_chunks
    chunks = []

    def spy(queryset, *, order, chunk_size=1000):
        chunks.append(chunk_size)
        return original(queryset, order=order, chunk_size=3)

    export.iterate_in_chunks = spy
    try:
        rows = _export(client, queue="all")
    finally:
        export.iterate_in_chunks = original
    assert len(rows) == 7 and chunks


# --- bulk ----------------------------------------------------------------------------------


def test_bulk_accept_to_the_proposed_agency(client, staff):
    reports = [SubmittedReportFactory(commune=staff.commune) for _ in range(3)]
    client.force_login(staff.intake)
    response = client.post(
        reverse("staff:bulk"),
        {"action": "accept", "codes": [r.tracking_code for r in reports], "next": LIST},
    )
    assert response.status_code == 302 and response["Location"] == LIST
    assert set(
        Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", "department")
    ) == {(S.ACCEPTED, staff.committee.pk)}


def test_bulk_dispatch_needs_an_agency(client, staff):
    report = SubmittedReportFactory(commune=staff.commune)
    client.force_login(staff.intake)
    client.post(reverse("staff:bulk"), {"action": "dispatch", "codes": [report.tracking_code]})
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    client.post(
        reverse("staff:bulk"),
        {
            "action": "dispatch",
            "codes": [report.tracking_code],
            "department": staff.other_agency.pk,
        },
    )
    report.refresh_from_db()
    assert report.department == staff.other_agency


def test_bulk_assign_skips_reports_of_other_agencies(client, staff):
    ours = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    theirs = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )
    client.force_login(staff.manager)
    response = client.post(
        reverse("staff:bulk"),
        {
            "action": "assign",
            "codes": [ours.tracking_code, theirs.tracking_code],
            "assignee": staff.officer2.pk,
        },
        follow=True,
    )
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.assigned_to == staff.officer2 and theirs.assigned_to is None
    assert theirs.tracking_code in response.content.decode()  # reported as not found


def test_bulk_accept_is_intake_only(client, staff):
    report = SubmittedReportFactory(commune=staff.commune)
    client.force_login(staff.leader)
    client.post(reverse("staff:bulk"), {"action": "accept", "codes": [report.tracking_code]})
    client.force_login(staff.manager)
    client.post(reverse("staff:bulk"), {"action": "accept", "codes": [report.tracking_code]})
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
