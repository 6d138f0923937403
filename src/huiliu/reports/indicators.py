"""The indicator catalogue: every figure the ledgers, charts and assessments show, defined once.

A count is additive: a parent's figure is the sum of its children's (and of the records held at the parent itself).
A rate is numerator / denominator of two counts of the same row, so it rolls up by adding both parts, never by
averaging rates. A median is computed for each node from its own records. Only indicators marked `assessable` may
be an assessment target: they measure the offices' service, and no figure of births ever does.
"""

import dataclasses

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

COUNT, RATE, MEDIAN = "count", "rate", "median"

PERSONS, CASES, PERCENT, DAYS = _("persons"), _("cases"), "%", _("days")


@dataclasses.dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    kind: str
    table: str
    definition: str
    numerator: str = ""  # a rate's two counts, by code
    denominator: str = ""
    assessable: bool = False

    @property
    def additive(self) -> bool:
        return self.kind == COUNT


@dataclasses.dataclass(frozen=True)
class LedgerTable:
    """One standard table (统计台账) of the ledger: its rows are jurisdictions, its columns these indicators."""

    code: str
    title: str
    indicators: tuple[str, ...]


def _count(code, name, table, definition, unit=PERSONS):
    return Indicator(code=code, name=name, unit=unit, kind=COUNT, table=table, definition=definition)


def _rate(code, name, table, numerator, denominator, definition, assessable=False):
    return Indicator(code=code, name=name, unit=PERCENT, kind=RATE, table=table, definition=definition,
                     numerator=numerator, denominator=denominator, assessable=assessable)


def _median(code, name, table, definition):
    return Indicator(code=code, name=name, unit=DAYS, kind=MEDIAN, table=table, definition=definition)


def _interpolate(template, **values) -> str:
    return str(template) % {name: str(value) for name, value in values.items()}


# A name or definition made of translated parts is put together when it is shown, in the language of the request,
# never once at import (which would fix it half in the language the process started with).
_interpolate_lazy = lazy(_interpolate, str)


def _stock(side: str, table: str, side_name, where_counted) -> list[Indicator]:
    """The persons of one side (away from the origin, or present at the destination) on the period's last day."""
    base = _interpolate_lazy(_("%(side)s on the last day of the period: open moves, counted at %(where)s"),
                             side=side_name, where=where_counted)
    parts = [
        ("", _("total"), ""),
        ("_male", _("male"), _("male")),
        ("_female", _("female"), _("female")),
        ("_age_0_14", _("aged 0–14"), _("aged 0 to 14 on the last day")),
        ("_age_15_49", _("aged 15–49"), _("aged 15 to 49 on the last day")),
        ("_age_50_59", _("aged 50–59"), _("aged 50 to 59 on the last day")),
        ("_age_60_plus", _("aged 60 and over"), _("aged 60 or more on the last day")),
        ("_married", _("married"), _("first marriage, remarried, or remarried to the former spouse")),
        ("_never_married", _("never married"), _("never married")),
        ("_divorced_widowed", _("divorced or widowed"), _("divorced or widowed")),
        ("_marital_not_stated", _("marital status not stated"), _("marital status not stated")),
        ("_married_women_15_49", _("married women aged 15–49"), _("women aged 15 to 49, married")),
    ]
    return [
        _count(f"{side}{suffix}", format_lazy("{}·{}", side_name, label) if suffix else side_name, table,
               format_lazy("{}; {}", base, extra) if extra else base)
        for suffix, label, extra in parts
    ]


AWAY_TABLE = LedgerTable("away", _("Persons away (outflow)"), ())
PRESENT_TABLE = LedgerTable("present", _("Persons present (inflow)"), ())
BIRTHS_TABLE = LedgerTable("births", _("Birth registrations and certificates"), ())
EXCHANGE_TABLE = LedgerTable("exchange", _("Exchange of notices"), ())
SERVICES_TABLE = LedgerTable("services", _("Services, agreements and grievances"), ())

_INDICATORS: list[Indicator] = [
    *_stock("away", "away", _("Persons away"), _("the origin of the move")),
    _count("departures", _("New departures"), "away",
           _("outflow registrations whose departure date falls in the period, counted at the origin")),
    *_stock("present", "present", _("Persons present"), _("the destination of the move")),
    _count("arrivals", _("New arrivals"), "present",
           _("inflow registrations whose arrival date falls in the period, counted at the residence")),

    _count("birth_registrations", _("Birth registrations"), "births",
           _("birth registrations submitted in the period and not withdrawn, counted at the office filed with"),
           unit=CASES),
    _count("birth_registrations_at_residence", _("Birth registrations at the place of residence"), "births",
           _("of those, filed at the place of residence"), unit=CASES),
    _count("birth_registrations_at_household", _("Birth registrations at the household place"), "births",
           _("of those, filed at the household place"), unit=CASES),
    _count("birth_registrations_online", _("Birth registrations filed online"), "births",
           _("of those, filed online by the family"), unit=CASES),
    _count("birth_registrations_by_worker", _("Birth registrations filed by a worker"), "births",
           _("of those, filed by a worker for the family"), unit=CASES),
    _count("certificates_issued", _("Status certificates issued on request"), "births",
           _("status certificates (new versions included) issued on a day of the period, counted at the issuing "
             "office"), unit=CASES),
    _count("proxy_applications", _("Proxy applications received"), "births",
           _("proxy applications made in the period, counted at the origin asked to decide"), unit=CASES),
    _count("proxy_decided", _("Proxy applications decided"), "births",
           _("of those, decided (issued or refused) by now"), unit=CASES),
    _count("proxy_due", _("Proxy applications due"), "births",
           _("of those, decided, or past the days the origin has to answer a proxy request"), unit=CASES),
    _count("proxy_decided_on_time", _("Proxy applications decided on time"), "births",
           _("of those, decided within the days the origin has to answer a proxy request"), unit=CASES),
    _rate("proxy_on_time_rate", _("Proxy decisions on time"), "births", "proxy_decided_on_time",
          "proxy_due", _("decided on time / due"), assessable=True),
    _median("proxy_median_days", _("Median days to a proxy decision"), "births",
            _("median of the days from application to decision, over the decided applications")),

    _count("notices_sent", _("Notices sent"), "exchange",
           _("messages that expect an answer, created in the period, sent by offices of the subtree"), unit=CASES),
    _count("notices_received", _("Notices received"), "exchange",
           _("messages that expect an answer, created in the period, sent to offices of the subtree"), unit=CASES),
    _count("notices_due", _("Notices due"), "exchange",
           _("of those received, answered or past their deadline"), unit=CASES),
    _count("notices_answered", _("Notices answered"), "exchange", _("of those received, answered"), unit=CASES),
    _count("notices_answered_on_time", _("Notices answered on time"), "exchange",
           _("of those received, answered by the deadline"), unit=CASES),
    _rate("feedback_rate", _("Feedback rate"), "exchange", "notices_answered", "notices_due",
          _("answered / due"), assessable=True),
    _rate("on_time_rate", _("On-time rate"), "exchange", "notices_answered_on_time", "notices_due",
          _("answered on time / due"), assessable=True),
    _median("median_answer_days", _("Median days to answer"), "exchange",
            _("median of the days from sending to answer, over the answered notices received")),

    _count("arrivals_registered", _("Registered arrivals"), "services",
           _("persons whose move has arrived and is still open, counted at the destination")),
    _count("arrivals_served", _("Arrivals served"), "services",
           _("of those, persons who received at least one service in the period, recorded anywhere")),
    _rate("service_coverage_rate", _("Equal-service coverage"), "services", "arrivals_served",
          "arrivals_registered", _("served / registered arrivals"), assessable=True),
    _count("agreements_signed", _("Service agreements signed"), "services",
           _("service agreements signed in the period, counted at the office"), unit=CASES),
    _count("grievances_received", _("Grievances received"), "services",
           _("complaints, suggestions and rights-protection requests filed in the period, counted at the owner unit"),
           unit=CASES),
    _count("grievances_due", _("Grievances due"), "services",
           _("of those, closed or past their deadline"), unit=CASES),
    _count("grievances_resolved_on_time", _("Grievances resolved on time"), "services",
           _("of those, resolved on or before the deadline day"), unit=CASES),
    _rate("grievances_on_time_rate", _("Grievances resolved on time (rate)"), "services",
          "grievances_resolved_on_time", "grievances_due", _("resolved on time / due"), assessable=True),
    _count("registrations_entered", _("Registrations entered"), "services",
           _("inflow and outflow registrations of moves that began in the period, counted at the registering office"),
           unit=CASES),
    _count("registrations_timely", _("Registrations entered within 30 days"), "services",
           _("of those, entered within 30 days of the arrival or departure"), unit=CASES),
    _rate("data_quality_rate", _("Timely registration (data quality)"), "services", "registrations_timely",
          "registrations_entered", _("entered within 30 days / entered"), assessable=True),
]

CATALOGUE: dict[str, Indicator] = {indicator.code: indicator for indicator in _INDICATORS}

TABLES: dict[str, LedgerTable] = {
    table.code: dataclasses.replace(
        table, indicators=tuple(i.code for i in _INDICATORS if i.table == table.code))
    for table in (AWAY_TABLE, PRESENT_TABLE, BIRTHS_TABLE, EXCHANGE_TABLE, SERVICES_TABLE)
}

ASSESSABLE: tuple[str, ...] = tuple(i.code for i in _INDICATORS if i.assessable)
