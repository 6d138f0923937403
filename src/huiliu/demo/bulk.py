"""Writing generated rows in bulk, below the ORM: executemany on SQLite, COPY on PostgreSQL.

Rows arrive as lines of tab-separated text in COPY's text format (see
population.TABLES), already in the database's own spelling: UUIDs as 32 hex digits,
dates and times as ISO text. PostgreSQL takes the text as it is. On SQLite each line
is split into its fields, all bound as text: integer columns convert them, and
NULLIF turns the empty field of a nullable column into NULL. Both loops run in C.
"""

import os
import sqlite3
from contextlib import contextmanager
from operator import methodcaller

from django.db import connection

# A table's columns in line order, each with whether it may be NULL.
Layout = tuple[tuple[str, bool], ...]
_split_fields = methodcaller("split", "\t")


class SqliteWriter:
    """executemany through the raw sqlite3 connection, inside the caller's transaction."""

    null = ""
    time_suffix = ""

    def __init__(self, layouts: dict[str, Layout]):
        self._statements = {table: _insert_statement(table, layout) for table, layout in layouts.items()}

    def write(self, table: str, lines: str) -> None:
        """Insert the rows of a block of lines."""
        if lines:
            connection.ensure_connection()
            connection.connection.executemany(self._statements[table], map(_split_fields, lines.split("\n")))


class PostgresWriter:
    """COPY … FROM STDIN in text format, inside the caller's transaction."""

    null = "\\N"
    time_suffix = "+00"

    def __init__(self, layouts: dict[str, Layout]):
        self._commands = {
            table: f'COPY "{table}" ({_column_list(layout)}) FROM STDIN' for table, layout in layouts.items()
        }

    def write(self, table: str, lines: str) -> None:
        """Copy in the rows of a block of lines."""
        if lines:
            connection.ensure_connection()
            with connection.connection.cursor() as cursor, cursor.copy(self._commands[table]) as copy:
                copy.write(lines)
                copy.write("\n")


def writer_for_database(layouts: dict[str, Layout]):
    """The bulk writer for the configured database."""
    if connection.vendor == "sqlite":
        return SqliteWriter(layouts)
    if connection.vendor == "postgresql":
        return PostgresWriter(layouts)
    raise NotImplementedError(f"no bulk writer for {connection.vendor}")


def count_lines(lines: str) -> int:
    """How many rows a block of lines holds."""
    return lines.count("\n") + 1 if lines else 0


def _column_list(layout: Layout) -> str:
    return ", ".join(f'"{column}"' for column, _nullable in layout)


def _insert_statement(table: str, layout: Layout) -> str:
    values = ", ".join(f"NULLIF(?{n}, '')" if nullable else f"?{n}" for n, (_column, nullable) in enumerate(layout, 1))
    return f'INSERT INTO "{table}" ({_column_list(layout)}) VALUES ({values})'


# Indexes whose keys arrive in random order (names, destinations, dates, the offices
# messages go between), named by their first column: on SQLite, building them once
# from sorted keys after the load takes the work off the writer, which is the slower
# half of the pipeline. The others grow near their end and stay: the generated UUIDs
# ascend (see population._ascending_ids), and so do the persons and notices that
# messages point to; status and the always-empty registered_by and sent_by have a
# handful of values; and persons come out county by county, so household places and
# origins arrive a few hundred villages at a time. Unique indexes always stay.
DEFERRED_INDEX_COLUMNS = {
    "people_person": {"name", "residence_jurisdiction_id"},
    "people_migration": {"destination_jurisdiction_id"},
    "people_inflowregistration": {"arrival_date", "residence_jurisdiction_id"},
    "people_outflowregistration": {"destination_jurisdiction_id"},
    "exchange_message": {"receiver_code", "sender_code", "deadline"},
}


@contextmanager
def sqlite_load_settings(persons: int):
    """Tune SQLite for one large write, and put its settings back afterwards.

    A rollback journal instead of the write-ahead log: the new pages are written once,
    into the database file, instead of into the log and then again into the file (on
    a fresh database there is almost nothing to journal). A page cache that holds the
    ends of the indexes that grow in place, but not the whole database (see _cache_kib).
    No foreign-key lookups: the generated rows reference only rows written
    in the same load, which the tests check with PRAGMA foreign_key_check. The journal
    mode, foreign keys and temporary storage can only be switched outside a transaction,
    so inside one (as in a test) they stay as they are; when another connection holds
    the database, the journal mode stays too.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    outside_transaction = not connection.in_atomic_block
    cache_pages = raw.execute("PRAGMA cache_size").fetchone()[0]
    temp_store = raw.execute("PRAGMA temp_store").fetchone()[0]
    journal_mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    foreign_keys = raw.execute("PRAGMA foreign_keys").fetchone()[0]
    if outside_transaction:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("PRAGMA temp_store = MEMORY")  # the sorts that build indexes
        if journal_mode == "wal":
            try:
                raw.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.OperationalError:
                pass  # another connection has the database open: keep the log
    raw.execute(f"PRAGMA cache_size = -{_cache_kib(persons)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {cache_pages}")
        if outside_transaction:
            raw.execute(f"PRAGMA temp_store = {temp_store}")
            raw.execute(f"PRAGMA foreign_keys = {foreign_keys}")
            if raw.execute("PRAGMA journal_mode").fetchone()[0] != journal_mode:
                raw.execute(f"PRAGMA journal_mode = {journal_mode}")


def _cache_kib(persons: int) -> int:
    """About 1 KiB of pages a person, within a quarter of the memory.

    A person with their moves, children and notices takes about 3.5 KiB of the file. A
    cache that held it all would hand every page to the operating system at the commit,
    to be written out while the load waits (13 s of a million persons' load, against
    3.5 s with this cache): smaller, it spills pages during the load, which the system
    writes back meanwhile. The indexes that grow in place only touch their ends, and
    the deferred ones are sorted in temporary storage, which the load keeps in memory.
    """
    wanted = 200_000 + persons
    try:
        memory_kib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024
    except (AttributeError, ValueError, OSError):
        return wanted
    return max(2_000, min(wanted, memory_kib // 4))


@contextmanager
def deferred_indexes():
    """Inside the load's transaction: drop the indexes of DEFERRED_INDEX_COLUMNS, and build them again at the end.

    Dropping and creating are part of the transaction, so a failed load leaves the
    schema as it was.
    """
    if connection.vendor != "sqlite":
        yield
        return
    raw = connection.connection
    definitions = []
    for table, columns in DEFERRED_INDEX_COLUMNS.items():
        for name, unique, *_rest in (row[1:] for row in raw.execute(f'PRAGMA index_list("{table}")')):
            indexed = [row[2] for row in raw.execute(f'PRAGMA index_info("{name}")')]
            if not unique and indexed and indexed[0] in columns:
                sql = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,))
                definitions.append((name, sql.fetchone()[0]))
    for name, _sql in definitions:
        raw.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in definitions:
        raw.execute(sql)


def checkpoint() -> None:
    """Move a SQLite write-ahead log into the database file and shrink it (a bulk load may leave it large)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        connection.ensure_connection()
        connection.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
