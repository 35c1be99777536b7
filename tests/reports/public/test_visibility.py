"""What the public may learn of a report that is not public."""

import pytest

from reports.handling import actions
from reports.handling.moderation import report_hide
from reports.public.visibility import PublicOutcome, public_outcome
from tests.factories import SubmittedReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_nothing_of_a_report_awaiting_intake(submitted):
    assert public_outcome(submitted) is None


def test_a_public_report_shows_itself_instead(accepted):
    assert accepted.is_public and public_outcome(accepted) is None


def test_the_reason_of_a_rejected_report(staff, submitted):
    rejected = actions.report_reject(
        report=submitted, acting_user=staff.intake, reason="Không thuộc thẩm quyền."
    )
    assert public_outcome(rejected) == PublicOutcome(
        status="rejected", reason="Không thuộc thẩm quyền."
    )


def test_the_original_of_a_duplicate(staff, submitted, accepted):
    duplicate = actions.report_mark_duplicate(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        original=accepted,
    )
    assert public_outcome(duplicate) == PublicOutcome(status="duplicate", original=accepted)


def test_nothing_of_a_hidden_report(staff, submitted):
    rejected = actions.report_reject(
        report=submitted, acting_user=staff.intake, reason="Không thuộc thẩm quyền."
    )
    moderator = UserFactory(email="moderator@camau.gov.vn", is_staff=True, is_superuser=True)
    hidden = report_hide(report=rejected, acting_user=moderator, reason="Nội dung xúc phạm.")
    assert public_outcome(hidden) is None
