"""The named sets of reports (``Report.objects``), on rows whose deadlines are written out.

Every report below is seen at NOW, Tuesday 10/03/2026 10:00 (Asia/Ho_Chi_Minh); "due soon"
ends at SOON, 12:00 the same day.
"""

from datetime import timedelta

import pytest

from reports.models import Rating, Report
from reports.tallies import tallies_rebuild
from tests.factories import ReportFactory
from tests.public_fixtures import at

pytestmark = pytest.mark.django_db
S = Report.Status
NOW = at("2026-03-10 10:00")
SOON = at("2026-03-10 12:00")


def rated(report: Report, *, on: str) -> None:
    rating = Rating.objects.create(report=report, value=Rating.Value.SATISFIED)
    Rating.objects.filter(pk=rating.pk).update(created_at=at(on))


def row_in_state(*, title: str, status: str, **fields) -> Report:
    """A filed report whose row is then put in the state a filter is tested against: these
    tests are about the querysets' conditions on the stored fields, not how a report got
    there (the handling actions' tests cover that)."""
    report = ReportFactory(title=title)
    Report.objects.filter(pk=report.pk).update(status=status, **fields)
    report.refresh_from_db()
    return report


@pytest.fixture
def reports(catalogue):
    """One report per case; the comment says what it is at NOW."""

    def make(name, status, **fields):
        return name, row_in_state(title=name, status=status, **fields)

    made = dict(
        [
            # awaiting intake, intake due 09:00: overdue
            make("late intake", S.SUBMITTED, intake_due_at=at("2026-03-10 09:00")),
            # awaiting intake, intake due 11:00: due soon
            make("intake soon", S.SUBMITTED, intake_due_at=at("2026-03-10 11:00")),
            # accepted, resolution due Thursday: on time; first reply was due 09:30 and is
            # still missing: late on its first reply only
            make(
                "no first reply",
                S.ACCEPTED,
                published_at=at("2026-03-09 08:00"),
                response_due_at=at("2026-03-10 09:30"),
                resolution_due_at=at("2026-03-12 10:00"),
            ),
            # in progress, resolution due 09:59 (hidden by moderation): overdue
            make(
                "late resolution",
                S.IN_PROGRESS,
                published_at=at("2026-03-02 08:00"),
                is_hidden=True,
                first_response_at=at("2026-03-02 09:00"),
                resolution_due_at=at("2026-03-10 09:59"),
            ),
            # waiting for the reporter since before its (paused) resolution deadline of 08:00:
            # the clock does not run, so neither overdue nor due soon, even counting the first
            # reply (the resolution clock is paused)
            make(
                "waiting",
                S.WAITING_INFO,
                published_at=at("2026-03-02 08:00"),
                response_due_at=at("2026-03-02 12:00"),
                resolution_due_at=at("2026-03-10 08:00"),
                resolution_paused_at=at("2026-03-09 15:00"),
            ),
            make(
                "resolved, not rated",
                S.RESOLVED,
                published_at=at("2026-03-02 08:00"),
                resolved_at=at("2026-03-09 16:00"),
            ),
            make("resolved, rated", S.RESOLVED, resolved_at=at("2026-03-09 16:00")),
            # rated once, reopened, resolved again on Monday: the new answer is not rated
            make("resolved again", S.RESOLVED, resolved_at=at("2026-03-09 16:00")),
            make("closed", S.CLOSED, resolved_at=at("2026-03-01 16:00")),
            make("rejected", S.REJECTED, public_reason="Không thuộc thẩm quyền."),
        ]
    )
    rated(made["resolved, rated"], on="2026-03-09 17:00")
    rated(made["resolved again"], on="2026-03-05 17:00")
    made["duplicate"] = row_in_state(
        title="duplicate", status=S.DUPLICATE, duplicate_of=made["closed"]
    )
    # The rows were written by hand: derive the rating state the actions keep.
    tallies_rebuild()
    return made


def names(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


OPEN = {"late intake", "intake soon", "no first reply", "late resolution", "waiting"}
RESOLVED = {"resolved, not rated", "resolved, rated", "resolved again"}


def test_status_groups(reports):
    assert names(Report.objects.open()) == OPEN
    assert names(Report.objects.handling()) == {"no first reply", "late resolution", "waiting"}
    assert names(Report.objects.live()) == OPEN | RESOLVED
    assert names(Report.objects.answered()) == RESOLVED | {"closed"}
    assert names(Report.objects.awaiting_intake()) == {"late intake", "intake soon"}
    assert names(Report.objects.waiting_for_reporter()) == {"waiting"}
    assert names(Report.objects.in_status_groups("fixed")) == RESOLVED
    assert names(Report.objects.in_status_groups("fixed", "closed")) == RESOLVED | {
        "closed",
        "rejected",
        "duplicate",
    }
    everything = names(Report.objects.all())
    assert names(Report.objects.not_dismissed()) == everything - {"rejected", "duplicate"}


def test_public_means_published_and_not_hidden(reports):
    assert names(Report.objects.public()) == {"no first reply", "waiting", "resolved, not rated"}
    assert all(report.is_public for report in Report.objects.public())
    assert not any(
        report.is_public for report in Report.objects.exclude(pk__in=Report.objects.public())
    )


def test_overdue_follows_the_current_deadline(reports):
    assert names(Report.objects.overdue(NOW)) == {"late intake", "late resolution"}
    # A minute before the intake deadline of 09:00 nothing was overdue yet.
    assert names(Report.objects.overdue(at("2026-03-10 08:59"))) == set()


def test_overdue_counting_a_late_first_reply(reports):
    assert names(Report.objects.overdue(NOW, counting_first_reply=True)) == {
        "late intake",
        "late resolution",
        "no first reply",
    }
    # At 09:29 the first reply (due 09:30) was not late yet; the intake was (due 09:00).
    early = at("2026-03-10 09:29")
    assert names(Report.objects.overdue(early, counting_first_reply=True)) == {"late intake"}


def test_due_soon_and_on_time(reports):
    assert names(Report.objects.due_soon(NOW, until=SOON)) == {"intake soon"}
    assert names(Report.objects.on_time(until=SOON)) == {"no first reply"}
    # With "soon" stretched to Thursday 10:00 the resolution due then is not yet "soon" (the
    # end is excluded); a minute later it is.
    thursday = at("2026-03-12 10:00")
    assert names(Report.objects.due_soon(NOW, until=thursday)) == {"intake soon"}
    assert names(Report.objects.due_soon(NOW, until=thursday + timedelta(minutes=1))) == {
        "intake soon",
        "no first reply",
    }


def test_awaiting_rating_is_about_the_current_answer(reports):
    assert names(Report.objects.awaiting_rating()) == {"resolved, not rated", "resolved again"}


def test_overdue_flag_matches_the_filter(reports):
    flags = dict(
        Report.objects.with_overdue_flag(NOW, counting_first_reply=True).values_list(
            "title", "is_overdue"
        )
    )
    assert {name for name, overdue in flags.items() if overdue} == {
        "late intake",
        "late resolution",
        "no first reply",
    }
