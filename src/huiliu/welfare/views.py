"""The benefit programme pages: thin, each parses, calls one action or query, and renders."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.accounts.models import Role
from huiliu.accounts.scope import has_role, in_scope, jurisdiction_ranges
from huiliu.core.errors import NotFound
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number
from huiliu.core.money import fen_of, yuan
from huiliu.core.views import found_or_404
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names
from huiliu.people.queries import access_person

from . import actions, queries
from .eligibility import describe_rule
from .forms import (
    ApplicationForm,
    BeneficiaryListForm,
    DecisionForm,
    FamilyForm,
    ProgrammeForm,
    ReviewForm,
    RulesForm,
    VisitForm,
)
from .models import ApplicationStatus, ProgrammeKind

QUEUE_LIMIT = 200


def _programme_by_id(programmes, programme_id):
    return next((p for p in programmes if str(p.pk) == str(programme_id)), None)


@login_required
def programme_list(request):
    programmes = list(queries.list_programmes(user=request.user))
    rows = [{"programme": p, "amount_yuan": yuan(p.amount_fen),
             "rules": [describe_rule(r) for r in p.eligibility_rules]} for p in programmes]
    owners = _owner_choices(request.user)
    return render(request, "welfare/programme_list.html", {"rows": rows, "may_create": bool(owners)})


def _owner_choices(user) -> list[tuple[int, str]]:
    mine = [low for low, _high in jurisdiction_ranges(user, writing=True) if codes.level_of(low) <= codes.COUNTY]
    names = full_names(mine)
    return [(code, names.get(code, str(code))) for code in sorted(set(mine))]


@login_required
@require_http_methods(["GET", "POST"])
def create_programme(request):
    form = ProgrammeForm(request.POST or None, owners=_owner_choices(request.user))
    programme = submit(request, form, lambda data: actions.create_programme(
        acting_user=request.user, kind=data["kind"], name=data["name"], owner_code=data["owner_code"],
        amount_fen=fen_of(data["amount_yuan"])))
    if programme:
        messages.success(request, _("Programme created; set its eligibility rules below."))
        return redirect("welfare:programme_detail", programme_id=programme.pk)
    return render(request, "welfare/form.html", {"form": form, "title": _("New benefit programme")})


@login_required
@require_http_methods(["GET", "POST"])
def programme_detail(request, programme_id):
    programme = found_or_404(queries.access_programme, request.user, programme_id)
    may_manage = queries.may_manage_programme(request.user, programme)
    form = RulesForm(request.POST or None, initial=RulesForm.initial_from(programme.eligibility_rules))
    if may_manage or request.method == "POST":
        updated = submit(request, form, lambda data: actions.update_eligibility_rules(
            acting_user=request.user, programme=programme, eligibility_rules=RulesForm.rules_from(data)))
        if updated:
            messages.success(request, _("Eligibility rules saved."))
            return redirect("welfare:programme_detail", programme_id=programme.pk)
    return render(request, "welfare/programme_detail.html", {
        "programme": programme, "rules": [describe_rule(r) for r in programme.eligibility_rules],
        "owner": full_names([programme.owner_jurisdiction_id]).get(programme.owner_jurisdiction_id, ""),
        "amount_yuan": yuan(programme.amount_fen), "may_manage": may_manage, "form": form,
        "villages": _villages_of(request.user),
    })


def _villages_of(user) -> list[int]:
    return [low for low, _high in jurisdiction_ranges(user) if codes.level_of(low) == codes.VILLAGE]


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, person_id):
    person = found_or_404(access_person, request.user, person_id)
    programmes = list(queries.list_programmes(user=request.user, person=person))
    form = ApplicationForm(request.POST or None, programmes=programmes)
    application = submit(request, form, lambda data: actions.apply_for_benefit(
        acting_user=request.user, person=person, programme=_programme_by_id(programmes, data["programme"]),
        declared_hardship=data["declared_hardship"], statement=data["statement"]))
    if application:
        messages.success(request, _("Application submitted; it now waits for the township's review."))
        return redirect("welfare:application_detail", application_id=application.pk)
    return render(request, "welfare/form.html", {
        "form": form, "person": person, "title": _("Apply for a benefit"),
        "masked_id": mask_id_number(person.id_number)})


@login_required
def application_queue(request):
    # Townships review, counties and above decide: each lands on the list that waits for them.
    deciding = any(has_role(request.user, role) for role in (Role.COUNTY_OFFICER, Role.CITY_OFFICER,
                                                             Role.PROVINCE_OFFICER))
    tab = request.GET.get("tab", "decide" if deciding else "review")
    if tab == "decide":
        rows = queries.list_applications_to_decide(user=request.user)
    elif tab == "all":
        rows = queries.list_applications(user=request.user)
    else:
        tab, rows = "review", queries.list_applications_to_review(user=request.user)
    rows = list(rows[:QUEUE_LIMIT])
    names = full_names(a.applying_jurisdiction_id for a in rows)
    return render(request, "welfare/application_queue.html", {
        "tab": tab, "rows": [{"application": a, "masked_id": mask_id_number(a.person.id_number),
                              "applying": names.get(a.applying_jurisdiction_id, "")} for a in rows],
    })


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, application_id):
    application = found_or_404(queries.access_application, request.user, application_id)
    person = application.person
    may_review = application.status == ApplicationStatus.SUBMITTED and in_scope(
        request.user, codes.township_of(application.applying_jurisdiction_id), writing=True) or (
        application.status == ApplicationStatus.SUBMITTED
        and in_scope(request.user, codes.township_of(person.household_jurisdiction_id), writing=True))
    may_decide = application.status == ApplicationStatus.REVIEWED and actions.may_decide(request.user, application)
    review_form = ReviewForm(request.POST if request.POST.get("step") == "review" else None)
    decision_form = DecisionForm(request.POST if request.POST.get("step") == "decide" else None)
    if request.POST.get("step") == "review":
        done = submit(request, review_form, lambda data: actions.review_application(
            acting_user=request.user, application=application, note=data["note"]))
    elif request.POST.get("step") == "decide":
        done = submit(request, decision_form, lambda data: actions.decide_application(
            acting_user=request.user, application=application, approve=data["decision"] == "approve",
            reason=data["reason"]))
    else:
        done = None
    if done:
        messages.success(request, _("Saved."))
        return redirect("welfare:application_detail", application_id=application.pk)
    codes_shown = [application.applying_jurisdiction_id, person.household_jurisdiction_id,
                   person.residence_jurisdiction_id, application.programme.owner_jurisdiction_id]
    payment = getattr(application, "payment", None) if application.status == ApplicationStatus.APPROVED else None
    return render(request, "welfare/application_detail.html", {
        "application": application, "person": person, "masked_id": mask_id_number(person.id_number),
        "names": full_names(c for c in codes_shown if c), "payment": payment,
        "payment_yuan": yuan(payment.amount_fen) if payment else None,
        "may_review": may_review, "may_decide": may_decide, "review_form": review_form,
        "decision_form": decision_form,
    })


@login_required
def family_list(request):
    families = list(queries.list_special_assistance_families(user=request.user)[:QUEUE_LIMIT])
    return render(request, "welfare/family_list.html", {"families": families})


@login_required
@require_http_methods(["GET", "POST"])
def register_family(request, person_id):
    person = found_or_404(access_person, request.user, person_id)
    programmes = list(queries.list_programmes(user=request.user, person=person,
                                              kind=ProgrammeKind.SPECIAL_ASSISTANCE))
    form = FamilyForm(request.POST or None, programmes=programmes)
    family = submit(request, form, lambda data: actions.register_special_assistance_family(
        acting_user=request.user, person=person, programme=_programme_by_id(programmes, data.pop("programme")),
        **data))
    if family:
        messages.success(request, _("Family registered."))
        return redirect("welfare:family_detail", family_id=family.pk)
    return render(request, "welfare/form.html", {
        "form": form, "person": person, "title": _("Register a special-assistance family"),
        "masked_id": mask_id_number(person.id_number)})


@login_required
@require_http_methods(["GET", "POST"])
def family_detail(request, family_id):
    family = found_or_404(queries.access_special_assistance_family, request.user, family_id)
    form = VisitForm(request.POST or None)
    visit = submit(request, form, lambda data: actions.record_assistance_visit(
        acting_user=request.user, family=family, **data))
    if visit:
        messages.success(request, _("Visit recorded."))
        return redirect("welfare:family_detail", family_id=family.pk)
    return render(request, "welfare/family_detail.html", {
        "family": family, "visits": list(queries.list_visits_of(family)), "form": form,
        "masked_id": mask_id_number(family.person.id_number),
        "may_visit": any(in_scope(request.user, c, writing=True) for c in family.person.place_codes),
    })


@login_required
def beneficiary_list(request):
    form = BeneficiaryListForm(request.GET)
    if not form.is_valid():
        raise Http404
    programme = found_or_404(queries.access_programme, request.user, form.cleaned_data["programme"])
    village, year = form.cleaned_data["village"], form.cleaned_data.get("year")
    try:
        rows = queries.list_public_beneficiaries(user=request.user, village_code=village, programme=programme,
                                                 year=year)
    except NotFound:
        raise Http404 from None
    for row in rows:
        row["amount_yuan"] = yuan(row["amount_fen"])
    return render(request, "welfare/beneficiary_list.html", {
        "programme": programme, "village": full_names([village]).get(village, ""), "year": year, "rows": rows,
        "total_yuan": yuan(sum(r["amount_fen"] for r in rows)),
    })
