"""Who holds which role towards which report, who sees which reports, and who may be
assigned one."""

from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import StaffMembership, User
from reports.handling.actions import report_accept, report_assign, report_transfer
from reports.permissions import assignable_users, roles_for, staff_access, visible_reports_for
from reports.workflow import (
    ADMINISTRATOR,
    HELPER,
    HOTLINE,
    INTAKE,
    LEADER,
    MANAGER,
    OFFICER,
    REPORTER,
)
from services.models import Commune, Department
from tests.factories import StaffMembershipFactory, SubmittedReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def _roles(staff, report):
    return {
        name: roles_for(getattr(staff, name), report)
        for name in ("intake", "officer", "manager", "other_officer", "leader", "citizen")
    }


def test_roles_on_a_submitted_report(staff, submitted):
    assert _roles(staff, submitted) == {
        "intake": {INTAKE},
        "officer": set(),
        "manager": set(),
        "other_officer": set(),
        "leader": {LEADER},
        "citizen": set(),
    }


def test_roles_follow_the_responsible_agency(staff, accepted):
    assert _roles(staff, accepted) == {
        "intake": {INTAKE},
        "officer": {OFFICER},
        "manager": {MANAGER},
        "other_officer": set(),
        "leader": {LEADER},
        "citizen": set(),
    }
    moved = report_transfer(
        report=accepted, acting_user=staff.manager, department=staff.other_agency, reason="x"
    )
    roles = _roles(staff, moved)
    assert roles["officer"] == set() and roles["manager"] == set()
    assert roles["other_officer"] == {OFFICER}


def test_reporter_account_and_superuser(staff):
    report = SubmittedReportFactory(commune=staff.commune, reporter=staff.citizen)
    admin = UserFactory(email="admin@camau.gov.vn", is_staff=True, is_superuser=True)
    assert roles_for(staff.citizen, report) == {REPORTER}
    assert roles_for(admin, report) == {ADMINISTRATOR}
    assert staff_access(admin).is_read_only


def test_several_agencies(staff):
    StaffMembershipFactory(
        user=staff.officer, department=staff.other_agency, role=StaffMembership.Role.AGENCY_MANAGER
    )
    mine = report_accept(
        report=SubmittedReportFactory(commune=staff.commune), acting_user=staff.intake
    )
    other = report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )
    officer = type(staff.officer).objects.get(pk=staff.officer.pk)
    assert roles_for(officer, mine) == {OFFICER}
    assert roles_for(officer, other) == {MANAGER}
    assert set(visible_reports_for(officer)) == {mine, other}


def test_visibility(staff, submitted, accepted):
    elsewhere = report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )
    assert set(visible_reports_for(staff.intake)) == {accepted, elsewhere}
    assert set(visible_reports_for(staff.leader)) == {accepted, elsewhere}
    assert set(visible_reports_for(staff.officer)) == {accepted}
    assert set(visible_reports_for(staff.other_officer)) == {elsewhere}
    assert not visible_reports_for(staff.citizen).exists()


def test_inactive_agency_or_user_loses_access(staff, accepted):
    staff.committee.is_active = False
    staff.committee.save()
    officer = type(staff.officer).objects.get(pk=staff.officer.pk)
    assert roles_for(officer, accepted) == set()
    leader = type(staff.leader).objects.get(pk=staff.leader.pk)
    leader.is_active = False
    assert roles_for(leader, accepted) == set()


def test_reporter_details_visible_to_intake_and_consenting_agency(staff, accepted):
    assert staff_access(staff.intake).may_see_reporter(accepted)
    assert not staff_access(staff.leader).may_see_reporter(accepted)
    assert not staff_access(staff.officer).may_see_reporter(accepted)
    accepted.contact_allowed = True
    assert staff_access(staff.officer).may_see_reporter(accepted)
    assert not staff_access(staff.other_officer).may_see_reporter(accepted)


# --- who may be assigned ---------------------------------------------------------------------

Role = StaffMembership.Role


@pytest.fixture
def crew(catalogue):
    """Hand-made memberships around one commune's committee, each testing one part of the rule."""
    committee = Commune.objects.order_by("code").first().committee
    ioc = Department.objects.get(code="IOC")
    sxd = Department.objects.get(code="SXD")
    closed = Department.objects.exclude(pk__in=[committee.pk, ioc.pk, sxd.pk]).first()
    closed.is_active = False
    closed.save(update_fields=["is_active"])

    def person(email, *memberships, **fields):
        user = UserFactory(email=email, is_staff=True, **fields)
        for role, department in memberships:
            StaffMembershipFactory(user=user, role=role, department=department)
        return user

    return SimpleNamespace(
        committee=committee,
        ioc=ioc,
        sxd=sxd,
        officer=person("an@camau.gov.vn", (Role.AGENCY_OFFICER, committee)),
        manager=person("binh@camau.gov.vn", (Role.AGENCY_MANAGER, committee)),
        # An intake officer seconded to the committee works its reports like an officer.
        seconded=person("chi@camau.gov.vn", (Role.INTAKE_OFFICER, committee)),
        departed=person("dung@camau.gov.vn", (Role.AGENCY_OFFICER, committee), is_active=False),
        intake=person("ha@camau.gov.vn", (Role.INTAKE_OFFICER, ioc)),
        elsewhere=person("giang@camau.gov.vn", (Role.AGENCY_OFFICER, sxd)),
        closed_agency=person("khoa@camau.gov.vn", (Role.AGENCY_OFFICER, closed)),
        leader=person("lam@camau.gov.vn", (Role.LEADER, None)),
        citizen=UserFactory(email="mai@example.vn"),
    )


def _everyone(crew):
    return [value for value in vars(crew).values() if isinstance(value, User)]


def _emails(users):
    return {user.email for user in users}


class _Options(HTMLParser):
    """The values of the non-empty options of every <select>, by the select's name."""

    def __init__(self, html):
        super().__init__()
        self.by_select, self._current = {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._current = self.by_select.setdefault(attrs["name"], set())
        elif tag == "option" and self._current is not None and attrs.get("value"):
            self._current.add(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._current = None


def _choices(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    client.logout()
    return _Options(response.content.decode()).by_select


def _emails_of(crew, ids):
    return {user.email for user in _everyone(crew) if str(user.pk) in ids}


def _accepted(crew, department):
    report = SubmittedReportFactory(commune=Commune.objects.order_by("code").first())
    return report_accept(report=report, acting_user=crew.intake, department=department)


def _accepted_by_the_action(crew, report):
    taken = set()
    for user in _everyone(crew):
        try:
            report_assign(report=report, acting_user=crew.intake, assignee=user)
        except ValidationError:
            continue
        taken.add(user.email)
    return taken


COMMITTEE_TEAM = {"an@camau.gov.vn", "binh@camau.gov.vn", "chi@camau.gov.vn"}


def test_the_agencys_officers_and_managers_for_its_reports(crew):
    report = _accepted(crew, crew.committee)
    assert _emails(assignable_users(report=report)) == COMMITTEE_TEAM
    assert _emails(assignable_users(department=crew.committee)) == COMMITTEE_TEAM
    assert _emails(assignable_users(department=crew.committee.pk)) == COMMITTEE_TEAM
    # The intake centre's officers for the reports the centre handles itself.
    assert _emails(assignable_users(report=_accepted(crew, crew.ioc))) == {"ha@camau.gov.vn"}


def test_nobody_before_dispatch_and_nobody_in_an_inactive_agency(crew):
    submitted = SubmittedReportFactory(commune=Commune.objects.order_by("code").first())
    assert list(assignable_users(report=submitted)) == []
    closed = Department.objects.get(is_active=False)
    assert list(assignable_users(department=closed)) == []


def test_anyone_assignable_anywhere_or_in_some_agencies(crew):
    assert _emails(assignable_users()) == COMMITTEE_TEAM | {
        "ha@camau.gov.vn",
        "giang@camau.gov.vn",
    }
    assert _emails(assignable_users(departments=[crew.sxd.pk, crew.ioc.pk])) == {
        "ha@camau.gov.vn",
        "giang@camau.gov.vn",
    }
    with pytest.raises(TypeError):
        assignable_users(department=crew.sxd, departments=[crew.ioc.pk])


def test_the_action_the_form_and_the_list_offer_the_same_people(client, crew):
    report = _accepted(crew, crew.committee)
    workbench = reverse("staff:report", args=[report.tracking_code])

    # Intake assigns within the handling agency; the agency's officer sees the same choices.
    for user in (crew.intake, crew.officer):
        form_choices = _choices(client, user, workbench)["assign-assignee"]
        assert _emails_of(crew, form_choices) == COMMITTEE_TEAM
    # The officer's list filter and bulk assignment offer their agency's team.
    lists = _choices(client, crew.officer, reverse("staff:reports"))
    assert _emails_of(crew, lists["assigned_to"]) == COMMITTEE_TEAM
    assert _emails_of(crew, lists["assignee"]) == COMMITTEE_TEAM
    # Intake's lists span every agency: everyone assignable somewhere.
    lists = _choices(client, crew.intake, reverse("staff:reports"))
    anywhere = COMMITTEE_TEAM | {"ha@camau.gov.vn", "giang@camau.gov.vn"}
    assert _emails_of(crew, lists["assigned_to"]) == anywhere
    assert _emails_of(crew, lists["assignee"]) == anywhere
    # And the action accepts exactly the people the form offers.
    assert _accepted_by_the_action(crew, report) == COMMITTEE_TEAM


# --- hotline operators and community helpers ----------------------------------------------


@pytest.fixture
def entry_staff(staff):
    operator = UserFactory(email="hotline@camau.gov.vn", is_staff=True)
    StaffMembershipFactory(user=operator, role=Role.HOTLINE_OPERATOR, department=staff.ioc)
    helper = UserFactory(email="helper@camau.gov.vn", is_staff=True)
    StaffMembershipFactory(user=helper, role=Role.COMMUNITY_HELPER, commune=staff.commune)
    return SimpleNamespace(operator=operator, helper=helper)


def test_operator_and_helper_roles(staff, entry_staff, accepted):
    elsewhere = SubmittedReportFactory(
        commune=Commune.objects.exclude(pk=staff.commune.pk).order_by("code").first()
    )
    assert roles_for(entry_staff.operator, accepted) == {HOTLINE}
    assert roles_for(entry_staff.helper, accepted) == {HELPER}
    assert roles_for(entry_staff.helper, elsewhere) == set()
    for user in (entry_staff.operator, entry_staff.helper):
        access = staff_access(user)
        assert access.is_staff_member and access.enters_only and access.is_read_only
        assert access.may_enter_reports and not access.sees_all
        assert not visible_reports_for(user).exists()  # no workbench, no internal notes
        assert not access.may_see_reporter(accepted)
    assert staff_access(entry_staff.operator).entry_channels == (
        "hotline",
        "zalo",
        "walk_in",
        "email",
    )
    assert staff_access(entry_staff.operator).entry_communes is None
    assert staff_access(entry_staff.helper).entry_channels == ("helper",)
    assert staff_access(entry_staff.helper).entry_communes == {staff.commune.pk}


def test_the_intake_centre_also_enters_reports_and_keeps_its_queue(staff):
    access = staff_access(staff.intake)
    assert access.may_enter_reports and not access.enters_only
    assert not staff_access(staff.officer).may_enter_reports
    assert not staff_access(staff.leader).may_enter_reports


def test_who_entered_a_report_sees_the_resident(staff, entry_staff):
    from reports.intake.actions import report_submit

    report = report_submit(
        category=SubmittedReportFactory(commune=staff.commune).category,
        commune=staff.commune,
        title="Đèn đường tắt",
        description="Đèn đường trước chợ tắt ba đêm nay.",
        reporter_name="Bà Sáu",
        reporter_phone="0912345678",
        source="helper",
        entered_by=entry_staff.helper,
        acting_user=entry_staff.helper,
    )
    assert staff_access(entry_staff.helper).may_see_reporter(report)
    assert not staff_access(entry_staff.operator).may_see_reporter(report)
    assert roles_for(entry_staff.helper, report) == {HELPER}  # never REPORTER


def test_helpers_are_never_assignable(staff, entry_staff):
    assert not (
        {entry_staff.helper.email, entry_staff.operator.email} & _emails(assignable_users())
    )
