"""The review queue and the task pages: thin, each parses, calls one action or query, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huiliu.accounts.scope import in_scope
from huiliu.core.errors import DomainError
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number, mask_name
from huiliu.core.views import found_or_404, refusal_text
from huiliu.people.models import MaritalStatus

from . import actions, queries
from .forms import CloseFollowUpForm, CloseVerificationForm
from .models import ConflictSubject, TaskStatus

PAGE_SIZE = 25


def _status(request) -> str:
    status = request.GET.get("status", TaskStatus.OPEN)
    return status if status in (*TaskStatus.values, "all") else TaskStatus.OPEN


# --- Review queue ------------------------------------------------------------------------------------


@login_required
def candidate_list(request):
    page = Paginator(queries.list_pending_candidates(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"candidate": c, "left_name": mask_name(c.left_person.name), "right_name": mask_name(c.right_person.name),
             "left_id": mask_id_number(c.left_person.id_number), "right_id": mask_id_number(c.right_person.id_number)}
            for c in page]
    return render(request, "linkage/candidate_list.html", {"page": page, "rows": rows})


@login_required
def candidate_detail(request, candidate_id):
    candidate = found_or_404(queries.access_candidate, request.user, candidate_id)
    may_decide = candidate.decision == "pending" and any(
        in_scope(request.user, code, writing=True)
        for code in (*candidate.left_person.place_codes, *candidate.right_person.place_codes))
    return render(request, "linkage/candidate_detail.html", {
        "candidate": candidate, "comparison": queries.compare_candidate(request.user, candidate),
        "may_decide": may_decide,
    })


def _decide(request, candidate_id, run, done: str):
    candidate = found_or_404(queries.access_candidate, request.user, candidate_id)
    try:
        run(acting_user=request.user, candidate=candidate)
    except DomainError as refusal:
        messages.error(request, refusal_text(refusal))
        return redirect("linkage:candidate", candidate_id=candidate.pk)
    messages.success(request, done)
    return redirect("linkage:candidates")


@login_required
@require_POST
def accept(request, candidate_id):
    return _decide(request, candidate_id, actions.accept_link, _("Accepted: the two records are one person."))


@login_required
@require_POST
def reject(request, candidate_id):
    return _decide(request, candidate_id, actions.reject_link, _("Rejected: the two records are different people."))


# --- Verification tasks ------------------------------------------------------------------------------


def _task_values(task) -> tuple[str, str]:
    if task.subject == ConflictSubject.MARITAL_STATUS:
        label = dict(MaritalStatus.choices)
        return str(label.get(task.left_value, task.left_value)), str(label.get(task.right_value, task.right_value))
    return task.left_value, task.right_value


@login_required
def verification_list(request):
    status = _status(request)
    tasks = queries.list_verification_tasks(user=request.user, status=status)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"task": t, "name": mask_name(t.candidate.left_person.name), "values": _task_values(t)} for t in page]
    return render(request, "linkage/verification_list.html", {"page": page, "rows": rows, "status": status,
                                                               "statuses": TaskStatus.choices})


@login_required
@require_http_methods(["GET", "POST"])
def verification_detail(request, task_id):
    task = found_or_404(queries.access_verification_task, request.user, task_id)
    form = CloseVerificationForm(request.POST or None)
    if submit(request, form, lambda data: actions.close_verification_task(acting_user=request.user, task=task,
                                                                          **data)):
        messages.success(request, _("The task is done."))
        return redirect("linkage:verification_tasks")
    return render(request, "linkage/verification_detail.html", {
        "task": task, "values": _task_values(task), "form": form,
        "may_close": task.status == TaskStatus.OPEN and in_scope(request.user, task.jurisdiction_id, writing=True),
    })


# --- Follow-up tasks ----------------------------------------------------------------------------------


@login_required
def follow_up_list(request):
    status = _status(request)
    page = Paginator(queries.list_follow_ups(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [{"task": t, "name": mask_name(t.migration.person.name)} for t in page]
    return render(request, "linkage/follow_up_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": TaskStatus.choices,
        "days": actions.lost_contact_days(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_detail(request, task_id):
    task = found_or_404(queries.access_follow_up, request.user, task_id)
    form = CloseFollowUpForm(request.POST or None)
    if submit(request, form, lambda data: actions.close_follow_up(acting_user=request.user, task=task, **data)):
        messages.success(request, _("The task is done."))
        return redirect("linkage:follow_ups")
    return render(request, "linkage/follow_up_detail.html", {
        "task": task, "form": form, "outflow": getattr(task.migration, "outflow", None),
        "may_close": task.status == TaskStatus.OPEN and in_scope(request.user, task.jurisdiction_id, writing=True),
    })
