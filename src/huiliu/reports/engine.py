"""The engine: every indicator of the catalogue for every node of the tree, in one columnar pass.

Each read a figure needs (sources.READS) is made once into Arrow: only its needed columns, narrowed to the period, a
move already joined to its person and its inflow form inside the database, and, when counting, without the ids that
only name a record. It goes through ADBC when the engine has the database to itself (in parallel, the large read of
SQLite in rowid ranges, one per core), otherwise through Django's own connection (which sees the rows of a
transaction still open, as in the tests). DuckDB then counts every record at the code it is held at, every filter
of a source in one pass over its Arrow tables, and rolls the counts up to every ancestor by integer division of the
12-digit code, for all levels in one query per source; a median is taken per node from the records of its subtree.
Rates are filled from the counts of the same row. No Python loop ever runs over the records.
"""

import concurrent.futures
import dataclasses
import datetime
import os
import time
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

import duckdb
import pyarrow as pa
from django.db import connection
from django.utils import timezone

from huiliu.exchange.models import DEFAULT_ANSWER_DAYS, AnswerPeriod, MessageType

from . import sqlite_reads
from .indicators import CATALOGUE, COUNT, MEDIAN
from .ledgers import Value, fill_rates
from .periods import Period
from .sources import DATE, DEFINITIONS, INT, NAMING, READS, SOURCES, STR, TS, UUID, Read

_ARROW_TYPES = {UUID: pa.string(), STR: pa.string(), INT: pa.int64(), DATE: pa.date32(), TS: pa.timestamp("us")}
# The power of ten a node's code is divided by at each level, above the village: township, county, city, province.
_LEVEL_STEPS = (3, 6, 8, 10)
_NATURAL_STEP = """CREATE MACRO natural_step(x) AS CASE WHEN x % 10000000000 = 0 THEN 10 WHEN x % 100000000 = 0 THEN 8
    WHEN x % 1000000 = 0 THEN 6 WHEN x % 1000 = 0 THEN 3 ELSE 0 END"""
COUNTS = tuple(code for code, i in CATALOGUE.items() if i.kind == COUNT)
MEDIANS = tuple(code for code, i in CATALOGUE.items() if i.kind == MEDIAN)


@dataclasses.dataclass
class Figures:
    """The catalogue for every node of the tree that holds a record: a subtree's figures, and the node's own."""

    period: Period
    tree: dict[int, dict[str, Value]]
    own: dict[int, dict[str, Value]]
    computed_at: datetime.datetime
    rows_read: int = 0
    read_seconds: float = 0.0

    @property
    def values(self) -> dict[int, dict[str, Value]]:
        return self.tree

    def of(self, code: int, *, own: bool = False) -> dict[str, Value]:
        """Every indicator of one node (of its own records with `own`): zero counts where it holds nothing."""
        return complete((self.own if own else self.tree).get(code, {}))


_BLANK_ROW: dict[str, Value] = {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(MEDIANS)}


def complete(values: dict[str, Value]) -> dict[str, Value]:
    """A row with every indicator: counts absent are zero, medians absent are None, rates from the counts."""
    row = _BLANK_ROW.copy()
    row.update((code, value) for code, value in values.items() if code in _BLANK_ROW)
    return fill_rates(row)


# --- Parameters of a period ---------------------------------------------------------------------------------


def parameters(period: Period, *, now: datetime.datetime | None = None, vendor: str | None = None) -> dict[str, str]:
    """The values the definitions' placeholders take for one period, and the reads' spelling of them."""
    vendor = vendor or connection.vendor
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    proxy_days = (AnswerPeriod.objects.filter(message_type=MessageType.PROXY_REQUEST).values_list("days", flat=True)
                  .first() or DEFAULT_ANSWER_DAYS[MessageType.PROXY_REQUEST])

    def utc(moment: datetime.datetime) -> str:
        return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")

    def db_instant(moment: datetime.datetime) -> str:
        return f"'{utc(moment)}'" if vendor == "sqlite" else f"TIMESTAMPTZ '{utc(moment)}+00'"

    return {
        "start": period.start.isoformat(), "end": period.end.isoformat(), "since": utc(since), "until": utc(until),
        "now": utc(now), "today": timezone.localdate(now).isoformat(), "proxy_days": str(int(proxy_days)),
        "offset": str(int(since.utcoffset().total_seconds())),
        "db_start": f"'{period.start.isoformat()}'", "db_end": f"'{period.end.isoformat()}'",
        "db_since": db_instant(since), "db_until": db_instant(until),
    }


# --- Reading tables into Arrow ------------------------------------------------------------------------------


def _select(read: Read, vendor: str, conditions: list[str], *, naming: bool = True) -> str:
    columns = []
    for name, kind, expression in read.columns:
        if not naming and name in NAMING:
            continue
        if vendor == "postgresql" and kind == UUID:
            expression = f"({expression})::text"
        elif vendor == "postgresql" and kind == TS:
            expression = f"({expression} AT TIME ZONE 'UTC')"
        columns.append(f'{expression} AS "{name}"')
    where = " AND ".join(f"({c})" for c in conditions if c)
    return f"SELECT {', '.join(columns)} FROM {read.table}" + (f" WHERE {where}" if where else "")


def _adbc_target() -> tuple[str, str] | None:
    """Where ADBC can read the database itself: not inside a transaction (it would not see its rows), nor in memory."""
    if connection.in_atomic_block:
        return None
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            return None
        return "sqlite", str(settings["NAME"])
    if connection.vendor == "postgresql":
        try:
            import adbc_driver_postgresql  # noqa: F401
        except ImportError:
            return None
        user = quote(settings.get("USER") or "", safe="")
        password = quote(settings.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or "localhost"
        port = f":{settings['PORT']}" if settings.get("PORT") else ""
        return "postgresql", f"postgresql://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"
    return None


def _connect_adbc(target: tuple[str, str]):
    """A PostgreSQL connection through ADBC (SQLite is read only in worker processes: see sqlite_reads)."""
    import adbc_driver_postgresql.dbapi as driver

    return driver.connect(target[1])


def _typed_blanks(read: Read, names: tuple[str, ...]) -> str:
    """A first row of blanks of each column's type: ADBC's SQLite driver types a column by the first rows it sees,
    and one that is NULL in all of them (an open move's end) would be typed as an integer and fail on a date."""
    kinds = {name: kind for name, kind, _expression in read.columns}
    blanks = {name: "0" if kinds[name] == INT else "''" for name in names}
    return "SELECT " + ", ".join(f'{blank} AS "{name}"' for name, blank in blanks.items())


def _read_adbc(target: tuple[str, str], read: Read, sql: str, names: tuple[str, ...]):
    """Start one read: a future of its Arrow table (SQLite in a worker process, PostgreSQL in a thread here)."""
    if target[0] == "sqlite":
        blanks_first = f"{_typed_blanks(read, names)} UNION ALL {sql}"
        return sqlite_reads.pool().submit(sqlite_reads.read_table, target[1], blanks_first, skip=1)
    return _threads().submit(_read_postgresql, target, sql)


def _read_postgresql(target: tuple[str, str], sql: str) -> pa.Table:
    with _connect_adbc(target) as adbc, adbc.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


_thread_pool: concurrent.futures.ThreadPoolExecutor | None = None


def _threads() -> concurrent.futures.ThreadPoolExecutor:
    global _thread_pool
    if _thread_pool is None:
        _thread_pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1))
    return _thread_pool


def _rowid_ranges(target: tuple[str, str], read: Read, parts: int) -> list[tuple[int, int]]:
    """The split table's rowids cut into `parts` ranges, each read by its own connection."""
    table, _alias = read.split
    low, high = sqlite_reads.pool().submit(
        sqlite_reads.fetch_one, target[1], f'SELECT min(rowid), max(rowid) FROM "{table}"').result()
    if low is None or parts < 2:
        return []
    step = (high - low) // parts + 1
    return [(start, min(start + step - 1, high)) for start in range(low, high + 1, step)]


def _read_django(read: Read, sql: str, names: tuple[str, ...]) -> pa.Table:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    kinds = {name: kind for name, kind, _expression in read.columns}
    columns = list(zip(*rows)) if rows else [()] * len(names)
    arrays = {}
    for name, values in zip(names, columns):
        try:
            arrays[name] = pa.array(values, type=_ARROW_TYPES[kinds[name]])
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[name] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    return pa.table(arrays)


def _conform(read: Read, table: pa.Table) -> pa.Table:
    """Give a column ADBC saw only NULLs in (or no rows at all) its declared type, so DuckDB can compare and join
    it."""
    kinds = {name: kind for name, kind, _expression in read.columns}
    for index, name in enumerate(table.column_names):
        if not table.num_rows or pa.types.is_null(table.schema.field(index).type):
            table = table.set_column(index, name, pa.nulls(table.num_rows, type=_ARROW_TYPES[kinds[name]]))
    return table


def _with_naming(read: Read, table: pa.Table) -> pa.Table:
    """A counting read's table with the naming columns it left out, all NULL, so a source's SQL reads the same."""
    for name in NAMING:
        if name in read.column_names() and name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, type=pa.string()))
    return table


def read_tables(names, params: dict[str, str], narrow: dict[str, str] | None = None, *,
                naming: bool = True) -> dict[str, pa.Table]:
    """Read each named table's columns into Arrow: in parallel through ADBC when it can (a large read of SQLite
    in rowid ranges, one per core), else through Django. Without `naming`, only what counting needs: the naming
    columns (ids) are not read but left NULL."""
    vendor = connection.vendor
    narrow = narrow or {}
    reads = {name: READS[name] for name in names}
    conditions = {name: [read.where, narrow.get(name, "")] for name, read in reads.items()}
    columns = {name: read.column_names(naming=naming) for name, read in reads.items()}
    target = _adbc_target()
    if target is None:
        tables = {name: _read_django(read, _select(read, vendor, conditions[name], naming=naming).format_map(params),
                                     columns[name]) for name, read in reads.items()}
    else:
        cores = os.cpu_count() or 1
        tasks = []  # (name, sql), the split reads first
        for name, read in sorted(reads.items(), key=lambda item: not item[1].split):
            ranges = (_rowid_ranges(target, read, cores)
                      if read.split and target[0] == "sqlite" and name not in narrow else [])
            for rowids in ranges or [None]:
                where = conditions[name] + ([f"{read.split[1]}.rowid BETWEEN {rowids[0]} AND {rowids[1]}"]
                                            if rowids else [])
                tasks.append((name, _select(read, vendor, where, naming=naming).format_map(params)))
        futures = [(name, _read_adbc(target, reads[name], sql, columns[name])) for name, sql in tasks]
        parts: dict[str, list[pa.Table]] = {}
        for name, future in futures:
            parts.setdefault(name, []).append(future.result())
        tables = {name: _conform(reads[name], pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0])
                  for name, pieces in parts.items()}
    return {name: table if naming else _with_naming(reads[name], table) for name, table in tables.items()}


def _duckdb(tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(_NATURAL_STEP)
    for name, table in tables.items():
        con.register(name, table)
    return con


# --- The whole catalogue ------------------------------------------------------------------------------------


def _rollup(relation: str, aggregates: list[str]) -> str:
    """Every node's figures in one query: own (the records held at the code itself) and each subtree.

    A record at code c counts towards c // 10**k * 10**k for each level step k whose result is a node of that level
    (a township, county, city or province); a village's subtree is its own records.
    """
    def select(node: str, own: bool, where: str = "") -> str:
        parts = ", ".join(aggregates)
        return f"SELECT {node} AS node, {str(own).upper()} AS own, {parts} FROM {relation} {where} GROUP BY 1"

    parts = [select("code", True)]
    for step in _LEVEL_STEPS:
        node = f"code // {10 ** step} * {10 ** step}"
        parts.append(select(node, False, f"WHERE natural_step({node}) = {step}"))
    return "\nUNION ALL\n".join(parts)


def _to_value(indicator: str, raw) -> Value:
    if raw is None:
        return None
    if CATALOGUE[indicator].kind == MEDIAN:
        return Decimal(repr(float(raw))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return int(raw)


def _narrowing(sources, names) -> dict[str, str]:
    """For each read, the records any of the sources needs under one code range: the union of their narrowings;
    none when one of them reads the whole table."""
    narrow = {}
    for name in names:
        conditions = [SOURCES[s].narrow.get(name) for s in sources if name in SOURCES[s].reads]
        if conditions and all(conditions):
            narrow[name] = " OR ".join(f"({c})" for c in dict.fromkeys(conditions))
    return narrow


def compute_all(period: Period, *, now: datetime.datetime | None = None,
                within: tuple[int, int] | None = None) -> Figures:
    """Compute every indicator of the catalogue for every node of the tree for one period (or of one subtree,
    reading only its code range `within`, low and high)."""
    params = parameters(period, now=now)
    by_source: dict[str, list[str]] = {}
    for indicator, definition in DEFINITIONS.items():
        by_source.setdefault(definition.source, []).append(indicator)
    names = sorted({read for source in by_source for read in SOURCES[source].reads})
    narrow = {}
    if within is not None:
        params.update(low=str(int(within[0])), high=str(int(within[1])))
        narrow = _narrowing(by_source, names)
    started = time.perf_counter()
    tables = read_tables(names, params, narrow, naming=False)
    read_seconds = time.perf_counter() - started
    con = _duckdb(tables)
    tree: dict[int, dict[str, Value]] = {}
    own: dict[int, dict[str, Value]] = {}
    try:
        for source, indicators in by_source.items():
            counts = [i for i in indicators if CATALOGUE[i].kind == COUNT]
            medians = [i for i in indicators if CATALOGUE[i].kind == MEDIAN]
            base = SOURCES[source].sql.format_map(params)
            in_range = (f"code BETWEEN {params['low']} AND {params['high']}" if within is not None
                        else "code IS NOT NULL")
            filters = {i: DEFINITIONS[i].filter.format_map(params) for i in indicators}
            queries = []
            # Every filter runs over the source query in one pass, straight from the Arrow tables: only the counts at
            # each code are kept (materialising the source's rows first costs more than the filters repeat).
            source_rows = f"(SELECT * FROM ({base}) WHERE {in_range})"
            if counts:
                con.execute("CREATE OR REPLACE TEMP TABLE per_code AS SELECT code, "
                            + ", ".join(f'count(*) FILTER (WHERE {filters[i]}) AS "{i}"' for i in counts)
                            + f" FROM {source_rows} GROUP BY code")
                queries.append((counts, _rollup("per_code", [f'sum("{i}")' for i in counts])))
            if medians:
                values = [f'CASE WHEN {filters[i]} THEN ({DEFINITIONS[i].value}) END AS "{i}"' for i in medians]
                where = " OR ".join(f"({filters[i]})" for i in medians)
                con.execute(f"CREATE OR REPLACE TEMP TABLE median_records AS SELECT code, {', '.join(values)} "
                            f"FROM {source_rows} WHERE {where}")
                queries.append((medians, _rollup("median_records", [f'median("{i}")' for i in medians])))
            for columns, sql in queries:
                for node, is_own, *row in con.execute(sql).fetchall():
                    target = own if is_own else tree
                    target.setdefault(node, {}).update(
                        zip(columns, row) if columns is counts else
                        ((i, _to_value(i, raw)) for i, raw in zip(columns, row)))
    finally:
        con.close()
    # A village's subtree is its own records.
    for node, values in own.items():
        if node % 1000:
            tree.setdefault(node, {}).update(values)
    return Figures(period=period, tree={node: complete(v) for node, v in tree.items()},
                   own={node: complete(v) for node, v in own.items()}, computed_at=timezone.now(),
                   rows_read=sum(t.num_rows for t in tables.values()), read_seconds=read_seconds)


# --- The records behind one figure --------------------------------------------------------------------------


def definition_of(indicator: str, part: str):
    """The definition whose records make one part of a figure: a count itself, a rate's numerator or denominator,
    the records a median is taken over."""
    entry = CATALOGUE[indicator]
    if entry.kind == "rate":
        if part not in ("numerator", "denominator"):
            part = "numerator"
        return DEFINITIONS[getattr(entry, part)]
    return DEFINITIONS[indicator]


def list_record_ids(*, indicator: str, part: str, period: Period, low: int, high: int, own_code: int | None = None,
                    offset: int = 0, limit: int = 50, now: datetime.datetime | None = None
                    ) -> tuple[int, list[tuple[str, str, str | None]]]:
    """The records behind one figure under the code range low..high (or at `own_code` only): how many, and one page
    of (kind, id, person id), by the figure's own definition, reading only that range."""
    definition = definition_of(indicator, part)
    source = SOURCES[definition.source]
    params = {**parameters(period, now=now), "low": str(int(low)), "high": str(int(high))}
    tables = read_tables(source.reads, params, narrow=source.narrow)
    con = _duckdb(tables)
    kind = "kind" if not source.kind else f"'{source.kind}'"
    where = f"code = {int(own_code)}" if own_code is not None else f"code BETWEEN {int(low)} AND {int(high)}"
    try:
        con.execute(f"CREATE TEMP TABLE behind AS SELECT {kind} AS kind, CAST(id AS VARCHAR) AS id, "
                    f"CAST(person_id AS VARCHAR) AS person_id FROM ({source.sql.format_map(params)}) "
                    f"WHERE {where} AND ({definition.filter.format_map(params)})")
        total = con.execute("SELECT count(*) FROM behind").fetchone()[0]
        page = con.execute("SELECT kind, id, person_id FROM behind ORDER BY kind, id LIMIT ? OFFSET ?",
                           [int(limit), int(offset)]).fetchall()
    finally:
        con.close()
    return int(total), page
