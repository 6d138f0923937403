import contextlib
import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core import events
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.identity import birth_date_of, sex_of, validate_id_number, validate_phone
from huiliu.core.models import user_or_none
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction

from .models import (
    CLOSING_CHOICES,
    ETHNIC_GROUPS,
    OPEN_STATUSES,
    Child,
    DepartureReason,
    Education,
    InflowRegistration,
    LeftBehindKind,
    LeftBehindRelative,
    LeftBehindVisit,
    MaritalStatus,
    Migration,
    MigrationStatus,
    OutflowRegistration,
    Person,
    ResidenceType,
    Sex,
    VisitInterval,
    VisitWay,
    is_minor_on,
)

# A household place is registered down to the township at least; a residence down to the village or community.
HOUSEHOLD_LEVELS = frozenset({codes.TOWNSHIP, codes.VILLAGE})
RESIDENCE_LEVELS = frozenset({codes.VILLAGE})

EDITABLE_PERSON_FIELDS = (
    "name", "phone", "ethnicity", "education", "household_address", "residence_address",
    "marital_status", "spouse_name", "spouse_id_number",
)


def _jurisdiction(errors: FieldErrors, field: str, code, *, levels=None) -> Jurisdiction | None:
    if code in (None, ""):
        errors.add(field, _("This field is required."))
        return None
    node = Jurisdiction.objects.filter(code=code).first()
    if node is None:
        errors.add(field, _("No such jurisdiction."))
    elif levels and node.level not in levels:
        errors.add(field, _("Choose a village or community.") if levels == RESIDENCE_LEVELS
                   else _("Choose a township, village or community."))
    return node


def _check_identity(errors: FieldErrors, id_number: str, sex: str | None, birth_date: datetime.date | None) -> str | None:
    number = errors.check("id_number", validate_id_number, id_number)
    if number is None:
        return None
    if sex and sex != sex_of(number):
        errors.add("sex", _("The sex does not agree with the 17th digit of the ID number."))
    if birth_date and birth_date != birth_date_of(number):
        errors.add("birth_date", _("The birth date does not agree with the ID number."))
    return number


def _check_date(errors: FieldErrors, field: str, value, *, not_before=None) -> None:
    if value is None:
        errors.add(field, _("This field is required."))
    elif value > datetime.date.today():
        errors.add(field, _("The date cannot be in the future."))
    elif not_before and value < not_before:
        errors.add(field, _("The date cannot be before %(date)s.") % {"date": not_before.isoformat()})


def _check_lengths(errors: FieldErrors, model, values: dict, *, renamed: dict | None = None) -> None:
    """Refuse text longer than its column: SQLite would store it, PostgreSQL would fail."""
    for name, value in values.items():
        column = (renamed or {}).get(name, name)
        limit = model._meta.get_field(column).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            errors.add(name, _("At most %(limit)d characters.") % {"limit": limit})


def _check_person_fields(errors: FieldErrors, fields: dict) -> None:
    _check_lengths(errors, Person, {k: v for k, v in fields.items() if k in EDITABLE_PERSON_FIELDS})
    if "name" in fields and not (fields.get("name") or "").strip():
        errors.add("name", _("This field is required."))
    if fields.get("ethnicity") and fields["ethnicity"] not in ETHNIC_GROUPS:
        errors.add("ethnicity", _("Choose an ethnic group from the list."))
    if fields.get("education") and fields["education"] not in Education.values:
        errors.add("education", _("Choose an education level from the list."))
    if "phone" in fields:
        fields["phone"] = errors.check("phone", validate_phone, fields["phone"]) or ""
    if fields.get("spouse_id_number"):
        fields["spouse_id_number"] = errors.check("spouse_id_number", validate_id_number, fields["spouse_id_number"]) or ""
    if fields.get("marital_status") and fields["marital_status"] not in MaritalStatus.values:
        errors.add("marital_status", _("Choose a marital status from the list."))


def register_person(
    *,
    acting_user,
    id_number: str,
    name: str,
    household_code: int,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    phone: str = "",
    ethnicity: str = "",
    education: str = "",
    household_address: str = "",
    marital_status: str = MaritalStatus.UNKNOWN,
    spouse_name: str = "",
    spouse_id_number: str = "",
) -> Person:
    """Add a person to the registry at their household place; they are taken to live there."""
    errors = FieldErrors()
    number = _check_identity(errors, id_number, sex, birth_date)
    household = _jurisdiction(errors, "household_code", household_code, levels=HOUSEHOLD_LEVELS)
    fields = {
        "name": (name or "").strip(), "phone": phone, "ethnicity": ethnicity, "education": education,
        "household_address": household_address.strip(), "marital_status": marital_status,
        "spouse_name": spouse_name.strip(), "spouse_id_number": spouse_id_number,
    }
    _check_person_fields(errors, fields)
    errors.raise_if_any()
    require_write_scope(acting_user, household.code, object_type="person")
    if Person.objects.filter(id_number=number).exists():
        raise ValidationFailed({"id_number": [_("A person with this ID number is already registered.")]})
    with _concurrent_registration_refused(), transaction.atomic():
        person = Person.objects.create(
            id_number=number, sex=sex_of(number), birth_date=birth_date_of(number),
            household_jurisdiction=household, residence_jurisdiction=household, **fields,
        )
        record_event(actor=acting_user, event="create", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes)
    return person


def update_person(*, acting_user, person: Person, **changes) -> Person:
    """Change a person's editable details; the ID number and household place are not edited here."""
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed here.")] for name in unknown})
    _require_person_write_scope(acting_user, person)
    errors = FieldErrors()
    _check_person_fields(errors, changes)
    errors.raise_if_any()
    with transaction.atomic():
        changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
        for name in changed:
            setattr(person, name, changes[name])
        person.save()
        record_event(actor=acting_user, event="update", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"fields": changed})
        if "marital_status" in changed:
            events.publish(events.STATUS_CHANGED, acting_user=acting_user, person=person, change="marriage",
                           effective_date=datetime.date.today(), details={"marital_status": person.marital_status})
    return person


def record_child(*, acting_user, person: Person, sex: str, birth_date: datetime.date, name: str = "") -> Child:
    """Add a child to a person's family record."""
    _require_person_write_scope(acting_user, person)
    errors = FieldErrors()
    _check_lengths(errors, Child, {"name": name.strip()})
    if sex not in ("M", "F"):
        errors.add("sex", _("Choose a sex."))
    _check_date(errors, "birth_date", birth_date, not_before=person.birth_date)
    errors.raise_if_any()
    with transaction.atomic():
        child = Child.objects.create(parent=person, name=name.strip(), sex=sex, birth_date=birth_date)
        record_event(actor=acting_user, event="update", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"child": "added"})
        events.publish(events.STATUS_CHANGED, acting_user=acting_user, person=person, change="birth",
                       effective_date=birth_date, details={"child_sex": sex})
    return child


def _require_person_write_scope(acting_user, person: Person) -> None:
    require_write_scope(
        acting_user, person.household_jurisdiction_id, person.residence_jurisdiction_id, object_type="person",
        object_id=person.pk, message=_("This person is outside your area of responsibility."),
    )


@contextlib.contextmanager
def _concurrent_registration_refused():
    # The checks before the transaction can race with another office saving the
    # same person; the unique constraints then decide, and the loser gets a message.
    try:
        yield
    except IntegrityError:
        raise ValidationFailed(
            {"__all__": [_("Someone else registered this person at the same moment. Reload and check.")]}
        ) from None


def register_outflow(
    *,
    acting_user,
    person: Person,
    departure_date: datetime.date,
    reason: str,
    destination_code: int | None = None,
    destination_address: str = "",
    work_background: str = "",
    employer: str = "",
    group_liaison: str = "",
    group_liaison_phone: str = "",
    village_contact: str = "",
    contact_phone: str = "",
    left_behind_children: Sequence[dict] = (),
    left_behind_elders: Sequence[dict] = (),
) -> Migration:
    """Record at the origin that a person has left; joins an arrival already registered elsewhere.

    The outflow form also lists each minor child left behind, with the carer the parents appointed, and each
    elder left behind: they join the village's roll in the same transaction.
    """
    require_write_scope(acting_user, person.household_jurisdiction_id, object_type="person", object_id=person.pk)
    errors = FieldErrors()
    _check_date(errors, "departure_date", departure_date, not_before=person.birth_date)
    destination = None
    if destination_code:
        destination = _jurisdiction(errors, "destination_code", destination_code)
    group_liaison_phone = errors.check("group_liaison_phone", validate_phone, group_liaison_phone) or ""
    contact_phone = errors.check("contact_phone", validate_phone, contact_phone) or ""
    if reason not in DepartureReason.values:
        errors.add("reason", _("Choose a reason from the list."))
    _check_lengths(errors, OutflowRegistration, {
        "destination_address": destination_address.strip(), "work_background": work_background.strip(),
        "employer": employer.strip(), "group_liaison": group_liaison.strip(), "village_contact": village_contact.strip(),
    })
    relatives = _check_left_behind_rows(errors, LeftBehindKind.CHILD, left_behind_children, on=departure_date) + \
        _check_left_behind_rows(errors, LeftBehindKind.ELDER, left_behind_elders, on=departure_date)
    errors.raise_if_any()

    with _concurrent_registration_refused(), transaction.atomic():
        person = _person_for_update(person)
        migration = _open_migration_for_update(person)
        if migration is not None and hasattr(migration, "outflow"):
            raise ValidationFailed({"__all__": [_("This person already has an open departure registration.")]})
        if migration is not None and departure_date > migration.inflow.arrival_date:
            raise ValidationFailed({"departure_date": [
                _("The departure cannot be after the arrival registered on %(date)s.")
                % {"date": migration.inflow.arrival_date.isoformat()}]})
        if migration is None:
            migration = Migration.objects.create(
                person=person, status=MigrationStatus.AWAY, origin_jurisdiction_id=person.household_jurisdiction_id,
                destination_jurisdiction=destination, started_on=departure_date,
            )
            person.residence_jurisdiction = None
            person.residence_address = ""
            person.save(update_fields=["residence_jurisdiction", "residence_address", "updated_at"])
        OutflowRegistration.objects.create(
            migration=migration, departure_date=departure_date, destination_jurisdiction=destination,
            destination_address=destination_address.strip(), reason=reason, work_background=work_background.strip(),
            employer=employer.strip(), group_liaison=group_liaison.strip(), group_liaison_phone=group_liaison_phone,
            village_contact=village_contact.strip(), contact_phone=contact_phone, registered_by=user_or_none(acting_user),
        )
        record_event(actor=acting_user, event="register_outflow", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"migration": str(migration.pk), "linked": migration.status == MigrationStatus.ARRIVED})
        for fields in relatives:
            _add_left_behind(acting_user, person, fields, left_on=departure_date)
        events.publish(events.OUTFLOW_REGISTERED, acting_user=acting_user, migration=migration)
    return migration


def register_inflow(
    *,
    acting_user,
    id_number: str,
    name: str,
    arrival_date: datetime.date,
    residence_code: int,
    address: str,
    residence_type: str,
    landlord_or_employer: str = "",
    registration_date: datetime.date | None = None,
    household_code: int | None = None,
    household_address: str = "",
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    phone: str = "",
    marital_status: str = MaritalStatus.UNKNOWN,
) -> Migration:
    """Record at the destination that a person has arrived, linking the origin's open departure if there is one.

    A person not yet in the registry is added with the household place they declare.
    """
    errors = FieldErrors()
    number = _check_identity(errors, id_number, sex, birth_date)
    residence = _jurisdiction(errors, "residence_code", residence_code, levels=RESIDENCE_LEVELS)
    _check_date(errors, "arrival_date", arrival_date)
    registration_date = registration_date or datetime.date.today()
    if not (name or "").strip():
        errors.add("name", _("This field is required."))
    if not (address or "").strip():
        errors.add("address", _("This field is required."))
    if residence_type not in ResidenceType.values:
        errors.add("residence_type", _("Choose a residence type from the list."))
    phone = errors.check("phone", validate_phone, phone) or ""
    _check_lengths(errors, InflowRegistration, {"address": address.strip(), "landlord_or_employer": landlord_or_employer.strip()})
    _check_lengths(errors, Person, {"name": name.strip(), "household_address": household_address.strip()})
    errors.raise_if_any()
    require_write_scope(acting_user, residence.code, object_type="person")

    person = Person.objects.filter(id_number=number).first()
    if person is None:
        household = _jurisdiction(errors, "household_code", household_code, levels=HOUSEHOLD_LEVELS)
        errors.raise_if_any()
    elif person.name != name.strip():
        # The card in hand names its holder: an arrival may not be pinned on someone else by their number alone.
        raise ValidationFailed({"name": [_("The name differs from the one registered with this ID number. Check the ID card.")]})
    else:
        household = person.household_jurisdiction
    if codes.contains(codes.township_of(household.code), residence.code):
        raise ValidationFailed({"residence_code": [_("The household place is in this township: this is not a migration.")]})
    if arrival_date < birth_date_of(number):
        raise ValidationFailed({"arrival_date": [_("The date cannot be before the birth date.")]})

    with _concurrent_registration_refused(), transaction.atomic():
        if person is None:
            person = Person.objects.create(
                id_number=number, name=name.strip(), sex=sex_of(number), birth_date=birth_date_of(number),
                phone=phone, household_jurisdiction=household, household_address=household_address.strip(),
                marital_status=marital_status,
            )
            record_event(actor=acting_user, event="create", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes)
        else:
            person = _person_for_update(person)
        migration = _open_migration_for_update(person)
        if migration is not None and arrival_date < migration.started_on:
            raise ValidationFailed({"arrival_date": [
                _("The arrival cannot be before %(date)s, when this person's current move began.")
                % {"date": migration.started_on.isoformat()}]})
        ended = None
        if migration is not None and hasattr(migration, "inflow"):
            if migration.inflow.residence_jurisdiction_id == residence.code:
                raise ValidationFailed({"__all__": [_("This arrival is already registered here.")]})
            # Registered somewhere new: the previous stay has ended by this arrival.
            migration.status = MigrationStatus.MOVED_ON
            migration.ended_on = arrival_date
            migration.end_note = _("registered at a new place of residence")
            migration.save(update_fields=["status", "ended_on", "end_note", "updated_at"])
            ended, migration = migration, None
        if migration is None:
            migration = Migration.objects.create(
                person=person, status=MigrationStatus.ARRIVED, origin_jurisdiction_id=person.household_jurisdiction_id,
                destination_jurisdiction=residence, started_on=arrival_date,
            )
        else:
            migration.status = MigrationStatus.ARRIVED
            migration.destination_jurisdiction = residence
            migration.save(update_fields=["status", "destination_jurisdiction", "updated_at"])
        InflowRegistration.objects.create(
            migration=migration, arrival_date=arrival_date, residence_jurisdiction=residence, address=address.strip(),
            residence_type=residence_type, landlord_or_employer=landlord_or_employer.strip(),
            registration_date=registration_date, declared_name=name.strip(), registered_by=user_or_none(acting_user),
        )
        person.residence_jurisdiction = residence
        person.residence_address = address.strip()
        person.phone = phone or person.phone
        person.save(update_fields=["residence_jurisdiction", "residence_address", "phone", "updated_at"])
        record_event(actor=acting_user, event="register_inflow", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"migration": str(migration.pk), "linked": hasattr(migration, "outflow")})
        if ended is not None:
            # Published once the person lives at the new place, so the old destination is told the stay ended.
            events.publish(events.STATUS_CHANGED, acting_user=acting_user, person=person, change="moved_on",
                           effective_date=arrival_date, migration=ended)
        events.publish(events.INFLOW_REGISTERED, acting_user=acting_user, migration=migration)
    return migration


CLOSING_STATUSES = tuple(value for value, _label in CLOSING_CHOICES)


def close_migration(
    *, acting_user, migration: Migration, outcome: str, ended_on: datetime.date, note: str = ""
) -> Migration:
    """End an open move: the person moved on, came home, or contact was lost."""
    # Before the arrival the destination is only what the departure form declared: that office has no say yet.
    arrived_at = migration.destination_jurisdiction_id if migration.status != MigrationStatus.AWAY else None
    require_write_scope(
        acting_user, migration.origin_jurisdiction_id, arrived_at, object_type="migration", object_id=migration.pk,
        message=_("This move is outside your area of responsibility."),
    )
    errors = FieldErrors()
    if outcome not in CLOSING_STATUSES:
        errors.add("outcome", _("Choose how the move ended."))
    _check_date(errors, "ended_on", ended_on, not_before=migration.started_on)
    errors.raise_if_any()
    with transaction.atomic():
        migration = Migration.objects.select_for_update().select_related("person").get(pk=migration.pk)
        if not migration.is_open:
            raise ValidationFailed({"__all__": [_("This move has already ended.")]})
        migration.status = outcome
        migration.ended_on = ended_on
        migration.end_note = note.strip()[:200]
        migration.save(update_fields=["status", "ended_on", "end_note", "updated_at"])
        person = migration.person
        if outcome == MigrationStatus.RETURNED:
            person.residence_jurisdiction_id = person.household_jurisdiction_id
            person.residence_address = person.household_address
        else:
            person.residence_jurisdiction = None
            person.residence_address = ""
        person.save(update_fields=["residence_jurisdiction", "residence_address", "updated_at"])
        record_event(actor=acting_user, event="close_migration", object_type="person", object_id=person.pk,
                     subject_codes=(person.household_jurisdiction_id, migration.destination_jurisdiction_id),
                     detail={"migration": str(migration.pk), "outcome": outcome})
        events.publish(events.STATUS_CHANGED, acting_user=acting_user, person=person, change=outcome,
                       effective_date=ended_on, migration=migration)
    return migration


def _person_for_update(person: Person) -> Person:
    # Locking the person serializes every change to their moves, also when they have no open move to lock.
    return Person.objects.select_for_update().get(pk=person.pk)


def _open_migration_for_update(person: Person) -> Migration | None:
    # Lock the move alone: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins to its registrations.
    return (
        Migration.objects.select_for_update(of=("self",))
        .select_related("outflow", "inflow")
        .filter(person=person, status__in=OPEN_STATUSES)
        .first()
    )


# --- Left-behind children and elders ----------------------------------------------------------------------

LEFT_BEHIND_FIELDS = {
    LeftBehindKind.CHILD: ("name", "sex", "birth_date", "school", "carer_name", "carer_relation", "carer_phone",
                           "school_informed", "village_committee_informed", "visit_interval_days"),
    LeftBehindKind.ELDER: ("name", "sex", "birth_date", "relation", "lives_alone", "carer_name", "carer_relation",
                           "carer_phone", "visit_interval_days"),
}
EDITABLE_LEFT_BEHIND_FIELDS = tuple(dict.fromkeys(LEFT_BEHIND_FIELDS[LeftBehindKind.CHILD]
                                                  + LEFT_BEHIND_FIELDS[LeftBehindKind.ELDER]))
# The prefixes of the outflow form's rows: an error on row 2's birth date is keyed "children-1-birth_date".
LEFT_BEHIND_ROW_PREFIXES = {LeftBehindKind.CHILD: "children", LeftBehindKind.ELDER: "elders"}
YOUNG_CHILD_AGE = 6
# Given on a later visit or edit, these replace what an earlier departure form said about the carer.
CARER_FIELDS = ("carer_name", "carer_relation", "carer_phone", "school", "school_informed", "village_committee_informed")


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def default_visit_interval(*, kind: str, birth_date: datetime.date, lives_alone: bool, on: datetime.date) -> int:
    """Monthly for a child under six and for an elder who lives alone; quarterly for everyone else."""
    young = kind == LeftBehindKind.CHILD and birth_date > _years_before(on, YOUNG_CHILD_AGE)
    alone = kind == LeftBehindKind.ELDER and lives_alone
    return VisitInterval.MONTHLY if young or alone else VisitInterval.QUARTERLY


def _clean_relative(errors: FieldErrors, kind: str, data: dict, *, on: datetime.date | None, key=str,
                    wrap=lambda message: message) -> dict:
    """The fields of one left-behind relative, stripped and checked; problems added under key(field)."""
    fields = {name: data.get(name) for name in LEFT_BEHIND_FIELDS[kind]}
    for name in ("name", "sex", "school", "relation", "carer_name", "carer_relation", "carer_phone"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    for name in ("school_informed", "village_committee_informed", "lives_alone"):
        if name in fields:
            fields[name] = bool(fields[name])
    if not fields["name"]:
        errors.add(key("name"), wrap(_("Enter the name.")))
    if (fields["sex"] or kind == LeftBehindKind.CHILD) and fields["sex"] not in Sex.values:
        errors.add(key("sex"), wrap(_("Choose a sex.")))  # an elder's sex may be left out
    birth_date = fields["birth_date"]
    if not isinstance(birth_date, datetime.date):
        errors.add(key("birth_date"), wrap(_("Enter the birth date.")))
    elif birth_date > timezone.localdate():
        errors.add(key("birth_date"), wrap(_("The birth date cannot be in the future.")))
    elif kind == LeftBehindKind.CHILD and on and not is_minor_on(birth_date, on):
        errors.add(key("birth_date"), wrap(
            _("Born on %(born)s, the child is 18 or older on %(on)s: only minors are recorded as left-behind children.")
            % {"born": birth_date.isoformat(), "on": on.isoformat()}))
    if kind == LeftBehindKind.CHILD and not fields["carer_name"]:
        errors.add(key("carer_name"), wrap(_("Name the carer the parents appointed.")))
    try:
        fields["carer_phone"] = validate_phone(fields["carer_phone"], field="carer_phone")
    except ValidationFailed as failure:
        errors.add(key("carer_phone"), wrap(failure.errors["carer_phone"][0]))
    interval = fields.get("visit_interval_days")
    if interval in ("", None):
        fields["visit_interval_days"] = None
    elif str(interval).isdigit() and int(interval) in VisitInterval.values:
        fields["visit_interval_days"] = int(interval)
    else:
        errors.add(key("visit_interval_days"), wrap(_("Choose a visit interval from the list.")))
    for name, value in fields.items():
        limit = LeftBehindRelative._meta.get_field(name).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            errors.add(key(name), wrap(_("At most %(limit)d characters.") % {"limit": limit}))
    return fields


def _check_left_behind_rows(errors: FieldErrors, kind: str, rows: Sequence[dict], *, on) -> list[dict]:
    """Check the outflow form's rows of one kind; every message names its row (`index` in a row: its place)."""
    prefix = LEFT_BEHIND_ROW_PREFIXES[kind]
    label = (_("Left-behind child, row %(row)d: %(message)s") if kind == LeftBehindKind.CHILD
             else _("Left-behind elder, row %(row)d: %(message)s"))
    cleaned = []
    for position, row in enumerate(rows):
        index = row.get("index", position)  # the row's place on the form, when blank rows were left out
        fields = _clean_relative(
            errors, kind, row, on=on if isinstance(on, datetime.date) else None,
            key=lambda name, index=index: f"{prefix}-{index}-{name}",
            wrap=lambda message, index=index: label % {"row": index + 1, "message": message})
        cleaned.append({"kind": kind, **fields})
    return cleaned


def _audit_relative(acting_user, event: str, relative: LeftBehindRelative, **detail) -> None:
    record_event(actor=acting_user, event=event, object_type="left_behind_relative", object_id=relative.pk,
                 subject_codes=(relative.jurisdiction_id, None), detail={"kind": relative.kind, **detail})


def _add_left_behind(acting_user, person: Person, fields: dict, *, left_on: datetime.date) -> LeftBehindRelative:
    """Put a relative on the roll of the family's household place (inside the caller's transaction).

    The same child or elder left behind by a second family member (same place, kind, name and birth date) is
    linked to them rather than listed twice; the carer given last replaces the one given before.
    """
    fields = dict(fields)
    kind = fields.pop("kind")
    interval = fields.pop("visit_interval_days", None)
    same = (LeftBehindRelative.objects.select_for_update()
            .filter(kind=kind, jurisdiction_id=person.household_jurisdiction_id, name=fields["name"],
                    birth_date=fields["birth_date"], ended_on__isnull=True).first())
    if same is not None:
        changed = [name for name in CARER_FIELDS if name in fields and fields[name] and getattr(same, name) != fields[name]]
        for name in changed:
            setattr(same, name, fields[name])
        if changed:
            same.save()
        same.family_away.add(person)
        _audit_relative(acting_user, "link_left_behind_relative", same, person=str(person.pk), fields=changed)
        return same
    today = timezone.localdate()
    interval = interval or default_visit_interval(kind=kind, birth_date=fields["birth_date"],
                                                  lives_alone=fields.get("lives_alone", False), on=today)
    child = None
    if kind == LeftBehindKind.CHILD:
        child = next((c for c in person.children.filter(birth_date=fields["birth_date"], sex=fields["sex"])
                      if not c.name or c.name == fields["name"]), None)
    relative = LeftBehindRelative.objects.create(
        kind=kind, jurisdiction_id=person.household_jurisdiction_id, child=child, visit_interval_days=interval,
        next_visit_due=today + datetime.timedelta(days=interval), left_on=max(left_on, fields["birth_date"]),
        recorded_by=user_or_none(acting_user), **fields,
    )
    relative.family_away.add(person)
    _audit_relative(acting_user, "record_left_behind_relative", relative, person=str(person.pk))
    return relative


def _require_relative_write_scope(acting_user, relative: LeftBehindRelative) -> None:
    # Only the household place writes: the village keeps its roll; the family's destination reads.
    require_write_scope(acting_user, relative.jurisdiction_id, object_type="left_behind_relative",
                        object_id=relative.pk, message=_("This family is outside your area of responsibility."))


def record_left_behind_relative(*, acting_user, person: Person, kind: str, **fields) -> LeftBehindRelative:
    """Add a child or elder left behind by a person who is away (after the departure was registered)."""
    require_write_scope(acting_user, person.household_jurisdiction_id, object_type="person", object_id=person.pk,
                        message=_("Only the household place keeps the roll of left-behind children and elders."))
    if kind not in LeftBehindKind.values:
        raise ValidationFailed({"kind": [_("Choose a child or an elder.")]})
    unknown = set(fields) - set(LEFT_BEHIND_FIELDS[kind])
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed here.")] for name in unknown})
    move = Migration.objects.filter(person=person, status__in=OPEN_STATUSES).first()
    if move is None:
        raise ValidationFailed({"__all__": [
            _("Relatives are left behind only while a family member is away: register the departure first.")]})
    errors = FieldErrors()
    cleaned = _clean_relative(errors, kind, fields, on=timezone.localdate())
    errors.raise_if_any()
    with transaction.atomic():
        person = _person_for_update(person)
        return _add_left_behind(acting_user, person, {"kind": kind, **cleaned}, left_on=move.started_on)


def update_left_behind_relative(*, acting_user, relative: LeftBehindRelative, **changes) -> LeftBehindRelative:
    """Change what the roll says about a relative: the carer, the school, the visit interval …"""
    _require_relative_write_scope(acting_user, relative)
    unknown = set(changes) - set(LEFT_BEHIND_FIELDS[relative.kind])
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed here.")] for name in unknown})
    errors = FieldErrors()
    merged = {name: getattr(relative, name) for name in LEFT_BEHIND_FIELDS[relative.kind]} | changes
    cleaned = _clean_relative(errors, relative.kind, merged, on=relative.left_on)
    errors.raise_if_any()
    with transaction.atomic():
        relative = LeftBehindRelative.objects.select_for_update().get(pk=relative.pk)
        if cleaned["visit_interval_days"] is None:
            cleaned["visit_interval_days"] = relative.visit_interval_days
        changed = sorted(name for name, value in cleaned.items() if getattr(relative, name) != value)
        for name in changed:
            setattr(relative, name, cleaned[name])
        if "visit_interval_days" in changed:
            since = relative.last_visited_on or timezone.localdate(relative.created_at)
            relative.next_visit_due = since + datetime.timedelta(days=relative.visit_interval_days)
        relative.save()
        _audit_relative(acting_user, "update_left_behind_relative", relative, fields=changed)
    return relative


def record_left_behind_visit(*, acting_user, relative: LeftBehindRelative, visited_on: datetime.date, way: str,
                             wellbeing: str, needs: str = "") -> LeftBehindVisit:
    """Log a visit to a left-behind child or elder; the next visit falls due one interval later."""
    _require_relative_write_scope(acting_user, relative)
    errors = FieldErrors()
    if not isinstance(visited_on, datetime.date):
        errors.add("visited_on", _("Enter the date of the visit."))
    elif visited_on > timezone.localdate():
        errors.add("visited_on", _("A visit cannot be recorded before it happens."))
    elif visited_on < relative.left_on:
        errors.add("visited_on", _("The visit cannot be before %(date)s, when the family member left.")
                   % {"date": relative.left_on.isoformat()})
    if way not in VisitWay.values:
        errors.add("way", _("Choose how the visit was made."))
    wellbeing = errors.text("wellbeing", wellbeing, 500, required=True,
                            missing=_("Say in a few words how the child or elder is."))
    needs = errors.text("needs", needs, 500)
    errors.raise_if_any()
    with transaction.atomic():
        relative = LeftBehindRelative.objects.select_for_update().get(pk=relative.pk)
        if relative.ended_on:
            raise ValidationFailed({"__all__": [_("This relative has been taken off the roll.")]})
        visit = LeftBehindVisit.objects.create(relative=relative, visited_on=visited_on, way=way, wellbeing=wellbeing,
                                               needs=needs, visitor=user_or_none(acting_user))
        if relative.last_visited_on is None or visited_on > relative.last_visited_on:
            relative.last_visited_on = visited_on
            relative.next_visit_due = visited_on + datetime.timedelta(days=relative.visit_interval_days)
            relative.save(update_fields=["last_visited_on", "next_visit_due", "updated_at"])
        _audit_relative(acting_user, "record_left_behind_visit", relative, visit=str(visit.pk), way=way)
    return visit


def take_off_left_behind_roll(*, acting_user, relative: LeftBehindRelative, ended_on: datetime.date,
                              note: str) -> LeftBehindRelative:
    """Take a relative off the village's roll (joined the parents, moved away, died …), with the reason."""
    _require_relative_write_scope(acting_user, relative)
    errors = FieldErrors()
    if not isinstance(ended_on, datetime.date):
        errors.add("ended_on", _("This field is required."))
    elif ended_on > timezone.localdate():
        errors.add("ended_on", _("The date cannot be in the future."))
    elif ended_on < relative.left_on:
        errors.add("ended_on", _("The date cannot be before %(date)s.") % {"date": relative.left_on.isoformat()})
    note = errors.text("note", note, 200, required=True, missing=_("Say why, for example: the child joined the parents."))
    errors.raise_if_any()
    with transaction.atomic():
        relative = LeftBehindRelative.objects.select_for_update().get(pk=relative.pk)
        if relative.ended_on:
            raise ValidationFailed({"__all__": [_("This relative has been taken off the roll.")]})
        relative.ended_on, relative.end_note = ended_on, note
        relative.save(update_fields=["ended_on", "end_note", "updated_at"])
        _audit_relative(acting_user, "take_off_left_behind_roll", relative)
    return relative
