"""The generator in a second process: the chunks come back in order, and a failure on either side ends both."""

import datetime
import multiprocessing
import threading

import pytest

from huiliu.demo.pipeline import Production, can_fork
from huiliu.demo.places import build_tree
from huiliu.demo.population import Plan, generate

pytestmark = pytest.mark.skipif(not can_fork(), reason="the generator runs in a child process only where it can fork")


def plan(persons=900, **options) -> Plan:
    return Plan(persons=persons, seed=4, today=datetime.date(2026, 3, 1), tree=build_tree(900, 4),
                moved_on_note="已在新的现居住地登记", chunk_size=100, **options)


def test_chunks_from_the_child_are_those_of_this_process_in_order():
    production = Production(plan(), in_child=True).start()
    try:
        assert list(production.chunks()) == list(generate(plan()))
    finally:
        production.stop()
    assert production.times.cpu_seconds > 0


def test_a_failure_in_the_generator_is_raised_in_the_writer():
    production = Production(plan(persons=0), in_child=True).start()
    try:
        with pytest.raises(RuntimeError, match="persons must be between"):
            list(production.chunks())
    finally:
        production.stop()


def test_stopping_halfway_ends_the_child_and_the_receiving_thread():
    production = Production(plan(), in_child=True).start()
    chunks = production.chunks()
    next(chunks)  # the writer fails after the first chunk, with the child still ahead of it
    production.stop()
    assert not any(child.name == "huiliu-demo-generator" for child in multiprocessing.active_children())
    assert not any(thread.name == "huiliu-demo-receiver" for thread in threading.enumerate())
