"""`huiliu bench demo`: the demo load timed on a scratch SQLite database, beside a reference
measured in the same run (raw sqlite3 inserting as many plain rows), so that figures taken
on different machines, or on one machine under different load, can be compared.
"""

import sqlite3
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from .actions import DemoLoad, load_demo

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
class DemoBenchmark:
    persons: int
    load: DemoLoad
    reference: Reference
    database: str


def run_demo_benchmark(*, persons: int, seed: int = 1) -> DemoBenchmark:
    """Load `persons` demo persons into a new SQLite file and time it; measure the reference beside it."""
    with tempfile.TemporaryDirectory(prefix="huiliu-bench-") as directory:
        reference = measure_reference(rows=persons, path=Path(directory) / "reference.sqlite3")
        database = Path(directory) / "demo.sqlite3"
        with scratch_sqlite_database(database):
            call_command("migrate", verbosity=0, interactive=False)
            load = load_demo(acting_user=None, persons=persons, seed=seed)
    return DemoBenchmark(persons=persons, load=load, reference=reference, database=str(database))


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
