"""Writing the checked persons in bulk, below the ORM.

Rows go in as tuples of the columns that vary (the constant ones are written once, in
the statement): executemany on the raw sqlite3 connection, COPY on PostgreSQL, inside
the caller's transaction (a killed process leaves nothing behind). Keys ascend (a time
prefix and a counter, as UUIDv7 does) so the primary-key index grows at its end, and
so that one audit row can name every person an import created: the import's event
holds the first and last key of the run. A chained audit row per person cost more than
the insert itself (an HMAC of the previous row's digest, row after row, cannot be
spread over cores), which is why a bulk import is audited once.
"""

import os
import secrets
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import repeat

from django.db import connection

from huiliu.people.models import Person

CHUNK = 100_000


def ascending_keys(count: int) -> list[str]:
    """count new keys as 32 hex digits, in ascending order: a millisecond time, 4 random bytes, a counter."""
    prefix = f"{int(time.time() * 1000):012x}{secrets.token_hex(4)}"
    return [f"{prefix}{n:012x}" for n in range(count)]


def hyphenated(key: str) -> str:
    """A key as a UUID is written (audit rows name objects that way)."""
    return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"


def _sql_literal(value) -> str:
    """A constant of our own making (a default or a time stamp) as an SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _person_columns(values: dict[str, list], keys: list[str], stamp) -> tuple[list[str], list]:
    """The table's columns and, for each, its list of values, another column's name (the same values), or a constant."""
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


class _Inserter:
    """One table's insert: on SQLite only the varying columns are bound (a list used twice is bound once, by number),
    the constants are written into the statement; on PostgreSQL every column goes through COPY."""

    def __init__(self, table: str, columns: list[str], sources: list):
        quoted = ", ".join(f'"{c}"' for c in columns)
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.varying, marks, numbers = [], [], {}
            for source in sources:
                if isinstance(source, list):
                    if id(source) not in numbers:
                        self.varying.append(source)
                        numbers[id(source)] = len(self.varying)
                    marks.append(f"?{numbers[id(source)]}")
                else:
                    marks.append(_sql_literal(source))
            self.sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(marks)})'
        else:
            self.varying = sources
            self.sql = f'COPY "{table}" ({quoted}) FROM STDIN'

    def write(self, start: int, end: int) -> None:
        rows = zip(*[source[start:end] if isinstance(source, list) else repeat(source, end - start)
                     for source in self.varying])
        connection.ensure_connection()
        raw = connection.connection
        if self.sqlite:
            raw.executemany(self.sql, rows)
        else:
            with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(row)


def write_persons(values: dict[str, list], *, keys: list[str], progress=None) -> int:
    """Insert the checked new persons under the given keys; the caller's transaction holds them. Returns the count."""
    count = len(values["id_number"])
    if not count:
        return 0
    stamp = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    columns, sources = _person_columns(values, keys, stamp)
    persons = _Inserter(Person._meta.db_table, columns, sources)
    with _page_cache(count), _deferred_indexes(count):
        for start in range(0, count, CHUNK):
            end = min(start + CHUNK, count)
            persons.write(start, end)
            if progress:
                progress(end, count)
    return count


@contextmanager
def _page_cache(rows: int):
    """On SQLite, a page cache that holds what the transaction writes (a person takes about 0.6 KiB with the indexes,
    two of which take rows at random places: ID numbers and names): 1 KiB a row, within a quarter of the memory; the
    default 2 MiB would spill pages and read them back all along."""
    if connection.vendor != "sqlite":
        yield
        return
    raw = connection.connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    try:
        memory_kib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024
    except (AttributeError, ValueError, OSError):
        memory_kib = 4_000_000
    raw.execute(f"PRAGMA cache_size = -{max(64_000, min(64_000 + rows, memory_kib // 4))}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {before}")


# Indexes that are not unique, by table and first column: when an import adds more rows than a table holds, they are
# dropped inside the import's transaction and built again from sorted keys at its end, which is several times cheaper
# than inserting each row's keys at their places (the demo load does the same). Unique ones always stay.
DEFERRABLE_INDEX_COLUMNS = {
    Person._meta.db_table: {"name", "household_jurisdiction_id", "residence_jurisdiction_id"},
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
