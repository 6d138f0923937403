"""Every read of the benefit programmes, through the jurisdiction scope.

Programmes are public facts of the offices (no personal data): every user may list them.
An application, a payment and a special-assistance family are seen by the offices whose
scope holds the person's household place or current residence, the applying village, or
the programme's owner. A row out of scope answers exactly as a missing one, and the
attempt is audited. The public beneficiary list of a village names each beneficiary and
the amount, and nothing else: no ID number, address, phone, age or reason.
"""

import datetime

from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext as _

from huiliu.accounts.scope import in_scope, jurisdiction_ranges, scope_filter
from huiliu.audit.actions import fetch_or_deny, record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.core.identity import mask_name
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes

from .models import (
    ApplicationStatus,
    BenefitApplication,
    Payment,
    Programme,
    ProgrammeKind,
    SpecialAssistanceFamily,
)

APPLICATION_SCOPE_FIELDS = ("person__household_jurisdiction_id", "person__residence_jurisdiction_id",
                            "applying_jurisdiction_id", "programme__owner_jurisdiction_id")
FAMILY_SCOPE_FIELDS = ("person__household_jurisdiction_id", "person__residence_jurisdiction_id",
                       "programme__owner_jurisdiction_id")


# --- Programmes -------------------------------------------------------------------------------------------


def list_programmes(*, user, kind: str = "", person=None) -> QuerySet[Programme]:
    """List the programmes (public facts of the offices); with a person, those whose area holds their places."""
    programmes = Programme.objects.select_related("owner_jurisdiction")
    if kind:
        programmes = programmes.filter(kind=kind)
    if person is not None:
        owners = {owner for code in person.place_codes if code is not None
                  for owner in [*codes.ancestor_codes(code), code] if codes.level_of(owner) <= codes.COUNTY}
        programmes = programmes.filter(owner_jurisdiction_id__in=owners)
    return programmes.order_by("owner_jurisdiction_id", "name")


def access_programme(user, programme_id) -> Programme:
    """Fetch one programme (any user may read one); a bad id answers not found."""
    rows = Programme.objects.select_related("owner_jurisdiction")
    return fetch_or_deny(user, rows, programme_id, object_type="programme")


def may_manage_programme(user, programme: Programme) -> bool:
    return in_scope(user, programme.owner_jurisdiction_id, writing=True)


# --- Applications -----------------------------------------------------------------------------------------


def _scoped_applications(user) -> QuerySet[BenefitApplication]:
    return BenefitApplication.objects.filter(scope_filter(user, *APPLICATION_SCOPE_FIELDS))


def _application_rows(queryset: QuerySet[BenefitApplication]) -> QuerySet[BenefitApplication]:
    return (queryset.select_related("programme", "person", "applying_jurisdiction", "programme__owner_jurisdiction")
            .order_by("submitted_at", "id"))


def list_applications_to_review(*, user) -> QuerySet[BenefitApplication]:
    """The submitted applications the user's townships (or higher offices) are to review, oldest first; audited."""
    condition = Q(pk__in=[])
    for low, high in jurisdiction_ranges(user, writing=True):
        if codes.level_of(low) <= codes.TOWNSHIP:
            condition |= Q(applying_jurisdiction_id__gte=low, applying_jurisdiction_id__lte=high)
            condition |= Q(person__household_jurisdiction_id__gte=low, person__household_jurisdiction_id__lte=high)
    record_event(actor=user, event="list", object_type="benefit_application", detail={"box": "to_review"})
    return _application_rows(BenefitApplication.objects.filter(condition, status=ApplicationStatus.SUBMITTED))


def list_applications_to_decide(*, user) -> QuerySet[BenefitApplication]:
    """The reviewed applications the user may decide (see actions.deciding_ranges), oldest first; audited."""
    condition = Q(pk__in=[])
    for low, high in jurisdiction_ranges(user, writing=True):
        if codes.level_of(low) > codes.COUNTY:
            continue
        condition |= Q(programme__owner_jurisdiction_id__gte=low, programme__owner_jurisdiction_id__lte=high)
        owners_above = codes.ancestor_codes(low)
        if owners_above:
            condition |= Q(programme__owner_jurisdiction_id__in=owners_above) & (
                Q(applying_jurisdiction_id__gte=low, applying_jurisdiction_id__lte=high)
                | Q(person__household_jurisdiction_id__gte=low, person__household_jurisdiction_id__lte=high))
    record_event(actor=user, event="list", object_type="benefit_application", detail={"box": "to_decide"})
    return _application_rows(BenefitApplication.objects.filter(condition, status=ApplicationStatus.REVIEWED))


def list_applications(*, user, status: str = "", person_id=None) -> QuerySet[BenefitApplication]:
    """Every application in the user's scope, newest first; by status or person; audited."""
    rows = _scoped_applications(user)
    if status:
        rows = rows.filter(status=status)
    if person_id is not None:
        rows = rows.filter(person_id=person_id) if is_uuid(person_id) else rows.none()
    record_event(actor=user, event="list", object_type="benefit_application",
                 detail={"status": status, "person": str(person_id or "")})
    return _application_rows(rows).order_by("-submitted_at", "id")


def access_application(user, application_id) -> BenefitApplication:
    """Fetch one application in the user's scope; out of scope answers as missing; both audited."""
    rows = _scoped_applications(user).select_related(
        "programme", "programme__owner_jurisdiction", "person", "applying_jurisdiction", "payment",
        "submitted_by", "reviewed_by", "decided_by")
    application = fetch_or_deny(user, rows, application_id, object_type="benefit_application")
    record_event(actor=user, event="view", object_type="person", object_id=application.person_id,
                 subject_codes=application.person.place_codes, detail={"application": str(application.pk)})
    return application


def find_payment(application: BenefitApplication) -> Payment | None:
    """The payment of an application (call after access_application)."""
    return Payment.objects.filter(application=application).first()


# --- Special assistance families --------------------------------------------------------------------------


def _scoped_families(user) -> QuerySet[SpecialAssistanceFamily]:
    return SpecialAssistanceFamily.objects.filter(scope_filter(user, *FAMILY_SCOPE_FIELDS))


def list_special_assistance_families(*, user) -> QuerySet[SpecialAssistanceFamily]:
    """The special-assistance families in the user's scope; audited."""
    record_event(actor=user, event="list", object_type="special_assistance_family")
    return (_scoped_families(user).select_related("person", "programme")
            .annotate(visit_count=Count("visits")).order_by("person__name", "id"))


def access_special_assistance_family(user, family_id) -> SpecialAssistanceFamily:
    """Fetch one family in the user's scope; out of scope answers as missing; both audited."""
    rows = _scoped_families(user).select_related("person", "programme", "programme__owner_jurisdiction")
    family = fetch_or_deny(user, rows, family_id, object_type="special_assistance_family")
    record_event(actor=user, event="view", object_type="person", object_id=family.person_id,
                 subject_codes=family.person.place_codes, detail={"family": str(family.pk)})
    return family


def list_visits_of(family: SpecialAssistanceFamily):
    """A family's visits, newest first (call after access_special_assistance_family)."""
    return family.visits.select_related("visitor").order_by("-visited_on", "-created_at")


# --- The public beneficiary list --------------------------------------------------------------------------


def list_public_beneficiaries(*, user, village_code: int, programme: Programme,
                              year: int | None = None) -> list[dict]:
    """The approved beneficiaries of one programme applied for at one village, to be posted there; audited.

    Each row is the name and the amount paid, and the date of approval: no ID number, address, phone, age or
    reason. A special-assistance family's name is masked, since being listed tells the village that its only
    child died or is disabled.
    """
    if codes.level_of(village_code) != codes.VILLAGE or not in_scope(user, village_code):
        record_event(actor=user, event="list", object_type="beneficiary_list", object_id=str(village_code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(village_code)
    payments = Payment.objects.filter(programme=programme, application__applying_jurisdiction_id=village_code,
                                      application__status=ApplicationStatus.APPROVED)
    if year:
        payments = payments.filter(paid_on__year=year)
    rows = list(payments.order_by("application__person__name", "paid_on")
                .values("application__person_id", "application__person__name", "amount_fen", "paid_on"))
    masked = programme.kind == ProgrammeKind.SPECIAL_ASSISTANCE
    record_event(actor=user, event="list", object_type="beneficiary_list", object_id=str(village_code),
                 detail={"programme": str(programme.pk), "year": year or "",
                         "persons": [str(r["application__person_id"]) for r in rows]})
    return [{"name": mask_name(r["application__person__name"]) if masked else r["application__person__name"],
             "amount_fen": r["amount_fen"], "paid_on": r["paid_on"]} for r in rows]


# --- Figures for the reports ------------------------------------------------------------------------------


def count_beneficiaries(*, user, start: datetime.date, end: datetime.date, level: int = codes.COUNTY) -> list[dict]:
    """Per programme and per jurisdiction (of the applying place, cut at `level`), over payments made from `start`
    to `end` inclusive and seen in the user's scope: the number of beneficiaries and the amount in fen. Names nobody.
    """
    if start > end:
        raise ValidationFailed({"end": [_("The end of the period is before its start.")]})
    payments = Payment.objects.filter(
        scope_filter(user, "paying_jurisdiction_id", "application__applying_jurisdiction_id"),
        paid_on__gte=start, paid_on__lte=end)
    width = 10 ** (12 - codes.SIGNIFICANT_DIGITS[level])
    # Integer division cuts the applying village's code to its county (or other level) on both databases.
    place = ExpressionWrapper(F("application__applying_jurisdiction_id") / width * width,
                              output_field=BigIntegerField())
    rows = (payments.annotate(place=place).values("programme_id", "programme__name", "place")
            .annotate(beneficiaries=Count("application__person_id", distinct=True), amount_fen=Sum("amount_fen"))
            .order_by("programme__name", "place"))
    record_event(actor=user, event="list", object_type="welfare_figures",
                 detail={"start": start.isoformat(), "end": end.isoformat(), "level": level})
    return [{"programme_id": r["programme_id"], "programme": r["programme__name"], "jurisdiction": r["place"],
             "beneficiaries": r["beneficiaries"], "amount_fen": r["amount_fen"]} for r in rows]
