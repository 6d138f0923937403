from django import template

from huiliu.core.money import yuan_text

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """An amount in fen as yuan with two decimals and thousands separators: 1234567 → 12,345.67."""
    if fen is None or fen == "":
        return "—"
    return yuan_text(int(fen))


@register.filter
def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
