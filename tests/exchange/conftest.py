"""Fixtures for the exchange tests: township officers on both sides and an arrival that sent its notice."""

import pytest

from huiliu.accounts.models import Role
from tests import factories as f

ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)  # household township of the factories' default person
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)  # township of the destination village worker


@pytest.fixture
def origin_township_officer(tree):
    return f.make_user(Role.TOWNSHIP_OFFICER, ORIGIN_TOWNSHIP, "origin-township")


@pytest.fixture
def destination_township_officer(tree):
    return f.make_user(Role.TOWNSHIP_OFFICER, DESTINATION_TOWNSHIP, "dest-township")


@pytest.fixture
def arrival(destination_village_worker):
    """A person of the origin village registered as arrived in the destination village."""
    return f.register_arrival(destination_village_worker, number=f.id_number(), name="刘洋")


@pytest.fixture
def inflow_notice(arrival):
    from huiliu.exchange.models import Message, MessageType

    return Message.objects.get(message_type=MessageType.INFLOW_NOTICE, person=arrival.person)
