import unicodedata

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from huiliu.accounts.scope import in_scope
from huiliu.audit.actions import record_event
from huiliu.audit.context import client_of_request
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import DomainError, NotFound
from huiliu.core.forms import submit
from huiliu.core.identity import mask_id_number
from huiliu.core.ratelimit import (
    count_failed_guess,
    guesses_exhausted,
)
from huiliu.core.views import found_or_404, refusal_text, refused_past_rate
from huiliu.jurisdictions.queries import full_names

from . import actions, queries
from .forms import (
    RegistrationForm,
    StatusFilterForm,
    TrackForm,
    WithdrawForm,
    WorkerRegistrationForm,
)
from .models import Channel, RegistrationStatus

PAGE_SIZE = 25
# The tracking number of the family's last filing, shown again on the page it is sent to.
FILED_KEY = "births_filed"
# Failed guesses at one tracking number are counted here, across all clients (core.ratelimit).
TRACK_GUESS_PAGE = "births_track_guess"


def _or_404(request, registration_id):
    return found_or_404(queries.access_registration, request.user, registration_id)


def _file(data: dict, **fixed):
    return actions.file_birth_registration(**fixed, **{"jurisdiction_code": None, **data})


# --- Public pages (no account) ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_register(request):
    refused = refused_past_rate(request, client=client_of_request(request), page="births_register")
    if refused:
        return refused
    form = RegistrationForm(request.POST or None)
    registration = submit(request, form, lambda data: _file(data, acting_user=None, channel=Channel.ONLINE))
    if registration:
        # Post, redirect, get: reloading the next page never files the registration twice.
        request.session[FILED_KEY] = registration.tracking_number
        return redirect("births:public_filed")
    return render(request, "births/public_register.html", {"form": form})


@never_cache
def public_filed(request):
    tracking_number = request.session.get(FILED_KEY)
    if not tracking_number:
        return redirect("births:public_register")
    return render(request, "births/public_filed.html", {"tracking_number": tracking_number})


@never_cache
@require_http_methods(["GET", "POST"])
def public_track(request):
    refused = refused_past_rate(request, client=client_of_request(request), page="births_track")
    if refused:
        return refused
    form = TrackForm(request.POST or None)
    found = submit(request, form, lambda data: _track(**data) or False)
    return render(request, "births/public_track.html", {
        "form": form, "found": found or None, "not_found": found is False,
    })


def _track(tracking_number: str, id_last_four: str):
    """track_registration, unless this number has used up its failed guesses: then "not found", unchecked."""
    number = unicodedata.normalize("NFKC", tracking_number or "").strip()
    if guesses_exhausted(number=number, page=TRACK_GUESS_PAGE):
        return None
    found = queries.track_registration(tracking_number=number, id_last_four=id_last_four)
    if found is None and count_failed_guess(number=number, page=TRACK_GUESS_PAGE):
        record_event(actor=None, event="guess_limit", object_type="birth_registration", object_id=number[:64],
                     outcome=AuditEvent.Outcome.DENIED, detail={"page": "births_track"})
    return found


# --- Worker pages --------------------------------------------------------------------------


@login_required
def registration_list(request):
    filters = StatusFilterForm(request.GET)
    filters.is_valid()  # an unknown status is dropped and the list shown unfiltered
    status = filters.cleaned_data.get("status", "")
    registrations = queries.list_registrations(user=request.user, status=status).select_related("jurisdiction")
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names(code for r in page for code in (r.household_code, r.residence_code))
    rows = [{
        "registration": r, "masked_id": mask_id_number(r.mother_id_number),
        "household": names.get(r.household_code, ""), "residence": names.get(r.residence_code, ""),
    } for r in page]
    return render(request, "births/list.html", {
        "page": page, "rows": rows, "filters": filters, "status": status, "statuses": RegistrationStatus.choices,
    })


@login_required
def registration_detail(request, registration_id):
    registration = _or_404(request, registration_id)
    mother = registration.mother
    names = full_names([registration.jurisdiction_id, registration.household_code, registration.residence_code])
    acts_here = in_scope(request.user, registration.jurisdiction_id, writing=True)
    return render(request, "births/detail.html", {
        "registration": registration, "names": names,
        "may_confirm": acts_here and registration.status == RegistrationStatus.SUBMITTED,
        "may_withdraw": acts_here and registration.status != RegistrationStatus.WITHDRAWN,
        "has_voucher": registration.status == RegistrationStatus.CONFIRMED,
        # The registry's record is linked only for those who may read it.
        "mother_link": mother is not None and (in_scope(request.user, mother.household_jurisdiction_id)
                                               or in_scope(request.user, mother.residence_jurisdiction_id)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def register_for_family(request):
    form = WorkerRegistrationForm(request.POST or None)
    registration = submit(request, form, lambda data: _file(data, acting_user=request.user, channel=Channel.WORKER))
    if registration:
        messages.success(request, _("Registration %(number)s filed.") % {"number": registration.tracking_number})
        return redirect("births:detail", registration_id=registration.pk)
    return render(request, "births/form.html", {"form": form, "title": _("File a birth registration")})


@login_required
@require_POST
def confirm(request, registration_id):
    registration = _or_404(request, registration_id)
    try:
        registration = actions.confirm_birth_registration(acting_user=request.user, registration=registration)
    except DomainError as refusal:
        messages.error(request, refusal_text(refusal))
    else:
        messages.success(request, _("Confirmed. Voucher number %(number)s.") % {"number": registration.voucher_number})
    return redirect("births:detail", registration_id=registration.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, registration_id):
    registration = _or_404(request, registration_id)
    form = WithdrawForm(request.POST or None)
    done = submit(request, form, lambda data: actions.withdraw_birth_registration(
        acting_user=request.user, registration=registration, **data))
    if done:
        messages.success(request, _("The registration has been withdrawn."))
        return redirect("births:detail", registration_id=registration.pk)
    return render(request, "births/withdraw.html", {"form": form, "registration": registration})


@login_required
def voucher(request, registration_id):
    try:
        registration, pdf = queries.export_voucher(request.user, registration_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refusal:  # a character the font lacks: no paper that misspells a name
        messages.error(request, refusal_text(refusal))
        return redirect("births:detail", registration_id=registration_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="voucher-{registration.voucher_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
