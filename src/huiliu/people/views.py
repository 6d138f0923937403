import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.accounts.scope import in_scope
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.core.forms import show_domain_errors, submit
from huiliu.core.identity import mask_id_number, mask_phone
from huiliu.core.views import found_or_404
from huiliu.jurisdictions.queries import full_names

from . import actions, queries
from .forms import (
    ArrivalForm,
    ChildForm,
    CloseMigrationForm,
    DepartureForm,
    LeftBehindChildRows,
    LeftBehindElderRows,
    LeftBehindRelativeForm,
    LeftBehindVisitForm,
    PersonEditForm,
    PersonForm,
    TakeOffRollForm,
    filled_rows,
)
from .models import LeftBehindKind, is_minor_on

PAGE_SIZE = 25


def _person_or_404(request, person_id):
    return found_or_404(queries.access_person, request.user, person_id)


def _submit(request, form, action, **fixed):
    """Run one action as the user with the form's data and the fixed arguments."""
    return submit(request, form, lambda data: action(acting_user=request.user, **fixed, **data))


@login_required
def person_list(request):
    query = request.GET.get("q", "")
    page = Paginator(queries.list_persons(user=request.user, query=query).select_related(
        "household_jurisdiction", "residence_jurisdiction"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, mask_id_number(p.id_number), mask_phone(p.phone)) for p in page]
    return render(request, "people/person_list.html", {"page": page, "rows": rows, "query": query})


@login_required
def person_detail(request, person_id):
    person = _person_or_404(request, person_id)
    moves = list(queries.list_migrations_of(person))
    codes_shown = [person.household_jurisdiction_id, person.residence_jurisdiction_id]
    for move in moves:
        codes_shown += [move.origin_jurisdiction_id, move.destination_jurisdiction_id]
    return render(request, "people/person_detail.html", {
        "person": person, "moves": moves, "names": full_names(codes_shown),
        "children": list(person.children.all()),
        "left_behind": queries.list_left_behind_of(person, user=request.user),
        "is_away": any(move.is_open for move in moves),
        # Only the household place registers a departure; either side may edit or close a move.
        "acts_as_origin": in_scope(request.user, person.household_jurisdiction_id, writing=True),
    })


@login_required
@require_http_methods(["GET", "POST"])
def register_person(request):
    form = PersonForm(request.POST or None)
    person = _submit(request, form, actions.register_person)
    if person:
        messages.success(request, _("Registered %(name)s.") % {"name": person.name})
        return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "title": _("Register a resident")})


@login_required
@require_http_methods(["GET", "POST"])
def register_arrival(request):
    form = ArrivalForm(request.POST or None)
    migration = _submit(request, form, actions.register_inflow)
    if migration:
        messages.success(request, _("Arrival registered."))
        return redirect("people:person_detail", person_id=migration.person_id)
    return render(request, "people/form.html", {"form": form, "title": _("Register an arrival")})


def _form_about_person(request, about, form, action, *, done: str, title: str, **fixed):
    """A form page about one person: run the action on a valid POST, then back to the person's page."""
    if _submit(request, form, action, **fixed):
        messages.success(request, done)
        return redirect("people:person_detail", person_id=about.pk)
    return render(request, "people/form.html", {"form": form, "person": about, "title": title})


ROW_ERROR = re.compile(r"(children|elders)-(\d+)-(\w+)")


def _recorded_minors(person) -> list[dict]:
    """The person's recorded children still minors: the first rows of the left-behind children, to confirm or strike."""
    today = timezone.localdate()
    return [{"name": c.name, "sex": c.sex, "birth_date": c.birth_date}
            for c in person.children.all() if is_minor_on(c.birth_date, today)]


@login_required
@require_http_methods(["GET", "POST"])
def register_departure(request, person_id):
    person = _person_or_404(request, person_id)
    data = request.POST or None
    form = DepartureForm(data)
    rows = {"children": LeftBehindChildRows(_rows_posted(data, "children"), prefix="children",
                                            initial=None if data else _recorded_minors(person)),
            "elders": LeftBehindElderRows(_rows_posted(data, "elders"), prefix="elders")}
    if request.method == "POST" and all([form.is_valid()] + [rows[k].is_valid() or not rows[k].is_bound for k in rows]):
        try:
            actions.register_outflow(acting_user=request.user, person=person, **form.cleaned_data,
                                     left_behind_children=filled_rows(rows["children"]),
                                     left_behind_elders=filled_rows(rows["elders"]))
        except ValidationFailed as failure:
            _show_row_errors(form, rows, failure)
        except PermissionDenied as denial:
            form.add_error(None, str(denial))
        else:
            messages.success(request, _("Departure registered."))
            return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/departure_form.html", {
        "form": form, "children": rows["children"], "elders": rows["elders"], "person": person,
        "title": _("Register a departure")})


def _rows_posted(data, prefix: str):
    """The posted rows of one set, or None (no rows) when a client posted the departure without that set."""
    return data if data is not None and f"{prefix}-TOTAL_FORMS" in data else None


def _show_row_errors(form, rows: dict, failure: ValidationFailed) -> None:
    """A row's problem is listed above the form (its message names the row) and marks the field in its row."""
    rest = {}
    for key, problems in failure.errors.items():
        match = ROW_ERROR.fullmatch(key)
        if match and int(match[2]) < len(rows[match[1]].forms):
            row_form = rows[match[1]].forms[int(match[2])]
            if match[3] in row_form.fields:
                row_form.add_error(match[3], problems)
        rest.setdefault("__all__" if match else key, []).extend(problems)
    show_domain_errors(form, ValidationFailed(rest))


@login_required
@require_http_methods(["GET", "POST"])
def edit_person(request, person_id):
    person = _person_or_404(request, person_id)
    initial = {name: getattr(person, name) for name in actions.EDITABLE_PERSON_FIELDS}
    return _form_about_person(request, person, PersonEditForm(request.POST or None, initial=initial),
                              actions.update_person, person=person, done=_("Saved."), title=_("Edit person"))


@login_required
@require_http_methods(["GET", "POST"])
def add_child(request, person_id):
    person = _person_or_404(request, person_id)
    return _form_about_person(request, person, ChildForm(request.POST or None), actions.record_child,
                              person=person, done=_("Child added."), title=_("Add a child"))


@login_required
@require_http_methods(["GET", "POST"])
def close_migration(request, migration_id):
    migration = found_or_404(queries.access_migration, request.user, migration_id)
    return _form_about_person(request, migration.person, CloseMigrationForm(request.POST or None),
                              actions.close_migration, migration=migration, done=_("The move has been closed."),
                              title=_("Close a move"))


# --- Left-behind children and elders ----------------------------------------------------------------------

ROLL_PAGE_SIZE = 50


def _years_old(born, today) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@login_required
def left_behind_roll(request):
    today = timezone.localdate()
    kind, due = request.GET.get("kind", ""), request.GET.get("due", "")
    page = Paginator(queries.list_left_behind(user=request.user, kind=kind, due=due, today=today),
                     ROLL_PAGE_SIZE).get_page(request.GET.get("page"))
    places = {}
    for relative in page:
        for member in relative.family_away.all():
            places[member.pk] = queries.where_now(member)
    names = full_names(places.values())
    rows = [{
        "relative": r, "age": _years_old(r.birth_date, today), "carer_phone": mask_phone(r.carer_phone),
        "family": [(m, names.get(places[m.pk]) if places[m.pk] else None) for m in r.family_away.all()],
        "overdue": r.next_visit_due < today,
    } for r in page]
    return render(request, "people/left_behind_roll.html", {
        "page": page, "rows": rows, "kind": kind, "due": due, "figures": queries.count_left_behind(user=request.user),
        "kinds": LeftBehindKind.choices})


@login_required
@require_http_methods(["GET", "POST"])
def left_behind_detail(request, relative_id):
    relative = found_or_404(queries.access_left_behind_relative, request.user, relative_id)
    may_write = in_scope(request.user, relative.jurisdiction_id, writing=True)
    form = LeftBehindVisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    # A POST from a user who may not write reaches the action, which refuses it and audits the refusal.
    if _submit(request, form, actions.record_left_behind_visit, relative=relative):
        messages.success(request, _("Visit recorded."))
        return redirect("people:left_behind_detail", relative_id=relative.pk)
    today = timezone.localdate()
    family = [(m, queries.where_now(m)) for m in relative.family_away.all()]
    return render(request, "people/left_behind_detail.html", {
        "relative": relative, "visits": list(queries.list_visits_to(relative)), "form": form, "may_write": may_write,
        "family": family, "names": full_names([code for _m, code in family] + [relative.jurisdiction_id]),
        "age": _years_old(relative.birth_date, today),
        "on_roll": queries.is_on_left_behind_roll(relative, today=today),
        "overdue": relative.next_visit_due < today, "off_roll_form": TakeOffRollForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit_left_behind(request, relative_id):
    relative = found_or_404(queries.access_left_behind_relative, request.user, relative_id)
    only = actions.LEFT_BEHIND_FIELDS[relative.kind]
    form = LeftBehindRelativeForm(request.POST or None, only=only,
                                  initial={name: getattr(relative, name) for name in only})
    if _submit(request, form, actions.update_left_behind_relative, relative=relative):
        messages.success(request, _("Saved."))
        return redirect("people:left_behind_detail", relative_id=relative.pk)
    return render(request, "people/form.html", {"form": form, "title": _("Edit the roll entry of %(name)s")
                                                % {"name": relative.name}})


@login_required
@require_http_methods(["POST"])
def take_off_left_behind_roll(request, relative_id):
    relative = found_or_404(queries.access_left_behind_relative, request.user, relative_id)
    form = TakeOffRollForm(request.POST)
    if _submit(request, form, actions.take_off_left_behind_roll, relative=relative):
        messages.success(request, _("Taken off the roll."))
        return redirect("people:left_behind_detail", relative_id=relative.pk)
    return render(request, "people/form.html", {"form": form, "title": _("Take %(name)s off the roll")
                                                % {"name": relative.name}})


@login_required
@require_http_methods(["GET", "POST"])
def add_left_behind(request, person_id):
    person = _person_or_404(request, person_id)
    form = LeftBehindRelativeForm(request.POST or None, initial={"kind": LeftBehindKind.CHILD})

    def run(data):
        kind = data.pop("kind")
        fields = {k: v for k, v in data.items() if k in actions.LEFT_BEHIND_FIELDS[kind]}
        return actions.record_left_behind_relative(acting_user=request.user, person=person, kind=kind, **fields)

    if submit(request, form, run):
        messages.success(request, _("Added to the village's roll of left-behind children and elders."))
        return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person,
                                                "title": _("Add a relative left behind")})
