"""How a figure of the web ledger reads: a count, a median or a rate with its two parts, each a link to its records."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def figure(value) -> str:
    """A count with thousands separated; a rate or a median with its one decimal; a dash for nothing to divide."""
    if value is None:
        return "—"
    if isinstance(value, Decimal | float):
        return f"{Decimal(value):,.1f}"
    return f"{value:,}"


@register.filter
def as_figure(value) -> str:
    return figure(value)


@register.simple_tag
def ledger_cell(cell: dict):
    """The inside of one ledger cell: a rate shows numerator/denominator (each a link) and the percentage."""
    if cell["kind"] == "rate":
        return format_html(
            '<a class="part" href="{}" title="{}">{}</a>/<a class="part" href="{}" title="{}">{}</a>'
            '<span class="rate">{}</span>',
            cell["numerator_url"], _("numerator"), figure(cell["numerator"]),
            cell["denominator_url"], _("denominator"), figure(cell["denominator"]),
            "—" if cell["value"] is None else f"{figure(cell['value'])}%")
    css = "zero" if not cell["value"] else ""
    return format_html('<a class="{}" href="{}">{}</a>', css, cell["url"], figure(cell["value"]))
