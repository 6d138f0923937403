"""Eligibility rules of a programme: validated when the owner sets them, checked when an application is made.

Rules come from a fixed list. None of them reads a person's childbearing history, and a
rule that tries to (a key or parameter naming children, births, contraception, an only
child …) is refused by name: the reward owed to family-planning families is paid to
those entitled to it, and nothing else in Huiliu depends on how many children anyone had.
"""

import datetime

from django.utils.translation import gettext as _

from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions import codes

FIELD = "eligibility_rules"
AGE_RANGE, HOUSEHOLD_IN_AREA, DECLARED_HARDSHIP = "age_range", "household_in_owner_area", "declared_hardship"
RULES = (AGE_RANGE, HOUSEHOLD_IN_AREA, DECLARED_HARDSHIP)
OLDEST = 150
# Words that name childbearing history, in English keys and in Chinese text: never a reason to exclude anyone.
_CHILDBEARING_WORDS = (
    "child", "birth", "born", "fertil", "pregnan", "contracept", "steril", "parity", "family_planning", "abortion",
    "子女", "孩", "生育", "出生", "独生", "二孩", "三孩", "怀孕", "计划生育", "计生", "节育", "结扎", "超生", "流产",
)


def _names_childbearing(value) -> bool:
    if isinstance(value, dict):
        return any(_names_childbearing(k) or _names_childbearing(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_names_childbearing(v) for v in value)
    return isinstance(value, str) and any(word in value.lower() for word in _CHILDBEARING_WORDS)


def _age_bound(rule: dict, key: str):
    value = rule.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= OLDEST:
        raise ValidationFailed({FIELD: [_("An age bound is a whole number of years from 0 to %(oldest)d.")
                                        % {"oldest": OLDEST}]})
    return value


def validate_rules(raw) -> list[dict]:
    """The rules in their stored form, or a refusal under `eligibility_rules` that names the problem."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(rule, dict) for rule in raw):
        raise ValidationFailed({FIELD: [_("Eligibility rules are a list of rules.")]})
    if _names_childbearing(raw):
        raise ValidationFailed({FIELD: [_("No eligibility rule may use a person's childbearing history: "
                                          "nobody is excluded for how many children they have or had.")]})
    clean, seen = [], set()
    for rule in raw:
        kind = rule.get("rule")
        if kind not in RULES:
            raise ValidationFailed({FIELD: [_("Unknown eligibility rule: %(rule)s.") % {"rule": str(kind)[:40]}]})
        if kind in seen:
            raise ValidationFailed({FIELD: [_("Each rule may be set once.")]})
        seen.add(kind)
        if kind == AGE_RANGE:
            low, high = _age_bound(rule, "min"), _age_bound(rule, "max")
            if low is None and high is None:
                raise ValidationFailed({FIELD: [_("An age rule needs a lowest or a highest age.")]})
            if low is not None and high is not None and low > high:
                raise ValidationFailed({FIELD: [_("The lowest age is above the highest.")]})
            clean.append({"rule": AGE_RANGE, "min": low, "max": high})
        else:
            extra = set(rule) - {"rule"}
            if extra:
                raise ValidationFailed({FIELD: [_("This rule takes no parameters: %(rule)s.") % {"rule": kind}]})
            clean.append({"rule": kind})
    return clean


def describe_rule(rule: dict) -> str:
    """A rule in words, for the programme page and the application's notes."""
    kind = rule.get("rule")
    if kind == AGE_RANGE:
        low, high = rule.get("min"), rule.get("max")
        if low is not None and high is not None:
            return _("Aged %(low)d to %(high)d") % {"low": low, "high": high}
        if low is not None:
            return _("Aged %(low)d or over") % {"low": low}
        return _("Aged %(high)d or under") % {"high": high}
    if kind == HOUSEHOLD_IN_AREA:
        return _("Household registered in the programme owner's area")
    if kind == DECLARED_HARDSHIP:
        return _("The family declares special hardship")
    return str(kind)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_rules(rules: list[dict], *, person, owner_code: int, declared_hardship: bool,
                day: datetime.date) -> list[dict]:
    """Each rule's outcome for this person on this day: [{"rule", "met", "note"}], the notes kept on the application."""
    notes = []
    for rule in rules:
        kind = rule.get("rule")
        if kind == AGE_RANGE:
            age = age_on(person.birth_date, day)
            low, high = rule.get("min"), rule.get("max")
            met = (low is None or age >= low) and (high is None or age <= high)
            note = _("Age %(age)d on %(day)s.") % {"age": age, "day": day.isoformat()}
        elif kind == HOUSEHOLD_IN_AREA:
            met = codes.contains(owner_code, person.household_jurisdiction_id)
            note = _("Household place is in the area.") if met else _("Household place is outside the area.")
        elif kind == DECLARED_HARDSHIP:
            met = bool(declared_hardship)
            note = _("Hardship declared.") if met else _("No hardship declared.")
        else:  # a rule no longer known is shown, never silently passed
            met, note = False, _("Unknown rule.")
        notes.append({"rule": kind, "description": describe_rule(rule), "met": met, "note": note})
    return notes
