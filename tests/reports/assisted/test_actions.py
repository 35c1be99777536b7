"""``report_submit`` with ``entered_by``: the rules hold whoever calls the action."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import Report

pytestmark = pytest.mark.django_db


def test_nobody_without_an_entry_role_enters_for_someone_else(desk, enter):
    for user in (desk.officer, desk.leader, desk.citizen):
        with pytest.raises(PermissionDenied):
            enter(by=user)
    assert not Report.objects.exists()


def test_each_role_records_only_its_channels(desk, enter):
    with pytest.raises(ValidationError) as refused:
        enter(by=desk.helper, source="hotline")
    assert "source" in refused.value.message_dict
    with pytest.raises(ValidationError):
        enter(by=desk.operator, source="helper")
    with pytest.raises(ValidationError):
        enter(by=desk.operator, source="web")
    assert not Report.objects.exists()


def test_a_helper_enters_for_their_commune_only(desk, enter):
    with pytest.raises(ValidationError) as refused:
        enter(by=desk.helper, source="helper", commune=desk.other_commune)
    assert "commune" in refused.value.message_dict
    # The hotline desk serves the whole province.
    assert enter(commune=desk.other_commune).commune == desk.other_commune


def test_an_entry_needs_a_way_to_tell_the_resident(desk, enter):
    with pytest.raises(ValidationError) as refused:
        enter(reporter_phone="", reporter_email="")
    assert "reporter_phone" in refused.value.message_dict


def test_the_resident_with_a_confirmed_account_gets_the_report_in_it(desk, enter):
    desk.citizen.email_verified = True
    desk.citizen.save()
    report = enter(reporter_email=desk.citizen.email)
    assert report.reporter == desk.citizen
    assert report.entered_by == desk.operator


def test_the_operator_is_never_the_reporter_even_with_their_own_email(desk, enter):
    report = enter(reporter_email="", reporter_phone="0912345678")
    assert report.reporter is None
    assert report.reporter_email == ""
    assert report.reporter_name == "Bà Nguyễn Thị Sáu"
