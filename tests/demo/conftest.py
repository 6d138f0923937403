import datetime

import pytest

from huiliu.demo.actions import load_demo

PERSONS = 500
SEED = 7


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo makes a dozen accounts; production's hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """A small demo population, loaded into the test database."""
    return load_demo(persons=PERSONS, seed=SEED, today=datetime.date.today())
