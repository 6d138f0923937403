from django import template

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """An amount in fen as yuan with two decimals and thousands separators: 1234567 → 12,345.67."""
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


@register.filter
def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
