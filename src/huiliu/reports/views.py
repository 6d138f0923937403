"""The report pages: the ledger of a jurisdiction and period, the records behind any figure, the Excel ledger and
the charts. Thin: each parses, calls the queries, and renders; out of scope reads as missing (404)."""

import datetime
import math
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import jurisdiction_ranges
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.core.forms import show_domain_errors
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names

from . import queries
from .forms import PARTS, ChartForm, LedgerForm, RecordsForm, last_closed_quarter
from .indicators import CATALOGUE, RATE, TABLES
from .ledgers import Ledger, LedgerRow
from .periods import periods_ending_with
from .spreadsheets import own_row_label, write_ledger_xlsx

PAGE_SIZE = 50
TREND_PERIODS = 8
# The figures a trend chart follows: the two stocks, and the rates the offices are assessed on.
TREND_COUNTS = ("away", "present")
TREND_RATES = ("feedback_rate", "on_time_rate", "service_coverage_rate")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _top_code(user) -> int | None:
    """The widest jurisdiction the user holds: where their ledger opens when none is asked for."""
    ranges = jurisdiction_ranges(user)
    return max(ranges, key=lambda r: r[1] - r[0])[0] if ranges else None


def _refused(request, form, template: str):
    """The page with the form's messages beside the fields it names, and nothing else: 400."""
    return render(request, template, {"form": form, "refused": True}, status=400)


def _chosen(request, form_class):
    """The form, and the jurisdiction code and period asked for (or the defaults); None for both when refused."""
    today = timezone.localdate()
    form = form_class(request.GET, today=today)
    if not form.is_valid():
        return form, None, None
    code = form.cleaned_data["code"] or _top_code(request.user)
    period = form.cleaned_data["period"] or last_closed_quarter(today)
    if code is None:
        raise Http404
    form.initial = {"code": f"{code:012d}", "period": period.label}
    form.fields["period"].initial = period.label
    return form, code, period


def _ledger_or_404(user, code: int, period) -> Ledger:
    try:
        return queries.compute_ledger(user=user, code=code, period=period)
    except NotFound:
        raise Http404 from None


def records_url(indicator: str, code: int, period, part: str = "value", own: bool = False) -> str:
    query = {"indicator": indicator, "code": f"{code:012d}", "period": period.label, "part": part}
    if own:
        query["own"] = "1"
    return f"{reverse('reports:records')}?{urlencode(query)}"


def _cell(indicator_code: str, row: LedgerRow, period, *, own: bool) -> dict:
    """One figure of the web ledger: its text and the links to the records behind it."""
    indicator = CATALOGUE[indicator_code]
    value = row.values.get(indicator_code)
    cell = {"kind": indicator.kind, "value": value}
    if indicator.kind == RATE:
        numerator = row.values.get(indicator.numerator) or 0
        denominator = row.values.get(indicator.denominator) or 0
        cell.update(numerator=numerator, denominator=denominator,
                    numerator_url=records_url(indicator_code, row.code, period, "numerator", own),
                    denominator_url=records_url(indicator_code, row.code, period, "denominator", own))
    else:
        cell["url"] = records_url(indicator_code, row.code, period, "value", own)
    return cell


def _display_tables(ledger: Ledger) -> list[dict]:
    """The ledger's standard tables as the page lays them out: columns, one row a jurisdiction, the total last."""
    tables = []
    for table in TABLES.values():
        rows = [{"row": row, "label": own_row_label() if row.own else row.name,
                 "drill": not row.own and codes.level_of(row.code) < codes.VILLAGE,
                 "cells": [_cell(code, row, ledger.period, own=row.own) for code in table.indicators]}
                for row in ledger.rows]
        total = {"row": ledger.total, "label": _("Total"),
                 "cells": [_cell(code, ledger.total, ledger.period, own=False) for code in table.indicators]}
        tables.append({"code": table.code, "title": table.title, "rows": rows, "total": total,
                       "columns": [CATALOGUE[code] for code in table.indicators]})
    return tables


def _breadcrumb(user, code: int) -> list[tuple[int, str]]:
    """The chain of jurisdictions from the widest the user holds down to this one, for going back up the tree."""
    ranges = jurisdiction_ranges(user)
    chain = [c for c in [*codes.ancestor_codes(code), code] if any(low <= c <= high for low, high in ranges)]
    names = full_names(chain)
    return [(c, names.get(c, f"{c:012d}").split(" ")[-1]) for c in chain]


@login_required
def ledger_page(request):
    form, code, period = _chosen(request, LedgerForm)
    if code is None:
        return _refused(request, form, "reports/ledger.html")
    ledger = _ledger_or_404(request.user, code, period)
    query = urlencode({"code": f"{code:012d}", "period": period.label})
    return render(request, "reports/ledger.html", {
        "form": form, "ledger": ledger, "tables": _display_tables(ledger), "query": query,
        "breadcrumb": _breadcrumb(request.user, code), "period": period,
        "closed": period.is_closed(timezone.localdate()), "computed_at": _local_time(ledger.computed_at),
    })


def _local_time(iso: str):
    """The ISO instant the figures were computed, as a time of the deployment's zone (None when unknown)."""
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return None


@login_required
def ledger_xlsx(request):
    form, code, period = _chosen(request, LedgerForm)
    if code is None:
        return _refused(request, form, "reports/ledger.html")
    ledger = _ledger_or_404(request.user, code, period)
    content = write_ledger_xlsx(ledger, preparer=str(request.user), prepared_on=timezone.localdate())
    queries.record_ledger_export(user=request.user, ledger=ledger, output_format="xlsx")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{code:012d}-{period.label}.xlsx"'
    return response


@login_required
def record_list(request):
    form = RecordsForm(request.GET)
    if not form.is_valid():
        return _refused(request, form, "reports/records.html")
    data = form.cleaned_data
    indicator = CATALOGUE[data["indicator"]]
    page_number = _page_number(request.GET.get("page"))
    try:
        total, records = queries.list_records_behind(
            user=request.user, indicator=indicator.code, code=data["code"], period=data["period"],
            part=data["part"], own=data["own"], page=page_number, page_size=PAGE_SIZE)
    except NotFound:
        raise Http404 from None
    except ValidationFailed as failure:
        show_domain_errors(form, failure)
        return _refused(request, form, "reports/records.html")
    pages = max(1, math.ceil(total / PAGE_SIZE))
    base = {k: v for k, v in request.GET.items() if k != "page"}
    names = full_names([data["code"]])
    return render(request, "reports/records.html", {
        "form": form, "indicator": indicator, "period": data["period"], "part": data["part"],
        "part_name": PARTS[data["part"]], "own": data["own"], "total": total, "records": records,
        "jurisdiction": names.get(data["code"], ""), "code": data["code"],
        "first_number": (page_number - 1) * PAGE_SIZE + 1,
        "page_number": page_number, "pages": pages,
        "previous_url": f"?{urlencode({**base, 'page': page_number - 1})}" if page_number > 1 else "",
        "next_url": f"?{urlencode({**base, 'page': page_number + 1})}" if page_number < pages else "",
        "ledger_query": urlencode({"code": f"{data['code']:012d}", "period": data["period"].label}),
    })


def _page_number(raw) -> int:
    try:
        return max(1, int(raw or 1))
    except (TypeError, ValueError):
        return 1


@login_required
def charts_page(request):
    form, code, period = _chosen(request, ChartForm)
    if code is None:
        return _refused(request, form, "reports/charts.html")
    compared = form.cleaned_data.get("indicator") or "away"
    ledger = _ledger_or_404(request.user, code, period)
    periods = periods_ending_with(period, TREND_PERIODS)
    series = queries.compute_series(user=request.user, code=code, periods=periods,
                                    indicators=[*TREND_COUNTS, *TREND_RATES])
    return render(request, "reports/charts.html", {
        "form": form, "ledger": ledger, "period": period, "compared": CATALOGUE[compared],
        "query": urlencode({"code": f"{code:012d}", "period": period.label}),
        "breadcrumb": _breadcrumb(request.user, code),
        "chart_data": _chart_data(ledger, periods, series, compared),
    })


def _values_of(series: dict, indicator: str) -> list:
    """One indicator's values over the periods, oldest first, as JSON numbers (None: nothing to divide by)."""
    return [None if v is None else float(v) for v in series["series"][indicator]]


def _chart_data(ledger: Ledger, periods, series, compared: str) -> dict:
    """What the chart script draws, as plain JSON: the trends over the periods and the units compared."""
    indicator = CATALOGUE[compared]
    units = [row for row in ledger.rows if not row.own]

    def line(code):
        return {"code": code, "name": str(CATALOGUE[code].name), "values": _values_of(series, code)}

    return {
        "periods": [p.title() for p in periods],
        "counts": {"unit": str(CATALOGUE[TREND_COUNTS[0]].unit), "series": [line(c) for c in TREND_COUNTS]},
        "rates": {"unit": "%", "series": [line(c) for c in TREND_RATES]},
        "comparison": {
            "name": str(indicator.name), "unit": str(indicator.unit), "kind": indicator.kind,
            "units": [row.name for row in units],
            "values": [None if row.values.get(compared) is None else float(row.values[compared]) for row in units],
        },
        "labels": {"counts": _("Persons away and present"), "rates": _("Rates (percent)"),
                   "empty": _("Nothing to divide by in these periods."),
                   "comparison": _("%(indicator)s by unit, %(period)s") % {
                       "indicator": indicator.name, "period": ledger.period.title()}},
    }

