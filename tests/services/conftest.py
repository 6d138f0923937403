"""Fixtures for the services tests: an arrived person, health workers on both sides, a token for the API."""

import datetime

import pytest

from huiliu.accounts.models import Role
from tests import factories as f

ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)
TODAY = datetime.date.today()


@pytest.fixture
def arrival(destination_village_worker):
    """A person of the origin village registered as arrived in the destination village."""
    return f.register_arrival(destination_village_worker, number=f.id_number(), name="刘洋")


@pytest.fixture
def arrived_person(arrival):
    return arrival.person


@pytest.fixture
def destination_health_worker(tree):
    return f.make_user(Role.HEALTH_WORKER, DESTINATION_VILLAGE, "dest-health")


@pytest.fixture
def origin_health_worker(tree):
    return f.make_user(Role.HEALTH_WORKER, ORIGIN_TOWNSHIP, "origin-health")


@pytest.fixture
def consent() -> dict:
    """The person's informed consent, as the record form takes it."""
    return {"consent_given": True, "consent_way": "signed", "consent_on": TODAY}


@pytest.fixture
def checkup(destination_village_worker, arrived_person, consent):
    """A check-up recorded at the destination village, with a result only health workers see."""
    from huiliu.services import actions

    return actions.record_service(
        acting_user=destination_village_worker, person=arrived_person, service_type="health_checkup",
        service_date=TODAY, provider="宝安区妇幼保健院", outcome="未见异常", **consent)


@pytest.fixture
def bearer():
    from huiliu.accounts.actions import issue_api_token

    def bearer(user):
        return {"Authorization": f"Bearer {issue_api_token(acting_user=None, user=user)}"}

    return bearer
