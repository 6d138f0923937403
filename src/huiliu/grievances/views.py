"""The grievance pages: thin, each parses, calls one action or query, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from huiliu.accounts.scope import in_scope, jurisdiction_ranges
from huiliu.audit.actions import record_event
from huiliu.audit.context import client_of_request
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import DomainError
from huiliu.core.forms import submit
from huiliu.core.identity import mask_name, mask_phone
from huiliu.core.ratelimit import (
    count_failed_guess,
    guesses_exhausted,
)
from huiliu.core.views import found_or_404, refused_past_rate
from huiliu.jurisdictions.queries import full_names

from . import actions, queries
from .forms import (
    CloseForm,
    FilterForm,
    ForumForm,
    GrievanceForm,
    ReassignForm,
    ResolveForm,
    StaffGrievanceForm,
    TrackForm,
)
from .models import GrievanceKind, GrievanceStatus

PAGE_SIZE = 25
# The tracking number and check code of the public's last filing, shown again on the page it is sent to.
FILED_KEY = "grievance_filed"
# Failed guesses at one tracking number are counted here, across all clients (core.ratelimit).
TRACK_GUESS_PAGE = "grievance_guess"


def _or_404(request, grievance_id):
    return found_or_404(queries.access_grievance, request.user, grievance_id)


def _refusal_text(refusal: DomainError) -> str:
    errors = getattr(refusal, "errors", None)
    return " ".join(m for messages_ in errors.values() for m in messages_) if errors else str(refusal)


# --- Public pages (no account) ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_file(request):
    refused = refused_past_rate(request, client=client_of_request(request), page="grievance_file")
    if refused:
        return refused
    form = GrievanceForm(request.POST or None)
    filed = submit(request, form, lambda data: actions.file_grievance(acting_user=None, **data))
    if filed:
        # Post, redirect, get: reloading the next page never files it twice.
        request.session[FILED_KEY] = {"number": filed.grievance.tracking_number, "code": filed.check_code,
                                      "deadline": filed.grievance.deadline.isoformat()}
        return redirect("grievances_public:filed")
    return render(request, "grievances/public_file.html", {"form": form})


@never_cache
def public_filed(request):
    filed = request.session.get(FILED_KEY)
    if not filed:
        return redirect("grievances_public:file")
    return render(request, "grievances/public_filed.html", {"filed": filed})


@never_cache
@require_http_methods(["GET", "POST"])
def public_track(request):
    refused = refused_past_rate(request, client=client_of_request(request), page="grievance_track")
    if refused:
        return refused
    form = TrackForm(request.POST or None)
    found = submit(request, form, lambda data: _track(**data) or False)
    return render(request, "grievances/public_track.html", {
        "form": form, "found": found or None, "not_found": found is False,
    })


def _track(tracking_number: str, check_code: str):
    """track_grievance, unless this number has used up its failed guesses: then "not found", unchecked."""
    number = queries.normalize_tracking_number(tracking_number)
    if guesses_exhausted(number=number, page=TRACK_GUESS_PAGE):
        return None
    found = queries.track_grievance(tracking_number=number, check_code=check_code)
    if found is None and count_failed_guess(number=number, page=TRACK_GUESS_PAGE):
        record_event(actor=None, event="guess_limit", object_type=actions.OBJECT_TYPE, object_id=number[:64],
                     outcome=AuditEvent.Outcome.DENIED, detail={"page": "grievance_track"})
    return found


# --- Staff pages -----------------------------------------------------------------------------


@login_required
def grievance_list(request):
    filters = FilterForm(request.GET)
    filters.is_valid()  # an unknown kind or status is dropped and the list shown unfiltered
    kind = filters.cleaned_data.get("kind", "")
    status = filters.cleaned_data.get("status", "")
    overdue = bool(filters.cleaned_data.get("overdue"))
    grievances = queries.list_grievances(user=request.user, kind=kind, status=status, overdue=overdue)
    page = Paginator(grievances.select_related("owner"), PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names(g.place_id for g in page)
    rows = [{"grievance": g, "place": names.get(g.place_id, ""), "masked_name": mask_name(g.name)} for g in page]
    return render(request, "grievances/list.html", {
        "page": page, "rows": rows, "kind": kind, "status": status, "overdue": overdue,
        "kinds": GrievanceKind.choices, "statuses": GrievanceStatus.choices,
        "overdue_count": queries.count_overdue(user=request.user),
    })


@login_required
def grievance_detail(request, grievance_id):
    grievance = _or_404(request, grievance_id)
    acts_here = in_scope(request.user, grievance.owner_id, writing=True) and grievance.is_open
    names = full_names([grievance.place_id, grievance.owner_id])
    steps = list(queries.list_steps(grievance))
    step_names = full_names(code for s in steps for code in (s.from_owner, s.to_owner))
    return render(request, "grievances/detail.html", {
        "grievance": grievance, "names": names, "steps": steps, "step_names": step_names,
        "may_take": acts_here and grievance.status == GrievanceStatus.RECEIVED,
        "may_close": acts_here,
        "may_reassign": grievance.is_open and actions.may_reassign(request.user, grievance),
        "masked_phone": mask_phone(grievance.phone),
        # The registry's record is linked only for those who may read it.
        "person_link": grievance.person is not None and (
            in_scope(request.user, grievance.person.household_jurisdiction_id)
            or in_scope(request.user, grievance.person.residence_jurisdiction_id)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def file_for_person(request):
    form = StaffGrievanceForm(request.POST or None)
    filed = submit(request, form, lambda data: actions.file_grievance(acting_user=request.user, **data))
    if filed:
        messages.success(request, _("Filed as %(number)s. Tell the person the tracking number and the check code "
                                    "%(code)s: the code is shown only this once.")
                         % {"number": filed.grievance.tracking_number, "code": filed.check_code})
        if not queries.is_visible(request.user, filed.grievance):  # about staff: only the owner's line sees it
            return redirect("grievances:list")
        return redirect("grievances:detail", grievance_id=filed.grievance.pk)
    return render(request, "grievances/form.html", {"form": form, "title": _("File a grievance for a person"),
                                                    "place_fields": "place_code"})


@login_required
@require_POST
def take_in_hand(request, grievance_id):
    grievance = _or_404(request, grievance_id)
    try:
        actions.take_grievance_in_hand(acting_user=request.user, grievance=grievance)
    except DomainError as refusal:
        messages.error(request, _refusal_text(refusal))
    else:
        messages.success(request, _("Taken in hand."))
    return redirect("grievances:detail", grievance_id=grievance.pk)


def _closing_page(request, grievance_id, form_class, run, *, title: str, done: str):
    grievance = _or_404(request, grievance_id)
    form = form_class(request.POST or None)
    if submit(request, form, lambda data: run(grievance, data)):
        messages.success(request, done)
        return redirect("grievances:detail", grievance_id=grievance.pk)
    return render(request, "grievances/form.html", {"form": form, "title": title, "grievance": grievance})


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request, grievance_id):
    return _closing_page(request, grievance_id, ResolveForm, lambda grievance, data: actions.resolve_grievance(
        acting_user=request.user, grievance=grievance, **data),
        title=_("Resolve the grievance"), done=_("Resolved."))


@login_required
@require_http_methods(["GET", "POST"])
def close_unresolved(request, grievance_id):
    return _closing_page(request, grievance_id, CloseForm, lambda grievance, data: actions.close_grievance_unresolved(
        acting_user=request.user, grievance=grievance, **data),
        title=_("Close unresolved"), done=_("Closed unresolved."))


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request, grievance_id):
    grievance = _or_404(request, grievance_id)
    if not actions.may_reassign(request.user, grievance):
        try:  # the action refuses, and audits the refusal
            actions.reassign_grievance(acting_user=request.user, grievance=grievance, owner_code=None)
        except DomainError as refusal:
            messages.error(request, _refusal_text(refusal))
        return redirect("grievances:detail", grievance_id=grievance.pk)
    owners = queries.list_reassign_targets(user=request.user, grievance=grievance)
    form = ReassignForm(request.POST or None, owners=owners)
    if submit(request, form, lambda data: actions.reassign_grievance(
            acting_user=request.user, grievance=grievance, **data)):
        messages.success(request, _("Reassigned."))
        return redirect("grievances:detail", grievance_id=grievance.pk)
    return render(request, "grievances/form.html", {"form": form, "title": _("Reassign the grievance"),
                                                    "grievance": grievance})


# --- Forums ----------------------------------------------------------------------------------


def _host_choices(user) -> list[tuple[int, str]]:
    mine = sorted({low for low, _high in jurisdiction_ranges(user, writing=True)})
    names = full_names(mine)
    return [(code, names.get(code, str(code))) for code in mine]


@login_required
def forum_list(request):
    forums = list(queries.list_forums(user=request.user).select_related("host", "place"))
    names = full_names(f.place_id for f in forums)
    return render(request, "grievances/forum_list.html", {
        "rows": [{"forum": f, "place": names.get(f.place_id, "")} for f in forums],
    })


@login_required
def forum_detail(request, forum_id):
    forum = found_or_404(queries.access_forum, request.user, forum_id)
    names = full_names([forum.place_id, forum.host_id])
    return render(request, "grievances/forum_detail.html", {
        "forum": forum, "names": names,
        "suggestions": queries.list_forum_suggestions(user=request.user, forum=forum),
    })


@login_required
@require_http_methods(["GET", "POST"])
def record_forum(request):
    hosts = _host_choices(request.user)
    form = ForumForm(request.POST or None, hosts=hosts)
    forum = submit(request, form, lambda data: actions.record_forum(
        acting_user=request.user, **{**data, "suggestions": (data["suggestions"] or "").splitlines()}))
    if forum:
        messages.success(request, _("Forum recorded; each suggestion now has its tracking number."))
        return redirect("grievances:forum_detail", forum_id=forum.pk)
    return render(request, "grievances/form.html", {"form": form, "title": _("Record a forum"),
                                                    "place_fields": "place_code", "forums": True})
