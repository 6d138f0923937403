"""Every write of assessments: schemes and their items, scoring a period, publishing its bulletin.

Only an officer of a county, city or province whose subtree holds the scheme's owner writes; the units assessed
are the owner's children. Each write is one transaction with its audit row. A scheme's indicators must be
assessable (reports.indicators.ASSESSABLE): no count or rate of births is ever a target.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.models import Role
from huiliu.accounts.scope import in_role_scope
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from huiliu.core.models import user_or_none
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.reports.indicators import ASSESSABLE, CATALOGUE
from huiliu.reports.periods import Period, parse_period

from . import figures, scoring
from .models import AssessmentResult, AssessmentScheme, Bulletin, PeriodKind, ResultItem, SchemeItem, ScoredPeriod

OBJECT_TYPE = "assessment_scheme"
# The roles that set and score schemes: an office that has subordinate units to assess.
ASSESSING_ROLES = (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER)
OWNER_LEVELS = frozenset({codes.PROVINCE, codes.CITY, codes.COUNTY})
TOTAL_WEIGHT = 100
NAME_LIMIT = 100
REMARKS_LIMIT = 2000


def may_assess(user, owner_code: int | None) -> bool:
    """Whether the user is an officer of a county or higher whose subtree holds this owner."""
    return any(in_role_scope(user, role, owner_code) for role in ASSESSING_ROLES)


def _require_assessor(user, owner_code: int, *, object_id="") -> None:
    if may_assess(user, owner_code):
        return
    record_event(actor=user, event="write", object_type=OBJECT_TYPE, object_id=object_id,
                 outcome=AuditEvent.Outcome.DENIED, detail={"jurisdictions": [owner_code]})
    raise PermissionDenied(_("Only an officer of a county or higher office whose area holds this office may set "
                             "or score its assessments."))


def _decimal(errors: FieldErrors, field: str, raw, *, required: bool) -> Decimal | None:
    if raw in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors.add(field, _("Enter a number."))
        return None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        errors.add(field, _("A percentage from 0 to 100."))
        return None
    if value != value.quantize(Decimal("0.1")):
        errors.add(field, _("At most one decimal place."))
        return None
    return value


def _clean_items(errors: FieldErrors, items: list[dict]) -> list[scoring.Target]:
    """Read the items (indicator, weight, target, optional floor), each problem named by its field."""
    targets: list[scoring.Target] = []
    seen: set[str] = set()
    for item in items:
        code = str(item.get("indicator", "")).strip()
        if code not in ASSESSABLE:
            known = CATALOGUE.get(code)
            if known is None:
                errors.add("indicator", _("“%(code)s” is no indicator of the catalogue.") % {"code": code})
            else:
                errors.add("indicator", _("“%(name)s” cannot be an assessment target: only service indicators can "
                                          "(feedback, proxy decisions and grievances on time, service coverage, "
                                          "data quality).") % {"name": known.name})
            continue
        if code in seen:
            errors.add("indicator", _("“%(name)s” is listed twice.") % {"name": CATALOGUE[code].name})
            continue
        seen.add(code)
        weight_field, target_field, floor_field = f"{code}_weight", f"{code}_target", f"{code}_floor"
        weight = item.get("weight")
        try:
            weight = int(str(weight).strip())
        except (TypeError, ValueError):
            errors.add(weight_field, _("The weight is a whole number of points."))
            weight = None
        else:
            if weight <= 0 or weight > TOTAL_WEIGHT:
                errors.add(weight_field, _("The weight is a whole number of points from 1 to 100."))
                weight = None
        target = _decimal(errors, target_field, item.get("target"), required=True)
        floor = _decimal(errors, floor_field, item.get("floor"), required=False)
        if target is not None and floor is not None and floor > target:
            errors.add(floor_field, _("The floor cannot be above the target."))
        if weight is not None and target is not None:
            targets.append(scoring.Target(indicator=code, weight=weight, target=target, floor=floor))
    if not items:
        errors.add("items", _("Choose at least one indicator."))
    elif not errors:
        total = sum(t.weight for t in targets)
        if total != TOTAL_WEIGHT:
            errors.add("items", _("The weights add up to %(total)d points; they must add up to 100.")
                       % {"total": total})
    return targets


def _write_items(scheme: AssessmentScheme, targets: list[scoring.Target]) -> None:
    scheme.items.all().delete()
    SchemeItem.objects.bulk_create([
        SchemeItem(scheme=scheme, indicator=t.indicator, weight=t.weight, target=t.target, floor=t.floor,
                   position=ASSESSABLE.index(t.indicator))
        for t in targets
    ])


def _items_detail(targets: list[scoring.Target]) -> list[dict]:
    return [{"indicator": t.indicator, "weight": t.weight, "target": str(t.target),
             "floor": None if t.floor is None else str(t.floor)} for t in targets]


def create_scheme(*, acting_user, owner_code: int | None, name: str, period_kind: str,
                  items: list[dict]) -> AssessmentScheme:
    """Create an assessment scheme of a county or higher office for its subordinate units, with its items."""
    errors = FieldErrors()
    name = errors.text("name", name, NAME_LIMIT, required=True, missing=_("Give the scheme a name."))
    if period_kind not in PeriodKind.values:
        errors.add("period_kind", _("Choose whether the scheme is monthly, quarterly or yearly."))
    owner = Jurisdiction.objects.filter(code=owner_code).first() if owner_code else None
    if owner is None:
        errors.add("owner_code", _("No such jurisdiction."))
    elif owner.level not in OWNER_LEVELS:
        errors.add("owner_code", _("A scheme is set by a county, city or province office for its subordinate units."))
    targets = _clean_items(errors, items)
    errors.raise_if_any()
    _require_assessor(acting_user, owner.code)
    with transaction.atomic():
        scheme = AssessmentScheme.objects.create(owner=owner, name=name, period_kind=period_kind,
                                                 created_by=user_or_none(acting_user))
        _write_items(scheme, targets)
        record_event(actor=acting_user, event="create", object_type=OBJECT_TYPE, object_id=scheme.pk,
                     detail={"owner": owner.code, "name": name, "period_kind": period_kind,
                             "items": _items_detail(targets)})
    return scheme


def set_scheme_items(*, acting_user, scheme: AssessmentScheme, items: list[dict]) -> AssessmentScheme:
    """Replace a scheme's items; results already scored keep the weights and targets they were scored against."""
    errors = FieldErrors()
    targets = _clean_items(errors, items)
    errors.raise_if_any()
    _require_assessor(acting_user, scheme.owner_id, object_id=scheme.pk)
    with transaction.atomic():
        _write_items(scheme, targets)
        record_event(actor=acting_user, event="update", object_type=OBJECT_TYPE, object_id=scheme.pk,
                     detail={"items": _items_detail(targets)})
    return scheme


def edit_scheme(*, acting_user, scheme: AssessmentScheme, name: str, active: bool,
                items: list[dict]) -> AssessmentScheme:
    """Rename a scheme, switch it on or off, and replace its items, all at once."""
    errors = FieldErrors()
    name = errors.text("name", name, NAME_LIMIT, required=True, missing=_("Give the scheme a name."))
    targets = _clean_items(errors, items)
    errors.raise_if_any()
    _require_assessor(acting_user, scheme.owner_id, object_id=scheme.pk)
    with transaction.atomic():
        scheme.name, scheme.active = name, bool(active)
        scheme.save(update_fields=["name", "active", "updated_at"])
        _write_items(scheme, targets)
        record_event(actor=acting_user, event="update", object_type=OBJECT_TYPE, object_id=scheme.pk,
                     detail={"name": name, "active": bool(active), "items": _items_detail(targets)})
    return scheme


def scheme_period(scheme: AssessmentScheme, text, *, today: datetime.date | None = None,
                  field: str = "period") -> Period:
    """Read a period of the scheme's kind that has begun; anything else is refused, naming the field."""
    period = parse_period(text, field=field)
    if period.kind != scheme.period_kind:
        raise ValidationFailed({field: [_("This scheme is %(kind)s: give a period of that kind (%(example)s).") % {
            "kind": scheme.get_period_kind_display(),
            "example": {PeriodKind.MONTH: "2026-07", PeriodKind.QUARTER: "2026Q3", PeriodKind.YEAR: "2026"}[
                scheme.period_kind]}]})
    if period.start > (today or timezone.localdate()):
        raise ValidationFailed({field: [_("This period has not begun yet.")]})
    return period


def _percent(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def score_period(*, acting_user, scheme: AssessmentScheme, period: Period | str,
                 now: datetime.datetime | None = None) -> ScoredPeriod:
    """Score each subordinate unit of the scheme for the period from the reports' figures, rank them and store it.

    Scoring a period again replaces its results whole, in one transaction.
    """
    now = now or timezone.now()
    if not isinstance(period, Period):
        period = scheme_period(scheme, period, today=timezone.localdate(now))
    elif period.kind != scheme.period_kind:
        raise ValidationFailed({"period": [_("This period is not of the scheme's kind.")]})
    _require_assessor(acting_user, scheme.owner_id, object_id=scheme.pk)
    if not scheme.active:
        raise ValidationFailed({"period": [_("This scheme is switched off: switch it on to score a period.")]})
    targets = [scoring.Target(indicator=i.indicator, weight=i.weight, target=i.target, floor=i.floor)
               for i in scheme.items.all()]
    if not targets:
        raise ValidationFailed({"period": [_("The scheme has no indicators to score yet.")]})
    units = list(Jurisdiction.objects.filter(parent_id=scheme.owner_id).order_by("code").values_list("code", flat=True))
    if not units:
        raise ValidationFailed({"period": [_("This office has no subordinate units to assess.")]})
    values = figures.unit_values(period=period, codes=[scheme.owner_id, *units])
    scores = [scoring.score_unit(code, targets, {k: _percent(v) for k, v in values.get(code, {}).items()
                                                if k in ASSESSABLE}) for code in units]
    ranks = scoring.rank_scores({s.code: s.score for s in scores})
    overall = {t.indicator: (None if values.get(scheme.owner_id, {}).get(t.indicator) is None
                             else str(_percent(values[scheme.owner_id][t.indicator]))) for t in targets}
    with transaction.atomic():
        ScoredPeriod.objects.filter(scheme=scheme, period=period.label).delete()
        scored = ScoredPeriod.objects.create(scheme=scheme, period=period.label, period_start=period.start,
                                             scored_at=now, scored_by=user_or_none(acting_user), overall=overall)
        results = AssessmentResult.objects.bulk_create([
            AssessmentResult(scored_period=scored, unit_id=s.code, score=s.score, rank=ranks[s.code]) for s in scores])
        ResultItem.objects.bulk_create([
            ResultItem(result=result, indicator=item.indicator, weight=item.weight, target=item.target,
                       floor=item.floor, value=item.value, points=item.points, position=position)
            for result, s in zip(results, scores, strict=True) for position, item in enumerate(s.items)])
        record_event(actor=acting_user, event="score", object_type=OBJECT_TYPE, object_id=scheme.pk,
                     detail={"period": period.label, "units": len(units),
                             "scores": {str(s.code): None if s.score is None else str(s.score) for s in scores}})
    return scored


def publish_bulletin(*, acting_user, scheme: AssessmentScheme, period: Period | str, remarks: str = "",
                     now: datetime.datetime | None = None) -> Bulletin:
    """Publish the bulletin of a scored period: its best and worst units and movers as they stand, with remarks."""
    # Imported here: queries import this module for its names.
    from .queries import bulletin_summary, compute_bulletin

    now = now or timezone.now()
    errors = FieldErrors()
    remarks = errors.text("remarks", remarks, REMARKS_LIMIT)
    errors.raise_if_any()
    label = period.label if isinstance(period, Period) else parse_period(period).label
    _require_assessor(acting_user, scheme.owner_id, object_id=scheme.pk)
    figures_now = compute_bulletin(scheme=scheme, period=label)
    if figures_now is None:
        raise ValidationFailed({"period": [_("Score this period before publishing its bulletin.")]})
    with transaction.atomic():
        bulletin, created = Bulletin.objects.update_or_create(
            scheme=scheme, period=label,
            defaults={"summary": bulletin_summary(figures_now), "remarks": remarks, "published_at": now,
                      "published_by": user_or_none(acting_user)})
        record_event(actor=acting_user, event="publish", object_type=OBJECT_TYPE, object_id=scheme.pk,
                     detail={"period": label, "bulletin": str(bulletin.pk), "again": not created})
    return bulletin
