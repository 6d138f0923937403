"""Every read of the services app, through the jurisdiction scope.

- A service record is seen by the offices whose scope holds the person's household place or current residence, or
  the office that keeps the record. A row out of scope answers exactly as a missing one, and the attempt is audited.
- A health service's result (its outcome, and the method the person chose) is seen only by a user holding the
  health-worker role over the office that keeps the record or the household township that recognised it. Others
  learn that the service happened (type, date, provider) and nothing more: `visible_fields` leaves the health
  fields out, for the pages and the API alike. Every reading of a result is audited.
- Service-priority groups are computed by one query (a CASE over the county's rules), never stored per person.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.models import Role
from huiliu.accounts.scope import in_role_scope, in_scope, role_ranges, scope_filter
from huiliu.audit.actions import fetch_or_deny, record_event
from huiliu.audit.models import AuditEvent
from huiliu.births.models import BirthRegistration, RegistrationStatus
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes
from huiliu.people.models import (
    Child,
    InflowRegistration,
    MaritalStatus,
    Migration,
    MigrationStatus,
    Person,
    ResidenceType,
)

from .models import (
    GroupCondition,
    OfferKind,
    OfferStatus,
    PriorityGroup,
    ServiceOffer,
    ServiceRecord,
    ServiceType,
)

RECORD_SCOPE_FIELDS = ("person__household_jurisdiction_id", "person__residence_jurisdiction_id", "jurisdiction_id")
OFFER_SCOPE_FIELDS = ("person__household_jurisdiction_id", "person__residence_jurisdiction_id", "jurisdiction_id")
HEALTH_FIELDS = ("outcome", "method_chosen")
DUE_SOON_DAYS = 7


# --- Service records --------------------------------------------------------------------------------------


def _scoped_records(user) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(scope_filter(user, *RECORD_SCOPE_FIELDS))


def may_see_result(user, record: ServiceRecord) -> bool:
    """Whether the user sees a record's health fields: a health worker over the office that keeps it, or over the
    household township that recognised it. Fields of a service that is not a health one are not health fields."""
    if not record.is_health:
        return True
    return (in_role_scope(user, Role.HEALTH_WORKER, record.jurisdiction_id)
            or in_role_scope(user, Role.HEALTH_WORKER, record.recognised_at_code))


def visible_fields(user, record: ServiceRecord) -> dict:
    """The record as this user may see it: the health fields are absent (not empty) unless the user may see them."""
    fields = {
        "id": record.pk, "person_id": record.person_id, "service_type": record.service_type,
        "service_type_label": str(record.get_service_type_display()), "service_date": record.service_date,
        "provider": record.provider, "jurisdiction_code": record.jurisdiction_id,
        "is_health": record.is_health, "consent_given": record.consent_given,
        "consent_way": record.consent_way, "consent_on": record.consent_on,
        "recognised_at_code": record.recognised_at_code, "recognised_at": record.recognised_at,
        "reported_from_code": record.reported_from_code, "reported_from_name": record.reported_from_name,
    }
    if may_see_result(user, record):
        fields["outcome"] = record.outcome
        if record.service_type == ServiceType.CONTRACEPTIVE_SUPPLY:
            fields["method_chosen"] = record.method_chosen
        if record.is_health:
            fields["result_kept_elsewhere"] = record.is_reported
    return fields


def audit_result_reading(user, records) -> None:
    """Write one audit row per person whose health result the user is shown."""
    for record in records:
        if record.is_health and may_see_result(user, record):
            record_event(actor=user, event="view_health_result", object_type="person", object_id=record.person_id,
                         subject_codes=(record.person.household_jurisdiction_id,
                                        record.person.residence_jurisdiction_id),
                         detail={"record": str(record.pk)})


def list_service_records(*, user, service_type: str = "", start: datetime.date | None = None,
                         end: datetime.date | None = None, person_id=None) -> QuerySet[ServiceRecord]:
    """The service records in the user's scope, newest first; by type, period or person; audited."""
    rows = _scoped_records(user)
    if service_type:
        rows = rows.filter(service_type=service_type)
    if start:
        rows = rows.filter(service_date__gte=start)
    if end:
        rows = rows.filter(service_date__lte=end)
    if person_id is not None:
        rows = rows.filter(person_id=person_id) if is_uuid(person_id) else rows.none()
    record_event(actor=user, event="list", object_type="service_record",
                 detail={"type": service_type, "start": start.isoformat() if start else "",
                         "end": end.isoformat() if end else "", "person": str(person_id or "")})
    return (rows.select_related("person", "jurisdiction", "recorded_by")
            .order_by("-service_date", "-created_at", "id"))


def list_services_of(person: Person) -> QuerySet[ServiceRecord]:
    """A person's services, from both sides, newest first (call after access_person: every one of them is in scope)."""
    return (ServiceRecord.objects.filter(person=person).select_related("jurisdiction")
            .order_by("-service_date", "-created_at"))


def access_service_record(user, record_id) -> ServiceRecord:
    """Fetch one record in the user's scope; out of scope answers as missing; audited, a shown result apart."""
    rows = _scoped_records(user).select_related("person", "jurisdiction", "recorded_by")
    record = fetch_or_deny(user, rows, record_id, object_type="service_record")
    record_event(actor=user, event="view", object_type="person", object_id=record.person_id,
                 subject_codes=record.person.place_codes, detail={"record": str(record.pk)})
    audit_result_reading(user, [record])
    return record


# --- Offers -----------------------------------------------------------------------------------------------


def with_outcome(offers: QuerySet[ServiceOffer], today: datetime.date) -> QuerySet[ServiceOffer]:
    """Annotate each offer's outcome: an open offer past its due date reads as lapsed (never stored)."""
    return offers.annotate(outcome=Case(
        When(status=OfferStatus.OPEN, due_by__lt=today, then=Value(OfferStatus.LAPSED.value)),
        default="status"))


def _scoped_offers(user) -> QuerySet[ServiceOffer]:
    return ServiceOffer.objects.filter(scope_filter(user, *OFFER_SCOPE_FIELDS))


def list_offers(*, user, outcome: str = "", kind: str = "", person_id=None,
                today: datetime.date | None = None) -> QuerySet[ServiceOffer]:
    """The offers in the user's scope, soonest due first; by outcome, kind or person; audited."""
    today = today or timezone.localdate()
    rows = with_outcome(_scoped_offers(user), today)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if kind:
        rows = rows.filter(kind=kind)
    if person_id is not None:
        rows = rows.filter(person_id=person_id) if is_uuid(person_id) else rows.none()
    record_event(actor=user, event="list", object_type="service_offer",
                 detail={"outcome": outcome, "kind": kind, "person": str(person_id or "")})
    return rows.select_related("person", "jurisdiction").order_by("due_by", "created_at", "id")


def access_offer(user, offer_id, *, today: datetime.date | None = None) -> ServiceOffer:
    """Fetch one offer in the user's scope; out of scope answers as missing; audited."""
    rows = with_outcome(_scoped_offers(user), today or timezone.localdate()).select_related(
        "person", "jurisdiction", "record")
    offer = fetch_or_deny(user, rows, offer_id, object_type="service_offer")
    record_event(actor=user, event="view", object_type="person", object_id=offer.person_id,
                 subject_codes=offer.person.place_codes, detail={"offer": str(offer.pk)})
    return offer


def list_open_offers_of(person: Person) -> QuerySet[ServiceOffer]:
    """A person's offers still open (call after access_person)."""
    return ServiceOffer.objects.filter(person=person, status=OfferStatus.OPEN).order_by("due_by")


# --- Service-priority groups ------------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.year * 12 + day.month - 1 - months
    year, month = divmod(month, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def condition_filter(group: PriorityGroup, today: datetime.date) -> Q:
    """The group's condition as a filter on persons: sub-queries the database answers, no loop in Python."""
    if group.condition == GroupCondition.NEW_PARENTS:
        since = months_before(today, group.parameter or 12)
        young_child = Child.objects.filter(parent=OuterRef("pk"), birth_date__gte=since)
        registration = BirthRegistration.objects.filter(
            Q(birth_date__gte=since) | Q(birth_date__isnull=True, expected_birth_date__gte=since),
            mother=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        return Q(Exists(young_child)) | Q(Exists(registration))
    if group.condition == GroupCondition.SETTLED:
        since = months_before(today, 12 * (group.parameter or 5))
        settled = InflowRegistration.objects.filter(
            Q(residence_type=ResidenceType.OWN) | Q(arrival_date__lte=since),
            migration__person=OuterRef("pk"), migration__status=MigrationStatus.ARRIVED)
        return Q(Exists(settled))
    if group.condition == GroupCondition.SINGLE:
        return Q(marital_status=MaritalStatus.SINGLE)
    return Q(pk__isnull=False)


def list_priority_groups(*, county_code: int) -> list[PriorityGroup]:
    """A county's groups, in their order (rules of an office: no personal data)."""
    return list(PriorityGroup.objects.filter(county_id=county_code).order_by("order", "name"))


def access_priority_group(user, group_id) -> PriorityGroup:
    """Fetch one group of a county in the user's scope; out of scope answers as missing."""
    return fetch_or_deny(user, PriorityGroup.objects.filter(scope_filter(user, "county_id")), group_id,
                          object_type="priority_group")


def county_of(code: int) -> int:
    width = 10 ** (12 - codes.SIGNIFICANT_DIGITS[codes.COUNTY])
    return code // width * width


def registered_persons_of(code: int) -> QuerySet[Person]:
    """The persons a place serves: those living in its subtree, and those registered there whose residence is unknown."""
    low, high = codes.subtree_range(code)
    return Person.objects.filter(Q(residence_jurisdiction_id__gte=low, residence_jurisdiction_id__lte=high)
                                 | Q(residence_jurisdiction__isnull=True, household_jurisdiction_id__gte=low,
                                     household_jurisdiction_id__lte=high))


def with_group(persons: QuerySet[Person], groups: list[PriorityGroup], today: datetime.date) -> QuerySet[Person]:
    """Annotate each person with the order of the first group whose condition holds (None when none does)."""
    if not groups:
        return persons.annotate(group_order=Value(None, output_field=IntegerField()))
    return persons.annotate(group_order=Case(
        *[When(condition_filter(g, today), then=Value(g.order)) for g in groups],
        default=Value(None), output_field=IntegerField()))


def persons_called_for(*, county_code: int, kind: str, today: datetime.date) -> QuerySet[Person]:
    """The persons the county serves whose group calls for this service."""
    groups = list_priority_groups(county_code=county_code)
    orders = [g.order for g in groups if kind in g.services]
    if not orders:
        return Person.objects.none()
    return with_group(registered_persons_of(county_code), groups, today).filter(group_order__in=orders)


def village_of(user) -> int | None:
    """The first village (or township) the user works for: the place of their work list."""
    places = sorted(low for low, _high in (role_ranges(user, Role.VILLAGE_WORKER)
                                           or role_ranges(user, Role.TOWNSHIP_OFFICER)))
    return places[0] if places else None


WORK_LIST_PERSONS = 300


def work_list(*, user, place_code: int, today: datetime.date | None = None) -> dict:
    """A village worker's work list: the persons the place serves, by group; its open offers; those due this week."""
    today = today or timezone.localdate()
    if place_code is None or not in_scope(user, place_code):
        record_event(actor=user, event="list", object_type="work_list", object_id=str(place_code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(place_code)
    groups = list_priority_groups(county_code=county_of(place_code))
    persons = with_group(registered_persons_of(place_code), groups, today)
    counts = dict(persons.values_list("group_order").annotate(n=Count("pk")).values_list("group_order", "n"))
    rows = list(persons.order_by("group_order", "name", "id").values(
        "pk", "name", "group_order")[:WORK_LIST_PERSONS])
    low, high = codes.subtree_range(place_code)
    offers = with_outcome(ServiceOffer.objects.filter(
        Q(person__residence_jurisdiction_id__gte=low, person__residence_jurisdiction_id__lte=high)
        | Q(jurisdiction_id__gte=low, jurisdiction_id__lte=high), status=OfferStatus.OPEN), today)
    open_offers = list(offers.select_related("person").order_by("due_by", "id")[:WORK_LIST_PERSONS])
    due = [o for o in open_offers if today <= o.due_by <= today + datetime.timedelta(days=DUE_SOON_DAYS)]
    record_event(actor=user, event="list", object_type="work_list", object_id=str(place_code),
                 detail={"persons": len(rows), "offers": len(open_offers)})
    by_order = {g.order: g for g in groups}
    sections = [{"group": by_order.get(order), "count": counts.get(order, 0),
                 "services": [OfferKind(k).label for k in (by_order[order].services if order in by_order else [])],
                 "persons": [r for r in rows if r["group_order"] == order]}
                for order in [*sorted(by_order), None] if counts.get(order)]
    return {"sections": sections, "open_offers": open_offers, "due_this_week": due, "groups": groups}


# --- Figures for the reports ------------------------------------------------------------------------------


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if start > end:
        raise ValidationFailed({"end": [_("The end of the period is before its start.")]})


def _in_user_subtree(user, code: int) -> tuple[int, int]:
    if not in_scope(user, code):
        record_event(actor=user, event="list", object_type="service_figures", object_id=str(code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(code)
    return codes.subtree_range(code)


def count_equal_service_coverage(*, user, code: int, start: datetime.date, end: datetime.date) -> dict:
    """Equal-service coverage of a subtree over a period: the registered arrivals living there (open inflow moves),
    and how many of them received at least one service in the period, recorded anywhere. Names nobody."""
    _check_period(start, end)
    low, high = _in_user_subtree(user, code)
    arrived = Migration.objects.filter(status=MigrationStatus.ARRIVED, destination_jurisdiction_id__gte=low,
                                       destination_jurisdiction_id__lte=high)
    served = ServiceRecord.objects.filter(person_id=OuterRef("person_id"), service_date__gte=start,
                                          service_date__lte=end)
    figures = arrived.aggregate(arrivals=Count("person_id", distinct=True),
                                served=Count("person_id", distinct=True, filter=Q(Exists(served))))
    record_event(actor=user, event="list", object_type="service_figures", object_id=str(code),
                 detail={"figure": "coverage", "start": start.isoformat(), "end": end.isoformat()})
    return {"arrivals": figures["arrivals"], "served": figures["served"]}


def count_offer_take_up(*, user, code: int, start: datetime.date, end: datetime.date,
                        today: datetime.date | None = None) -> dict:
    """Take-up of the offers made by the offices of a subtree in a period: offered, taken up, declined, lapsed, open."""
    _check_period(start, end)
    low, high = _in_user_subtree(user, code)
    offers = with_outcome(ServiceOffer.objects.filter(jurisdiction_id__gte=low, jurisdiction_id__lte=high,
                                                      offered_on__gte=start, offered_on__lte=end),
                          today or timezone.localdate())
    by_outcome = dict(offers.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    record_event(actor=user, event="list", object_type="service_figures", object_id=str(code),
                 detail={"figure": "take_up", "start": start.isoformat(), "end": end.isoformat()})
    return {"offered": sum(by_outcome.values()), "taken_up": by_outcome.get(OfferStatus.TAKEN_UP, 0),
            "declined": by_outcome.get(OfferStatus.DECLINED, 0), "lapsed": by_outcome.get(OfferStatus.LAPSED, 0),
            "open": by_outcome.get(OfferStatus.OPEN, 0)}

