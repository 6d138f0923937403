from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.accounts.scope import in_scope
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number, mask_phone
from huiliu.core.views import found_or_404
from huiliu.jurisdictions.queries import full_names

from . import actions, queries
from .forms import ArrivalForm, ChildForm, CloseMigrationForm, DepartureForm, PersonEditForm, PersonForm

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


@login_required
@require_http_methods(["GET", "POST"])
def register_departure(request, person_id):
    person = _person_or_404(request, person_id)
    return _form_about_person(request, person, DepartureForm(request.POST or None), actions.register_outflow,
                              person=person, done=_("Departure registered."), title=_("Register a departure"))


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
