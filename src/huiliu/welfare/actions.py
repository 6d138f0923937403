"""Every write of the benefit programmes: one function a use case, one transaction, audited.

- A programme is created, and its rules changed, by an officer of its owner office (county or above) or above.
- An application is made by the person's household village or the village where they live now.
- The township of the applying village, or of the person's household place, reviews it.
- An officer of county level or above in the owner's line decides: an approval creates exactly one payment,
  paid by the owner; a refusal needs its reason. The application row is locked while deciding, so two
  officers approving at once give one approval and one payment.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import jurisdiction_ranges, require_write_scope
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from huiliu.core.identity import validate_phone
from huiliu.core.models import user_or_none
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from . import eligibility
from .models import (
    ApplicationStatus,
    AssistanceVisit,
    BenefitApplication,
    Payment,
    Programme,
    ProgrammeKind,
    SpecialAssistanceFamily,
)

LONGEST_NAME, LONGEST_TEXT = 100, 500
# The most one payment of a programme may be: 1,000,000 yuan, far above any real benefit, to catch a typing slip.
LARGEST_AMOUNT_FEN = 100_000_000


def _check_amount(errors: FieldErrors, amount_fen) -> int | None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= LARGEST_AMOUNT_FEN:
        errors.add("amount_fen", _("Enter an amount above zero, in whole fen."))
        return None
    return amount_fen


def _deny(acting_user, *, object_type: str, object_id, message: str, detail: dict | None = None):
    record_event(actor=acting_user, event="write", object_type=object_type, object_id=object_id,
                 outcome=AuditEvent.Outcome.DENIED, detail=detail or {})
    raise PermissionDenied(message)


# --- Programmes ---------------------------------------------------------------------------------------------


def _require_owner(acting_user, owner_code: int, *, object_id="") -> None:
    require_write_scope(acting_user, owner_code, object_type="programme", object_id=object_id,
                        message=_("Only an officer of the programme's owner office, or above it, can do this."))


def create_programme(*, acting_user, kind: str, name: str, owner_code: int, amount_fen: int,
                     eligibility_rules: list | None = None) -> Programme:
    """Create a programme owned by an office of county level or above."""
    errors = FieldErrors()
    if kind not in ProgrammeKind.values:
        errors.add("kind", _("Choose the kind of programme."))
    name = errors.text("name", name, LONGEST_NAME, required=True, missing=_("Name the programme."))
    amount_fen = _check_amount(errors, amount_fen)
    owner = Jurisdiction.objects.filter(pk=owner_code).first() if isinstance(owner_code, int) else None
    if owner is None:
        errors.add("owner_code", _("Choose the office that owns the programme."))
    elif codes.level_of(owner.code) > codes.COUNTY:
        errors.add("owner_code", _("A programme is owned by a county or a higher office."))
    rules = errors.check("", eligibility.validate_rules, eligibility_rules)
    errors.raise_if_any()
    _require_owner(acting_user, owner.code)
    with transaction.atomic():
        programme = Programme.objects.create(kind=kind, name=name, owner_jurisdiction=owner, amount_fen=amount_fen,
                                             eligibility_rules=rules, created_by=user_or_none(acting_user))
        record_event(actor=acting_user, event="create_programme", object_type="programme", object_id=programme.pk,
                     detail={"owner": owner.code, "kind": kind, "amount_fen": amount_fen, "rules": rules})
    return programme


def update_eligibility_rules(*, acting_user, programme: Programme, eligibility_rules) -> Programme:
    """Replace a programme's eligibility rules; only its owner (or above) may. Applications already made keep their notes."""
    _require_owner(acting_user, programme.owner_jurisdiction_id, object_id=programme.pk)
    try:
        rules = eligibility.validate_rules(eligibility_rules)
    except ValidationFailed:
        record_event(actor=acting_user, event="update_eligibility_rules", object_type="programme",
                     object_id=programme.pk, outcome=AuditEvent.Outcome.DENIED,
                     detail={"rules": eligibility_rules if isinstance(eligibility_rules, (list, dict)) else ""})
        raise
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        before = programme.eligibility_rules
        programme.eligibility_rules = rules
        programme.save(update_fields=["eligibility_rules", "updated_at"])
        record_event(actor=acting_user, event="update_eligibility_rules", object_type="programme",
                     object_id=programme.pk, detail={"before": before, "after": rules})
    return programme


# --- Applications -----------------------------------------------------------------------------------------


def serves(programme: Programme, person: Person) -> bool:
    """Whether the programme's area holds the person's household place or where they live now."""
    owner = programme.owner_jurisdiction_id
    return any(code is not None and codes.contains(owner, code) for code in person.place_codes)


def applying_village(acting_user, person: Person) -> int | None:
    """The village that applies: the person's household village, else where they live now, whichever the user writes for."""
    for code in person.place_codes:
        if code is not None and any(low <= code <= high for low, high in jurisdiction_ranges(acting_user, writing=True)):
            return code
    return None


def apply_for_benefit(*, acting_user, programme: Programme, person: Person, declared_hardship: bool = False,
                      statement: str = "") -> BenefitApplication:
    """Apply for a person, at their household village or where they live now; each rule's outcome is noted."""
    errors = FieldErrors()
    statement = errors.text("statement", statement, LONGEST_TEXT, required=False)
    if not serves(programme, person):
        errors.add("programme", _("This programme does not serve the place where this person is registered or lives."))
    errors.raise_if_any()
    village = applying_village(acting_user, person)
    if village is None:
        require_write_scope(acting_user, *person.place_codes, object_type="person", object_id=person.pk,
                            message=_("Only the person's household village or the village where they live "
                                      "now can apply for them."))
    today = timezone.localdate()
    notes = eligibility.check_rules(programme.eligibility_rules, person=person,
                                    owner_code=programme.owner_jurisdiction_id,
                                    declared_hardship=declared_hardship, day=today)
    try:
        with transaction.atomic():
            application = BenefitApplication.objects.create(
                programme=programme, person=person, applying_jurisdiction_id=village,
                status=ApplicationStatus.SUBMITTED, declared_hardship=bool(declared_hardship), statement=statement,
                rule_notes=notes, submitted_at=timezone.now(), submitted_by=user_or_none(acting_user),
            )
            record_event(actor=acting_user, event="apply_for_benefit", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes,
                         detail={"application": str(application.pk), "programme": str(programme.pk),
                                 "applying": village, "rules_met": application.rules_met})
    except IntegrityError:
        raise ValidationFailed({"programme": [
            _("This person already has an application to this programme waiting for a decision.")]}) from None
    return application


def _locked(application: BenefitApplication) -> BenefitApplication:
    return (BenefitApplication.objects.select_for_update(of=("self",))
            .select_related("programme", "person").get(pk=application.pk))


def review_application(*, acting_user, application: BenefitApplication, note: str = "") -> BenefitApplication:
    """The township's review: of the applying village's township or of the person's household township."""
    errors = FieldErrors()
    note = errors.text("note", note, LONGEST_TEXT, required=False)
    errors.raise_if_any()
    townships = (codes.township_of(application.applying_jurisdiction_id),
                 codes.township_of(application.person.household_jurisdiction_id))
    require_write_scope(acting_user, *townships, object_type="benefit_application", object_id=application.pk,
                        message=_("Only the township of the applying village or of the person's household place "
                                  "can review this application."))
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationFailed({"__all__": [_("Only a submitted application can be reviewed.")]})
        application.status = ApplicationStatus.REVIEWED
        application.reviewed_at = timezone.now()
        application.reviewed_by = user_or_none(acting_user)
        application.review_note = note
        application.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note", "updated_at"])
        record_event(actor=acting_user, event="review_application", object_type="person",
                     object_id=application.person_id, subject_codes=application.person.place_codes,
                     detail={"application": str(application.pk)})
    return application


def deciding_ranges(user, application: BenefitApplication) -> list[tuple[int, int]]:
    """The user's county-or-higher subtrees that may decide: the owner office or above, or an office under the
    owner whose area holds the applying village or the person's household place."""
    owner = application.programme.owner_jurisdiction_id
    places = (application.applying_jurisdiction_id, application.person.household_jurisdiction_id)
    ranges = []
    for low, high in jurisdiction_ranges(user, writing=True):
        if codes.level_of(low) > codes.COUNTY:
            continue
        if low <= owner <= high or (codes.contains(owner, low) and any(low <= p <= high for p in places)):
            ranges.append((low, high))
    return ranges


def may_decide(user, application: BenefitApplication) -> bool:
    return bool(deciding_ranges(user, application))


def decide_application(*, acting_user, application: BenefitApplication, approve: bool,
                       reason: str = "") -> BenefitApplication:
    """Approve (creating its one payment, paid by the owner) or refuse with a reason a reviewed application."""
    errors = FieldErrors()
    reason = errors.text("reason", reason, LONGEST_TEXT, required=not approve,
                         missing=_("Give the reason for the refusal."))
    errors.raise_if_any()
    if not may_decide(acting_user, application):
        _deny(acting_user, object_type="benefit_application", object_id=application.pk,
              message=_("Only an officer of county level or above in the programme owner's area can decide."),
              detail={"owner": application.programme.owner_jurisdiction_id})
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.REVIEWED:
            raise ValidationFailed({"__all__": [
                _("This application has already been decided.") if application.status in
                (ApplicationStatus.APPROVED, ApplicationStatus.REFUSED)
                else _("Only an application the township has reviewed can be decided.")]})
        if approve and not application.rules_met:
            raise ValidationFailed({"__all__": [
                _("The application does not meet every eligibility rule; refuse it with the reason.")]})
        application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
        application.decided_at = timezone.now()
        application.decided_by = user_or_none(acting_user)
        application.refusal_reason = "" if approve else reason
        application.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason", "updated_at"])
        detail = {"application": str(application.pk), "decision": application.status}
        if approve:
            programme = application.programme
            payment = Payment.objects.create(
                application=application, programme=programme, amount_fen=programme.amount_fen,
                paid_on=timezone.localdate(), paying_jurisdiction_id=programme.owner_jurisdiction_id,
                recorded_by=user_or_none(acting_user),
            )
            detail.update(payment=str(payment.pk), amount_fen=payment.amount_fen, paying=programme.owner_jurisdiction_id)
        else:
            detail["reason"] = reason
        record_event(actor=acting_user, event="decide_application", object_type="person",
                     object_id=application.person_id, subject_codes=application.person.place_codes, detail=detail)
    return application


# --- Special assistance families --------------------------------------------------------------------------


def _require_person_place(acting_user, person: Person, *, object_type: str, object_id="") -> None:
    require_write_scope(acting_user, *person.place_codes, object_type=object_type, object_id=object_id or person.pk,
                        message=_("Only the person's household place or the place where they live now can do this."))


def register_special_assistance_family(*, acting_user, programme: Programme, person: Person,
                                       first_liaison_name: str, first_liaison_phone: str,
                                       second_liaison_name: str, second_liaison_phone: str) -> SpecialAssistanceFamily:
    """Register a family of a special-assistance programme with its two liaison contacts (both required)."""
    errors = FieldErrors()
    if programme.kind != ProgrammeKind.SPECIAL_ASSISTANCE:
        errors.add("programme", _("Choose a special-assistance programme."))
    elif not serves(programme, person):
        errors.add("programme", _("This programme does not serve the place where this person is registered or lives."))
    typed = {"first": (first_liaison_name, first_liaison_phone), "second": (second_liaison_name, second_liaison_phone)}
    contacts = {}
    for which, (name, phone) in typed.items():
        contacts[f"{which}_liaison_name"] = errors.text(f"{which}_liaison_name", name, 50, required=True,
                                                        missing=_("Name the liaison contact."))
        phone = (phone or "").strip()
        if not phone:
            errors.add(f"{which}_liaison_phone", _("Give the liaison contact's phone."))
        else:
            contacts[f"{which}_liaison_phone"] = errors.check(f"{which}_liaison_phone", validate_phone, phone)
    if (not errors and contacts["first_liaison_name"] == contacts["second_liaison_name"]
            and contacts["first_liaison_phone"] == contacts["second_liaison_phone"]):
        errors.add("second_liaison_name", _("The two liaison contacts must be two different people."))
    errors.raise_if_any()
    _require_person_place(acting_user, person, object_type="special_assistance_family")
    try:
        with transaction.atomic():
            family = SpecialAssistanceFamily.objects.create(programme=programme, person=person,
                                                            registered_by=user_or_none(acting_user), **contacts)
            record_event(actor=acting_user, event="register_special_assistance_family", object_type="person",
                         object_id=person.pk, subject_codes=person.place_codes,
                         detail={"family": str(family.pk), "programme": str(programme.pk)})
    except IntegrityError:
        raise ValidationFailed({"programme": [_("This family is already registered in this programme.")]}) from None
    return family


def record_assistance_visit(*, acting_user, family: SpecialAssistanceFamily, visited_on: datetime.date,
                            note: str) -> AssistanceVisit:
    """Record a visit to a special-assistance family, by the person's household place or where they live."""
    errors = FieldErrors()
    note = errors.text("note", note, 1000, required=True, missing=_("Say what the visit found or did."))
    if not isinstance(visited_on, datetime.date):
        errors.add("visited_on", _("Enter the date of the visit."))
    elif visited_on > timezone.localdate():
        errors.add("visited_on", _("A visit cannot be recorded before it happens."))
    errors.raise_if_any()
    person = family.person
    _require_person_place(acting_user, person, object_type="special_assistance_family", object_id=family.pk)
    with transaction.atomic():
        visit = AssistanceVisit.objects.create(family=family, visited_on=visited_on, note=note,
                                               visitor=user_or_none(acting_user))
        record_event(actor=acting_user, event="record_assistance_visit", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes, detail={"family": str(family.pk), "visit": str(visit.pk)})
    return visit
