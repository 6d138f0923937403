"""Reading an SQLite database into Arrow with ADBC, always in processes of their own.

ADBC's SQLite driver carries its own copy of SQLite. Two copies in one process do not know
of each other's POSIX locks: when the driver's copy closes the file, the process loses the
locks Django's copy holds on it, and, believing itself the last user, the driver's copy
deletes the write-ahead log under Django's open connection. Reproduced here: the next write
through Django failed with "disk I/O error" and the rows it had just committed were lost.
So the driver never opens the file in a process that holds a Django connection to it: every
read runs in a worker process (spawned, so it inherits no open file), which hands the Arrow
table back. This module imports nothing of Django, so a worker starts light; the pool is
kept warm for the next read.
"""

import concurrent.futures
import multiprocessing
import os
import threading

BUSY_TIMEOUT_MS = 20_000  # as Django's own SQLite connections wait (settings: timeout 20)

_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _connect(path: str):
    import adbc_driver_sqlite.dbapi as driver

    adbc = driver.connect(path)
    with adbc.cursor() as cursor:
        # Wait for a writer (or another reader's WAL recovery on opening) instead of failing at once.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.fetchall()
    return adbc


def read_table(path: str, sql: str, *, skip: int = 0):
    """In a worker: the rows of one SELECT as an Arrow table, less its first `skip` rows."""
    with _connect(path) as adbc, adbc.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table().slice(skip)


def fetch_one(path: str, sql: str) -> tuple:
    """In a worker: the first row of one SELECT."""
    with _connect(path) as adbc, adbc.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def pool() -> concurrent.futures.ProcessPoolExecutor:
    """The worker processes that read SQLite files, one per core, started once and reused."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=max(2, os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn"))
        return _pool
