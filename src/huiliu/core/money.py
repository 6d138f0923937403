"""Money is kept in integer fen; these turn it into yuan for people and back."""

from decimal import Decimal


def yuan(fen: int) -> Decimal:
    """The amount in yuan, exact: 1234567 fen → Decimal("12345.67")."""
    return Decimal(fen) / 100


def yuan_text(fen: int) -> str:
    """The amount in yuan with two decimals and thousands separators: 1234567 → "12,345.67"."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def fen_of(amount: Decimal) -> int:
    """The whole fen of an amount typed in yuan (at most two decimals, checked by the form)."""
    return int(amount * 100)
