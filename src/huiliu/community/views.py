"""The community pages: thin, each parses, calls one action or query, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.accounts.scope import in_scope, may_write
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number, mask_phone
from huiliu.core.views import found_or_404
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names

from . import actions, queries
from .forms import (
    ActivityForm,
    AgreementForm,
    AssociationForm,
    BranchForm,
    CommitmentForm,
    ContactForm,
    EndUnitPersonForm,
    FulfilForm,
    MemberForm,
    OfficerForm,
    PairedPersonForm,
    PairingForm,
    ResponsibilityForm,
    UnitForm,
    UnitPersonForm,
    VolunteerForm,
)
from .models import PartnerKind

LIST_LIMIT = 200


def _person(user, data, field: str = "id_number"):
    """The registry person whose ID number was typed, in the user's scope (a refusal names the field)."""
    return queries.find_person_in_scope(user=user, id_number=data[field], field=field)


def _optional_person(user, data):
    return _person(user, data) if (data.get("id_number") or "").strip() else None


def _form_page(request, form, title: str, current: str):
    return render(request, "community/form.html", {"form": form, "title": title, "current": current})


def _step(request, name: str, form_class, run, **options):
    """The form of one step of a detail page: bound and run only when the POST is for it."""
    posted = request.method == "POST" and request.POST.get("step") == name
    form = form_class(request.POST if posted else None, **options)
    done = submit(request, form, run) if posted else None
    return form, done


# --- The office page --------------------------------------------------------------------------------------


@login_required
def index(request):
    try:
        office_code = int(request.GET.get("office") or request.user.office_code or 0)
    except ValueError:
        office_code = 0
    overview = found_or_404(lambda user, code: queries.office_overview(user=user, office_code=code,
                                                                       today=timezone.localdate()),
                            request.user, office_code)
    today = timezone.localdate()
    missed = [{"commitment": c, "agreement": c.agreement, "person": c.agreement.person,
               "late_days": ((c.fulfilled_on or today) - c.deadline).days} for c in overview["missed"]]
    offices = queries.list_offices(user=request.user, levels=(codes.PROVINCE, codes.CITY, codes.COUNTY,
                                                              codes.TOWNSHIP), writing=False)
    return render(request, "community/index.html", {
        "overview": overview, "missed": missed, "office_name": full_names([office_code]).get(office_code, ""),
        "offices": offices, "office_code": office_code, "may_write": may_write(request.user),
    })


# --- Service agreements -----------------------------------------------------------------------------------


@login_required
def agreement_list(request):
    office = request.GET.get("office", "")
    office_code = int(office) if office.isascii() and office.isdigit() and len(office) == 12 else None
    rows = list(queries.list_service_agreements(user=request.user, office_code=office_code)[:LIST_LIMIT])
    return render(request, "community/agreement_list.html", {
        "rows": [{"agreement": a, "masked_id": mask_id_number(a.person.id_number)} for a in rows],
        "may_write": may_write(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def new_agreement(request):
    form = AgreementForm(request.POST or None, offices=queries.list_offices(user=request.user))
    agreement = submit(request, form, lambda data: actions.sign_service_agreement(
        acting_user=request.user, office_code=data["office_code"], person=_person(request.user, data),
        signed_on=data["signed_on"], term_end=data["term_end"], office_obligations=data["office_obligations"],
        migrant_obligations=data["migrant_obligations"], commitments=AgreementForm.commitments_from(data)))
    if agreement:
        messages.success(request, _("Service agreement recorded."))
        return redirect("community:agreement_detail", agreement_id=agreement.pk)
    return _form_page(request, form, _("New service agreement"), "agreements")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request, agreement_id):
    agreement = found_or_404(queries.access_service_agreement, request.user, agreement_id)
    commitments = queries.list_commitments_of(agreement)
    by_id = {str(c.pk): c for c in commitments}
    commitment_form, added = _step(request, "commitment", CommitmentForm, lambda data: actions.add_commitment(
        acting_user=request.user, agreement=agreement, **data))
    fulfil_form, fulfilled = _step(request, "fulfil", FulfilForm, lambda data: actions.record_commitment_fulfilled(
        acting_user=request.user, commitment=by_id[str(data["commitment"])], fulfilled_on=data["fulfilled_on"],
        note=data["note"]) if str(data["commitment"]) in by_id else None)
    if added or fulfilled:
        messages.success(request, _("Saved."))
        return redirect("community:agreement_detail", agreement_id=agreement.pk)
    today = timezone.localdate()
    return render(request, "community/agreement_detail.html", {
        "agreement": agreement, "person": agreement.person, "masked_id": mask_id_number(agreement.person.id_number),
        "office_name": full_names([agreement.office_id]).get(agreement.office_id, ""),
        "commitments": [{"commitment": c, "missed": c.is_missed(today)} for c in commitments],
        "may_write": in_scope(request.user, agreement.office_id, writing=True),
        "commitment_form": commitment_form, "fulfil_form": fulfil_form, "today": today,
    })


# --- Partner units ----------------------------------------------------------------------------------------


@login_required
def unit_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in PartnerKind.values else ""
    units = list(queries.list_partner_units(user=request.user, kind=kind)[:LIST_LIMIT])
    return render(request, "community/unit_list.html", {
        "rows": [{"unit": u, "masked_phone": mask_phone(u.responsible_phone)} for u in units],
        "kind": kind, "kinds": PartnerKind.choices, "may_write": may_write(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def new_unit(request):
    offices = queries.list_offices(user=request.user)
    form = UnitForm(request.POST or None, offices=offices)
    unit = submit(request, form, lambda data: actions.register_partner_unit(acting_user=request.user, **data))
    if unit:
        messages.success(request, _("Partner unit registered."))
        return redirect("community:unit_detail", unit_id=unit.pk)
    return _form_page(request, form, _("New partner unit"), "units")


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request, unit_id):
    unit = found_or_404(queries.access_partner_unit, request.user, unit_id)
    links = queries.list_unit_people(user=request.user, unit=unit)
    by_id = {str(link.pk): link for link in links}
    person_form, linked = _step(request, "person", UnitPersonForm, lambda data: actions.link_person_to_unit(
        acting_user=request.user, unit=unit, person=_person(request.user, data), started_on=data["started_on"]))
    end_form, ended = _step(request, "end", EndUnitPersonForm, lambda data: actions.end_unit_person(
        acting_user=request.user, link=by_id[str(data["link"])], ended_on=data["ended_on"])
        if str(data["link"]) in by_id else None)
    agreement_form, signed = _step(request, "agreement", ResponsibilityForm,
                                   lambda data: actions.sign_responsibility_agreement(
                                       acting_user=request.user, unit=unit, **data))
    if linked or ended or signed:
        messages.success(request, _("Saved."))
        return redirect("community:unit_detail", unit_id=unit.pk)
    return render(request, "community/unit_detail.html", {
        "unit": unit, "jurisdiction_name": full_names([unit.jurisdiction_id]).get(unit.jurisdiction_id, ""),
        "links": [{"link": link, "masked_id": mask_id_number(link.person.id_number)} for link in links],
        "agreements": list(unit.agreements.order_by("-signed_on")),
        "may_write": in_scope(request.user, unit.jurisdiction_id, writing=True),
        "person_form": person_form, "end_form": end_form, "agreement_form": agreement_form,
    })


# --- Associations -----------------------------------------------------------------------------------------


@login_required
def association_list(request):
    associations = list(queries.list_associations(user=request.user)[:LIST_LIMIT])
    return render(request, "community/association_list.html", {
        "associations": associations, "may_write": may_write(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def new_association(request):
    offices = queries.list_offices(user=request.user, levels=(codes.COUNTY, codes.TOWNSHIP, codes.VILLAGE))
    form = AssociationForm(request.POST or None, offices=offices)
    association = submit(request, form, lambda data: actions.found_association(acting_user=request.user, **data))
    if association:
        messages.success(request, _("Association registered."))
        return redirect("community:association_detail", association_id=association.pk)
    return _form_page(request, form, _("New association"), "associations")


@login_required
@require_http_methods(["GET", "POST"])
def association_detail(request, association_id):
    association = found_or_404(queries.access_association, request.user, association_id)
    branches = list(association.branches.order_by("name"))
    branch_of = {str(b.pk): b for b in branches}
    user = request.user
    branch_form, branch = _step(request, "branch", BranchForm, lambda data: actions.add_branch(
        acting_user=user, association=association, **data))
    officer_form, officer = _step(request, "officer", OfficerForm, lambda data: actions.elect_officer(
        acting_user=user, association=association, person=_optional_person(user, data), name=data["name"],
        post=data["post"], elected_on=data["elected_on"], term_end=data["term_end"]))
    member_form, member = _step(request, "member", MemberForm, lambda data: actions.admit_member(
        acting_user=user, association=association, person=_optional_person(user, data), name=data["name"],
        branch=branch_of.get(data["branch"]), joined_on=data["joined_on"]), branches=branches)
    activity_form, activity = _step(request, "activity", ActivityForm, lambda data: actions.record_activity(
        acting_user=user, association=association, **data))
    if branch or officer or member or activity:
        messages.success(request, _("Saved."))
        return redirect("community:association_detail", association_id=association.pk)
    rows = queries.association_rows(user=user, association=association)
    return render(request, "community/association_detail.html", {
        "association": association, **rows,
        "jurisdiction_name": full_names([association.jurisdiction_id]).get(association.jurisdiction_id, ""),
        "participants": sum(a.participants for a in rows["activities"]),
        "may_write": in_scope(user, association.jurisdiction_id, writing=True),
        "branch_form": branch_form, "officer_form": officer_form, "member_form": member_form,
        "activity_form": activity_form,
    })


# --- Liaison volunteers -----------------------------------------------------------------------------------


@login_required
def volunteer_list(request):
    volunteers = list(queries.list_liaison_volunteers(user=request.user)[:LIST_LIMIT])
    return render(request, "community/volunteer_list.html", {
        "rows": [{"volunteer": v, "masked_id": mask_id_number(v.person.id_number)} for v in volunteers],
        "may_write": may_write(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def new_volunteer(request):
    units = list(queries.list_partner_units(user=request.user)[:LIST_LIMIT])
    unit_of = {str(u.pk): u for u in units}
    form = VolunteerForm(request.POST or None, offices=queries.list_offices(user=request.user), units=units)
    volunteer = submit(request, form, lambda data: actions.appoint_liaison_volunteer(
        acting_user=request.user, office_code=data["office_code"], person=_person(request.user, data),
        appointed_on=data["appointed_on"], group=data["group"], unit=unit_of.get(data["unit"])))
    if volunteer:
        messages.success(request, _("Liaison volunteer appointed: certificate number %(number)s.")
                         % {"number": volunteer.certificate_number})
        return redirect("community:volunteer_list")
    return _form_page(request, form, _("Appoint a liaison volunteer"), "volunteers")


# --- Pairings ---------------------------------------------------------------------------------------------


@login_required
def pairing_list(request):
    pairings = list(queries.list_pairings(user=request.user)[:LIST_LIMIT])
    names = full_names(p.office_id for p in pairings)
    return render(request, "community/pairing_list.html", {
        "rows": [{"pairing": p, "office": names.get(p.office_id, "")} for p in pairings],
        "may_write": may_write(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def new_pairing(request):
    officers = queries.list_officers(user=request.user)
    officer_of = {str(o.pk): o for o in officers}
    form = PairingForm(request.POST or None, officers=officers)

    def run(data):
        persons = [_person(request.user, {"id_numbers": line}, "id_numbers")
                   for line in data["id_numbers"].splitlines() if line.strip()]
        return actions.pair_officer(acting_user=request.user, officer=officer_of.get(data["officer"]),
                                    started_on=data["started_on"], persons=persons, note=data["note"])

    pairing = submit(request, form, run)
    if pairing:
        messages.success(request, _("Pairing recorded."))
        return redirect("community:pairing_detail", pairing_id=pairing.pk)
    return _form_page(request, form, _("New pairing"), "pairings")


@login_required
@require_http_methods(["GET", "POST"])
def pairing_detail(request, pairing_id):
    pairing = found_or_404(queries.access_pairing, request.user, pairing_id)
    persons = list(pairing.persons.select_related("person").order_by("created_at"))
    person_of = {str(p.person_id): p.person for p in persons}
    person_form, added = _step(request, "person", PairedPersonForm, lambda data: actions.add_paired_person(
        acting_user=request.user, pairing=pairing, person=_person(request.user, data),
        family_note=data["family_note"]))
    contact_form, logged = _step(request, "contact", ContactForm, lambda data: actions.log_contact(
        acting_user=request.user, pairing=pairing, person=person_of[data["person"]],
        contacted_on=data["contacted_on"], way=data["way"], note=data["note"]), persons=persons)
    if added or logged:
        messages.success(request, _("Saved."))
        return redirect("community:pairing_detail", pairing_id=pairing.pk)
    rows = queries.pairing_rows(user=request.user, pairing=pairing)
    return render(request, "community/pairing_detail.html", {
        "pairing": pairing, "office": full_names([pairing.office_id]).get(pairing.office_id, ""),
        "persons": [{"paired": p, "masked_id": mask_id_number(p.person.id_number)} for p in rows["persons"]],
        "contacts": rows["contacts"],
        "may_write": request.user.pk == pairing.officer_id or in_scope(request.user, pairing.office_id,
                                                                       writing=True),
        "person_form": person_form, "contact_form": contact_form,
    })
