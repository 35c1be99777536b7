"""One page per report: everything about it, and the actions the user's roles allow.

Each action is a POST to its own URL, handled by one function of
``reports.handling.actions``. The report is looked up among the reports the user may see
(404 otherwise), and the action itself re-checks roles and status under a row lock, so a
forged or stale form changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from reports.handling import actions as handling
from reports.intake.uploads import stage_photos
from reports.models import Photo
from reports.permissions import roles_for, staff_required
from reports.staff import forms
from reports.staff.queues import queue_context
from reports.staff.workbench import (
    deadline_rows,
    report_ratings,
    response_templates,
    workbench_report,
    workbench_timeline,
)
from reports.workflow import RULES, NotAllowed, allowed_actions
from services.calendar import current_calendar


@dataclass(frozen=True)
class ActionSpec:
    form: type[forms.ActionForm]
    run: Callable  # (request, report, cleaned_data) -> None
    done: str | Promise
    templated_field: str = ""  # a text field that response templates may fill
    style: str = "primary"


def _accept(request, report, data):
    handling.report_accept(
        report=report,
        acting_user=request.user,
        department=data["department"],
        priority=data["priority"],
    )


def _resolve(request, report, data):
    photos = stage_photos(request, data["photos"], kind=Photo.Kind.AFTER)
    handling.report_resolve(
        report=report, acting_user=request.user, answer=data["answer"], photos=photos
    )


# In the order the workbench offers them: the next step of the work first.
ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(forms.AcceptForm, _accept, _("Accepted and dispatched.")),
    "reject": ActionSpec(
        forms.RejectForm,
        lambda request, report, data: handling.report_reject(
            report=report, acting_user=request.user, reason=data["reason"]
        ),
        _("The report was not accepted."),
        templated_field="reason",
        style="outline-danger",
    ),
    "mark_duplicate": ActionSpec(
        forms.DuplicateForm,
        lambda request, report, data: handling.report_mark_duplicate(
            report=report, acting_user=request.user, original=data["original"], note=data["note"]
        ),
        _("Marked as a duplicate; its followers now follow the original."),
        style="outline-secondary",
    ),
    "start": ActionSpec(
        forms.EmptyActionForm,
        lambda request, report, data: handling.report_start(
            report=report, acting_user=request.user
        ),
        _("Work started."),
    ),
    "request_info": ActionSpec(
        forms.RequestInfoForm,
        lambda request, report, data: handling.report_request_info(
            report=report, acting_user=request.user, question=data["question"]
        ),
        _("The question was sent; the resolution clock is paused until the reporter answers."),
        templated_field="question",
        style="outline-primary",
    ),
    "public_update": ActionSpec(
        forms.PublicUpdateForm,
        lambda request, report, data: handling.report_post_update(
            report=report, acting_user=request.user, message=data["message"]
        ),
        _("The update is published."),
        templated_field="message",
        style="outline-primary",
    ),
    "resolve": ActionSpec(
        forms.ResolveForm,
        _resolve,
        _("Resolved; the reporter is invited to rate the answer."),
        templated_field="answer",
        style="success",
    ),
    "reopen": ActionSpec(
        forms.ReopenForm,
        lambda request, report, data: handling.report_reopen(
            report=report, acting_user=request.user, reason=data["reason"]
        ),
        _("Reopened."),
        style="outline-warning",
    ),
    "close": ActionSpec(
        forms.EmptyActionForm,
        lambda request, report, data: handling.report_close(
            report=report, acting_user=request.user
        ),
        _("Closed."),
        style="outline-secondary",
    ),
    "assign": ActionSpec(
        forms.AssignForm,
        lambda request, report, data: handling.report_assign(
            report=report, acting_user=request.user, assignee=data["assignee"]
        ),
        _("Assignment saved."),
        style="outline-secondary",
    ),
    "transfer": ActionSpec(
        forms.TransferForm,
        lambda request, report, data: handling.report_transfer(
            report=report,
            acting_user=request.user,
            department=data["department"],
            reason=data["reason"],
        ),
        _("Transferred."),
        style="outline-secondary",
    ),
    "set_priority": ActionSpec(
        forms.PriorityForm,
        lambda request, report, data: handling.report_set_priority(
            report=report,
            acting_user=request.user,
            priority=data["priority"],
            reason=data["reason"],
        ),
        _("Priority saved; the deadline follows it."),
        style="outline-secondary",
    ),
    "extend": ActionSpec(
        forms.ExtendForm,
        lambda request, report, data: handling.report_extend_deadline(
            report=report,
            acting_user=request.user,
            working_days=data["working_days"],
            reason=data["reason"],
        ),
        _("Deadline extended."),
        style="outline-warning",
    ),
    "note": ActionSpec(
        forms.NoteForm,
        lambda request, report, data: handling.report_add_note(
            report=report, acting_user=request.user, text=data["text"]
        ),
        _("Note added."),
        style="outline-secondary",
    ),
}


def _render(
    request, report, *, bound: forms.ActionForm | None = None, action: str = "", status=200
):
    access = request.staff
    roles = roles_for(request.user, report)
    permitted = set(allowed_actions(status=report.status, roles=roles))
    allowed = [name for name in ACTIONS if name in permitted]
    action_forms = []
    for name in allowed:
        spec = ACTIONS[name]
        form = (
            bound
            if name == action and bound is not None
            else spec.form(report=report, user=request.user, prefix=name)
        )
        action_forms.append(
            {
                "name": name,
                "label": RULES[name].label,
                "form": form,
                "spec": spec,
                # The form that failed, or else the next step of the work, starts open.
                "open": name == action or (not action and name == allowed[0]),
            }
        )
    ctx = queue_context(access, now=timezone.now(), calendar=current_calendar())
    events, photos_by_kind = workbench_timeline(
        report, show_reporter=access.may_see_reporter(report)
    )
    return render(
        request,
        "staff/report.html",
        {
            "report": report,
            "events": events,
            "photos_by_kind": photos_by_kind,
            "deadlines": deadline_rows(report, now=ctx.now, soon=ctx.soon),
            "ratings": report_ratings(report),
            "show_reporter": access.may_see_reporter(report),
            "action_forms": action_forms,
            "response_templates": response_templates(report)
            if any(item["spec"].templated_field for item in action_forms)
            else [],
            "read_only": not action_forms,
        },
        status=status,
    )


@require_GET
@staff_required
def report_workbench(request, code: str):
    report = workbench_report(request.user, code)
    if report is None:
        raise Http404
    return _render(request, report)


@require_POST
@staff_required
def report_action(request, code: str, action: str):
    spec = ACTIONS.get(action)
    report = workbench_report(request.user, code)
    if spec is None or report is None:
        raise Http404
    form = spec.form(request.POST, request.FILES, report=report, user=request.user, prefix=action)
    if not form.is_valid():
        return _render(request, report, bound=form, action=action, status=400)
    try:
        spec.run(request, report, form.cleaned_data)
    except NotAllowed as refusal:
        messages.error(request, refusal.message)
        report = workbench_report(request.user, code)
        if report is None:  # e.g. just transferred away by someone else
            return redirect("staff:reports")
        return _render(request, report, status=403)
    except ValidationError as invalid:
        for message in invalid.messages:
            form.add_error(None, message)
        return _render(request, report, bound=form, action=action, status=400)
    messages.success(request, spec.done)
    if workbench_report(request.user, code) is None:
        # Transferred out of the user's agencies: the report is no longer theirs to see.
        return redirect("staff:reports")
    return redirect("staff:report", code=code)
