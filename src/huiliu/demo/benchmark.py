"""`huiliu bench demo`: the demo load timed on a scratch SQLite database, beside a reference
measured in the same run (raw sqlite3 inserting as many plain rows), so that figures taken
on different machines, or on one machine under different load, can be compared.

Then, on the loaded population, the exchange rates of the demo origin province over a
year (exchange.queries.compute_rates, as an officer asks for them), beside raw sqlite3
counting the same notices in one hand-written query.
"""

import datetime
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from huiliu.accounts.models import RoleAssignment
from huiliu.exchange.models import EXPECTS_ANSWER
from huiliu.exchange.queries import compute_rates
from huiliu.jurisdictions import codes

from .actions import DemoLoad, load_demo, local_midnight

# Whose rates are timed: the demo province officer of the origin side, whose notices go out to
# several provinces and whose townships answer the destinations' notices.
RATES_ACCOUNT = "origin-province"
RATES_REPEATS = 3  # the best of three, once the pages are in memory

# What settings.py gives every SQLite database; used when the configured one is not SQLite.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}


@dataclass
class Reference:
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class RatesBenchmark:
    code: int
    messages: int  # notices sent and received in the period, as counted
    seconds: float  # compute_rates, the best of RATES_REPEATS
    reference_seconds: float  # raw sqlite3 counting the same, the best of RATES_REPEATS
    reference_messages: int  # what it counted: the same as `messages`, or it timed something else


@dataclass
class DemoBenchmark:
    persons: int
    load: DemoLoad
    reference: Reference
    database: str
    rates: RatesBenchmark


def run_demo_benchmark(*, persons: int, seed: int = 1) -> DemoBenchmark:
    """Load `persons` demo persons into a new SQLite file and time it; measure the reference beside it.

    Then time the exchange rates of a province over a year on what was loaded.
    """
    today = datetime.date.today()
    with tempfile.TemporaryDirectory(prefix="huiliu-bench-") as directory:
        reference = measure_reference(rows=persons, path=Path(directory) / "reference.sqlite3")
        database = Path(directory) / "demo.sqlite3"
        with scratch_sqlite_database(database):
            call_command("migrate", verbosity=0, interactive=False)
            load = load_demo(acting_user=None, persons=persons, seed=seed, today=today)
            rates = measure_rates(database=database, today=today)
    return DemoBenchmark(persons=persons, load=load, reference=reference, database=str(database), rates=rates)


def measure_rates(*, database: Path, today: datetime.date) -> RatesBenchmark:
    """Time compute_rates for the demo origin province over the year up to today, and raw sqlite3 beside it."""
    assignment = RoleAssignment.objects.select_related("user").get(user__username=RATES_ACCOUNT)
    code = assignment.jurisdiction_id
    end = local_midnight(today + datetime.timedelta(days=1))
    start = end - datetime.timedelta(days=365)
    seconds = []
    for _ in range(RATES_REPEATS):
        started = time.perf_counter()
        rates = compute_rates(user=assignment.user, code=code, start=start, end=end)
        seconds.append(time.perf_counter() - started)
    reference_seconds, reference_messages = _time_raw_rates(database, code, start, end)
    return RatesBenchmark(code=code, messages=rates["sent"] + rates["received"], seconds=min(seconds),
                          reference_seconds=reference_seconds, reference_messages=reference_messages)


def _time_raw_rates(database: Path, code: int, start: datetime.datetime,
                    end: datetime.datetime) -> tuple[float, int]:
    """The counts of compute_rates (not its median) by one query through raw sqlite3: the best time, and
    the notices sent and received that it counted."""
    low, high = codes.subtree_range(code)
    # As Django keeps them on SQLite: UTC, "YYYY-MM-DD HH:MM:SS".
    period = [moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S") for moment in (start, end)]
    types = ", ".join(f"'{t}'" for t in EXPECTS_ANSWER)
    notices = f"message_type IN ({types}) AND created_at >= ? AND created_at < ?"
    query = (
        f"SELECT (SELECT count(*) FROM exchange_message WHERE {notices} AND sender_code BETWEEN ? AND ?), "
        f"count(*), count(answered_at), sum(answered_at <= deadline) "
        f"FROM exchange_message WHERE {notices} AND receiver_code BETWEEN ? AND ?"
    )
    seconds = []
    raw = sqlite3.connect(database)
    try:
        for _ in range(RATES_REPEATS):
            started = time.perf_counter()
            sent, received, _answered, _on_time = raw.execute(query, (*period, low, high) * 2).fetchone()
            seconds.append(time.perf_counter() - started)
    finally:
        raw.close()
    return min(seconds), sent + received


def measure_reference(*, rows: int, path: Path) -> Reference:
    """Time raw sqlite3 inserting `rows` plain rows (integer, integer, text): executemany, one transaction."""
    data = [(n, n % 1000, f"row {n}") for n in range(rows)]
    database = sqlite3.connect(path, isolation_level=None)
    try:
        database.execute("CREATE TABLE reference (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, label TEXT NOT NULL)")
        started = time.perf_counter()
        database.execute("BEGIN")
        database.executemany("INSERT INTO reference VALUES (?, ?, ?)", data)
        database.execute("COMMIT")
        return Reference(rows=rows, seconds=time.perf_counter() - started)
    finally:
        database.close()


@contextmanager
def scratch_sqlite_database(path: Path):
    """Point the default database connection at a new SQLite file for the duration.

    As Django's test runner swaps in its test database: the connection's settings are
    replaced, and the original connection is put back afterwards, untouched.
    """
    original_connection = connections[DEFAULT_DB_ALIAS]
    original_settings = connections.settings[DEFAULT_DB_ALIAS]
    options = original_settings["OPTIONS"] if original_settings["ENGINE"].endswith("sqlite3") else SQLITE_OPTIONS
    scratch = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": dict(options),
               "TIME_ZONE": original_settings.get("TIME_ZONE")}
    connections.settings[DEFAULT_DB_ALIAS] = connections.configure_settings({DEFAULT_DB_ALIAS: scratch})[
        DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections.settings[DEFAULT_DB_ALIAS] = original_settings
        connections[DEFAULT_DB_ALIAS] = original_connection
