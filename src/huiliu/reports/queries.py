"""Reads of the reports app: ledgers, the records behind a figure, series and comparisons, all through the scope.

Figures of a closed period are read from storage (computed and stored the first time they are asked for); an open
period is computed on demand for the subtree asked about.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import in_scope, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.core.identity import mask_id_number, mask_name
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from . import engine
from .indicators import CATALOGUE, COUNT, RATE
from .ledgers import Ledger, LedgerRow, Value
from .models import StoredFigure, StoredPeriod
from .periods import Period

OBJECT_TYPE = "report"
PARTS = ("value", "numerator", "denominator")
MAX_PAGE_SIZE = 500


# --- Figures: stored for a closed period, computed for an open one --------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def ensure_stored(period: Period, *, acting_user=None, recompute: bool = False) -> StoredPeriod:
    """The stored figures of a closed period: computed and stored now if they are not yet (or if `recompute`)."""
    from .actions import store_period_figures

    stored = None if recompute else StoredPeriod.objects.filter(pk=period.label).first()
    if stored is None:
        try:
            stored = store_period_figures(acting_user=acting_user, figures=engine.compute_all(period))
        except IntegrityError:  # stored meanwhile by another request
            stored = StoredPeriod.objects.get(pk=period.label)
    return stored


def _stored_values(period: Period, node_codes: list[int]) -> tuple[dict, dict, datetime.datetime]:
    stored = ensure_stored(period)
    tree: dict[int, dict[str, Value]] = {}
    own: dict[int, dict[str, Value]] = {}
    rows = StoredFigure.objects.filter(period_id=period.label, code__in=node_codes).values_list(
        "code", "own", "indicator", "value")
    for code, is_own, indicator, value in rows:
        if indicator not in CATALOGUE:
            continue  # an indicator since retired
        value = int(value) if CATALOGUE[indicator].kind == COUNT else Decimal(value)
        (own if is_own else tree).setdefault(code, {})[indicator] = value
    return tree, own, stored.computed_at


def figures_of(period: Period, node_codes: list[int], *, within: int | None = None,
               today: datetime.date | None = None) -> tuple[dict, dict, datetime.datetime]:
    """Each node's subtree figures and own figures (complete rows), and when they were computed.

    Closed period: from storage. Open period: computed now, reading only the subtree of `within` when given (every
    node asked about must lie in it)."""
    if period.is_closed(today or _today()):
        tree, own, computed_at = _stored_values(period, node_codes)
    else:
        figures = engine.compute_all(period, within=codes.subtree_range(within) if within is not None else None)
        tree, own, computed_at = figures.tree, figures.own, figures.computed_at
    return ({code: engine.complete(tree.get(code, {})) for code in node_codes},
            {code: engine.complete(own.get(code, {})) for code in node_codes}, computed_at)


def values_for_units(*, period: Period, codes: list[int]) -> dict[int, dict[str, Value]]:
    """Every indicator of each unit's subtree for one period, for a caller that has checked its own scope (the
    assessments); no user, no audit row. Every indicator is present in each row: counts, medians and rates."""
    node_codes = [int(c) for c in codes]
    common = _common_ancestor(node_codes) if node_codes else None
    tree, _own, _at = figures_of(period, node_codes, within=common)
    return tree


def _common_ancestor(node_codes: list[int]) -> int | None:
    """The lowest node holding all these codes, or None when they span provinces (then the whole tree is read)."""
    for step in (3, 6, 8, 10):
        prefixes = {c // 10**step * 10**step for c in node_codes}
        if len(prefixes) == 1:
            prefix = prefixes.pop()
            if codes.level_of(prefix) == {3: codes.TOWNSHIP, 6: codes.COUNTY, 8: codes.CITY, 10: codes.PROVINCE}[step]:
                return prefix
    return None


# --- Scope ----------------------------------------------------------------------------------------------------


def _access_node(user, code, *, what: str) -> Jurisdiction:
    """The jurisdiction of a figure the user asks for: not found alike when missing or outside the scope; audited."""
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = None
    node = Jurisdiction.objects.filter(pk=code).first() if code is not None else None
    if node is None or not in_scope(user, code):
        record_event(actor=user, event="statistic", object_type=OBJECT_TYPE, object_id=str(code),
                     outcome=AuditEvent.Outcome.DENIED, detail={"what": what})
        raise NotFound(code)
    return node


def access_ledger_node(user, code) -> Jurisdiction:
    """The jurisdiction of a ledger the user asks for; NotFound alike when missing or outside their subtree."""
    return _access_node(user, code, what="ledger")


def _check_indicators(indicators) -> None:
    unknown = [i for i in indicators if i not in CATALOGUE]
    if unknown:
        raise ValidationFailed({"indicator": [_("Unknown indicator: %(code)s") % {"code": ", ".join(unknown)}]})


# --- Ledgers, series, comparisons ------------------------------------------------------------------------------


def compute_ledger(*, user, code: int, period: Period) -> Ledger:
    """Compute the ledger of one jurisdiction for a period: its total, each child, and its own records."""
    node = _access_node(user, code, what="ledger")
    children = list(Jurisdiction.objects.filter(parent_id=node.code).order_by("code").values_list(
        "code", "name", "level"))
    tree, own, computed_at = figures_of(period, [node.code, *(c for c, _n, _l in children)], within=node.code)
    rows = [LedgerRow(code=c, name=name, level=level, values=tree[c]) for c, name, level in children]
    own_values = own[node.code]
    if node.level != codes.VILLAGE and any(own_values[i] for i, entry in CATALOGUE.items() if entry.kind == COUNT):
        rows.append(LedgerRow(code=node.code, name=_("own records"), level=node.level, values=own_values, own=True))
    record_event(actor=user, event="statistic", object_type=OBJECT_TYPE, object_id=str(node.code),
                 detail={"what": "ledger", "period": period.label})
    return Ledger(code=node.code, name=node.name, level=node.level, period=period,
                  total=LedgerRow(code=node.code, name=node.name, level=node.level, values=tree[node.code]),
                  rows=rows, computed_at=computed_at.isoformat(timespec="seconds"))


def record_ledger_export(*, user, ledger: Ledger, output_format: str, via: str = "") -> None:
    """Audit a ledger taken out of the system (a download or the command's file): who, which node and period, how."""
    detail = {"format": output_format, "period": ledger.period.label, **({"via": via} if via else {})}
    record_event(actor=user, event="export", object_type="ledger", object_id=f"{ledger.code:012d}",
                 subject_codes=(ledger.code, None), detail=detail)


def compute_series(*, user, code: int, periods: list[Period], indicators: list[str]) -> dict:
    """Compute a trend: for each indicator, its value for the node in each period, oldest first.

    {"code", "name", "periods": [labels], "series": {indicator: [value per period]}}."""
    node = _access_node(user, code, what="series")
    _check_indicators(indicators)
    series = {indicator: [] for indicator in indicators}
    for period in periods:
        tree, _own, _at = figures_of(period, [node.code], within=node.code)
        for indicator in indicators:
            series[indicator].append(tree[node.code][indicator])
    record_event(actor=user, event="statistic", object_type=OBJECT_TYPE, object_id=str(node.code),
                 detail={"what": "series", "periods": [p.label for p in periods], "indicators": indicators})
    return {"code": node.code, "name": node.name, "periods": [p.label for p in periods], "series": series}


def compute_children_comparison(*, user, code: int, period: Period, indicator: str) -> list[dict]:
    """Compare the children of a node on one indicator: [{"code", "name", "value"}], in code order."""
    _check_indicators([indicator])
    ledger = compute_ledger(user=user, code=code, period=period)
    return [{"code": row.code, "name": row.name, "value": row.values[indicator]} for row in ledger.rows if not row.own]


# --- The records behind a figure --------------------------------------------------------------------------------

# The page each kind of record opens; a move or a registration opens its person's page.
_RECORD_URLS = {
    "birth_registration": ("births:detail", "registration_id"),
    "certificate": ("certificates:certificate_detail", "certificate_id"),
    "proxy_application": ("certificates:proxy_detail", "application_id"),
    "message": ("exchange:message_detail", "message_id"),
    "grievance": ("grievances:detail", "grievance_id"),
    "agreement": ("community:agreement_detail", "agreement_id"),
}


def _kind_label(kind: str) -> str:
    return {
        "migration": _("Move"), "outflow": _("Outflow registration"), "inflow": _("Inflow registration"),
        "birth_registration": _("Birth registration"), "certificate": _("Status certificate"),
        "proxy_application": _("Proxy application"), "message": _("Exchange message"), "grievance": _("Grievance"),
        "agreement": _("Service agreement"),
    }.get(kind, kind)


def list_records_behind(*, user, indicator: str, code: int, period: Period, part: str = "value", page: int = 1,
                        page_size: int = 50, own: bool = False) -> tuple[int, list[dict]]:
    """List one page of the records behind a figure of a node, by the figure's own definition: how many in all,
    and for each its kind, id, a label naming the person masked (only a person the user may see) and its page.

    `part`: a rate's "numerator" or "denominator"; "value" for a count or a median (the records it is taken over).
    `own`: the records held at the node itself only (the ledger's own row)."""
    node = _access_node(user, code, what="records")
    _check_indicators([indicator])
    if part not in PARTS or (CATALOGUE[indicator].kind == RATE) == (part == "value"):
        raise ValidationFailed({"part": [_("A rate opens to its numerator or its denominator; any other figure "
                                           "to its value.")]})
    page, page_size = max(1, int(page)), max(1, min(MAX_PAGE_SIZE, int(page_size)))
    low, high = codes.subtree_range(node.code)
    total, ids = engine.list_record_ids(indicator=indicator, part=part, period=period, low=low, high=high,
                                        own_code=node.code if own else None, offset=(page - 1) * page_size,
                                        limit=page_size)
    records = _describe(user, ids)
    record_event(actor=user, event="list", object_type=OBJECT_TYPE, object_id=str(node.code),
                 detail={"what": "records", "indicator": indicator, "part": part, "period": period.label,
                         "own": own, "page": page, "count": len(records)})
    return total, records


def _describe(user, ids: list[tuple[str, str, str | None]]) -> list[dict]:
    """Labels and links for a page of records: a person is named (masked) and linked only when in the user's scope."""
    person_ids = {person_id for _kind, _id, person_id in ids if person_id}
    visible = {
        p.pk.hex: p for p in Person.objects.filter(scope_filter(user, "household_jurisdiction_id",
                                                                "residence_jurisdiction_id"),
                                                   pk__in=list(person_ids)).only("id", "name", "id_number")
    }
    records = []
    for kind, record_id, person_id in ids:
        person = visible.get((person_id or "").replace("-", ""))
        label = _kind_label(kind)
        if person is not None:
            label = f"{label} · {mask_name(person.name)} {mask_id_number(person.id_number)}"
        url = ""
        if kind in _RECORD_URLS:
            name, argument = _RECORD_URLS[kind]
            url = reverse(name, kwargs={argument: record_id.replace("-", "")})
        elif person is not None:
            url = reverse("people:person_detail", kwargs={"person_id": person.pk})
        records.append({"kind": kind, "id": record_id, "label": label, "url": url,
                        "person_id": person.pk.hex if person is not None else None})
    return records

