"""Every write of grievances: filing (public, staff, forum), taking in hand, resolving, closing, reassigning, forums.

Each write is one transaction with its audit row. Staff act on a grievance only when its
owner unit lies in their writing scope; a county (or higher) officer may hand it to another
office of their subtree. Audit rows name the grievance and what changed, never the text,
the name or the phone.
"""

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from huiliu.accounts.models import Role
from huiliu.accounts.scope import in_role_scope, require_write_scope, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from huiliu.core.identity import normalize_id_number, validate_phone
from huiliu.core.models import user_or_none
from huiliu.core.numbering import next_document_number
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from .models import (
    OPEN_STATUSES,
    Channel,
    Forum,
    Grievance,
    GrievanceKind,
    GrievanceStatus,
    GrievanceStep,
    StepKind,
    Topic,
)

OBJECT_TYPE = "grievance"
FORUM_OBJECT_TYPE = "forum"
# What a grievance may concern, and where a forum may be held: a township or a village (community).
PLACE_LEVELS = frozenset({codes.TOWNSHIP, codes.VILLAGE})
# The offices a grievance may be handed to: a county (to take it up itself) or a township.
OWNER_LEVELS = frozenset({codes.COUNTY, codes.TOWNSHIP})
# Days the owner unit has to answer, by kind; a deployment may set others in HUILIU_GRIEVANCE_DAYS.
DEFAULT_DAYS = {GrievanceKind.COMPLAINT: 15, GrievanceKind.RIGHTS_PROTECTION: 15, GrievanceKind.SUGGESTION: 30}
# The roles that may hand a grievance to another office of their subtree.
REASSIGNING_ROLES = (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER)
CHECK_CODE_DIGITS = 6
MAX_SUGGESTIONS = 100


def days_to_answer(kind: str) -> int:
    """The days the owner unit has to answer a grievance of this kind."""
    configured = getattr(settings, "HUILIU_GRIEVANCE_DAYS", None) or {}
    return int(configured.get(kind, DEFAULT_DAYS[kind]))


def hash_check_code(tracking_number: str, check_code: str) -> str:
    """The stored form of a check code: keyed by the deployment's secret and bound to its tracking number."""
    return salted_hmac("huiliu.grievances.check_code", f"{tracking_number}:{check_code}",
                       algorithm="sha256").hexdigest()


def check_code_matches(grievance: Grievance, check_code: str) -> bool:
    return constant_time_compare(hash_check_code(grievance.tracking_number, check_code), grievance.check_code_hash)


@dataclasses.dataclass(frozen=True)
class FiledGrievance:
    """A grievance just filed, with its check code: shown once to the person, never stored in the clear."""

    grievance: Grievance
    check_code: str


def _place(errors: FieldErrors, field: str, code, *, levels=PLACE_LEVELS, message: str = "") -> Jurisdiction | None:
    if code in (None, ""):
        errors.add(field, _("This field is required."))
        return None
    node = Jurisdiction.objects.filter(code=code).first()
    if node is None:
        errors.add(field, _("No such jurisdiction."))
        return None
    if node.level not in levels:
        errors.add(field, message or _("Choose a township, village or community."))
        return None
    return node


def _check_choice(errors: FieldErrors, field: str, value: str, choices, message: str) -> None:
    if value not in choices:
        errors.add(field, message)


def _registry_person(acting_user, errors: FieldErrors, id_number: str) -> Person | None:
    """The registry's person of this ID number, if the staff member may see them; otherwise a refusal on the field."""
    number = normalize_id_number(id_number)
    if not number:
        return None
    person = Person.objects.filter(scope_filter(acting_user, "household_jurisdiction_id", "residence_jurisdiction_id"),
                                   id_number=number).first()
    if person is None:
        errors.add("person_id_number", _("No person with this ID number in your area."))
    return person


def _step(grievance: Grievance, kind: str, *, at, by, note: str = "", from_owner=None, to_owner=None) -> None:
    GrievanceStep.objects.create(grievance=grievance, kind=kind, at=at, by=user_or_none(by), note=note,
                                 from_owner=from_owner, to_owner=to_owner)


def _codes(grievance: Grievance) -> tuple[int, int]:
    """The place and the owner unit: the offices whose auditors watch this grievance."""
    return grievance.place_id, grievance.owner_id


def _create(*, acting_user, channel: str, kind: str, topic: str, place: Jurisdiction, text: str, name: str,
            phone: str, person: Person | None, forum: Forum | None, now: datetime.datetime) -> FiledGrievance:
    """Write one grievance with its number, check code, deadline and first step (inside the caller's transaction)."""
    owner_code = codes.township_of(place.code)
    filed_on = timezone.localdate(now)
    number = next_document_number(jurisdiction_code=owner_code, kind="grievance", year=filed_on.year)
    check_code = f"{secrets.randbelow(10 ** CHECK_CODE_DIGITS):0{CHECK_CODE_DIGITS}d}"
    grievance = Grievance.objects.create(
        tracking_number=number, check_code_hash=hash_check_code(number, check_code), kind=kind, topic=topic,
        channel=channel, place=place, owner_id=owner_code, text=text, name=name, phone=phone, person=person,
        forum=forum, filed_at=now, filed_by=user_or_none(acting_user),
        deadline=filed_on + datetime.timedelta(days=days_to_answer(kind)),
    )
    _step(grievance, StepKind.FILED, at=now, by=acting_user)
    record_event(actor=acting_user, event="create", object_type=OBJECT_TYPE, object_id=grievance.pk,
                 subject_codes=_codes(grievance),
                 detail={"tracking_number": number, "kind": kind, "topic": topic, "channel": channel,
                         "owner": owner_code, "anonymous": not (name or phone or person),
                         "person": str(person.pk) if person else "", "forum": str(forum.pk) if forum else ""})
    return FiledGrievance(grievance=grievance, check_code=check_code)


def file_grievance(
    *,
    acting_user,
    kind: str,
    place_code: int | None,
    text: str,
    topic: str = Topic.OTHER,
    name: str = "",
    phone: str = "",
    person_id_number: str = "",
    now: datetime.datetime | None = None,
) -> FiledGrievance:
    """File a complaint, suggestion or rights-protection request; it goes to the township of the place it concerns.

    With no acting user it comes from the public page; staff file on a person's behalf, about
    a place in their area, and may link the registry's record of the person. Name and phone
    may both be left out, except that a rights-protection request needs a phone (or the
    registry's person) so that the office can act with the person.
    """
    now = now or timezone.now()
    staff = user_or_none(acting_user)
    errors = FieldErrors()
    _check_choice(errors, "kind", kind, GrievanceKind.values, _("Choose whether it is a complaint, a suggestion or a "
                                                                "rights-protection request."))
    _check_choice(errors, "topic", topic or Topic.OTHER, Topic.values, _("Choose a topic from the list."))
    text = errors.text("text", text, Grievance._meta.get_field("text").max_length, required=True,
                       missing=_("Say what it is about."))
    name = errors.text("name", name, Grievance._meta.get_field("name").max_length)
    phone = errors.check("phone", validate_phone, phone) or ""
    place = _place(errors, "place_code", place_code)
    person = None
    if staff is not None:
        person = _registry_person(staff, errors, person_id_number)
    if kind == GrievanceKind.RIGHTS_PROTECTION and not phone and person is None:
        errors.add("phone", _("A rights-protection request needs a phone number, so that the office can reach you."))
    errors.raise_if_any()
    if staff is not None:
        require_write_scope(staff, place.code, object_type=OBJECT_TYPE,
                            message=_("This place is outside your area of responsibility."))
    with transaction.atomic():
        filed = _create(acting_user=staff, channel=Channel.STAFF if staff else Channel.PUBLIC, kind=kind,
                        topic=topic or Topic.OTHER, place=place, text=text, name=name or (person.name if person else ""),
                        phone=phone, person=person, forum=None, now=now)
        if person is not None:
            record_event(actor=staff, event="registry_lookup", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes,
                         detail={"grievance": str(filed.grievance.pk), "tracking_number": filed.grievance.tracking_number})
    return filed


def _current(grievance: Grievance) -> Grievance:
    """The grievance as stored now: a page may have read it before a reassignment."""
    return Grievance.objects.get(pk=grievance.pk)


def _require_owner_scope(acting_user, grievance: Grievance) -> Grievance:
    """The grievance as stored now, unless its owner unit is outside the user's writing scope: refused and audited."""
    grievance = _current(grievance)
    require_write_scope(acting_user, grievance.owner_id, object_type=OBJECT_TYPE, object_id=grievance.pk,
                        message=_("This grievance is handled by another office."))
    return grievance


def _locked_open(grievance: Grievance) -> Grievance:
    owner = grievance.owner_id
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    if grievance.owner_id != owner:  # reassigned since it was read: the new owner acts on it
        raise ValidationFailed(_("This grievance is handled by another office."))
    if grievance.status not in OPEN_STATUSES:
        raise ValidationFailed(_("This grievance is already closed."))
    return grievance


def take_grievance_in_hand(*, acting_user, grievance: Grievance, now: datetime.datetime | None = None) -> Grievance:
    """The owner unit starts working on a grievance: it is then "in progress"."""
    grievance = _require_owner_scope(acting_user, grievance)
    now = now or timezone.now()
    with transaction.atomic():
        grievance = _locked_open(grievance)
        if grievance.status == GrievanceStatus.IN_PROGRESS:
            raise ValidationFailed(_("This grievance is already in progress."))
        grievance.status = GrievanceStatus.IN_PROGRESS
        grievance.taken_at = now
        grievance.taken_by = acting_user
        grievance.save(update_fields=["status", "taken_at", "taken_by", "updated_at"])
        _step(grievance, StepKind.TAKEN, at=now, by=acting_user)
        record_event(actor=acting_user, event="take", object_type=OBJECT_TYPE, object_id=grievance.pk,
                     subject_codes=_codes(grievance), detail={"tracking_number": grievance.tracking_number})
    return grievance


def _close(*, acting_user, grievance: Grievance, status: str, field: str, text: str, event: str, step: str,
           now: datetime.datetime | None) -> Grievance:
    now = now or timezone.now()
    with transaction.atomic():
        grievance = _locked_open(grievance)
        grievance.status = status
        setattr(grievance, field, text)
        grievance.closed_at = now
        grievance.closed_on = timezone.localdate(now)
        grievance.closed_by = acting_user
        grievance.save(update_fields=["status", field, "closed_at", "closed_on", "closed_by", "updated_at"])
        _step(grievance, step, at=now, by=acting_user)
        on_time = grievance.closed_on <= grievance.deadline
        record_event(actor=acting_user, event=event, object_type=OBJECT_TYPE, object_id=grievance.pk,
                     subject_codes=_codes(grievance),
                     detail={"tracking_number": grievance.tracking_number, "on_time": on_time})
    return grievance


def resolve_grievance(*, acting_user, grievance: Grievance, resolution: str,
                      now: datetime.datetime | None = None) -> Grievance:
    """Record what the owner unit did about a grievance; it is then resolved."""
    grievance = _require_owner_scope(acting_user, grievance)
    errors = FieldErrors()
    resolution = errors.text("resolution", resolution, Grievance._meta.get_field("resolution").max_length,
                             required=True, missing=_("Say how it was resolved."))
    errors.raise_if_any()
    return _close(acting_user=acting_user, grievance=grievance, status=GrievanceStatus.RESOLVED, field="resolution",
                  text=resolution, event="resolve", step=StepKind.RESOLVED, now=now)


def close_grievance_unresolved(*, acting_user, grievance: Grievance, reason: str,
                               now: datetime.datetime | None = None) -> Grievance:
    """Close a grievance the owner unit cannot resolve, with the reason why."""
    grievance = _require_owner_scope(acting_user, grievance)
    errors = FieldErrors()
    reason = errors.text("reason", reason, Grievance._meta.get_field("closure_reason").max_length, required=True,
                         missing=_("Give the reason why it cannot be resolved."))
    errors.raise_if_any()
    return _close(acting_user=acting_user, grievance=grievance, status=GrievanceStatus.CLOSED_UNRESOLVED,
                  field="closure_reason", text=reason, event="close", step=StepKind.CLOSED, now=now)


def may_reassign(user, grievance: Grievance) -> bool:
    """Whether the user is an officer of county level or above over the grievance's owner unit."""
    return any(in_role_scope(user, role, grievance.owner_id) for role in REASSIGNING_ROLES)


def reassign_grievance(*, acting_user, grievance: Grievance, owner_code: int | None, note: str = "",
                       now: datetime.datetime | None = None) -> Grievance:
    """Hand a grievance to another office (a county or township) of the reassigning officer's subtree.

    The deadline stays what the person was promised.
    """
    grievance = _current(grievance)
    if not may_reassign(acting_user, grievance):
        record_event(actor=acting_user, event="write", object_type=OBJECT_TYPE, object_id=grievance.pk,
                     outcome=AuditEvent.Outcome.DENIED, detail={"action": "reassign"})
        raise PermissionDenied(_("Only an officer of county level or above over its owner unit may reassign a "
                                 "grievance."))
    errors = FieldErrors()
    owner = _place(errors, "owner_code", owner_code, levels=OWNER_LEVELS,
                   message=_("Choose a county or a township office."))
    note = errors.text("note", note, GrievanceStep._meta.get_field("note").max_length)
    if owner is not None:
        if not any(in_role_scope(acting_user, role, owner.code) for role in REASSIGNING_ROLES):
            errors.add("owner_code", _("You may hand it only to an office in your area."))
        elif owner.code == grievance.owner_id:
            errors.add("owner_code", _("This office already handles the grievance."))
    errors.raise_if_any()
    now = now or timezone.now()
    with transaction.atomic():
        grievance = _locked_open(grievance)
        before = grievance.owner_id
        grievance.owner = owner
        grievance.save(update_fields=["owner", "updated_at"])
        _step(grievance, StepKind.REASSIGNED, at=now, by=acting_user, note=note, from_owner=before, to_owner=owner.code)
        record_event(actor=acting_user, event="reassign", object_type=OBJECT_TYPE, object_id=grievance.pk,
                     subject_codes=(grievance.place_id, before),
                     detail={"tracking_number": grievance.tracking_number, "from": before, "to": owner.code})
    return grievance


def record_forum(
    *,
    acting_user,
    held_on: datetime.date | None,
    title: str,
    place_code: int | None,
    host_code: int | None,
    attendance: int | None,
    suggestions: list[str],
    officers_present: str = "",
    migrants_present: str = "",
    notes: str = "",
    now: datetime.datetime | None = None,
) -> Forum:
    """Record a forum and turn each suggestion raised into a grievance of kind suggestion, all in one transaction."""
    now = now or timezone.now()
    errors = FieldErrors()
    if held_on is None:
        errors.add("held_on", _("This field is required."))
    elif held_on > timezone.localdate(now):
        errors.add("held_on", _("The date cannot be in the future."))
    title = errors.text("title", title, Forum._meta.get_field("title").max_length, required=True)
    place = _place(errors, "place_code", place_code)
    host = _place(errors, "host_code", host_code, levels=frozenset(codes.LEVEL_NAMES))
    if not isinstance(attendance, int) or attendance < 1:
        errors.add("attendance", _("Enter how many people attended (at least 1)."))
    officers_present = errors.text("officers_present", officers_present,
                                   Forum._meta.get_field("officers_present").max_length)
    migrants_present = errors.text("migrants_present", migrants_present,
                                   Forum._meta.get_field("migrants_present").max_length)
    notes = errors.text("notes", notes, Forum._meta.get_field("notes").max_length)
    raised = [line.strip() for line in suggestions or [] if line and line.strip()]
    limit = Grievance._meta.get_field("text").max_length
    if len(raised) > MAX_SUGGESTIONS:
        errors.add("suggestions", _("At most %(limit)d suggestions at once.") % {"limit": MAX_SUGGESTIONS})
    if any(len(line) > limit for line in raised):
        errors.add("suggestions", _("Each suggestion may have at most %(limit)d characters.") % {"limit": limit})
    errors.raise_if_any()
    require_write_scope(acting_user, host.code, object_type=FORUM_OBJECT_TYPE,
                        message=_("The host office is outside your area of responsibility."))
    require_write_scope(acting_user, place.code, object_type=FORUM_OBJECT_TYPE,
                        message=_("This place is outside your area of responsibility."))
    with transaction.atomic():
        forum = Forum.objects.create(held_on=held_on, title=title, place=place, host=host, attendance=attendance,
                                     officers_present=officers_present, migrants_present=migrants_present,
                                     notes=notes, recorded_by=acting_user)
        record_event(actor=acting_user, event="create", object_type=FORUM_OBJECT_TYPE, object_id=forum.pk,
                     subject_codes=(place.code, host.code),
                     detail={"held_on": held_on.isoformat(), "place": place.code, "host": host.code,
                             "attendance": attendance, "suggestions": len(raised)})
        for line in raised:
            _create(acting_user=acting_user, channel=Channel.FORUM, kind=GrievanceKind.SUGGESTION, topic=Topic.OTHER,
                    place=place, text=line, name="", phone="", person=None, forum=forum, now=now)
    return forum
