"""Arithmetic of 12-digit division codes held as integers."""

import re

from django.utils.translation import gettext as _

from huiliu.core.errors import ValidationFailed

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = 1, 2, 3, 4, 5
# ASCII digits only: str.isdigit() also accepts "²" and other scripts' digits, which int() refuses.
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
# How many of the 12 digits are significant at each level.
SIGNIFICANT_DIGITS = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
# The codes below one township: its villages differ from it in the last three digits only.
_TOWNSHIP_WIDTH = 10 ** (12 - SIGNIFICANT_DIGITS[TOWNSHIP])
LEVEL_NAMES = {PROVINCE: "省", CITY: "市", COUNTY: "县", TOWNSHIP: "乡镇", VILLAGE: "村/社区"}


def level_of(code: int) -> int:
    for level, digits in ((PROVINCE, 2), (CITY, 4), (COUNTY, 6), (TOWNSHIP, 9)):
        if code % 10 ** (12 - digits) == 0:
            return level
    return VILLAGE


def subtree_range(code: int) -> tuple[int, int]:
    """The inclusive range of codes at or below this node."""
    width = 10 ** (12 - SIGNIFICANT_DIGITS[level_of(code)])
    return code, code + width - 1


def contains(ancestor: int, code: int) -> bool:
    low, high = subtree_range(ancestor)
    return low <= code <= high


def township_of(code: int) -> int:
    """A village's township; a township or any higher office is itself.

    Plain arithmetic, with no lookup: a village differs from its township in the last three digits, which are
    already zeros in a township's code and in every code above it.
    """
    return code - code % _TOWNSHIP_WIDTH


def parent_code(code: int) -> int | None:
    level = level_of(code)
    if level == PROVINCE:
        return None
    width = 10 ** (12 - SIGNIFICANT_DIGITS[level - 1])
    return code // width * width


def ancestor_codes(code: int) -> list[int]:
    """Codes of every level above this node, province first (they may not all exist as rows)."""
    chain = []
    parent = parent_code(code)
    while parent is not None:
        chain.append(parent)
        parent = parent_code(parent)
    return list(reversed(chain))


def parse_code(raw: str | int, field: str = "code") -> int:
    """Read a division code: 12 digits, or a 6-digit GB/T 2260 county code padded with zeros."""
    text = str(raw).strip()
    if _SIX_DIGITS.fullmatch(text):
        text += "000000"
    if not _TWELVE_DIGITS.fullmatch(text):
        raise ValidationFailed({field: [_("A division code has 12 digits.")]})
    code = int(text)
    if not 11 <= code // 10**10 <= 82:
        raise ValidationFailed({field: [_("The first two digits of a division code name a province (11 to 82).")]})
    return code
