"""The bulletin (通报) of a scored period as a one-page A4 PDF in Chinese, laid out by core.printing."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiliu.core.printing import PrintedDocument, render_pdf

from .queries import title_of


def _standing_line(entry: dict) -> str:
    line = _("No. %(rank)s %(name)s: %(score)s points") % entry
    if entry.get("score_change"):
        line += _(" (%(change)s since the previous period)") % {"change": entry["score_change"]}
    return line


def _move_line(entry: dict, *, with_unit: bool) -> str:
    text = _("%(indicator)s %(before)s%% → %(now)s%% (%(change)s)") % {
        "indicator": entry["indicator_name"], "before": entry["before"], "now": entry["now"],
        "change": entry["change"]}
    return f"{entry['name']}：{text}" if with_unit else text


def bulletin_document(summary: dict, *, remarks: str = "", published_on: datetime.date | None = None,
                      draft: bool = False) -> PrintedDocument:
    """What the printed bulletin says: the ranking's head and tail, what moved, and the office's remarks."""
    none = _("none")
    rows = [
        (_("Scheme"), summary["scheme"]),
        (_("Period"), summary["period_title"]),
        (_("Units assessed"), _("%(count)d units") % {"count": summary["units"]}),
        (_("Best units"), "\n".join(_standing_line(s) for s in summary["best"]) or none),
        (_("Weakest units"), "\n".join(_standing_line(s) for s in summary["worst"]) or none),
    ]
    if summary["unscored"]:
        rows.append((_("Not scored"), "、".join(summary["unscored"])))
    if summary["compared_with"]:
        compared = _("compared with %(period)s") % {"period": summary["previous_title"]}
        rows.append((_("Whole area") + "\n" + compared,
                     "\n".join(_move_line(m, with_unit=False) for m in summary["overall"]) or none))
        rows.append((_("Units that moved most"),
                     "\n".join(_move_line(m, with_unit=True) for m in summary["unit_movers"]) or none))
    paragraphs = [remarks] if remarks else []
    paragraphs.append(_("Each indicator scores its weight in points times the share of its target reached, at most "
                        "its weight, and nothing below its floor. An indicator with nothing to measure in a unit is "
                        "left out and the others count for the full 100 points. The figures are computed from the "
                        "records, never typed in."))
    day = published_on or timezone.localdate()
    return PrintedDocument(
        title=title_of(summary),
        subtitle=_("Draft, not yet published") if draft else _("Target management assessment bulletin"),
        rows=rows,
        paragraphs=paragraphs,
        issuer_lines=[summary["owner"], date_format(day, "DATE_FORMAT")],
        footer=_("Huiliu migrant service system · assessment bulletin %(period)s") % {"period": summary["period"]},
    )


def render_bulletin(summary: dict, **options) -> bytes:
    """The bulletin as a one-page A4 PDF with its font embedded."""
    return render_pdf(bulletin_document(summary, **options))
