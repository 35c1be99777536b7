"""What the reporter may do now, as their private page offers it."""

from datetime import timedelta

import pytest

from reports.handling import actions
from reports.handling.selectors import ReporterOptions, reporter_options
from reports.models import Rating, ReportEvent
from reports.private_link import private_token

pytestmark = pytest.mark.django_db


def test_nothing_to_do_while_the_agency_works(in_progress):
    assert reporter_options(in_progress, now=in_progress.updated_at) == ReporterOptions()


def test_the_latest_question_waits_for_an_answer(staff, in_progress):
    first = actions.report_request_info(
        report=in_progress, acting_user=staff.officer, question="Nhà số mấy?"
    )
    actions.report_provide_info(report=first, token=private_token(first.tracking_code), text="12")
    second = actions.report_request_info(
        report=first, acting_user=staff.officer, question="Có ảnh chụp ban ngày không?"
    )
    options = reporter_options(second, now=second.updated_at)
    assert options.question.public_message == "Có ảnh chụp ban ngày không?"
    assert options.question == ReportEvent.objects.filter(report=second).latest("id")
    assert not options.can_rate and options.rating is None


def test_rating_the_answer_and_the_dispute_window(resolved):
    resolved_at = resolved.resolved_at
    # Six days later the reporter may still rate, and "not satisfied" would reopen it until
    # seven days after the resolution.
    options = reporter_options(resolved, now=resolved_at + timedelta(days=6))
    assert options == ReporterOptions(can_rate=True, dispute_until=resolved_at + timedelta(days=7))
    # Eight days later the rating no longer reopens anything.
    late = reporter_options(resolved, now=resolved_at + timedelta(days=8))
    assert late == ReporterOptions(can_rate=True, dispute_until=None)


def test_once_rated_the_rating_is_shown(resolved):
    rating = actions.report_rate(
        report=resolved, token=private_token(resolved.tracking_code), value="satisfied"
    )
    options = reporter_options(resolved, now=resolved.resolved_at + timedelta(hours=1))
    assert options.rating == rating and options.rating.value == Rating.Value.SATISFIED
    assert not options.can_rate
