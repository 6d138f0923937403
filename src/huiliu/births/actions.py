"""Every write of birth registration: filing (by the family online or by a worker), confirming, withdrawing.

Declared facts are taken as declared. The registry is consulted only to tell the
worker where the declaration and the record differ; nothing is refused for lack of
a paper, and no rule here looks at how many children a family has.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core import events
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.identity import birth_date_of, validate_id_number, validate_phone
from huiliu.core.numbering import next_document_number
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import MaritalStatus, Person

from .models import BirthRegistration, Channel, FiledAt, RegistrationStatus

OBJECT_TYPE = "birth_registration"
# Where a registration may be filed, and what a family may name as its household place or residence.
PLACE_LEVELS = frozenset({codes.TOWNSHIP, codes.VILLAGE})
# An expected birth date a family may declare: from a year back (filed late) to about ten months ahead.
EXPECTED_BEHIND = datetime.timedelta(days=366)
EXPECTED_AHEAD = datetime.timedelta(days=305)
# A typing slip, not a judgement: the count itself is never used by any rule.
MAX_EXISTING_CHILDREN = 30


def _place(errors: FieldErrors, field: str, code, *, required: bool) -> Jurisdiction | None:
    if code in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return None
    node = Jurisdiction.objects.filter(code=code).first()
    if node is None:
        errors.add(field, _("No such jurisdiction."))
        return None
    if node.level not in PLACE_LEVELS:
        errors.add(field, _("Choose a township, village or community."))
        return None
    return node


def _check_office(errors: FieldErrors, filed_at: str, office: Jurisdiction | None, household: Jurisdiction | None,
                  residence: Jurisdiction | None) -> None:
    """The office must be the place the registration is filed at, or that place's township."""
    if office is None:
        return
    place = residence if filed_at == FiledAt.RESIDENCE else household
    if place is None:
        return
    if not codes.contains(office.code, place.code):
        if filed_at == FiledAt.RESIDENCE:
            errors.add("jurisdiction_code", _("At the place of residence, the office is the village or township "
                                              "where the family lives."))
        else:
            errors.add("jurisdiction_code", _("At the household place, the office is the household's village or "
                                              "township."))


def _check_dates(errors: FieldErrors, expected: datetime.date | None, born: datetime.date | None,
                 mother_born: datetime.date | None) -> None:
    today = timezone.localdate()
    if expected is None and born is None:
        message = _("Give the expected birth date, or the birth date if the child is born.")
        errors.add("expected_birth_date", message)
        errors.add("birth_date", message)
        return
    if expected is not None and born is not None:
        message = _("Give either the expected birth date or the birth date, not both.")
        errors.add("expected_birth_date", message)
        errors.add("birth_date", message)
        return
    if expected is not None:
        if expected < today - EXPECTED_BEHIND:
            errors.add("expected_birth_date", _("The expected birth date is more than a year ago: if the child is "
                                                "born, give the birth date instead."))
        elif expected > today + EXPECTED_AHEAD:
            errors.add("expected_birth_date", _("The expected birth date can be at most ten months ahead."))
    if born is not None:
        if born > today:
            errors.add("birth_date", _("The date cannot be in the future."))
        elif mother_born and born < mother_born:
            errors.add("birth_date", _("The date cannot be before %(date)s.") % {"date": mother_born.isoformat()})


def _check_length(errors: FieldErrors, field: str, value: str, column: str | None = None) -> None:
    limit = BirthRegistration._meta.get_field(column or field).max_length
    if limit and len(value) > limit:
        errors.add(field, _("At most %(limit)d characters.") % {"limit": limit})


def _consultable(person: Person | None, office: Jurisdiction) -> Person | None:
    """The registry's record of the mother, if the filing office may consult it: household or residence in its area.

    Elsewhere the record is as good as absent: no note about it and no link, so filing with
    someone else's ID number tells nothing of their record (not even that there is one).
    """
    if person is None:
        return None
    places = (person.household_jurisdiction_id, person.residence_jurisdiction_id)
    return person if any(place is not None and codes.contains(office.code, place) for place in places) else None


def _registry_notes(person: Person | None, *, name: str, marital_status: str, household_code: int,
                    existing_children: int) -> list[dict]:
    """Where the declaration and the registry's record of the same ID number differ: facts for the worker, no verdict.

    The notes say what differs, never the registry's value: the office where a family files
    need not be one that may read the family's record. `person` is None both when the registry
    has no such ID number and when its record lies outside the office's area: one note for both.
    """
    if person is None:
        return [{"about": "registry", "note": _("The population registry holds no record of this ID number within "
                                                "the area of this office.")}]
    notes = []
    if person.name != name:
        notes.append({"about": "name", "note": _("The registry holds another name for this ID number; the "
                                                 "registration is not linked to that record.")})
    if MaritalStatus.UNKNOWN not in (person.marital_status, marital_status) and person.marital_status != marital_status:
        notes.append({"about": "marital_status", "note": _("The declared marital status differs from the registry.")})
    registered = person.household_jurisdiction_id
    if not (codes.contains(household_code, registered) or codes.contains(registered, household_code)):
        notes.append({"about": "household_code", "note": _("The declared household place differs from the registry.")})
    if person.children.count() != existing_children:
        notes.append({"about": "existing_children", "note": _("The registry records a different number of children.")})
    return notes


def file_birth_registration(
    *,
    acting_user,
    channel: str,
    filed_at: str,
    jurisdiction_code: int | None,
    mother_name: str,
    mother_id_number: str,
    marital_status: str,
    household_code: int,
    father_name: str = "",
    father_id_number: str = "",
    residence_code: int | None = None,
    residence_address: str = "",
    phone: str = "",
    existing_children: int | None = 0,
    expected_birth_date: datetime.date | None = None,
    birth_date: datetime.date | None = None,
) -> BirthRegistration:
    """Record a family's declaration of a birth, as declared; the registry's differences become notes, never refusals.

    `jurisdiction_code` is the office where it is filed: the place it is filed at
    (the residence or the household place), or that place's township; None files
    it at the place itself (what the public page does).
    """
    errors = FieldErrors()
    if channel not in Channel.values:
        errors.add("channel", _("Choose how the registration is filed."))
    elif channel == Channel.ONLINE and acting_user is not None:
        errors.add("channel", _("A worker files a registration as a worker."))
    if filed_at not in FiledAt.values:
        errors.add("filed_at", _("Choose where the registration is filed."))
    mother_name = (mother_name or "").strip()
    father_name = (father_name or "").strip()
    residence_address = (residence_address or "").strip()
    if not mother_name:
        errors.add("mother_name", _("This field is required."))
    _check_length(errors, "mother_name", mother_name)
    _check_length(errors, "father_name", father_name)
    _check_length(errors, "residence_address", residence_address)
    if not (mother_id_number or "").strip():
        errors.add("mother_id_number", _("This field is required."))
        mother_number = None
    else:
        mother_number = errors.check("mother_id_number", validate_id_number, mother_id_number)
    father_number = ""
    if (father_id_number or "").strip():
        father_number = errors.check("father_id_number", validate_id_number, father_id_number) or ""
    if marital_status not in MaritalStatus.values:
        errors.add("marital_status", _("Choose a marital status from the list."))
    household = _place(errors, "household_code", household_code, required=True)
    residence = _place(errors, "residence_code", residence_code, required=filed_at == FiledAt.RESIDENCE)
    if jurisdiction_code in (None, ""):
        office = residence if filed_at == FiledAt.RESIDENCE else household
    else:
        office = _place(errors, "jurisdiction_code", jurisdiction_code, required=True)
        _check_office(errors, filed_at, office, household, residence)
    phone = errors.check("phone", validate_phone, phone) or ""
    existing_children = 0 if existing_children in (None, "") else existing_children
    if not isinstance(existing_children, int) or not 0 <= existing_children <= MAX_EXISTING_CHILDREN:
        errors.add("existing_children", _("Enter a number from 0 to %(most)d.") % {"most": MAX_EXISTING_CHILDREN})
    _check_dates(errors, expected_birth_date, birth_date, birth_date_of(mother_number) if mother_number else None)
    errors.raise_if_any()
    if channel == Channel.WORKER:
        require_write_scope(acting_user, office.code, object_type=OBJECT_TYPE,
                            message=_("This office is outside your area of responsibility."))

    person = _consultable(Person.objects.filter(id_number=mother_number).first(), office)
    notes = _registry_notes(person, name=mother_name, marital_status=marital_status, household_code=household.code,
                            existing_children=existing_children)
    linked = person if person is not None and person.name == mother_name else None
    now = timezone.now()
    with transaction.atomic():
        registration = BirthRegistration.objects.create(
            tracking_number=next_document_number(jurisdiction_code=office.code, kind="birth_reg",
                                                 year=timezone.localdate(now).year),
            channel=channel, filed_at=filed_at, jurisdiction=office, mother_name=mother_name,
            mother_id_number=mother_number, father_name=father_name, father_id_number=father_number,
            marital_status=marital_status, household_code=household.code,
            residence_code=residence.code if residence else None, residence_address=residence_address, phone=phone,
            existing_children=existing_children, expected_birth_date=expected_birth_date, birth_date=birth_date,
            registry_notes=notes, mother=linked,
            submitted_at=now, filed_by=acting_user if channel == Channel.WORKER else None,
        )
        record_event(actor=acting_user, event="create", object_type=OBJECT_TYPE, object_id=registration.pk,
                     subject_codes=_subject_codes(registration),
                     detail={"tracking_number": registration.tracking_number, "channel": channel,
                             "filed_at": filed_at, "office": office.code, "linked": registration.mother_id is not None,
                             "notes": [n["about"] for n in notes]})
        if person is not None:
            # The record was read: its own offices' auditors see that, whatever places the family declared.
            record_event(actor=acting_user, event="registry_lookup", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes,
                         detail={"birth_registration": str(registration.pk),
                                 "tracking_number": registration.tracking_number,
                                 "linked": linked is not None, "notes": [n["about"] for n in notes]})
    return registration


def confirm_birth_registration(*, acting_user, registration: BirthRegistration) -> BirthRegistration:
    """Confirm a registration at the office where it was filed: it takes a voucher number and the other places hear of it."""
    _require_office_scope(acting_user, registration)
    with transaction.atomic():
        registration = BirthRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CONFIRMED:
            raise ValidationFailed(_("This registration has already been confirmed (voucher %(number)s).")
                                   % {"number": registration.voucher_number})
        if registration.status == RegistrationStatus.WITHDRAWN:
            raise ValidationFailed(_("This registration was withdrawn and cannot be confirmed."))
        now = timezone.now()
        confirmed_on = timezone.localdate(now)
        registration.voucher_number = next_document_number(
            jurisdiction_code=registration.jurisdiction_id, kind="voucher", year=confirmed_on.year)
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.confirmed_by = acting_user
        registration.days_to_confirmation = (confirmed_on - timezone.localdate(registration.submitted_at)).days
        registration.save(update_fields=["voucher_number", "status", "confirmed_at", "confirmed_by",
                                         "days_to_confirmation", "updated_at"])
        record_event(actor=acting_user, event="confirm", object_type=OBJECT_TYPE, object_id=registration.pk,
                     subject_codes=_subject_codes(registration),
                     detail={"tracking_number": registration.tracking_number,
                             "voucher_number": registration.voucher_number})
        events.publish(events.BIRTH_REGISTRATION_CONFIRMED, acting_user=acting_user, registration=registration)
    return registration


def withdraw_birth_registration(*, acting_user, registration: BirthRegistration, reason: str) -> BirthRegistration:
    """Withdraw a registration the family no longer wants, or one filed twice; the reason is kept."""
    _require_office_scope(acting_user, registration)
    reason = (reason or "").strip()
    errors = FieldErrors()
    if not reason:
        errors.add("reason", _("Give the reason for the withdrawal."))
    _check_length(errors, "reason", reason, column="withdrawal_reason")
    errors.raise_if_any()
    with transaction.atomic():
        registration = BirthRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.WITHDRAWN:
            raise ValidationFailed(_("This registration has already been withdrawn."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.WITHDRAWN
        registration.withdrawal_reason = reason
        registration.withdrawn_at = timezone.now()
        registration.withdrawn_by = acting_user
        registration.save(update_fields=["status", "withdrawal_reason", "withdrawn_at", "withdrawn_by", "updated_at"])
        record_event(actor=acting_user, event="withdraw", object_type=OBJECT_TYPE, object_id=registration.pk,
                     subject_codes=_subject_codes(registration),
                     detail={"tracking_number": registration.tracking_number, "was_confirmed": was_confirmed,
                             "reason": reason})
    return registration


def _require_office_scope(acting_user, registration: BirthRegistration) -> None:
    require_write_scope(acting_user, registration.jurisdiction_id, object_type=OBJECT_TYPE, object_id=registration.pk,
                        message=_("This registration is outside your area of responsibility."))


def _subject_codes(registration: BirthRegistration) -> tuple[int | None, int | None]:
    """The household place and residence the family declared: the offices whose auditors watch this record."""
    return registration.household_code, registration.residence_code
