"""The services pages: thin, each parses, calls one action or query, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huiliu.accounts.models import Role
from huiliu.accounts.scope import role_ranges
from huiliu.core.errors import NotFound, PermissionDenied
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number
from huiliu.core.views import found_or_404
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names
from huiliu.people.queries import access_person

from . import actions, queries
from .forms import (
    DeclineForm,
    OfferForm,
    PriorityGroupForm,
    RecordFilterForm,
    ReminderForm,
    ServiceRecordForm,
    YearForm,
)
from .models import OfferStatus

PAGE_SIZE = 50


@login_required
def record_list(request):
    form = RecordFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = queries.list_service_records(user=request.user, service_type=filters.get("service_type", ""),
                                        start=filters.get("start"), end=filters.get("end"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names({r.jurisdiction_id for r in page})
    return render(request, "services/record_list.html", {"form": form, "page": page, "names": names,
                                                          "query": request.GET.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def record_service(request, person_id):
    person = found_or_404(access_person, request.user, person_id)
    offers = list(queries.list_open_offers_of(person))
    initial = {"service_date": timezone.localdate()}
    if request.GET.get("offer"):
        initial["offer"] = request.GET["offer"]
    form = ServiceRecordForm(request.POST or None, offers=offers, initial=initial)

    def run(data):
        offer = next((o for o in offers if str(o.pk) == data.get("offer")), None)
        return actions.record_service(
            acting_user=request.user, person=person, service_type=data["service_type"],
            service_date=data["service_date"], provider=data["provider"], outcome=data["outcome"],
            consent_given=data["consent_given"], consent_way=data["consent_way"], consent_on=data["consent_on"],
            method_chosen=data["method_chosen"], offer=offer)

    record = submit(request, form, run)
    if record:
        messages.success(request, _("Service recorded."))
        return redirect("services:record_detail", record_id=record.pk)
    return render(request, "services/form.html", {
        "form": form, "person": person, "masked_id": mask_id_number(person.id_number),
        "title": _("Record a service")})


@login_required
def record_detail(request, record_id):
    record = found_or_404(queries.access_service_record, request.user, record_id)
    fields = queries.visible_fields(request.user, record)
    names = full_names([c for c in (record.jurisdiction_id, record.recognised_at_code) if c])
    return render(request, "services/record_detail.html", {
        "record": record, "fields": fields, "names": names, "masked_id": mask_id_number(record.person.id_number),
        "shows_result": "outcome" in fields})


@login_required
def offer_list(request):
    outcome = request.GET.get("outcome", "")
    if outcome not in OfferStatus.values:
        outcome = ""
    rows = queries.list_offers(user=request.user, outcome=outcome)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names({o.jurisdiction_id for o in page})
    return render(request, "services/offer_list.html", {"page": page, "names": names, "outcome": outcome,
                                                         "outcomes": OfferStatus.choices})


@login_required
@require_http_methods(["GET", "POST"])
def make_offer(request, person_id):
    person = found_or_404(access_person, request.user, person_id)
    form = OfferForm(request.POST or None)
    offer = submit(request, form, lambda data: actions.make_offer(
        acting_user=request.user, person=person, kind=data["kind"], due_by=data["due_by"]))
    if offer:
        messages.success(request, _("Offer made."))
        return redirect("services:offer_detail", offer_id=offer.pk)
    return render(request, "services/form.html", {
        "form": form, "person": person, "masked_id": mask_id_number(person.id_number), "title": _("Offer a service")})


@login_required
@require_http_methods(["GET", "POST"])
def offer_detail(request, offer_id):
    offer = found_or_404(queries.access_offer, request.user, offer_id)
    decline_form = DeclineForm(request.POST if request.POST.get("answer") == "decline" else None)
    reminder_form = ReminderForm(request.POST if request.POST.get("answer") == "remind" else None,
                                 initial={"sent_on": timezone.localdate()})
    if request.method == "POST":
        if request.POST.get("answer") == "decline" and submit(request, decline_form, lambda data: actions.decline_offer(
                acting_user=request.user, offer=offer, reason=data["reason"])):
            messages.success(request, _("The person's answer is recorded: declined. Nothing else changes."))
            return redirect("services:offer_detail", offer_id=offer.pk)
        if request.POST.get("answer") == "remind" and submit(request, reminder_form, lambda data: actions.record_reminder_sent(
                acting_user=request.user, offer=offer, sent_on=data["sent_on"])):
            messages.success(request, _("Reminder noted."))
            return redirect("services:offer_detail", offer_id=offer.pk)
    return render(request, "services/offer_detail.html", {
        "offer": offer, "decline_form": decline_form, "reminder_form": reminder_form,
        "names": full_names([offer.jurisdiction_id]), "is_open": offer.status == OfferStatus.OPEN})


@login_required
def work_list(request):
    place = queries.village_of(request.user)
    if place is None:
        return render(request, "services/work_list.html", {"place": None})
    try:
        data = queries.work_list(user=request.user, place_code=place)
    except NotFound:
        raise Http404 from None
    return render(request, "services/work_list.html", {"place": place, "place_name": full_names([place]).get(place, ""),
                                                        **data})


def _counties_of(user) -> list[int]:
    """The counties whose groups the user edits: the counties they are officers of, or under them."""
    counties = set()
    for role in (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER):
        for low, _high in role_ranges(user, role):
            if codes.level_of(low) == codes.COUNTY:
                counties.add(low)
    return sorted(counties)


@login_required
@require_http_methods(["GET", "POST"])
def group_list(request):
    counties = _counties_of(request.user)
    chosen = request.GET.get("county", "")
    county = int(chosen) if chosen.isdigit() and int(chosen) in counties else (counties[0] if counties else None)
    form = PriorityGroupForm(request.POST if request.POST.get("form") == "group" else None)
    year_form = YearForm(request.POST if request.POST.get("form") == "year" else None,
                         initial={"year": timezone.localdate().year})
    if county is not None and request.method == "POST":
        if request.POST.get("form") == "group" and submit(request, form, lambda data: actions.save_priority_group(
                acting_user=request.user, county_code=county, name=data["name"], order=data["order"],
                condition=data["condition"], parameter=data["parameter"], services=data["services"])):
            messages.success(request, _("Group saved."))
            return redirect(f"{request.path}?county={county}")
        if request.POST.get("form") == "year":
            made = submit(request, year_form, lambda data: actions.offer_yearly_checkups(
                acting_user=request.user, county_code=county, year=data["year"]))
            if made is not None:
                messages.success(request, _("Yearly check-up offers made: %(count)d.") % {"count": made})
                return redirect(f"{request.path}?county={county}")
    groups = queries.list_priority_groups(county_code=county) if county else []
    return render(request, "services/group_list.html", {
        "county": county, "counties": [(c, full_names([c]).get(c, str(c))) for c in counties], "groups": groups,
        "form": form, "year_form": year_form})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, group_id):
    group = found_or_404(queries.access_priority_group, request.user, group_id)
    form = PriorityGroupForm(request.POST or None, initial={
        "name": group.name, "order": group.order, "condition": group.condition, "parameter": group.parameter,
        "services": group.services})
    saved = submit(request, form, lambda data: actions.save_priority_group(
        acting_user=request.user, county_code=group.county_id, group=group, name=data["name"], order=data["order"],
        condition=data["condition"], parameter=data["parameter"], services=data["services"]))
    if saved:
        messages.success(request, _("Group saved."))
        return redirect(f"/services/groups/?county={group.county_id}")
    return render(request, "services/form.html", {"form": form, "title": _("Service-priority group")})


@login_required
@require_POST
def group_remove(request, group_id):
    group = found_or_404(queries.access_priority_group, request.user, group_id)
    try:
        actions.remove_priority_group(acting_user=request.user, group=group)
        messages.success(request, _("Group removed."))
    except PermissionDenied as denial:
        messages.error(request, str(denial))
    return redirect(f"/services/groups/?county={group.county_id}")
