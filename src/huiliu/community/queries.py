"""Every read of the community app, through the jurisdiction scope.

A service agreement and a liaison volunteer are seen by the offices whose scope holds the signing (appointing)
office or the person's household place or residence; a partner unit, an association and a pairing by the
offices whose scope holds their jurisdiction. A row out of scope answers exactly as a missing one, and the
attempt is audited; reads that show a person are audited against the person's places.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from huiliu.accounts.models import WRITING_ROLES
from huiliu.accounts.scope import in_scope, jurisdiction_ranges, scope_filter
from huiliu.audit.actions import fetch_or_deny, record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.core.identity import ID_NUMBER, normalize_id_number
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from .models import (
    Association,
    AssociationMember,
    Commitment,
    Contact,
    LiaisonVolunteer,
    Pairing,
    PartnerUnit,
    ServiceAgreement,
    UnitPerson,
)

AGREEMENT_SCOPE_FIELDS = ("office_id", "person__household_jurisdiction_id", "person__residence_jurisdiction_id")
VOLUNTEER_SCOPE_FIELDS = ("appointing_office_id", "person__household_jurisdiction_id",
                          "person__residence_jurisdiction_id")
LARGEST_CHOICE_LIST = 500
MISSED_SHOWN = 200  # the office page lists this many missed commitments, oldest deadline first, and counts them all


def _subtree(field: str, code: int) -> Q:
    low, high = codes.subtree_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


# --- Offices and persons the forms offer ------------------------------------------------------------------


def list_offices(*, user, levels=(codes.TOWNSHIP, codes.VILLAGE), writing: bool = True) -> list[Jurisdiction]:
    """The offices (of these levels) in the user's scope, for a form's choice: at most 500."""
    condition = Q(pk__in=[])
    for low, high in jurisdiction_ranges(user, writing=writing):
        condition |= Q(code__gte=low, code__lte=high)
    rows = Jurisdiction.objects.filter(condition, level__in=levels).order_by("code")
    return list(rows[:LARGEST_CHOICE_LIST])


def find_person_in_scope(*, user, id_number: str, field: str = "id_number") -> Person:
    """The registry person with this ID number in the user's scope; otherwise a refusal naming the field; audited."""
    number = normalize_id_number(id_number or "")
    if not ID_NUMBER.fullmatch(number):
        raise ValidationFailed({field: [_("Enter the person's 18-character ID number.")]})
    person = Person.objects.filter(scope_filter(user, "household_jurisdiction_id", "residence_jurisdiction_id"),
                                   id_number=number).first()
    record_event(actor=user, event="search", object_type="person", object_id=person.pk if person else "",
                 subject_codes=person.place_codes if person else (None, None),
                 outcome=AuditEvent.Outcome.SUCCESS if person else AuditEvent.Outcome.DENIED)
    if person is None:
        raise ValidationFailed({field: [_("No person with this ID number is registered in your area.")]})
    return person


def list_officers(*, user) -> list:
    """Users who hold a working role at an office in the user's writing scope: who may be paired."""
    condition = Q(pk__in=[])
    for low, high in jurisdiction_ranges(user, writing=True):
        condition |= Q(role_assignments__jurisdiction_id__gte=low, role_assignments__jurisdiction_id__lte=high)
    rows = (get_user_model().objects.filter(condition, is_active=True, role_assignments__role__in=WRITING_ROLES)
            .distinct().order_by("display_name", "username"))
    return list(rows[:LARGEST_CHOICE_LIST])


# --- The office page --------------------------------------------------------------------------------------


def missed_commitments(*, user, office_code: int, today: datetime.date) -> QuerySet[Commitment]:
    """The commitments of agreements signed in the office's subtree not fulfilled by their deadline, oldest first."""
    missed = Q(fulfilled_on__isnull=True, deadline__lt=today) | Q(fulfilled_on__gt=F("deadline"))
    return (Commitment.objects.filter(missed, _subtree("agreement__office_id", office_code))
            .select_related("agreement", "agreement__person", "agreement__office").order_by("deadline", "id"))


def count_missed_commitments(*, user, today: datetime.date) -> int:
    """The missed commitments of the agreements signed by offices in the user's scope: the home page's figure."""
    missed = Q(fulfilled_on__isnull=True, deadline__lt=today) | Q(fulfilled_on__gt=F("deadline"))
    return Commitment.objects.filter(missed, scope_filter(user, "agreement__office_id")).count()


def office_overview(*, user, office_code: int, today: datetime.date) -> dict:
    """The community figures of one office's subtree (which must be in the user's scope) and its missed commitments."""
    if not in_scope(user, office_code):
        record_event(actor=user, event="view", object_type="community_office", object_id=str(office_code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(office_code)
    office = Jurisdiction.objects.filter(pk=office_code).first()
    if office is None:
        raise NotFound(office_code)
    missed_rows = missed_commitments(user=user, office_code=office_code, today=today)
    missed = list(missed_rows[:MISSED_SHOWN])
    record_event(actor=user, event="view", object_type="community_office", object_id=str(office_code),
                 detail={"missed": len(missed), "persons": sorted({str(c.agreement.person_id) for c in missed})})
    return {
        "office": office,
        "agreements": ServiceAgreement.objects.filter(_subtree("office_id", office_code)).count(),
        "open_commitments": Commitment.objects.filter(_subtree("agreement__office_id", office_code),
                                                      fulfilled_on__isnull=True, deadline__gte=today).count(),
        "missed": missed,
        "missed_count": len(missed) if len(missed) < MISSED_SHOWN else missed_rows.count(),
        "units": PartnerUnit.objects.filter(_subtree("jurisdiction_id", office_code)).count(),
        "associations": Association.objects.filter(_subtree("jurisdiction_id", office_code)).count(),
        "members": count_association_members(user=user, code=office_code),
        "volunteers": LiaisonVolunteer.objects.filter(_subtree("appointing_office_id", office_code)).count(),
        "pairings": Pairing.objects.filter(_subtree("office_id", office_code)).count(),
    }


# --- Service agreements -----------------------------------------------------------------------------------


def _scoped_agreements(user) -> QuerySet[ServiceAgreement]:
    return ServiceAgreement.objects.filter(scope_filter(user, *AGREEMENT_SCOPE_FIELDS))


def list_service_agreements(*, user, office_code: int | None = None) -> QuerySet[ServiceAgreement]:
    """The agreements in the user's scope (of one office's subtree when given), newest first; audited."""
    rows = _scoped_agreements(user)
    if office_code:
        rows = rows.filter(_subtree("office_id", office_code))
    record_event(actor=user, event="list", object_type="service_agreement", detail={"office": office_code or ""})
    return (rows.select_related("person", "office")
            .annotate(commitment_count=Count("commitments"),
                      fulfilled_count=Count("commitments", filter=Q(commitments__fulfilled_on__isnull=False)))
            .order_by("-signed_on", "-created_at"))


def access_service_agreement(user, agreement_id) -> ServiceAgreement:
    """Fetch one agreement in the user's scope; out of scope answers as missing; both audited."""
    rows = _scoped_agreements(user).select_related("person", "office", "recorded_by")
    agreement = fetch_or_deny(user, rows, agreement_id, object_type="service_agreement")
    record_event(actor=user, event="view", object_type="person", object_id=agreement.person_id,
                 subject_codes=agreement.person.place_codes, detail={"agreement": str(agreement.pk)})
    return agreement


def list_commitments_of(agreement: ServiceAgreement) -> list[Commitment]:
    return list(agreement.commitments.select_related("fulfilled_by").order_by("deadline", "created_at"))


def access_commitment(user, commitment_id) -> Commitment:
    rows = Commitment.objects.filter(agreement__in=_scoped_agreements(user)).select_related("agreement")
    return fetch_or_deny(user, rows, commitment_id, object_type="commitment")


def count_agreements_signed(*, user, code: int, start: datetime.date, end: datetime.date) -> int:
    """The service agreements signed by offices in the subtree of `code` from `start` to `end` inclusive."""
    if start > end:
        raise ValidationFailed({"end": [_("The end of the period is before its start.")]})
    if not in_scope(user, code):
        raise NotFound(code)
    return ServiceAgreement.objects.filter(_subtree("office_id", code), signed_on__gte=start,
                                           signed_on__lte=end).count()


# --- Partner units ----------------------------------------------------------------------------------------


def _scoped_units(user) -> QuerySet[PartnerUnit]:
    return PartnerUnit.objects.filter(scope_filter(user, "jurisdiction_id"))


def list_partner_units(*, user, kind: str = "") -> QuerySet[PartnerUnit]:
    """The partner units in the user's scope, with how many migrants each employs or houses now."""
    rows = _scoped_units(user)
    if kind:
        rows = rows.filter(kind=kind)
    return (rows.select_related("jurisdiction")
            .annotate(current_people=Count("people", filter=Q(people__ended_on__isnull=True)))
            .order_by("jurisdiction_id", "name", "id"))


def access_partner_unit(user, unit_id) -> PartnerUnit:
    rows = _scoped_units(user).select_related("jurisdiction")
    return fetch_or_deny(user, rows, unit_id, object_type="partner_unit")


def list_unit_people(*, user, unit: PartnerUnit) -> list[UnitPerson]:
    """The migrants a unit employs or houses, current first; audited against each person."""
    rows = list(unit.people.select_related("person").order_by(F("ended_on").desc(nulls_first=True), "-started_on"))
    record_event(actor=user, event="list", object_type="partner_unit", object_id=unit.pk,
                 detail={"persons": [str(r.person_id) for r in rows]})
    return rows


def access_unit_person(user, link_id) -> UnitPerson:
    rows = UnitPerson.objects.filter(unit__in=_scoped_units(user)).select_related("unit", "person")
    return fetch_or_deny(user, rows, link_id, object_type="unit_person")


# --- Associations -----------------------------------------------------------------------------------------


def _scoped_associations(user) -> QuerySet[Association]:
    return Association.objects.filter(scope_filter(user, "jurisdiction_id"))


def list_associations(*, user) -> QuerySet[Association]:
    return (_scoped_associations(user).select_related("jurisdiction")
            .annotate(member_count=Count("members", distinct=True), branch_count=Count("branches", distinct=True))
            .order_by("jurisdiction_id", "name", "id"))


def access_association(user, association_id) -> Association:
    rows = _scoped_associations(user).select_related("jurisdiction")
    return fetch_or_deny(user, rows, association_id, object_type="association")


def association_rows(*, user, association: Association) -> dict:
    """Branches, officers, members and activities of an association (call after access_association); audited."""
    members = list(association.members.select_related("branch", "person").order_by("-joined_on", "name"))
    record_event(actor=user, event="list", object_type="association", object_id=association.pk,
                 detail={"persons": [str(m.person_id) for m in members if m.person_id]})
    return {
        "branches": list(association.branches.order_by("name")),
        "officers": list(association.officers.order_by("-elected_on", "post")),
        "members": members,
        "activities": list(association.activities.order_by("-held_on", "-created_at")),
    }


def count_association_members(*, user, code: int) -> int:
    """The members of the associations in the subtree of `code` (which must be in the user's scope)."""
    if not in_scope(user, code):
        raise NotFound(code)
    return AssociationMember.objects.filter(_subtree("association__jurisdiction_id", code)).count()


# --- Liaison volunteers -----------------------------------------------------------------------------------


def list_liaison_volunteers(*, user) -> QuerySet[LiaisonVolunteer]:
    """The liaison volunteers in the user's scope; audited."""
    record_event(actor=user, event="list", object_type="liaison_volunteer")
    return (LiaisonVolunteer.objects.filter(scope_filter(user, *VOLUNTEER_SCOPE_FIELDS))
            .select_related("person", "appointing_office", "unit").order_by("-appointed_on", "certificate_number"))


# --- Pairings ---------------------------------------------------------------------------------------------


def _scoped_pairings(user) -> QuerySet[Pairing]:
    return Pairing.objects.filter(scope_filter(user, "office_id") | Q(officer_id=getattr(user, "pk", None)))


def list_pairings(*, user) -> QuerySet[Pairing]:
    return (_scoped_pairings(user).select_related("officer", "office")
            .annotate(person_count=Count("persons", distinct=True), contact_count=Count("contacts", distinct=True))
            .order_by("-started_on", "-created_at"))


def access_pairing(user, pairing_id) -> Pairing:
    rows = _scoped_pairings(user).select_related("officer", "office")
    return fetch_or_deny(user, rows, pairing_id, object_type="pairing")


def pairing_rows(*, user, pairing: Pairing) -> dict:
    """The persons and the contact log of a pairing (call after access_pairing); audited."""
    persons = list(pairing.persons.select_related("person").order_by("created_at"))
    contacts = list(Contact.objects.filter(pairing=pairing).select_related("person", "recorded_by")
                    .order_by("-contacted_on", "-created_at"))
    record_event(actor=user, event="list", object_type="pairing", object_id=pairing.pk,
                 detail={"persons": [str(p.person_id) for p in persons]})
    return {"persons": persons, "contacts": contacts}
