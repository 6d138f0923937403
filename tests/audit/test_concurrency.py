"""Writers appending at the same time queue on the chain head instead of forking the chain."""

import threading

import pytest
from django.db import connection, connections

from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.audit.queries import find_first_broken_event


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the test database is SQLite in memory, one writer by nature")
def test_concurrent_appends_keep_one_unbroken_chain():
    threads, errors = 8, []
    start = threading.Barrier(threads)

    def append(n):
        try:
            start.wait()
            for i in range(10):
                record_event(actor=None, event="concurrent", object_id=f"{n}-{i}")
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert AuditEvent.objects.count() == threads * 10
    assert find_first_broken_event() == (None, threads * 10)
    assert AuditEvent.objects.values("prev_hash").distinct().count() == threads * 10
