"""How a pair's reason reads to an officer: the matcher writes codes, the page shows words."""

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huiliu.linkage.model import EXACT_ID_REASON

register = template.Library()

REASON_LABELS = {
    EXACT_ID_REASON: _("same valid ID number"),
    "id": _("same ID number"),
    "id_one_digit": _("ID number one digit off"),
    "id_transposed": _("ID number with two digits swapped"),
    "name": _("same name"),
    "name_pinyin": _("same name in pinyin"),
    "name_similar": _("name one character off"),
    "name_pinyin_similar": _("name close in pinyin"),
    "birth_date": _("same birth date"),
    "birth_date_swapped": _("birth date with day and month swapped"),
    "birth_date_similar": _("birth date one digit off"),
    "sex": _("same sex"),
    "county": _("same household county"),
}


@register.filter
def reason_text(reason: str) -> str:
    """Read a pair's reason ("name+birth_date+sex") as words, in the matcher's order."""
    return gettext(", ").join(str(REASON_LABELS.get(code, code)) for code in reason.split("+") if code)
