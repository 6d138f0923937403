"""Screening rules: what an officer confirms before a loan is made, as the fund's owner configures them.

A rule is {"code": ..., "text": ...}: a code from RULE_CODES (or "other" with the owner's
own words) and the text the officer reads. No rule may refer to anyone's childbearing
history: no service depends on it (shared/DESIGN.md), so such a rule is refused.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiliu.core.errors import ValidationFailed

RULE_CODES = {
    "livelihood_plan": gettext_lazy("Has a plan for a livelihood"),
    "capacity_to_repay": gettext_lazy("Has the capacity to repay"),
    "income_below_village_average": gettext_lazy("Household income is under the village average"),
    "guarantee": gettext_lazy("Guarantors and the village vouch for her"),
    "training": gettext_lazy("Has taken part in the project's training"),
    "other": gettext_lazy("Other (in the owner's own words)"),
}
DEFAULT_RULES = [
    {"code": "livelihood_plan", "text": "有可行的生产经营计划"},
    {"code": "capacity_to_repay", "text": "有劳动能力和还款能力"},
    {"code": "income_below_village_average", "text": "家庭人均收入低于本村平均水平"},
]
MAX_RULES = 12
# Words that make a rule about childbearing: children born, pregnancies, contraception, the old "policy" terms.
_CHILDBEARING = re.compile(
    r"生育|出生|子女|孩子|小孩|胎|孕|怀|超生|计划外|政策外|独生|结扎|上环|节育|避孕|引产|流产|计生|社会抚养费|"
    r"child|birth|pregnan|fertil|contracept|steril|abortion|one[- ]child|family[- ]planning",
    re.IGNORECASE,
)


def refers_to_childbearing(text: str) -> bool:
    return bool(_CHILDBEARING.search(text or ""))


def clean_rules(rules, field: str = "screening_rules") -> list[dict]:
    """The rules as stored, or a refusal naming every problem; none may refer to childbearing history."""
    if not isinstance(rules, list):
        raise ValidationFailed({field: [_("The screening rules are a list.")]})
    if len(rules) > MAX_RULES:
        raise ValidationFailed({field: [_("At most %(count)d screening rules.") % {"count": MAX_RULES}]})
    problems, cleaned, seen = [], [], set()
    for number, rule in enumerate(rules, 1):
        if not isinstance(rule, dict) or set(rule) - {"code", "text"}:
            problems.append(_("Rule %(number)d: give a code and a text only.") % {"number": number})
            continue
        code, text = str(rule.get("code", "")).strip(), str(rule.get("text", "")).strip()
        if code not in RULE_CODES:
            problems.append(_("Rule %(number)d: unknown rule code.") % {"number": number})
        if not text or len(text) > 200:
            problems.append(_("Rule %(number)d: the text is required, at most 200 characters.") % {"number": number})
        if refers_to_childbearing(code) or refers_to_childbearing(text):
            problems.append(_("Rule %(number)d refers to childbearing history: no one may be excluded for it.")
                            % {"number": number})
        if (code, text) in seen:
            problems.append(_("Rule %(number)d repeats an earlier rule.") % {"number": number})
        seen.add((code, text))
        cleaned.append({"code": code, "text": text})
    if problems:
        raise ValidationFailed({field: problems})
    return cleaned


def parse_rule_lines(text: str) -> list[dict]:
    """Rules typed one a line as "code: text" (a line without a known code is an "other" rule)."""
    rules = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        code, separator, rest = line.partition(":")
        if separator and code.strip() in RULE_CODES:
            rules.append({"code": code.strip(), "text": rest.strip()})
        else:
            rules.append({"code": "other", "text": line})
    return rules


def rule_lines(rules: list[dict]) -> str:
    return "\n".join(f"{rule['code']}: {rule['text']}" for rule in rules)
