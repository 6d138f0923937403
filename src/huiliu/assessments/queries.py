"""Every read of assessments: schemes, the scored periods and their ranking, and the bulletin's findings.

A scheme is seen in the subtree that holds its owner office (the owner and every office above it). The ranking
and bulletin are figures about offices, never about persons. A published bulletin is also read by the units it
assesses: anyone whose area lies under the scheme's owner office reads it as published, and nothing else of the
scheme (not its drafts, rankings or settings).
"""

import dataclasses
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from huiliu.accounts.scope import jurisdiction_ranges, scope_filter
from huiliu.audit.actions import fetch_or_deny, record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes
from huiliu.reports.indicators import CATALOGUE
from huiliu.reports.periods import parse_period

from . import figures, scoring
from .actions import OBJECT_TYPE
from .models import AssessmentResult, AssessmentScheme, Bulletin, ResultItem, ScoredPeriod

BULLETIN_PLACES = 3  # best and worst units named in a bulletin
MOVERS_SHOWN = 5


def list_schemes(*, user) -> QuerySet[AssessmentScheme]:
    """List the schemes whose owner office lies in the user's scope, active first."""
    return (AssessmentScheme.objects.filter(scope_filter(user, "owner_id")).select_related("owner")
            .order_by("-active", "owner_id", "name"))


def access_scheme(user, scheme_id) -> AssessmentScheme:
    """Fetch one scheme the user may see; out of scope answers exactly as missing, and the refusal is audited."""
    schemes = AssessmentScheme.objects.filter(scope_filter(user, "owner_id")).select_related("owner")
    return fetch_or_deny(user, schemes, scheme_id, object_type=OBJECT_TYPE)


def _offices_above(user) -> set[int]:
    return {above for low, _high in jurisdiction_ranges(user) for above in codes.ancestor_codes(low)}


def list_bulletins_from_above(*, user) -> QuerySet[Bulletin]:
    """List the published bulletins of schemes set by offices above the user's area, latest first."""
    return (Bulletin.objects.filter(scheme__owner_id__in=_offices_above(user))
            .exclude(scheme__in=AssessmentScheme.objects.filter(scope_filter(user, "owner_id")))
            .select_related("scheme__owner").order_by("-published_at"))


def access_bulletin_from_above(user, scheme_id, *, period) -> Bulletin:
    """Fetch a published bulletin of a scheme set above the user's area; anything else answers as missing, audited."""
    bulletin = None
    if is_uuid(scheme_id):
        try:
            label = parse_period(period).label
        except ValidationFailed:
            label = None
        if label:
            bulletin = (list_bulletins_from_above(user=user).filter(scheme_id=scheme_id, period=label)
                        .select_related("published_by").first())
    if bulletin is None:
        record_event(actor=user, event="view", object_type=OBJECT_TYPE, object_id=str(scheme_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(scheme_id)
    return bulletin


def list_items(scheme: AssessmentScheme) -> list[dict]:
    """The scheme's items with their indicators' names and definitions (call after access_scheme)."""
    return [{"item": item, "indicator": CATALOGUE[item.indicator]} for item in scheme.items.all()]


def list_scored_periods(scheme: AssessmentScheme) -> QuerySet[ScoredPeriod]:
    """The periods scored for this scheme, latest first (call after access_scheme)."""
    return scheme.scored_periods.select_related("scored_by").order_by("-period_start")


def access_scored_period(scheme: AssessmentScheme, period) -> ScoredPeriod:
    """The scoring of one period of the scheme; a period not scored, or not a period at all, is not found."""
    try:
        label = parse_period(period).label
    except ValidationFailed:
        raise NotFound(period) from None
    scored = scheme.scored_periods.select_related("scored_by").filter(period=label).first()
    if scored is None:
        raise NotFound(period)
    return scored


def list_results(scored: ScoredPeriod) -> list[AssessmentResult]:
    """The ranking of a scored period, best first, units without a score last; each with its items."""
    results = (scored.results.select_related("unit")
               .prefetch_related(Prefetch("items", queryset=ResultItem.objects.order_by("position")))
               .order_by("rank", "unit_id"))
    ranked = [r for r in results if r.rank is not None]
    return ranked + [r for r in results if r.rank is None]


@dataclasses.dataclass(frozen=True)
class Standing:
    code: int
    name: str
    score: Decimal | None
    rank: int | None
    score_change: Decimal | None = None  # since the previous period's scoring
    rank_change: int | None = None  # places gained (positive) or lost


@dataclasses.dataclass(frozen=True)
class Move:
    indicator: str
    before: Decimal
    now: Decimal
    code: int | None = None  # the unit; None for the owner's overall figure
    name: str = ""

    @property
    def change(self) -> Decimal:
        return self.now - self.before


@dataclasses.dataclass(frozen=True)
class BulletinFigures:
    scheme: AssessmentScheme
    period: str
    previous: str
    compared_with: str  # "results" (the previous period was scored), "figures" (read from the reports) or ""
    scored_at: object
    ranking: list[Standing]
    best: list[Standing]
    worst: list[Standing]
    unscored: list[Standing]
    overall: list[Move]  # every item's indicator for the whole area, the largest change first
    unit_movers: list[Move]  # each unit's largest change, the largest first


def _moves(before: dict, now: dict, indicators: list[str], code=None, name="") -> list[Move]:
    moves = [Move(indicator=i, before=Decimal(before[i]), now=Decimal(now[i]), code=code, name=name)
             for i in indicators if before.get(i) is not None and now.get(i) is not None]
    return sorted(moves, key=lambda m: (-abs(m.change), m.indicator))


def compute_bulletin(*, scheme: AssessmentScheme, period) -> BulletinFigures | None:
    """The findings of a scored period: best and worst units, and what moved most since the previous period.

    The previous period is read from its own scoring when it was scored, else from the reports' figures.
    None when the period has not been scored.
    """
    try:
        scored = access_scored_period(scheme, period)
    except NotFound:
        return None
    results = list_results(scored)
    indicators = [item.indicator for item in results[0].items.all()] if results else list(scored.overall)
    now_values = {r.unit_id: {i.indicator: i.value for i in r.items.all()} for r in results}
    previous = parse_period(scored.period).previous()
    before_scored = scheme.scored_periods.filter(period=previous.label).first()
    before_scores: dict[int, tuple] = {}
    if before_scored is not None:
        compared_with = "results"
        before_values: dict[int, dict] = {}
        for r in list_results(before_scored):
            before_values[r.unit_id] = {i.indicator: i.value for i in r.items.all()}
            before_scores[r.unit_id] = (r.score, r.rank)
        before_overall = before_scored.overall
    else:
        compared_with = "figures"
        read = figures.unit_values(period=previous, codes=[scheme.owner_id, *now_values])
        before_values = {code: read.get(code, {}) for code in now_values}
        before_overall = read.get(scheme.owner_id, {})

    ranking = []
    for r in results:
        old_score, old_rank = before_scores.get(r.unit_id, (None, None))
        ranking.append(Standing(
            code=r.unit_id, name=r.unit.name, score=r.score, rank=r.rank,
            score_change=None if r.score is None or old_score is None else r.score - old_score,
            rank_change=None if r.rank is None or old_rank is None else old_rank - r.rank))
    ranked = [s for s in ranking if s.rank is not None]
    best, worst = scoring.best_and_worst(ranked, BULLETIN_PLACES)
    unit_movers = []
    for r in results:
        moves = _moves(before_values.get(r.unit_id, {}), now_values[r.unit_id], indicators, r.unit_id, r.unit.name)
        if moves and moves[0].change:
            unit_movers.append(moves[0])
    unit_movers.sort(key=lambda m: (-abs(m.change), m.code))
    return BulletinFigures(
        scheme=scheme, period=scored.period, previous=previous.label,
        compared_with=compared_with if (before_scored is not None or any(before_values.values())) else "",
        scored_at=scored.scored_at, ranking=ranking, best=best, worst=worst,
        unscored=[s for s in ranking if s.rank is None],
        overall=_moves(before_overall, scored.overall, indicators), unit_movers=unit_movers)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _signed(value) -> str | None:
    return None if value is None else (f"+{value}" if value > 0 else str(value))


def bulletin_summary(found: BulletinFigures) -> dict:
    """The findings as text and numbers, as a published bulletin keeps them and the page and PDF show them."""

    def standing(s: Standing) -> dict:
        return {"code": s.code, "name": s.name, "score": _text(s.score), "rank": s.rank,
                "score_change": _signed(s.score_change), "rank_change": s.rank_change}

    def move(m: Move) -> dict:
        return {"code": m.code, "name": m.name, "indicator": m.indicator,
                "indicator_name": str(CATALOGUE[m.indicator].name), "before": _text(m.before), "now": _text(m.now),
                "change": _signed(m.change)}

    return {
        "scheme": found.scheme.name, "owner": found.scheme.owner.name, "period": found.period,
        "period_title": parse_period(found.period).title(), "previous": found.previous,
        "previous_title": parse_period(found.previous).title(), "compared_with": found.compared_with,
        "scored_at": found.scored_at.isoformat(), "units": len(found.ranking),
        "best": [standing(s) for s in found.best], "worst": [standing(s) for s in found.worst],
        "unscored": [s.name for s in found.unscored],
        "overall": [move(m) for m in found.overall],
        "unit_movers": [move(m) for m in found.unit_movers[:MOVERS_SHOWN]],
    }


def find_bulletin(scheme: AssessmentScheme, period) -> Bulletin | None:
    """The published bulletin of the scheme's period, if there is one (call after access_scheme)."""
    try:
        label = parse_period(period).label
    except ValidationFailed:
        return None
    return scheme.bulletins.select_related("published_by").filter(period=label).first()


def read_bulletin(*, scheme: AssessmentScheme, period) -> tuple[dict, Bulletin | None]:
    """What the bulletin of a scored period says: the published one as it was published, else a draft of now.

    Raises NotFound when the period has not been scored.
    """
    published = find_bulletin(scheme, period)
    if published is not None:
        return published.summary, published
    found = compute_bulletin(scheme=scheme, period=period)
    if found is None:
        raise NotFound(period)
    return bulletin_summary(found), None


def title_of(summary: dict) -> str:
    """The bulletin's heading: the owner office, the period, the scheme."""
    return _("%(owner)s %(period)s assessment bulletin") % {"owner": summary["owner"],
                                                           "period": summary["period_title"]}
