import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from huiliu.accounts.scope import in_scope, jurisdiction_ranges
from huiliu.core.errors import NotFound, PermissionDenied, ValidationFailed
from huiliu.core.forms import show_domain_errors, submit
from huiliu.core.identity import mask_id_number, mask_phone
from huiliu.core.views import found_or_404
from huiliu.jurisdictions.queries import full_names, list_children
from huiliu.people.models import DepartureReason, MaritalStatus, ResidenceType, Sex

from . import actions, queries
from .forms import (
    ANSWER_FORMS,
    AgreementForm,
    BoxFilterForm,
    CloseStationForm,
    FeedbackForm,
    JointInquiryForm,
    LiaisonStationForm,
    Period,
    ProxyDecisionForm,
    RatesForm,
)
from .models import ANSWER_TYPE, MessageStatus, MessageType

PAGE_SIZE = 25
# The reminder page shows this many of each list and links to the rest.
REMINDER_ROWS = 50

# How each payload field is labelled on the message page, in the order shown.
PAYLOAD_LABELS = {
    "name": gettext_lazy("Name"),
    "id_number": gettext_lazy("ID number"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Birth date"),
    "household_code": gettext_lazy("Household place"),
    "residence_code": gettext_lazy("Current residence"),
    "residence_address": gettext_lazy("Current address"),
    "arrival_date": gettext_lazy("Arrival date"),
    "residence_type": gettext_lazy("Residence type"),
    "departure_date": gettext_lazy("Departure date"),
    "destination_code": gettext_lazy("Destination"),
    "destination_address": gettext_lazy("Destination address"),
    "change": gettext_lazy("Change"),
    "effective_date": gettext_lazy("Date of the change"),
    "marital_status": gettext_lazy("Marital status"),
    "child_sex": gettext_lazy("Child's sex"),
    "voucher_number": gettext_lazy("Voucher number"),
    "document": gettext_lazy("Document requested"),
    "service_type": gettext_lazy("Service"),
    "service_date": gettext_lazy("Service date"),
    "provider": gettext_lazy("Provider"),
    "subject": gettext_lazy("Subject"),
    "question": gettext_lazy("What should be looked into"),
    "findings": gettext_lazy("Findings"),
    "result": gettext_lazy("Result"),
    "decision": gettext_lazy("Decision"),
    "document_number": gettext_lazy("Document number"),
    "reason": gettext_lazy("Reason"),
    "contact_phone": gettext_lazy("Contact phone"),
    "note": gettext_lazy("Note"),
}
# A departure's reason is one of a list; a proxy request's or decision's is the officer's own words.
FREE_TEXT_REASON = (MessageType.PROXY_REQUEST, MessageType.PROXY_DECISION)
CODE_FIELDS = ("household_code", "residence_code", "destination_code")
CHANGES = {
    "marriage": gettext_lazy("got married"),
    "birth": gettext_lazy("a child was born"),
    "moved_on": gettext_lazy("moved on"),
    "returned": gettext_lazy("returned"),
    "lost_contact": gettext_lazy("lost contact"),
    "birth_registration": gettext_lazy("a birth registration was confirmed"),
}
VALUE_LABELS = {
    "sex": dict(Sex.choices),
    "child_sex": dict(Sex.choices),
    "marital_status": dict(MaritalStatus.choices),
    "residence_type": dict(ResidenceType.choices),
    "change": CHANGES,
    "result": dict(FeedbackForm.base_fields["result"].choices),
    "decision": dict(ProxyDecisionForm.base_fields["decision"].choices),
}


def _own_offices(user) -> list[tuple[int, str]]:
    """The offices of the user's writing roles, by full name: where they may act from."""
    codes = sorted({low for low, _high in jurisdiction_ranges(user, writing=True)})
    names = full_names(codes)
    return [(code, names[code]) for code in codes]


def _subject(message) -> tuple[str, str]:
    """The name and masked ID number of the person a message is about, from the registry or else from the payload."""
    person = message.person
    name = person.name if person else message.payload.get("name", "")
    number = person.id_number if person else message.payload.get("id_number", "")
    return name, mask_id_number(number)


def _row(message, names: dict) -> dict:
    name, masked_id = _subject(message)
    return {
        "message": message, "name": name, "masked_id": masked_id,
        "sender": names.get(message.sender_code, ""), "receiver": names.get(message.receiver_code, ""),
        "status_label": MessageStatus(message.current_status).label,
        "overdue": message.current_status == MessageStatus.OVERDUE,
        "unread": message.status in (MessageStatus.SENT, MessageStatus.DELIVERED),
    }


def _rows(messages) -> list[dict]:
    messages = list(messages)
    names = full_names(code for m in messages for code in (m.sender_code, m.receiver_code))
    return [_row(m, names) for m in messages]


# --- Inbox and outbox ---------------------------------------------------------------------------


def _box(request, box: str):
    filters = BoxFilterForm(request.GET)
    filters.is_valid()  # an unknown type or status is dropped and the list shown unfiltered by it
    message_type = filters.cleaned_data.get("type", "")
    status = filters.cleaned_data.get("status", "")
    listing = queries.list_inbox if box == "inbox" else queries.list_outbox
    messages_ = listing(user=request.user, message_type=message_type, status=status).select_related("person")
    page = Paginator(messages_, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queries.count_by_status(user=request.user, box=box, message_type=message_type)
    return render(request, "exchange/box.html", {
        "box": box, "page": page, "rows": _rows(page), "filters": filters, "message_type": message_type,
        "status": status, "types": MessageType.choices, "total": sum(counts.values()),
        "counts": [(value, label, counts.get(value, 0)) for value, label in MessageStatus.choices],
        "query": urlencode({k: v for k, v in (("type", message_type), ("status", status)) if v}),
    })


@login_required
def inbox(request):
    return _box(request, "inbox")


@login_required
def outbox(request):
    return _box(request, "outbox")


# --- One message --------------------------------------------------------------------------------


def _payload_rows(message, names: dict) -> list[tuple[str, str]]:
    rows = []
    for field, label in PAYLOAD_LABELS.items():
        value = message.payload.get(field)
        if value in (None, ""):
            continue
        if field in CODE_FIELDS:
            value = f"{names.get(value, '')}（{value:012d}）"
        elif field == "reason" and message.message_type in FREE_TEXT_REASON:
            label = _("Reason given")
        elif field == "reason":
            value = dict(DepartureReason.choices).get(value, value)
        elif field in VALUE_LABELS:
            value = VALUE_LABELS[field].get(value, value)
        rows.append((label, value))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def message_detail(request, message_id):
    message = found_or_404(queries.access_message, request.user, message_id)
    message = actions.mark_message_read(acting_user=request.user, message=message)
    if message.current_status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        message.current_status = message.status  # just marked read; the annotation was read before
    application = queries.proxy_application_of(message)
    may_answer = (message.expects_answer and message.answered_at is None and application is None
                  and in_scope(request.user, message.receiver_code, writing=True))
    form_class = ANSWER_FORMS.get(ANSWER_TYPE.get(message.message_type), forms.Form)
    form = form_class(request.POST or None)
    refused = False
    # Whoever may not answer still goes through the action: its refusal is the domain's, and audited.
    if request.method == "POST" and (form.is_valid() or not may_answer):
        try:
            actions.answer_message(acting_user=request.user, message=message, payload=form.cleaned_data)
        except ValidationFailed as failure:
            show_domain_errors(form, failure)
        except PermissionDenied as denial:
            form.add_error(None, str(denial))
            refused = True
        else:
            messages.success(request, _("The answer has been sent."))
            return redirect("exchange:message_detail", message_id=message.pk)
    original = queries.find_original(user=request.user, message=message)
    answer = queries.find_answer(user=request.user, message=message)
    linked = [m for m in (original, answer) if m is not None]
    names = full_names([code for m in (message, *linked) for code in (m.sender_code, m.receiver_code)]
                       + [m.payload.get(field) for m in (message, *linked) for field in CODE_FIELDS])
    name, _masked_id = _subject(message)
    return render(request, "exchange/message_detail.html", {
        "message": message, "names": names, "fields": _payload_rows(message, names), "person_name": name,
        "sender": names.get(message.sender_code), "receiver": names.get(message.receiver_code),
        "original": original, "answer": answer,
        "answer_fields": _payload_rows(answer, names) if answer else [],
        "may_answer": may_answer, "form": form, "application": application, "status_label": MessageStatus(message.current_status).label,
    }, status=403 if refused else 200)


# --- Reminders ----------------------------------------------------------------------------------


def _first(messages) -> tuple[list[dict], bool]:
    """The first rows of a list and whether there are more."""
    rows = _rows(messages.select_related("person")[:REMINDER_ROWS + 1])
    return rows[:REMINDER_ROWS], len(rows) > REMINDER_ROWS


@login_required
def due(request):
    due_soon, more_due = _first(queries.list_due_soon(user=request.user))
    overdue, more_overdue = _first(queries.list_inbox(user=request.user, status=MessageStatus.OVERDUE))
    return render(request, "exchange/due.html", {
        "due_soon": due_soon, "more_due": more_due, "overdue": overdue, "more_overdue": more_overdue,
    })


# --- Sending a joint inquiry --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_inquiry(request):
    form = JointInquiryForm(request.POST or None, offices=_own_offices(request.user))
    message = submit(request, form, lambda data: actions.send_message(
        acting_user=request.user, message_type=MessageType.JOINT_INQUIRY, sender_code=data["sender_code"],
        receiver_code=data["receiver_code"], payload=form.payload()))
    if message:
        messages.success(request, _("The joint inquiry has been sent."))
        return redirect("exchange:message_detail", message_id=message.pk)
    return render(request, "exchange/form.html", {"form": form, "title": _("Send a joint inquiry"), "submit": _("Send")})


# --- Rates --------------------------------------------------------------------------------------


def _shown(rates: dict) -> dict:
    """Rates as the page shows them: shares in per cent to one decimal, days to one decimal, "—" for none."""
    def percent(share):
        return "—" if share is None else f"{share * 100:.1f}%"
    median = rates["median_days_to_answer"]
    return {**rates, "feedback_rate": percent(rates["feedback_rate"]), "on_time_rate": percent(rates["on_time_rate"]),
            "median_days_to_answer": "—" if median is None else f"{median:.1f}"}


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@login_required
def rates(request):
    data = request.GET.copy()
    # Until another is chosen: the user's first office, this month.
    if not data.get("code") and request.user.office_code:
        data["code"] = f"{request.user.office_code:012d}"
    data.setdefault("period", Period.MONTH)
    data.setdefault("on", datetime.date.today().isoformat())
    form = RatesForm(data)
    context = {"form": form, "node": None, "children": []}
    code = form.cleaned_data["code"] if form.is_valid() else None
    if code is not None:
        first_day, day_after = form.period_bounds()
        start, end = _midnight(first_day), _midnight(day_after)
        try:
            node = queries.compute_rates(user=request.user, code=code, start=start, end=end)
        except NotFound:
            raise Http404 from None
        context.update({
            "code": code, "name": full_names([code])[code], "node": _shown(node),
            "first_day": first_day, "last_day": day_after - datetime.timedelta(days=1),
            "query": urlencode({k: form.cleaned_data[k] or "" for k in ("period", "on")}),
            "children": [(child, _shown(queries.compute_rates(user=request.user, code=child.code, start=start, end=end)))
                         for child in list_children(code)],
        })
    return render(request, "exchange/rates.html", context)


# --- Cooperation agreements ---------------------------------------------------------------------


@login_required
def agreement_list(request):
    page = Paginator(queries.list_agreements(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names(code for a in page for code in (a.first_party_code, a.second_party_code))
    return render(request, "exchange/agreement_list.html", {"page": page, "names": names})


@login_required
def agreement_detail(request, agreement_id):
    agreement = found_or_404(queries.access_agreement, request.user, agreement_id)
    names = full_names([agreement.first_party_code, agreement.second_party_code])
    return render(request, "exchange/agreement_detail.html", {"agreement": agreement, "names": names})


@login_required
@require_http_methods(["GET", "POST"])
def new_agreement(request):
    form = AgreementForm(request.POST or None, offices=_own_offices(request.user))
    agreement = submit(request, form, lambda data: actions.record_agreement(acting_user=request.user, **data))
    if agreement:
        messages.success(request, _("The agreement has been recorded."))
        return redirect("exchange:agreement_detail", agreement_id=agreement.pk)
    return render(request, "exchange/form.html", {"form": form, "title": _("Record a cooperation agreement")})


# --- Liaison stations ---------------------------------------------------------------------------


@login_required
def station_list(request):
    page = Paginator(queries.list_liaison_stations(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    names = full_names(code for s in page for code in (s.origin_code, s.city_code))
    rows = [(station, mask_phone(station.contact_phone)) for station in page]
    return render(request, "exchange/station_list.html", {"page": page, "rows": rows, "names": names})


def _station_page(request, station, close_form):
    names = full_names([station.origin_code, station.city_code])
    return render(request, "exchange/station_detail.html", {
        "station": station, "names": names, "close_form": close_form,
        "may_close": station.closed_on is None and in_scope(request.user, station.origin_code, writing=True),
    })


@login_required
def station_detail(request, station_id):
    station = found_or_404(queries.access_liaison_station, request.user, station_id)
    return _station_page(request, station, CloseStationForm(initial={"closed_on": datetime.date.today()}))


@login_required
@require_http_methods(["POST"])
def close_station(request, station_id):
    station = found_or_404(queries.access_liaison_station, request.user, station_id)
    form = CloseStationForm(request.POST)
    if submit(request, form, lambda data: actions.close_liaison_station(
            acting_user=request.user, station=station, **data)):
        messages.success(request, _("The liaison station has been closed."))
        return redirect("exchange:station_detail", station_id=station.pk)
    return _station_page(request, station, form)


@login_required
@require_http_methods(["GET", "POST"])
def new_station(request):
    form = LiaisonStationForm(request.POST or None, offices=_own_offices(request.user))
    station = submit(request, form, lambda data: actions.open_liaison_station(acting_user=request.user, **data))
    if station:
        messages.success(request, _("The liaison station has been recorded."))
        return redirect("exchange:station_detail", station_id=station.pk)
    return render(request, "exchange/form.html", {"form": form, "title": _("Record a liaison station")})
