"""The web import's progress bar: the page streams while the import runs, one bar after another.

The import stays one transaction on the request's own database connection. It runs in a
worker thread that borrows that connection (Django allows a connection to be shared
between threads once told so), while the request thread only passes the worker's
progress on to the browser as it comes. Each report is a new `<progress>` element; the
stylesheet shows only the last one, so the bar moves without any script. If the browser
goes away mid-way, the import still finishes (or fails) as one transaction before the
connection is handed back.
"""

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator

from django.db import connections

_DONE, _FAILED = object(), object()


def run_reporting_progress(work: Callable, *, using: str = "default") -> Iterator[tuple]:
    """Run work(progress) on the caller's connection in a worker; yield ("progress", done, total, stage) as it reports,
    then ("done", result) or ("failed", exception)."""
    reports: queue.Queue = queue.Queue()
    connection = connections[using]
    context = contextvars.copy_context()  # the audit's client address and the active language go along

    def report(done: int, total: int, stage: str = "") -> None:
        reports.put(("progress", done, total, stage))

    def borrow_and_work() -> None:
        connections[using] = connection
        try:
            reports.put((_DONE, work(report)))
        except BaseException as failure:  # noqa: BLE001 - handed to the request thread, which shows or raises it
            reports.put((_FAILED, failure))

    connection.inc_thread_sharing()
    worker = threading.Thread(target=context.run, args=(borrow_and_work,), name="huiliu-import", daemon=True)
    worker.start()
    try:
        while True:
            kind, *rest = reports.get()
            if kind is _DONE:
                yield ("done", rest[0])
                return
            if kind is _FAILED:
                yield ("failed", rest[0])
                return
            yield (kind, *rest)
    finally:
        worker.join()  # the connection goes back only when the import has ended, whatever the browser did
        connection.dec_thread_sharing()
