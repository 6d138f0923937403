"""Every write of the community app: one function a use case, one transaction, audited, inside the user's scope.

- A service agreement is signed by a township or village office with a migrant who lives in, or is registered
  in, its area. Its commitments are the office's own; the migrant's obligations are a list of text lines.
- A partner unit, an association and a pairing belong to a jurisdiction; only an office whose writing scope
  holds that jurisdiction changes them, and the persons linked to them must be in the writer's scope.
- A liaison volunteer's certificate number is taken from the appointing office's sequence for the year.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from huiliu.accounts.models import WRITING_ROLES
from huiliu.accounts.scope import in_scope, require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.identity import validate_phone
from huiliu.core.models import user_or_none
from huiliu.core.numbering import next_document_number
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from .models import (
    Activity,
    ActivityKind,
    Association,
    AssociationMember,
    AssociationOfficer,
    Branch,
    Commitment,
    Contact,
    ContactWay,
    LiaisonVolunteer,
    PairedPerson,
    Pairing,
    PartnerKind,
    PartnerUnit,
    ResponsibilityAgreement,
    ServiceAgreement,
    UnitPerson,
)

SHORT, NAME, LINE, TEXT, LONG = 50, 100, 200, 1000, 10_000
LONGEST_TERM_YEARS = 10
OFFICE_LEVELS = (codes.TOWNSHIP, codes.VILLAGE)


# --- Checks shared by every write -------------------------------------------------------------------------


def _office(errors: FieldErrors, field: str, code, *, levels=None, missing: str = "") -> Jurisdiction | None:
    office = Jurisdiction.objects.filter(pk=code).first() if isinstance(code, int) else None
    if office is None:
        errors.add(field, missing or _("Choose the office."))
    elif levels and codes.level_of(office.code) not in levels:
        errors.add(field, _("Choose a township or village office."))
        return None
    return office


def _day(errors: FieldErrors, field: str, value, *, missing: str, today: datetime.date | None = None,
         not_before: datetime.date | None = None, not_before_message: str = "") -> datetime.date | None:
    """A date that has already come (not after today), and not before `not_before` when given."""
    if not isinstance(value, datetime.date):
        errors.add(field, missing)
        return None
    if value > (today or timezone.localdate()):
        errors.add(field, _("This date is in the future."))
        return None
    if not_before is not None and value < not_before:
        errors.add(field, not_before_message or _("This date is too early."))
        return None
    return value


def _term_end(errors: FieldErrors, field: str, value, start: datetime.date | None) -> datetime.date | None:
    if not isinstance(value, datetime.date):
        errors.add(field, _("Enter the end of the term."))
        return None
    if start is not None and value < start:
        errors.add(field, _("The term cannot end before it starts."))
        return None
    if start is not None and value.year - start.year > LONGEST_TERM_YEARS:
        errors.add(field, _("A term is at most %(years)d years.") % {"years": LONGEST_TERM_YEARS})
        return None
    return value


def _lines(value) -> str:
    """Text lines stripped, blank lines dropped."""
    return "\n".join(line.strip() for line in (value or "").splitlines() if line.strip())


def _in_area(person: Person, office_code: int) -> bool:
    return any(code is not None and codes.contains(office_code, code) for code in person.place_codes)


def _require_person(acting_user, person: Person, *, object_type: str, object_id="") -> None:
    require_write_scope(acting_user, *person.place_codes, object_type=object_type, object_id=object_id or person.pk,
                        message=_("This person is outside your area of responsibility."))


def validate_credit_code(raw: str, field: str = "credit_code") -> str:
    """The unified social credit code in its compact form (18 characters, upper case), or a refusal naming the field."""
    try:
        return uscc.validate(raw)
    except InvalidLength:
        message = _("The unified social credit code must have 18 characters.")
    except InvalidChecksum:
        message = _("The check character of the unified social credit code is wrong.")
    except StdnumError:
        message = _("The first 8 characters of the unified social credit code are digits, the others digits or "
                    "capital letters other than I, O, S, V and Z.")
    raise ValidationFailed({field: [message]})


# --- Service agreements -----------------------------------------------------------------------------------


def sign_service_agreement(*, acting_user, office_code: int, person: Person, signed_on: datetime.date,
                           term_end: datetime.date, office_obligations: str = "", migrant_obligations: str = "",
                           commitments: list[dict] = ()) -> ServiceAgreement:
    """Record an agreement an office signed with a migrant, with the office's commitments (each {description, deadline}).

    The migrant's obligations are only listed: nothing in the system follows from them.
    """
    errors = FieldErrors()
    office = _office(errors, "office_code", office_code, levels=OFFICE_LEVELS)
    signed_on = _day(errors, "signed_on", signed_on, missing=_("Enter the date the agreement was signed."))
    term_end = _term_end(errors, "term_end", term_end, signed_on)
    office_text = _lines(errors.text("office_obligations", office_obligations, LONG))
    migrant_text = _lines(errors.text("migrant_obligations", migrant_obligations, LONG))
    if office is not None and not _in_area(person, office.code):
        errors.add("person", _("This person neither lives in nor is registered in the office's area."))
    checked = [_commitment(errors, item, signed_on) for item in commitments]
    errors.raise_if_any()
    require_write_scope(acting_user, office.code, object_type="service_agreement",
                        message=_("Only the signing office, or an office above it, can record this agreement."))
    with transaction.atomic():
        agreement = ServiceAgreement.objects.create(
            office=office, person=person, signed_on=signed_on, term_end=term_end, office_obligations=office_text,
            migrant_obligations=migrant_text, recorded_by=user_or_none(acting_user))
        Commitment.objects.bulk_create([Commitment(agreement=agreement, **item) for item in checked])
        record_event(actor=acting_user, event="sign_service_agreement", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"agreement": str(agreement.pk), "office": office.code, "commitments": len(checked)})
    return agreement


def _commitment(errors: FieldErrors, item: dict, signed_on: datetime.date | None) -> dict:
    description = errors.text("commitments", item.get("description"), LINE, required=True,
                              missing=_("Describe each commitment."))
    deadline = item.get("deadline")
    if not isinstance(deadline, datetime.date):
        errors.add("commitments", _("Give each commitment its deadline."))
    elif signed_on is not None and deadline < signed_on:
        errors.add("commitments", _("A commitment's deadline cannot be before the agreement was signed."))
    return {"description": description, "deadline": deadline}


def add_commitment(*, acting_user, agreement: ServiceAgreement, description: str,
                   deadline: datetime.date) -> Commitment:
    """Add one of the office's commitments to an agreement."""
    errors = FieldErrors()
    item = _commitment(errors, {"description": description, "deadline": deadline}, agreement.signed_on)
    if "commitments" in errors:
        errors["description" if not item["description"] else "deadline"] = errors.pop("commitments")
    errors.raise_if_any()
    require_write_scope(acting_user, agreement.office_id, object_type="service_agreement", object_id=agreement.pk,
                        message=_("Only the signing office, or an office above it, can change this agreement."))
    with transaction.atomic():
        commitment = Commitment.objects.create(agreement=agreement, **item)
        record_event(actor=acting_user, event="add_commitment", object_type="service_agreement",
                     object_id=agreement.pk, detail={"commitment": str(commitment.pk),
                                                     "deadline": item["deadline"].isoformat()})
    return commitment


def record_commitment_fulfilled(*, acting_user, commitment: Commitment, fulfilled_on: datetime.date,
                                note: str = "") -> Commitment:
    """Record the day the office fulfilled a commitment; a day after the deadline leaves it missed (fulfilled late)."""
    errors = FieldErrors()
    agreement = commitment.agreement
    note = errors.text("note", note, TEXT // 2)
    fulfilled_on = _day(errors, "fulfilled_on", fulfilled_on, missing=_("Enter the date it was fulfilled."),
                        not_before=agreement.signed_on,
                        not_before_message=_("It cannot be fulfilled before the agreement was signed."))
    errors.raise_if_any()
    require_write_scope(acting_user, agreement.office_id, object_type="service_agreement", object_id=agreement.pk,
                        message=_("Only the signing office, or an office above it, can change this agreement."))
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.fulfilled_on is not None:
            raise ValidationFailed({"fulfilled_on": [_("This commitment is already recorded as fulfilled.")]})
        commitment.fulfilled_on, commitment.fulfilled_note = fulfilled_on, note
        commitment.fulfilled_by = user_or_none(acting_user)
        commitment.save(update_fields=["fulfilled_on", "fulfilled_note", "fulfilled_by", "updated_at"])
        record_event(actor=acting_user, event="record_commitment_fulfilled", object_type="service_agreement",
                     object_id=agreement.pk, detail={"commitment": str(commitment.pk),
                                                     "fulfilled_on": fulfilled_on.isoformat(),
                                                     "late": fulfilled_on > commitment.deadline})
    return commitment


# --- Partner units ----------------------------------------------------------------------------------------


def register_partner_unit(*, acting_user, kind: str, name: str, jurisdiction_code: int, responsible_person: str,
                          responsible_phone: str = "", credit_code: str = "", address: str = "") -> PartnerUnit:
    """Register an employer, landlord or market. Employers and markets give their credit code; a private
    landlord, who has none, may leave it blank (no ID number is asked instead)."""
    errors = FieldErrors()
    if kind not in PartnerKind.values:
        errors.add("kind", _("Choose the kind of partner unit."))
    name = errors.text("name", name, NAME, required=True, missing=_("Name the partner unit."))
    address = errors.text("address", address, LINE)
    responsible_person = errors.text("responsible_person", responsible_person, SHORT, required=True,
                                     missing=_("Name the responsible person."))
    phone = errors.check("responsible_phone", validate_phone, responsible_phone or "") or ""
    office = _office(errors, "jurisdiction_code", jurisdiction_code, missing=_("Choose where the unit is."))
    credit_code = (credit_code or "").strip()
    if credit_code:
        credit_code = errors.check("credit_code", validate_credit_code, credit_code) or ""
    elif kind in (PartnerKind.EMPLOYER, PartnerKind.MARKET):
        errors.add("credit_code", _("Enter the unit's unified social credit code."))
    if credit_code and PartnerUnit.objects.filter(credit_code=credit_code).exists():
        errors.add("credit_code", _("A partner unit with this unified social credit code is already registered."))
    errors.raise_if_any()
    require_write_scope(acting_user, office.code, object_type="partner_unit")
    try:
        with transaction.atomic():
            unit = PartnerUnit.objects.create(kind=kind, name=name, credit_code=credit_code, address=address,
                                              jurisdiction=office, responsible_person=responsible_person,
                                              responsible_phone=phone, registered_by=user_or_none(acting_user))
            record_event(actor=acting_user, event="register_partner_unit", object_type="partner_unit",
                         object_id=unit.pk, detail={"kind": kind, "jurisdiction": office.code,
                                                    "credit_code": credit_code})
    except IntegrityError:
        raise ValidationFailed({"credit_code": [
            _("A partner unit with this unified social credit code is already registered.")]}) from None
    return unit


def _require_unit(acting_user, unit: PartnerUnit) -> None:
    require_write_scope(acting_user, unit.jurisdiction_id, object_type="partner_unit", object_id=unit.pk)


def link_person_to_unit(*, acting_user, unit: PartnerUnit, person: Person, started_on: datetime.date) -> UnitPerson:
    """Record that the unit employs (or houses) a migrant from a date."""
    errors = FieldErrors()
    started_on = _day(errors, "started_on", started_on, missing=_("Enter the date it started."))
    errors.raise_if_any()
    _require_unit(acting_user, unit)
    _require_person(acting_user, person, object_type="partner_unit", object_id=unit.pk)
    try:
        with transaction.atomic():
            link = UnitPerson.objects.create(unit=unit, person=person, started_on=started_on)
            record_event(actor=acting_user, event="link_person_to_unit", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes, detail={"unit": str(unit.pk), "link": str(link.pk)})
    except IntegrityError:
        raise ValidationFailed({"id_number": [_("This person is already listed with this unit.")]}) from None
    return link


def end_unit_person(*, acting_user, link: UnitPerson, ended_on: datetime.date) -> UnitPerson:
    """Record the day a migrant stopped working or living with the unit."""
    errors = FieldErrors()
    ended_on = _day(errors, "ended_on", ended_on, missing=_("Enter the date it ended."), not_before=link.started_on,
                    not_before_message=_("It cannot end before it started."))
    errors.raise_if_any()
    _require_unit(acting_user, link.unit)
    with transaction.atomic():
        link = UnitPerson.objects.select_for_update().get(pk=link.pk)
        if link.ended_on is not None:
            raise ValidationFailed({"ended_on": [_("This has already ended.")]})
        link.ended_on = ended_on
        link.save(update_fields=["ended_on", "updated_at"])
        record_event(actor=acting_user, event="end_unit_person", object_type="person", object_id=link.person_id,
                     detail={"unit": str(link.unit_id), "link": str(link.pk), "ended_on": ended_on.isoformat()})
    return link


def sign_responsibility_agreement(*, acting_user, unit: PartnerUnit, signed_on: datetime.date,
                                  term_end: datetime.date, duties: str) -> ResponsibilityAgreement:
    """Record the unit's responsibility agreement with the office: its date, term and duties."""
    errors = FieldErrors()
    signed_on = _day(errors, "signed_on", signed_on, missing=_("Enter the date the agreement was signed."))
    term_end = _term_end(errors, "term_end", term_end, signed_on)
    duties = _lines(errors.text("duties", duties, LONG, required=True, missing=_("Write the unit's duties.")))
    errors.raise_if_any()
    _require_unit(acting_user, unit)
    with transaction.atomic():
        agreement = ResponsibilityAgreement.objects.create(unit=unit, signed_on=signed_on, term_end=term_end,
                                                           duties=duties, recorded_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="sign_responsibility_agreement", object_type="partner_unit",
                     object_id=unit.pk, detail={"agreement": str(agreement.pk), "signed_on": signed_on.isoformat()})
    return agreement


# --- Associations -----------------------------------------------------------------------------------------


def found_association(*, acting_user, name: str, jurisdiction_code: int, founded_on: datetime.date,
                      charter: str) -> Association:
    """Register a migrants' association of a jurisdiction with its charter."""
    errors = FieldErrors()
    name = errors.text("name", name, NAME, required=True, missing=_("Name the association."))
    office = _office(errors, "jurisdiction_code", jurisdiction_code)
    founded_on = _day(errors, "founded_on", founded_on, missing=_("Enter the date it was founded."))
    charter = errors.text("charter", charter, LONG, required=True, missing=_("Write the association's charter."))
    errors.raise_if_any()
    require_write_scope(acting_user, office.code, object_type="association")
    with transaction.atomic():
        association = Association.objects.create(name=name, jurisdiction=office, founded_on=founded_on,
                                                 charter=charter, registered_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="found_association", object_type="association",
                     object_id=association.pk, detail={"jurisdiction": office.code})
    return association


def _require_association(acting_user, association: Association) -> None:
    require_write_scope(acting_user, association.jurisdiction_id, object_type="association",
                        object_id=association.pk)


def add_branch(*, acting_user, association: Association, name: str, place: str = "") -> Branch:
    errors = FieldErrors()
    name = errors.text("name", name, NAME, required=True, missing=_("Name the branch."))
    place = errors.text("place", place, LINE)
    errors.raise_if_any()
    _require_association(acting_user, association)
    with transaction.atomic():
        branch = Branch.objects.create(association=association, name=name, place=place)
        record_event(actor=acting_user, event="add_branch", object_type="association", object_id=association.pk,
                     detail={"branch": str(branch.pk)})
    return branch


def _person_or_name(errors: FieldErrors, person: Person | None, name: str) -> tuple[Person | None, str]:
    """A registry person (whose name is then used) or a typed name; one of the two is needed."""
    if person is not None:
        return person, person.name
    name = errors.text("name", name, SHORT, required=True,
                       missing=_("Give the person's ID number or, for someone not in the registry, a name."))
    return None, name


def elect_officer(*, acting_user, association: Association, post: str, elected_on: datetime.date,
                  term_end: datetime.date, person: Person | None = None, name: str = "") -> AssociationOfficer:
    """Record an officer elected under the charter: a registry person or a name, the post and the term."""
    errors = FieldErrors()
    person, name = _person_or_name(errors, person, name)
    post = errors.text("post", post, SHORT, required=True, missing=_("Name the post."))
    elected_on = _day(errors, "elected_on", elected_on, missing=_("Enter the date of the election."),
                      not_before=association.founded_on,
                      not_before_message=_("An officer cannot be elected before the association was founded."))
    term_end = _term_end(errors, "term_end", term_end, elected_on)
    errors.raise_if_any()
    _require_association(acting_user, association)
    if person is not None:
        _require_person(acting_user, person, object_type="association", object_id=association.pk)
    with transaction.atomic():
        officer = AssociationOfficer.objects.create(association=association, person=person, name=name, post=post,
                                                    elected_on=elected_on, term_end=term_end)
        record_event(actor=acting_user, event="elect_officer", object_type="association", object_id=association.pk,
                     subject_codes=person.place_codes if person else (None, None),
                     detail={"officer": str(officer.pk), "person": str(person.pk) if person else ""})
    return officer


def admit_member(*, acting_user, association: Association, joined_on: datetime.date, person: Person | None = None,
                 name: str = "", branch: Branch | None = None) -> AssociationMember:
    """Admit a member: a registry person (once) or a name, with the date they joined and their branch."""
    errors = FieldErrors()
    person, name = _person_or_name(errors, person, name)
    joined_on = _day(errors, "joined_on", joined_on, missing=_("Enter the date they joined."))
    if branch is not None and branch.association_id != association.pk:
        errors.add("branch", _("Choose a branch of this association."))
    errors.raise_if_any()
    _require_association(acting_user, association)
    if person is not None:
        _require_person(acting_user, person, object_type="association", object_id=association.pk)
    try:
        with transaction.atomic():
            member = AssociationMember.objects.create(association=association, person=person, name=name,
                                                      branch=branch, joined_on=joined_on)
            record_event(actor=acting_user, event="admit_member", object_type="association",
                         object_id=association.pk, subject_codes=person.place_codes if person else (None, None),
                         detail={"member": str(member.pk), "person": str(person.pk) if person else ""})
    except IntegrityError:
        raise ValidationFailed({"id_number": [_("This person is already a member.")]}) from None
    return member


def record_activity(*, acting_user, association: Association, held_on: datetime.date, kind: str, participants: int,
                    description: str = "") -> Activity:
    """Record an activity of the association: its date, kind, how many took part, and what it was."""
    errors = FieldErrors()
    held_on = _day(errors, "held_on", held_on, missing=_("Enter the date of the activity."))
    if kind not in ActivityKind.values:
        errors.add("kind", _("Choose the kind of activity."))
    if isinstance(participants, bool) or not isinstance(participants, int) or not 0 <= participants <= 100_000:
        errors.add("participants", _("Enter how many people took part (0 to 100,000)."))
    description = errors.text("description", description, TEXT)
    errors.raise_if_any()
    _require_association(acting_user, association)
    with transaction.atomic():
        activity = Activity.objects.create(association=association, held_on=held_on, kind=kind,
                                           participants=participants, description=description,
                                           recorded_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="record_activity", object_type="association",
                     object_id=association.pk, detail={"activity": str(activity.pk), "kind": kind,
                                                       "participants": participants})
    return activity


# --- Liaison volunteers -----------------------------------------------------------------------------------


def liaison_number(office_code: int, year: int) -> str:
    """The next certificate number of the office for the year: 440306001-2026-L000001."""
    number = next_document_number(jurisdiction_code=office_code, kind="liaison", year=year)
    prefix, sequence = number.rsplit("-", 1)
    return number if not sequence[:1].isdigit() else f"{prefix}-L{sequence}"


def appoint_liaison_volunteer(*, acting_user, office_code: int, person: Person, appointed_on: datetime.date,
                              group: str, unit: PartnerUnit | None = None) -> LiaisonVolunteer:
    """Appoint a migrant of the office's area as a liaison volunteer for a group; the certificate is numbered."""
    errors = FieldErrors()
    office = _office(errors, "office_code", office_code, levels=OFFICE_LEVELS)
    appointed_on = _day(errors, "appointed_on", appointed_on, missing=_("Enter the date of the appointment."))
    group = errors.text("group", group, LINE, required=True,
                        missing=_("Say which group the volunteer keeps in touch with."))
    if office is not None and not _in_area(person, office.code):
        errors.add("id_number", _("This person neither lives in nor is registered in the office's area."))
    if unit is not None and office is not None and not codes.contains(codes.township_of(office.code),
                                                                       unit.jurisdiction_id):
        errors.add("unit", _("Choose a partner unit of the office's township."))
    errors.raise_if_any()
    require_write_scope(acting_user, office.code, object_type="liaison_volunteer")
    _require_person(acting_user, person, object_type="liaison_volunteer")
    with transaction.atomic():
        volunteer = LiaisonVolunteer.objects.create(
            person=person, appointing_office=office, certificate_number=liaison_number(office.code, appointed_on.year),
            appointed_on=appointed_on, group=group, unit=unit, appointed_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="appoint_liaison_volunteer", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"volunteer": str(volunteer.pk), "certificate_number": volunteer.certificate_number})
    return volunteer


# --- Pairings ---------------------------------------------------------------------------------------------


def _officer_office(officer) -> int | None:
    """The office of the officer's first writing role."""
    rows = officer.role_assignments.filter(role__in=WRITING_ROLES).order_by("jurisdiction_id")
    return rows.values_list("jurisdiction_id", flat=True).first()


def pair_officer(*, acting_user, officer, started_on: datetime.date, persons: list[Person] = (),
                 note: str = "") -> Pairing:
    """Pair an officer (of an office in the acting user's scope) with migrants of the officer's area."""
    errors = FieldErrors()
    office_code = _officer_office(officer) if officer is not None and officer.is_active else None
    if office_code is None:
        errors.add("officer", _("Choose an officer who holds a working role."))
    started_on = _day(errors, "started_on", started_on, missing=_("Enter the date the pairing starts."))
    note = errors.text("note", note, TEXT // 2)
    if office_code is not None:
        for person in persons:
            if not any(in_scope(officer, code) for code in person.place_codes):
                errors.add("id_numbers", _("%(name)s is outside the officer's area.") % {"name": person.name})
    errors.raise_if_any()
    require_write_scope(acting_user, office_code, object_type="pairing",
                        message=_("The officer's office is outside your area of responsibility."))
    for person in persons:
        _require_person(acting_user, person, object_type="pairing")
    with transaction.atomic():
        pairing = Pairing.objects.create(officer=officer, office_id=office_code, started_on=started_on, note=note,
                                         created_by=user_or_none(acting_user))
        PairedPerson.objects.bulk_create([PairedPerson(pairing=pairing, person=p)
                                          for p in {p.pk: p for p in persons}.values()])
        record_event(actor=acting_user, event="pair_officer", object_type="pairing", object_id=pairing.pk,
                     detail={"officer": str(officer.pk), "office": office_code,
                             "persons": [str(p.pk) for p in persons]})
    return pairing


def _require_pairing(acting_user, pairing: Pairing) -> None:
    if acting_user is not None and acting_user.pk == pairing.officer_id:
        return
    require_write_scope(acting_user, pairing.office_id, object_type="pairing", object_id=pairing.pk)


def add_paired_person(*, acting_user, pairing: Pairing, person: Person, family_note: str = "") -> PairedPerson:
    """Add a migrant (or a family, through one of its members) to an officer's pairing."""
    errors = FieldErrors()
    family_note = errors.text("family_note", family_note, LINE)
    if not any(in_scope(pairing.officer, code) for code in person.place_codes):
        errors.add("id_number", _("%(name)s is outside the officer's area.") % {"name": person.name})
    errors.raise_if_any()
    _require_pairing(acting_user, pairing)
    _require_person(acting_user, person, object_type="pairing", object_id=pairing.pk)
    try:
        with transaction.atomic():
            paired = PairedPerson.objects.create(pairing=pairing, person=person, family_note=family_note)
            record_event(actor=acting_user, event="add_paired_person", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes, detail={"pairing": str(pairing.pk)})
    except IntegrityError:
        raise ValidationFailed({"id_number": [_("This person is already in this pairing.")]}) from None
    return paired


def log_contact(*, acting_user, pairing: Pairing, person: Person, contacted_on: datetime.date, way: str,
                note: str = "") -> Contact:
    """Log one contact with a paired person: the date, the way (visit, phone or message) and a note."""
    errors = FieldErrors()
    contacted_on = _day(errors, "contacted_on", contacted_on, missing=_("Enter the date of the contact."),
                        not_before=pairing.started_on,
                        not_before_message=_("The contact cannot be before the pairing started."))
    if way not in ContactWay.values:
        errors.add("way", _("Choose how the contact was made."))
    note = errors.text("note", note, TEXT)
    if not PairedPerson.objects.filter(pairing=pairing, person=person).exists():
        errors.add("person", _("Choose a person of this pairing."))
    errors.raise_if_any()
    _require_pairing(acting_user, pairing)
    with transaction.atomic():
        contact = Contact.objects.create(pairing=pairing, person=person, contacted_on=contacted_on, way=way,
                                         note=note, recorded_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="log_contact", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"pairing": str(pairing.pk), "contact": str(contact.pk), "way": way})
    return contact
