"""Where every figure comes from, written once: the table reads, the sources built on them, and each indicator's
definition as a (source, filter) pair.

- A `Read` is one SQL read of the Django database: only the columns the figures need, narrowed to the period where
  every figure of it lies in the period (a move to the stocks on its last day, a registration form to the moves
  that began in it). A read may join rows inside the database (a move, its person and its inflow form), so that
  only codes, short values and dates cross into Arrow; counting leaves out the columns that only name a record.
- A `Source` is one DuckDB query over the reads: one row per record, with the division code it is counted at
  (`code`), its record `kind`, `id` and `person_id`, and the columns the filters test.
- A `Definition` is a source and a DuckDB boolean expression (and, for a median, the value whose median is taken).

The same definition gives the figure for every node (engine.compute_all) and the list of records behind one figure
(engine.list_record_ids): the list is the figure's filter plus the node's code range, so the two always agree.

Placeholders in braces are filled per period (see `Parameters`): {start} and {end} the first and last day,
{since} and {until} the instants the first day begins and the day after the last day begins (UTC, as stored),
{now} and {today} the moment of computing, {proxy_days} the days a proxy request has to be answered, {offset} the
deployment's offset from UTC in seconds; in reads the same with a `db_` prefix, spelt for the database.
"""

import dataclasses

from huiliu.exchange.models import EXPECTS_ANSWER

UUID, INT, STR, DATE, TS = "uuid", "int", "str", "date", "ts"


@dataclasses.dataclass(frozen=True)
class Read:
    """One SELECT of the Django database: a table (or a table and the rows it joins, inside the database, so that
    only codes, small values and dates cross into Arrow), the columns read from it and the period narrowing."""

    table: str  # the FROM clause
    columns: tuple[tuple[str, str, str], ...]  # (name, type, SQL expression), see `column`
    where: str = ""  # the period narrowing, on the table's own columns, with {db_…} placeholders
    # On SQLite through ADBC, the table (and its alias) whose rowid ranges are read in parallel, for a large read.
    split: tuple[str, str] | tuple[()] = ()

    def column_names(self, *, naming: bool = True) -> tuple[str, ...]:
        return tuple(name for name, _kind, _expression in self.columns if naming or name not in NAMING)


def column(expression: str, kind: str, name: str = "") -> tuple[str, str, str]:
    """A column of a read: a table column (`alias.column`, named as the column) or an expression named `name`."""
    return name or expression.rsplit(".", 1)[-1], kind, expression


# The columns that only name a record and its person (for the records behind a figure): counting reads without them.
NAMING = ("id", "person_id")


@dataclasses.dataclass(frozen=True)
class Source:
    kind: str  # which record type a row is (engine.RECORD_KINDS); a union source has a `kind` column instead
    reads: tuple[str, ...]  # the reads the SQL uses, by name
    sql: str  # DuckDB SELECT over the reads: code, kind, id, person_id and the filtered columns
    # For a list of records under one node: a condition per read narrowing it to the code range {low}..{high}.
    narrow: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Definition:
    source: str
    filter: str
    value: str = ""  # a median's value (in days)


_NOTICE_TYPES = ", ".join(f"'{t}'" for t in EXPECTS_ANSWER)
_C = column


def _plain(table: str, *columns: tuple[str, str], where: str = "") -> Read:
    return Read(table, tuple(_C(name, kind) for name, kind in columns), where)


# Every move a stock on the period's last day may count (open on that day, or arrived and still open now), with its
# person's sex, birth date and marital status, its arrival date and whether its person was served in the period.
_OPEN_AT_END = "(m.started_on <= {db_end} AND (m.ended_on IS NULL OR m.ended_on > {db_end}))"
_SERVED = ("CASE WHEN m.person_id IN (SELECT person_id FROM services_servicerecord WHERE service_date >= {db_start} "
           "AND service_date <= {db_end}) THEN 1 ELSE 0 END")

READS: dict[str, Read] = {
    "move": Read(
        "people_migration m JOIN people_person p ON p.id = m.person_id "
        "LEFT JOIN people_inflowregistration i ON i.migration_id = m.id",
        (_C("m.id", UUID), _C("m.person_id", UUID), _C("m.status", STR), _C("m.origin_jurisdiction_id", INT),
         _C("m.destination_jurisdiction_id", INT), _C("m.started_on", DATE), _C("m.ended_on", DATE),
         _C("p.sex", STR), _C("p.birth_date", DATE), _C("p.marital_status", STR), _C("i.arrival_date", DATE),
         _C(_SERVED, INT, "served")),
        f"{_OPEN_AT_END} OR m.status = 'arrived'", split=("people_migration", "m")),
    # The registration forms of the moves that began in the period (every figure of them lies in it).
    "outflow": Read(
        "people_outflowregistration o JOIN people_migration m ON m.id = o.migration_id",
        (_C("o.id", UUID), _C("m.person_id", UUID), _C("m.origin_jurisdiction_id", INT),
         _C("o.departure_date", DATE), _C("o.created_at", TS)),
        "o.departure_date >= {db_start} AND o.departure_date <= {db_end}"),
    "inflow": Read(
        "people_inflowregistration i",  # its person looked up only when named, not when counting
        (_C("i.id", UUID), _C("(SELECT person_id FROM people_migration WHERE id = i.migration_id)", UUID, "person_id"),
         _C("i.residence_jurisdiction_id", INT),
         _C("i.arrival_date", DATE), _C("i.registration_date", DATE)),
        "i.arrival_date >= {db_start} AND i.arrival_date <= {db_end}"),
    "birth": _plain("births_birthregistration", ("id", UUID), ("jurisdiction_id", INT), ("status", STR),
                    ("filed_at", STR), ("channel", STR), ("submitted_at", TS),
                    where="submitted_at >= {db_since} AND submitted_at < {db_until}"),
    "certificate": _plain("certificates_statuscertificate", ("id", UUID), ("person_id", UUID),
                          ("issuing_jurisdiction_id", INT), ("issued_on", DATE),
                          where="issued_on >= {db_start} AND issued_on <= {db_end}"),
    "proxy": _plain("certificates_proxyapplication", ("id", UUID), ("person_id", UUID), ("origin_jurisdiction_id", INT),
                    ("status", STR), ("applied_at", TS), ("days_to_decision", INT),
                    where="applied_at >= {db_since} AND applied_at < {db_until}"),
    # Counting, the index exchange_msg_period holds every column read: the table itself is not visited.
    "message": _plain("exchange_message", ("id", UUID), ("person_id", UUID), ("sender_code", INT),
                      ("receiver_code", INT), ("created_at", TS), ("deadline", TS), ("answered_at", TS),
                      where=f"message_type IN ({_NOTICE_TYPES}) AND created_at >= {{db_since}} "
                            "AND created_at < {db_until}"),
    "grievance": _plain("grievances_grievance", ("id", UUID), ("person_id", UUID), ("owner_id", INT), ("status", STR),
                        ("filed_at", TS), ("deadline", DATE), ("closed_on", DATE),
                        where="filed_at >= {db_since} AND filed_at < {db_until}"),
    "agreement": _plain("community_serviceagreement", ("id", UUID), ("person_id", UUID), ("office_id", INT),
                        ("signed_on", DATE), where="signed_on >= {db_start} AND signed_on <= {db_end}"),
}

# Age in whole years on the period's last day.
_AGE = ("year(DATE '{end}') - year(CAST(m.birth_date AS DATE)) - CASE WHEN month(CAST(m.birth_date AS DATE)) * 100 "
        "+ day(CAST(m.birth_date AS DATE)) > month(DATE '{end}') * 100 + day(DATE '{end}') THEN 1 ELSE 0 END")
_MOVE_COLUMNS = f"""m.id, m.person_id, m.status, CAST(m.started_on AS DATE) AS started_on,
    CAST(m.ended_on AS DATE) AS ended_on, m.sex, m.marital_status, {_AGE} AS age"""

SOURCES: dict[str, Source] = {
    # Every move, at its origin: the stock away on the last day.
    "away": Source("migration", ("move",), f"""
        SELECT m.origin_jurisdiction_id AS code, {_MOVE_COLUMNS}
        FROM move m""", narrow={"move": "m.origin_jurisdiction_id BETWEEN {low} AND {high}"}),
    # Every move with a destination, there: the stock present, the registered arrivals and whether they were served.
    "present": Source("migration", ("move",), f"""
        SELECT m.destination_jurisdiction_id AS code, {_MOVE_COLUMNS},
            CAST(m.arrival_date AS DATE) AS arrived_on, m.served = 1 AS served
        FROM move m
        WHERE m.destination_jurisdiction_id IS NOT NULL""",
        narrow={"move": "m.destination_jurisdiction_id BETWEEN {low} AND {high}"}),
    # The two registration forms: an outflow form at the origin of its move, an inflow form at the residence.
    "registration": Source("", ("outflow", "inflow"), """
        SELECT 'outflow' AS kind, o.origin_jurisdiction_id AS code, o.id, o.person_id,
            CAST(o.departure_date AS DATE) AS moved_on,
            CAST(CAST(o.created_at AS TIMESTAMP) + INTERVAL ({offset}) SECOND AS DATE) AS entered_on
        FROM outflow o
        UNION ALL
        SELECT 'inflow' AS kind, i.residence_jurisdiction_id AS code, i.id, i.person_id,
            CAST(i.arrival_date AS DATE) AS moved_on, CAST(i.registration_date AS DATE) AS entered_on
        FROM inflow i""",
        narrow={"outflow": "m.origin_jurisdiction_id BETWEEN {low} AND {high}",
                "inflow": "i.residence_jurisdiction_id BETWEEN {low} AND {high}"}),
    "birth": Source("birth_registration", ("birth",), """
        SELECT jurisdiction_id AS code, id, NULL AS person_id, status, filed_at, channel,
            CAST(submitted_at AS TIMESTAMP) AS submitted_at
        FROM birth""", narrow={"birth": "jurisdiction_id BETWEEN {low} AND {high}"}),
    "certificate": Source("certificate", ("certificate",), """
        SELECT issuing_jurisdiction_id AS code, id, person_id, CAST(issued_on AS DATE) AS issued_on
        FROM certificate""", narrow={"certificate": "issuing_jurisdiction_id BETWEEN {low} AND {high}"}),
    "proxy": Source("proxy_application", ("proxy",), """
        SELECT origin_jurisdiction_id AS code, id, person_id, status, CAST(applied_at AS TIMESTAMP) AS applied_at,
            days_to_decision
        FROM proxy""", narrow={"proxy": "origin_jurisdiction_id BETWEEN {low} AND {high}"}),
    "notice_received": Source("message", ("message",), """
        SELECT receiver_code AS code, id, person_id, CAST(created_at AS TIMESTAMP) AS created_at,
            CAST(deadline AS TIMESTAMP) AS deadline, CAST(answered_at AS TIMESTAMP) AS answered_at
        FROM message""", narrow={"message": "receiver_code BETWEEN {low} AND {high}"}),
    "notice_sent": Source("message", ("message",), """
        SELECT sender_code AS code, id, person_id, CAST(created_at AS TIMESTAMP) AS created_at
        FROM message""", narrow={"message": "sender_code BETWEEN {low} AND {high}"}),
    "grievance": Source("grievance", ("grievance",), """
        SELECT owner_id AS code, id, person_id, status, CAST(filed_at AS TIMESTAMP) AS filed_at,
            CAST(deadline AS DATE) AS deadline, CAST(closed_on AS DATE) AS closed_on
        FROM grievance""", narrow={"grievance": "owner_id BETWEEN {low} AND {high}"}),
    "agreement": Source("agreement", ("agreement",), """
        SELECT office_id AS code, id, person_id, CAST(signed_on AS DATE) AS signed_on
        FROM agreement""", narrow={"agreement": "office_id BETWEEN {low} AND {high}"}),
}

# --- The definitions ----------------------------------------------------------------------------------------

_OPEN = "started_on <= DATE '{end}' AND (ended_on IS NULL OR ended_on > DATE '{end}')"
_PRESENT = f"{_OPEN} AND arrived_on IS NOT NULL AND arrived_on <= DATE '{{end}}'"
_MARRIED = "marital_status IN ('21', '22', '23')"
_STOCK_PARTS = {
    "": "TRUE",
    "_male": "sex = 'M'",
    "_female": "sex = 'F'",
    "_age_0_14": "age BETWEEN 0 AND 14",
    "_age_15_49": "age BETWEEN 15 AND 49",
    "_age_50_59": "age BETWEEN 50 AND 59",
    "_age_60_plus": "age >= 60",
    "_married": _MARRIED,
    "_never_married": "marital_status = '10'",
    "_divorced_widowed": "marital_status IN ('30', '40')",
    "_marital_not_stated": "marital_status NOT IN ('10', '21', '22', '23', '30', '40')",
    "_married_women_15_49": f"sex = 'F' AND age BETWEEN 15 AND 49 AND {_MARRIED}",
}
_IN_DAYS = "{field} >= DATE '{{start}}' AND {field} <= DATE '{{end}}'"
_IN_INSTANTS = "{field} >= TIMESTAMP '{{since}}' AND {field} < TIMESTAMP '{{until}}'"
_BIRTHS = _IN_INSTANTS.format(field="submitted_at") + " AND status <> 'withdrawn'"
_PROXY = _IN_INSTANTS.format(field="applied_at")
_PROXY_DECIDED = f"{_PROXY} AND status IN ('issued', 'refused')"
_NOTICES = _IN_INSTANTS.format(field="created_at")
_ANSWERED = f"{_NOTICES} AND answered_at IS NOT NULL"
_GRIEVANCES = _IN_INSTANTS.format(field="filed_at")
_MOVED = _IN_DAYS.format(field="moved_on")

DEFINITIONS: dict[str, Definition] = {
    **{f"away{suffix}": Definition("away", f"{_OPEN} AND {part}") for suffix, part in _STOCK_PARTS.items()},
    **{f"present{suffix}": Definition("present", f"{_PRESENT} AND {part}") for suffix, part in _STOCK_PARTS.items()},
    "departures": Definition("registration", f"kind = 'outflow' AND {_MOVED}"),
    "arrivals": Definition("registration", f"kind = 'inflow' AND {_MOVED}"),

    "birth_registrations": Definition("birth", _BIRTHS),
    "birth_registrations_at_residence": Definition("birth", f"{_BIRTHS} AND filed_at = 'residence'"),
    "birth_registrations_at_household": Definition("birth", f"{_BIRTHS} AND filed_at = 'household'"),
    "birth_registrations_online": Definition("birth", f"{_BIRTHS} AND channel = 'online'"),
    "birth_registrations_by_worker": Definition("birth", f"{_BIRTHS} AND channel = 'worker'"),
    "certificates_issued": Definition("certificate", _IN_DAYS.format(field="issued_on")),
    "proxy_applications": Definition("proxy", _PROXY),
    "proxy_decided": Definition("proxy", _PROXY_DECIDED),
    # Due: decided, or past the days the origin has to answer a proxy request (as the exchange counts notices).
    "proxy_due": Definition("proxy", f"{_PROXY} AND (status IN ('issued', 'refused') OR "
                                     "applied_at + INTERVAL ({proxy_days}) DAY < TIMESTAMP '{now}')"),
    "proxy_decided_on_time": Definition("proxy", f"{_PROXY_DECIDED} AND days_to_decision <= {{proxy_days}}"),
    "proxy_median_days": Definition("proxy", f"{_PROXY} AND days_to_decision IS NOT NULL",
                                    value="days_to_decision"),

    "notices_sent": Definition("notice_sent", _NOTICES),
    "notices_received": Definition("notice_received", _NOTICES),
    "notices_due": Definition("notice_received",
                              f"{_NOTICES} AND (answered_at IS NOT NULL OR deadline < TIMESTAMP '{{now}}')"),
    "notices_answered": Definition("notice_received", _ANSWERED),
    "notices_answered_on_time": Definition("notice_received", f"{_ANSWERED} AND answered_at <= deadline"),
    "median_answer_days": Definition("notice_received", _ANSWERED,
                                     value="epoch(answered_at - created_at) / 86400.0"),

    # As services.count_equal_service_coverage: the persons whose move has arrived (now), and of those the served.
    "arrivals_registered": Definition("present", "status = 'arrived'"),
    "arrivals_served": Definition("present", "status = 'arrived' AND served"),
    "agreements_signed": Definition("agreement", _IN_DAYS.format(field="signed_on")),
    "grievances_received": Definition("grievance", _GRIEVANCES),
    "grievances_due": Definition("grievance", f"{_GRIEVANCES} AND (status NOT IN ('received', 'in_progress') "
                                              "OR deadline < DATE '{today}')"),
    "grievances_resolved_on_time": Definition("grievance", f"{_GRIEVANCES} AND status = 'resolved' "
                                                           "AND closed_on <= deadline"),
    "registrations_entered": Definition("registration", _MOVED),
    "registrations_timely": Definition("registration", f"{_MOVED} AND date_diff('day', moved_on, entered_on) <= 30"),
}
