"""Read the registry's records for the matcher: one SQL query per side, straight into Arrow columns.

The rows are read through Django's own connection (SQLite or PostgreSQL alike, and inside the
caller's transaction, so a test's or an action's uncommitted rows are seen), fetched in one go
and turned into columns; no model instance is built. Each table has the matcher's standard
columns (`name`, `id_number`, `birth_date`, `sex`, `county`) and the row keys the candidates are
stored by (`record_id`, `person_id`).
"""

import pyarrow as pa
from django.db import connection

from huiliu.people.models import Child, InflowRegistration, Migration, MigrationStatus, OutflowRegistration, Person

from .models import LINKED_DECISIONS, LinkCandidate, RecordKind

FETCH_SIZE = 50_000


def _table(sql: str, params: list, columns: tuple[str, ...]) -> pa.Table:
    """The query's rows as an Arrow table of strings (keys as text, dates as ISO, counties as 6 digits)."""
    values: list[list] = [[] for _ in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_SIZE):
            for i, column in enumerate(zip(*rows)):
                values[i].extend(column)
    data = {}
    for name, column in zip(columns, values):
        if name in ("record_id", "person_id"):
            # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid: both read back as hex text.
            data[name] = pa.array([v.hex if hasattr(v, "hex") and not isinstance(v, str) else str(v).replace("-", "")
                                   for v in column], pa.string())
        elif name.endswith("_code"):
            data[name] = pa.array(list(column), pa.int64())
        elif name == "county":
            data[name] = pa.array([f"{int(v):012d}"[:6] if v is not None else None for v in column], pa.string())
        elif name == "birth_date":
            data[name] = pa.array([str(v) if v is not None else None for v in column], pa.string())
        else:
            data[name] = pa.array(list(column), pa.string())
    return pa.table(data)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_PERSON_COLUMNS = ("p.name, p.id_number, p.birth_date, p.sex, p.household_jurisdiction_id, p.marital_status, "
                   "p.household_jurisdiction_id, p.residence_jurisdiction_id")
_COLUMNS = ("record_id", "person_id", "name", "id_number", "birth_date", "sex", "county", "marital_status",
            "household_code", "residence_code")


def _not_linked(kind: str) -> str:
    # A record already linked (automatically or by a reviewer) is not offered again.
    decisions = ", ".join(f"'{d}'" for d in LINKED_DECISIONS)
    return f"""
        SELECT left_id FROM {_t(LinkCandidate)} WHERE left_kind = '{kind}' AND decision IN ({decisions})
        UNION SELECT right_id FROM {_t(LinkCandidate)} WHERE right_kind = '{kind}' AND decision IN ({decisions})
    """


def _read_one_sided(registration, other_side, status: str, kind: str) -> pa.Table:
    """Registrations of moves in `status` with none on the other side, registered or linked."""
    sql = f"""
        SELECT r.id, p.id, {_PERSON_COLUMNS}
        FROM {_t(registration)} r
        JOIN {_t(Migration)} m ON m.id = r.migration_id
        JOIN {_t(Person)} p ON p.id = m.person_id
        WHERE m.status = %s
          AND NOT EXISTS (SELECT 1 FROM {_t(other_side)} o WHERE o.migration_id = m.id)
          AND r.id NOT IN ({_not_linked(kind)})
        ORDER BY r.id
    """
    return _table(sql, [status], _COLUMNS)


def read_open_outflows() -> pa.Table:
    """Outflow registrations of moves still away, with no arrival registered or linked."""
    return _read_one_sided(OutflowRegistration, InflowRegistration, MigrationStatus.AWAY, RecordKind.OUTFLOW)


def read_unmatched_inflows() -> pa.Table:
    """Inflow registrations of stays still open whose move has no departure registered or linked."""
    return _read_one_sided(InflowRegistration, OutflowRegistration, MigrationStatus.ARRIVED, RecordKind.INFLOW)


def read_persons() -> pa.Table:
    """Every person of the registry (for finding duplicates inside it)."""
    sql = f"SELECT p.id, p.id, {_PERSON_COLUMNS} FROM {_t(Person)} p ORDER BY p.id"
    return _table(sql, [], _COLUMNS)


def children_counts(person_ids: set[str]) -> dict[str, int]:
    """How many children each of these persons has on record (hex keys; a person with none is absent)."""
    if not person_ids:
        return {}
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT parent_id, count(*) FROM {_t(Child)} GROUP BY parent_id")
        for parent, count in cursor.fetchall():
            key = parent.hex if not isinstance(parent, str) else parent.replace("-", "")
            if key in person_ids:
                counts[key] = count
    return counts
