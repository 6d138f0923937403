"""Every write of the services app: one function a use case, one transaction, audited.

- A service is recorded for a person by an office whose write scope holds the person's current residence or
  household place; that office keeps the record. A health service is refused, and nothing is written, unless the
  person's informed consent is recorded (given, how, when; for supplies, the method the person chose).
- A service recorded for a person whose household township is another one publishes `services.service_recorded`;
  the exchange reports it to the household township, where it is recognised: it counts there, nobody repeats it.
- An offer is made, reminded, taken up (linked to the record of the service), or declined. Declining writes the
  answer on the offer and nothing else, anywhere: it is a valid answer with no consequence.
- Service-priority groups are the rules of a county, written by its officers (or above).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import in_scope, require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core import events
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.models import user_or_none
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from . import queries
from .models import (
    ConsentWay,
    GroupCondition,
    OfferKind,
    OfferStatus,
    PriorityGroup,
    ServiceOffer,
    ServiceRecord,
    ServiceType,
    is_health_service,
)

LONGEST_PROVIDER, LONGEST_OUTCOME, LONGEST_REASON = 100, 500, 200
# Days a yearly check-up offer and a reminder about the childcare subsidy stay open.
POSTPARTUM_DAYS = 42
SUBSIDY_REMINDER_DAYS = 90


def recording_office(acting_user, person: Person) -> int | None:
    """The office that records for the person: where they live now, else their household place, if the user writes there."""
    for code in (person.residence_jurisdiction_id, person.household_jurisdiction_id):
        if code is not None and in_scope(acting_user, code, writing=True):
            return code
    return None


def _check_date(errors: FieldErrors, field: str, value, *, missing: str, today: datetime.date) -> datetime.date | None:
    if not isinstance(value, datetime.date):
        errors.add(field, missing)
        return None
    if value > today:
        errors.add(field, _("The date cannot be in the future."))
    return value


def _check_consent(errors: FieldErrors, *, service_type, consent_given, consent_way, consent_on, method_chosen,
                   service_date, today) -> None:
    """A health service needs the person's informed consent recorded: that it was given, how, and when."""
    if consent_given is not True:
        errors.add("consent_given", _("Informed consent: record that the person chose this service and consented "
                                      "to it; a health service is recorded only with the person's consent."))
    if consent_way not in ConsentWay.values:
        errors.add("consent_way", _("How consent was given: choose how the person gave consent."))
    if not isinstance(consent_on, datetime.date):
        errors.add("consent_on", _("Date of consent: give the day the person consented."))
    elif consent_on > today:
        errors.add("consent_on", _("The date cannot be in the future."))
    elif isinstance(service_date, datetime.date) and consent_on > service_date:
        errors.add("consent_on", _("Date of consent: consent is given before the service, not after it."))
    if service_type == ServiceType.CONTRACEPTIVE_SUPPLY and not method_chosen:
        errors.add("method_chosen", _("Method chosen: record the method the person chose."))


def record_service(*, acting_user, person: Person, service_type: str, service_date: datetime.date, provider: str,
                   outcome: str = "", consent_given: bool = False, consent_way: str = "",
                   consent_on: datetime.date | None = None, method_chosen: str = "",
                   offer: ServiceOffer | None = None) -> ServiceRecord:
    """Record a service given to a person; a health service only with the person's informed consent."""
    today = timezone.localdate()
    errors = FieldErrors()
    if service_type not in ServiceType.values:
        errors.add("service_type", _("Choose the type of service."))
    service_date = _check_date(errors, "service_date", service_date, missing=_("Give the date of the service."),
                               today=today)
    provider = errors.text("provider", provider, LONGEST_PROVIDER, required=True,
                           missing=_("Name the unit that gave the service."))
    outcome = errors.text("outcome", outcome, LONGEST_OUTCOME)
    method_chosen = errors.text("method_chosen", method_chosen, LONGEST_PROVIDER)
    health = is_health_service(service_type)
    if health:
        _check_consent(errors, service_type=service_type, consent_given=consent_given, consent_way=consent_way,
                       consent_on=consent_on, method_chosen=method_chosen, service_date=service_date, today=today)
    if offer is not None and (offer.person_id != person.pk or offer.status != OfferStatus.OPEN):
        errors.add("offer", _("This offer is not open for this person."))
    errors.raise_if_any()
    office = recording_office(acting_user, person)
    if office is None:
        require_write_scope(acting_user, *person.place_codes, object_type="person", object_id=person.pk,
                            message=_("Only an office where the person lives or is registered can record a "
                                      "service for them."))
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            person=person, service_type=service_type, service_date=service_date, provider=provider,
            jurisdiction_id=office, outcome=outcome,
            consent_given=bool(consent_given) if health else False, consent_way=consent_way if health else "",
            consent_on=consent_on if health else None,
            method_chosen=method_chosen if service_type == ServiceType.CONTRACEPTIVE_SUPPLY else "",
            recorded_by=user_or_none(acting_user),
        )
        # The audit names the service, never its result.
        record_event(actor=acting_user, event="record_service", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"record": str(record.pk), "type": service_type, "office": office,
                             "consent": record.consent_given})
        if offer is not None:
            _answer_offer(acting_user, offer, status=OfferStatus.TAKEN_UP, record=record, today=today)
        events.publish(events.SERVICE_RECORDED, acting_user=acting_user, record=record)
    return record


def recognise_service(*, acting_user, record: ServiceRecord, at_code: int) -> ServiceRecord:
    """Note that the household township recognised a service recorded here: it counts there too.

    Raised by the registry itself when it reports the service (the recording action checked the user's scope).
    """
    with transaction.atomic():
        now = timezone.now()
        ServiceRecord.objects.filter(pk=record.pk).update(recognised_at_code=at_code, recognised_at=now, updated_at=now)
        record.recognised_at_code, record.recognised_at = at_code, now
        record_event(actor=acting_user, event="recognise_service", object_type="person", object_id=record.person_id,
                     subject_codes=(record.person.household_jurisdiction_id, record.person.residence_jurisdiction_id),
                     detail={"record": str(record.pk), "at": at_code})
    return record


def record_reported_service(*, peer_name: str, message_id, person: Person, at_code: int, reported_from_code: int,
                            reported_from_name: str, service_type: str, service_date: datetime.date,
                            provider: str, consent_recorded: bool) -> ServiceRecord:
    """Keep, at the household township, a service a peer deployment reported: recognised on receipt, once per message.

    The result stays where the service was given; the consent was recorded there.
    """
    existing = ServiceRecord.objects.filter(report_message_id=message_id).first()
    if existing is not None:
        return existing
    if service_type not in ServiceType.values:
        raise ValidationFailed({"service_type": [_("Choose the type of service.")]})
    now = timezone.now()
    try:
        with transaction.atomic():
            record = ServiceRecord.objects.create(
                person=person, service_type=service_type, service_date=service_date, provider=provider[:100],
                jurisdiction_id=at_code, consent_given=bool(consent_recorded) and is_health_service(service_type),
                recognised_at_code=at_code, recognised_at=now, reported_from_code=reported_from_code,
                reported_from_name=reported_from_name[:200], report_message_id=message_id,
            )
            record_event(actor=None, username=f"peer:{peer_name}", event="recognise_service", object_type="person",
                         object_id=person.pk, subject_codes=person.place_codes,
                         detail={"record": str(record.pk), "at": at_code, "from": reported_from_code,
                                 "message": str(message_id)})
    except IntegrityError:
        return ServiceRecord.objects.get(report_message_id=message_id)
    return record


# --- Offers -------------------------------------------------------------------------------------------------


def make_offer(*, acting_user, person: Person, kind: str, due_by: datetime.date,
               offered_on: datetime.date | None = None) -> ServiceOffer:
    """Offer a service to a person, from an office where they live or are registered."""
    offered_on = offered_on or timezone.localdate()
    errors = FieldErrors()
    if kind not in OfferKind.values:
        errors.add("kind", _("Choose the service offered."))
    if not isinstance(due_by, datetime.date):
        errors.add("due_by", _("Give the date the offer is open until."))
    elif due_by < offered_on:
        errors.add("due_by", _("The offer must stay open at least until the day it is made."))
    errors.raise_if_any()
    office = recording_office(acting_user, person)
    if office is None:
        require_write_scope(acting_user, *person.place_codes, object_type="person", object_id=person.pk,
                            message=_("Only an office where the person lives or is registered can offer a "
                                      "service to them."))
    with transaction.atomic():
        offer = ServiceOffer.objects.create(kind=kind, person=person, offered_on=offered_on, jurisdiction_id=office,
                                            due_by=due_by, offered_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="make_offer", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes, detail={"offer": str(offer.pk), "kind": kind})
    return offer


def _require_offer_office(acting_user, offer: ServiceOffer) -> None:
    require_write_scope(acting_user, offer.jurisdiction_id, *offer.person.place_codes, object_type="service_offer",
                        object_id=offer.pk,
                        message=_("Only the offering office, or an office where the person lives or is "
                                  "registered, can answer this offer."))


def record_reminder_sent(*, acting_user, offer: ServiceOffer, sent_on: datetime.date | None = None) -> ServiceOffer:
    """Note the day a reminder of an open offer was sent to the person."""
    sent_on = sent_on or timezone.localdate()
    _require_offer_office(acting_user, offer)
    with transaction.atomic():
        offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.OPEN:
            raise ValidationFailed({"__all__": [_("This offer has already been answered.")]})
        offer.reminder_sent_on = sent_on
        offer.save(update_fields=["reminder_sent_on", "updated_at"])
        record_event(actor=acting_user, event="remind_offer", object_type="service_offer", object_id=offer.pk,
                     detail={"on": sent_on.isoformat()})
    return offer


def _answer_offer(acting_user, offer: ServiceOffer, *, status: str, today: datetime.date, record=None,
                  reason: str = "") -> ServiceOffer:
    offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.OPEN:
        raise ValidationFailed({"__all__": [_("This offer has already been answered.")]})
    offer.status, offer.record, offer.decline_reason, offer.answered_on = status, record, reason, today
    offer.save(update_fields=["status", "record", "decline_reason", "answered_on", "updated_at"])
    record_event(actor=acting_user, event="answer_offer", object_type="service_offer", object_id=offer.pk,
                 detail={"status": status, "record": str(record.pk) if record else ""})
    return offer


def take_up_offer(*, acting_user, offer: ServiceOffer, record: ServiceRecord) -> ServiceOffer:
    """Note that the person took the offer up, linking the record of the service given."""
    _require_offer_office(acting_user, offer)
    if record.person_id != offer.person_id:
        raise ValidationFailed({"record": [_("The service record is of another person.")]})
    with transaction.atomic():
        return _answer_offer(acting_user, offer, status=OfferStatus.TAKEN_UP, record=record,
                             today=timezone.localdate())


def decline_offer(*, acting_user, offer: ServiceOffer, reason: str = "") -> ServiceOffer:
    """Note that the person declined the offer, with the reason they gave if any; nothing else changes anywhere."""
    errors = FieldErrors()
    reason = errors.text("reason", reason, LONGEST_REASON)
    errors.raise_if_any()
    _require_offer_office(acting_user, offer)
    with transaction.atomic():
        return _answer_offer(acting_user, offer, status=OfferStatus.DECLINED, reason=reason,
                             today=timezone.localdate())


def _bulk_offer(*, persons, kind: str, office: int, offered_on, due_by, source: str, acting_user) -> int:
    """Create the offer of `kind` from `source` for each person of the query that has none yet; count those made."""
    waiting = persons.exclude(pk__in=ServiceOffer.objects.filter(kind=kind, source=source).values("person_id"))
    rows = [ServiceOffer(kind=kind, person_id=pk, offered_on=offered_on, jurisdiction_id=office,
                         due_by=due_by, source=source, offered_by=user_or_none(acting_user))
            for pk in waiting.values_list("pk", flat=True).iterator(chunk_size=2000)]
    ServiceOffer.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def offer_yearly_checkups(*, acting_user, county_code: int, year: int) -> int:
    """Offer the yearly free check-up to every registered person of the county whose group calls for it; idempotent.

    Run by a county officer (or an operator's command, with no user); running it twice adds nothing.
    """
    if codes.level_of(county_code) != codes.COUNTY or not Jurisdiction.objects.filter(pk=county_code).exists():
        raise ValidationFailed({"county": [_("Choose a county.")]})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed({"year": [_("Enter a year.")]})
    if acting_user is not None:
        require_write_scope(acting_user, county_code, object_type="priority_group", object_id=str(county_code),
                            message=_("Only an officer of this county, or above it, can do this."))
    start = datetime.date(year, 1, 1)
    persons = queries.persons_called_for(county_code=county_code, kind=OfferKind.HEALTH_CHECKUP, today=start)
    with transaction.atomic():
        made = _bulk_offer(persons=persons, kind=OfferKind.HEALTH_CHECKUP, office=county_code,
                           offered_on=start, due_by=datetime.date(year, 12, 31), source=f"yearly:{year}",
                           acting_user=acting_user)
        record_event(actor=acting_user, username="" if acting_user else "command:offer_services",
                     event="offer_yearly_checkups", object_type="priority_group", object_id=str(county_code),
                     detail={"year": year, "made": made})
    return made


def offer_services_after_birth(*, acting_user, registration) -> int:
    """After a confirmed birth registration: prenatal care (before the birth), a postpartum visit (mother), and a
    reminder about the childcare subsidy (each parent in the registry). Raised by the registry; idempotent."""
    mother = registration.mother
    father = (Person.objects.filter(id_number=registration.father_id_number).first()
              if registration.father_id_number else None)
    born = registration.birth_date
    expected = registration.expected_birth_date
    today = timezone.localdate()
    source = f"birth:{registration.pk}"
    plans = []
    if mother is not None:
        if born is None and expected is not None and expected >= today:
            plans.append((mother, OfferKind.PRENATAL_CARE, expected))
        plans.append((mother, OfferKind.POSTPARTUM_VISIT, (born or expected or today) + datetime.timedelta(days=POSTPARTUM_DAYS)))
    for parent in (mother, father):
        if parent is not None:
            plans.append((parent, OfferKind.CHILDCARE_SUBSIDY,
                          max(born or expected or today, today) + datetime.timedelta(days=SUBSIDY_REMINDER_DAYS)))
    made = 0
    for person, kind, due_by in plans:
        if ServiceOffer.objects.filter(person=person, kind=kind, source=source).exists():
            continue
        offer = ServiceOffer.objects.create(kind=kind, person=person, offered_on=today,
                                            jurisdiction_id=registration.jurisdiction_id, due_by=max(due_by, today),
                                            source=source, offered_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="make_offer", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"offer": str(offer.pk), "kind": kind, "birth_registration": str(registration.pk)})
        made += 1
    return made


# --- Service-priority groups --------------------------------------------------------------------------------


def _check_group(errors: FieldErrors, *, name, order, condition, parameter, services) -> tuple:
    name = errors.text("name", name, 50, required=True, missing=_("Name the group."))
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 99:
        errors.add("order", _("Give the group's place in the order, from 1 to 99."))
    if condition not in GroupCondition.values:
        errors.add("condition", _("Choose the group's condition."))
    needs_parameter = condition in (GroupCondition.NEW_PARENTS, GroupCondition.SETTLED)
    if needs_parameter and (isinstance(parameter, bool) or not isinstance(parameter, int) or not 1 <= parameter <= 120):
        errors.add("parameter", _("Give the number of months or years of the condition, from 1 to 120."))
    services = list(dict.fromkeys(services or []))
    if any(s not in OfferKind.values for s in services):
        errors.add("services", _("Choose services from the list."))
    return name, order, parameter if needs_parameter else None, services


def save_priority_group(*, acting_user, county_code: int, name: str, order: int, condition: str,
                        parameter: int | None = None, services: list | None = None,
                        group: PriorityGroup | None = None) -> PriorityGroup:
    """Create (or change) a service-priority group of a county; only an officer of the county or above."""
    if group is not None:
        county_code = group.county_id
    errors = FieldErrors()
    if not isinstance(county_code, int) or codes.level_of(county_code) != codes.COUNTY:
        errors.add("county", _("Choose a county."))
    name, order, parameter, services = _check_group(errors, name=name, order=order, condition=condition,
                                                    parameter=parameter, services=services)
    errors.raise_if_any()
    require_write_scope(acting_user, county_code, object_type="priority_group", object_id=str(county_code),
                        message=_("Only an officer of this county, or above it, can change its groups."))
    values = {"name": name, "order": order, "condition": condition, "parameter": parameter, "services": services}
    try:
        with transaction.atomic():
            if group is None:
                group = PriorityGroup.objects.create(county_id=county_code, created_by=user_or_none(acting_user),
                                                     **values)
            else:
                PriorityGroup.objects.filter(pk=group.pk).update(updated_at=timezone.now(), **values)
                group.refresh_from_db()
            record_event(actor=acting_user, event="save_priority_group", object_type="priority_group",
                         object_id=group.pk, detail={"county": county_code, **values})
    except IntegrityError:
        raise ValidationFailed({"order": [_("Another group of this county has this place in the order.")]}) from None
    return group


def remove_priority_group(*, acting_user, group: PriorityGroup) -> None:
    """Remove a group from a county's rules (people then fall into the next group that matches)."""
    require_write_scope(acting_user, group.county_id, object_type="priority_group", object_id=group.pk,
                        message=_("Only an officer of this county, or above it, can change its groups."))
    with transaction.atomic():
        record_event(actor=acting_user, event="remove_priority_group", object_type="priority_group",
                     object_id=group.pk, detail={"county": group.county_id, "name": group.name})
        group.delete()
