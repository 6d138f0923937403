import datetime

import pytest

from huiliu.demo.actions import load_demo

PERSONS = 400
SEED = 7


@pytest.fixture
def demo(db):
    """A small demo population, loaded into the test database."""
    return load_demo(persons=PERSONS, seed=SEED, today=datetime.date.today())
