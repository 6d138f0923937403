"""The arithmetic of an assessment, as pure functions over figures: item points, a unit's score, the ranking.

An item scores weight × min(1, value / target) points, rounded to 0.01; below its floor it scores 0; a target of 0
is met by any figure. An item with no figure (nothing to measure: no notice was due, no grievance was filed) is left
out, and the unit is scored out of the weights of the items that had a figure, scaled to 100: a unit is neither
punished nor rewarded for work that never came to it. A unit with no figure at all has no score and no rank.
With weights adding up to 100 and every figure present, the score is simply the sum of the points.
"""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Target:
    indicator: str
    weight: int
    target: Decimal
    floor: Decimal | None = None


@dataclasses.dataclass(frozen=True)
class ItemScore:
    indicator: str
    weight: int
    target: Decimal
    floor: Decimal | None
    value: Decimal | None
    points: Decimal | None  # None: left out of the score


@dataclasses.dataclass(frozen=True)
class UnitScore:
    code: int
    items: tuple[ItemScore, ...]
    score: Decimal | None


def item_points(target: Target, value: Decimal | None) -> Decimal | None:
    """The points an item earns with this figure; None when there is no figure."""
    if value is None:
        return None
    value = Decimal(value)
    if target.floor is not None and value < target.floor:
        return Decimal("0.00")
    share = Decimal(1) if target.target <= 0 or value >= target.target else max(value, Decimal(0)) / target.target
    return (target.weight * share).quantize(CENT, rounding=ROUND_HALF_UP)


def score_unit(code: int, targets: list[Target], values: dict) -> UnitScore:
    """Score one unit: each item's points, and the total out of 100 over the items that had a figure."""
    items = tuple(
        ItemScore(indicator=t.indicator, weight=t.weight, target=t.target, floor=t.floor,
                  value=values.get(t.indicator), points=item_points(t, values.get(t.indicator)))
        for t in targets
    )
    counted = [item for item in items if item.points is not None]
    weights = sum(item.weight for item in counted)
    if not weights:
        return UnitScore(code=code, items=items, score=None)
    total = sum((item.points for item in counted), Decimal(0)) * HUNDRED / weights
    return UnitScore(code=code, items=items, score=total.quantize(CENT, rounding=ROUND_HALF_UP))


def rank_scores(scores: dict[int, Decimal | None]) -> dict[int, int | None]:
    """Rank units by score, best first; equal scores share a rank (1, 1, 3); a unit with no score has no rank."""
    scored = [s for s in scores.values() if s is not None]
    return {code: (None if score is None else 1 + sum(1 for other in scored if other > score))
            for code, score in scores.items()}


def best_and_worst(ranked: list[tuple[int, Decimal]], count: int = 3) -> tuple[list, list]:
    """The best and the worst units of a ranking (best first): at most `count` each, never the same unit in both."""
    shown = min(count, len(ranked) // 2)
    if not shown:
        return list(ranked[:1]), []
    return list(ranked[:shown]), list(ranked[-shown:])
