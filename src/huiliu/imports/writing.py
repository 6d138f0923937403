"""Writing the checked persons in bulk, below the ORM, with one chained audit row each.

Rows go in as tuples: executemany on the raw sqlite3 connection, COPY on PostgreSQL,
inside the caller's transaction (a killed process leaves nothing behind). Keys ascend
(a time prefix and a counter, as UUIDv7 does) so the primary-key index grows at its
end. Each person gets the audit row register_person would write ("create", the
person's key, their places), appended to the hash chain: the digest of each row is
the one audit.chain.row_digest gives for its fields (the JSON body is laid out once
from a template made by the same function, and the first row is checked against it).
"""

import hashlib
import hmac
import json
import os
import secrets
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import repeat

from django.conf import settings
from django.db import connection

from huiliu.audit import context
from huiliu.audit.chain import GENESIS, row_digest
from huiliu.audit.models import AuditEvent
from huiliu.people.models import Person

CHUNK = 50_000
_OBJECT_ID = "\u2460OBJECT\u2460"
_HOUSEHOLD = 987_654_321_000_001
_RESIDENCE = 987_654_321_000_002


def _ascending_keys(count: int) -> tuple[list[str], list[str]]:
    """count new keys as 32 hex digits, and the same in the hyphenated form audit rows name them by."""
    prefix = f"{int(time.time() * 1000):012x}{secrets.token_hex(4)}"
    hyphenated = f"{prefix[:8]}-{prefix[8:12]}-{prefix[12:16]}-{prefix[16:20]}-"
    return [f"{prefix}{n:012x}" for n in range(count)], [f"{hyphenated}{n:012x}" for n in range(count)]


def _person_columns(values: dict[str, list], keys: list[str], stamp) -> tuple[list[str], list]:
    """The table's columns and, for each, its list of values or one constant."""
    columns, sources = [], []
    for model_field in Person._meta.concrete_fields:
        name = model_field.attname
        if name == "id":
            source = keys
        elif name in ("created_at", "updated_at"):
            source = stamp
        elif name == "birth_date":
            spelled = {born: born.isoformat() for born in set(values["birth_date"])}
            source = list(map(spelled.__getitem__, values["birth_date"]))
        elif name == "residence_jurisdiction_id":
            source = values["household_jurisdiction_id"]
        elif name in values:
            source = values[name]
        else:
            source = model_field.get_db_prep_save(model_field.get_default(), connection)
        columns.append(model_field.column)
        sources.append(source)
    return columns, sources


def _rows(sources: list, start: int, end: int):
    return zip(*[source[start:end] if isinstance(source, list) else repeat(source, end - start) for source in sources])


class _Inserter:
    def __init__(self, table: str, columns: list[str]):
        quoted = ", ".join(f'"{c}"' for c in columns)
        if connection.vendor == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
        else:
            self.sql = f'COPY "{table}" ({quoted}) FROM STDIN'

    def write(self, rows) -> None:
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "sqlite":
            raw.executemany(self.sql, rows)
        else:
            with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(row)


class _AuditChain:
    """The audit rows of created persons, chained on from the last row (the caller holds the chain head)."""

    def __init__(self, *, user, batch_id):
        is_user = user is not None and getattr(user, "is_authenticated", False)
        self.occurred_at = datetime.now(UTC)
        self.user_id = user.pk if is_user else None
        self.username = user.get_username()[:150] if is_user else ""
        self.office = getattr(user, "office_code", None) if is_user else None
        self.client = context.client_address.get()[:45]
        self.detail = {"import": str(batch_id)}
        fields = {
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "user_id": str(self.user_id) if self.user_id else "", "username": self.username, "office": self.office,
            "event": "create", "object_type": "person", "object_id": _OBJECT_ID, "outcome": AuditEvent.Outcome.SUCCESS,
            "client_address": self.client, "detail": self.detail,
            "subject_household": _HOUSEHOLD, "subject_residence": _RESIDENCE,
        }
        self.sample = fields
        body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        head, rest = body.split(_OBJECT_ID)
        middle, rest = rest.split(str(_HOUSEHOLD))
        between, tail = rest.split(str(_RESIDENCE))
        self.parts = (head, middle, between, tail)
        self.key = settings.HUILIU_AUDIT_KEY.encode()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        self.prev = last or GENESIS
        self.checked = False
        fixed = {
            "occurred_at": self.occurred_at, "user_id": self.user_id, "username": self.username,
            "office": self.office, "event": "create", "object_type": "person",
            "outcome": AuditEvent.Outcome.SUCCESS, "client_address": self.client, "detail": self.detail,
        }
        self.columns, self.constants = [], {}
        for model_field in AuditEvent._meta.concrete_fields:
            if model_field.attname == "id":
                continue
            self.columns.append(model_field.column)
            if model_field.attname in fixed:
                self.constants[model_field.attname] = model_field.get_db_prep_save(fixed[model_field.attname], connection)

    def rows(self, object_ids: list[str], households: list[int]) -> list[tuple]:
        head, middle, between, tail = self.parts
        key, digest, prev = self.key, hmac.digest, self.prev
        hashes, prevs = [], []
        for object_id, code in zip(object_ids, households):
            prevs.append(prev)
            prev = digest(key, f"{prev}|{head}{object_id}{middle}{code}{between}{code}{tail}".encode(), hashlib.sha256).hex()
            hashes.append(prev)
        if object_ids and not self.checked:
            sample = {**self.sample, "object_id": object_ids[0], "subject_household": households[0],
                      "subject_residence": households[0]}
            if row_digest(prevs[0], sample) != hashes[0]:  # pragma: no cover - guards a change to chained_fields
                raise RuntimeError("bulk audit digests differ from audit.chain.row_digest")
            self.checked = True
        self.prev = prev
        per_row = {"object_id": object_ids, "subject_household": households, "subject_residence": households,
                   "prev_hash": prevs, "hash": hashes}
        sources = [per_row.get(column, self.constants.get(column)) for column in self.columns]
        return list(_rows(sources, 0, len(object_ids)))


def write_persons(values: dict[str, list], *, user, batch_id, progress=None) -> int:
    """Insert the checked new persons and their audit rows; the caller's transaction holds them. Returns the count."""
    count = len(values["id_number"])
    if not count:
        return 0
    keys, object_ids = _ascending_keys(count)
    stamp = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    columns, sources = _person_columns(values, keys, stamp)
    persons = _Inserter(Person._meta.db_table, columns)
    chain = _AuditChain(user=user, batch_id=batch_id)
    audit = _Inserter(AuditEvent._meta.db_table, chain.columns)
    households = values["household_jurisdiction_id"]
    with _page_cache(count), _deferred_indexes(count):
        for start in range(0, count, CHUNK):
            end = min(start + CHUNK, count)
            persons.write(_rows(sources, start, end))
            audit.write(chain.rows(object_ids[start:end], households[start:end]))
            if progress:
                progress(end, count)
    return count


@contextmanager
def _page_cache(rows: int):
    """On SQLite, a page cache that holds what the transaction writes (a person and their audit row take about
    1.5 KiB with their indexes, several of which take rows at random places: names, ID numbers, audit hashes): 2 KiB
    a row, within a quarter of the memory; the default 2 MiB would spill pages and read them back all along."""
    if connection.vendor != "sqlite":
        yield
        return
    raw = connection.connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    try:
        memory_kib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024
    except (AttributeError, ValueError, OSError):
        memory_kib = 4_000_000
    raw.execute(f"PRAGMA cache_size = -{max(64_000, min(64_000 + 2 * rows, memory_kib // 4))}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {before}")


# Indexes that are not unique, by table and first column: when an import adds more rows than a table holds, they are
# dropped inside the import's transaction and built again from sorted keys at its end, which is several times cheaper
# than inserting each row's keys at their places (the demo load does the same). Unique ones always stay.
DEFERRABLE_INDEX_COLUMNS = {
    Person._meta.db_table: {"name", "household_jurisdiction_id", "residence_jurisdiction_id"},
    AuditEvent._meta.db_table: {"occurred_at", "user_id", "office", "subject_household", "subject_residence", "event",
                                "object_id"},
}


@contextmanager
def _deferred_indexes(rows: int):
    """On SQLite, for a large import into a smaller table: its non-unique indexes rebuilt at the end, in the same
    transaction (a failed or killed import leaves the schema as it was)."""
    if connection.vendor != "sqlite":
        yield
        return
    raw = connection.connection
    definitions = []
    for table, columns in DEFERRABLE_INDEX_COLUMNS.items():
        held = raw.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
        if rows <= held:
            continue
        for _seq, name, unique, *_rest in raw.execute(f'PRAGMA index_list("{table}")').fetchall():
            first = raw.execute(f'PRAGMA index_info("{name}")').fetchone()
            if not unique and first is not None and first[2] in columns:
                sql = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
                if sql and sql[0]:
                    definitions.append((name, sql[0]))
    for name, _sql in definitions:
        raw.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in definitions:
        raw.execute(sql)
