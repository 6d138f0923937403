"""Fixtures for the people tests: logged-in clients, API tokens, and a few persons in known places."""

import datetime

import pytest

from huiliu.accounts.actions import issue_api_token
from huiliu.accounts.models import Role
from huiliu.people import actions
from tests import factories as f

ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)  # where origin_village_worker sits
ORIGIN_NEIGHBOUR_VILLAGE = f.village(f.ORIGIN_COUNTY, 2, 2)  # same county, other township
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)  # where destination_village_worker sits
DESTINATION_NEIGHBOUR_VILLAGE = f.village(f.DESTINATION_COUNTY, 2, 1)  # same county, other township
OTHER_DESTINATION_VILLAGE = f.village(f.OTHER_DESTINATION_COUNTY)


def days_ago(n: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=n)


@pytest.fixture
def bearer():
    """Authorization headers carrying a fresh API token of the user."""

    def bearer(user):
        return {"Authorization": f"Bearer {issue_api_token(acting_user=None, user=user)}"}

    return bearer


@pytest.fixture
def roleless_user(tree):
    """An account whose only role has been withdrawn: it holds an account and nothing else."""
    user = f.make_user(Role.VILLAGE_WORKER, ORIGIN_VILLAGE, "no-role")
    user.role_assignments.all().delete()
    return user


@pytest.fixture
def other_destination_village_worker(tree):
    return f.make_user(Role.VILLAGE_WORKER, OTHER_DESTINATION_VILLAGE, "other-dest-worker")


@pytest.fixture
def resident(origin_village_worker):
    """A person living at home in the origin village."""
    return f.register_resident(origin_village_worker, name="李桂兰", phone="13812345678")


@pytest.fixture
def leaver(origin_village_worker):
    """A person of the origin village whose departure the origin has registered (destination not yet known)."""
    person = f.register_resident(origin_village_worker, name="张建国")
    actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=days_ago(30),
                             reason="work")
    person.refresh_from_db()
    return person


@pytest.fixture
def arrival(destination_village_worker):
    """A person from the origin village who has arrived in the destination village (the origin registered nothing)."""
    migration = f.register_arrival(destination_village_worker, number=f.id_number(), name="刘洋")
    return migration


@pytest.fixture
def outsider(tree):
    """A person of another origin county, out of reach of the origin and destination workers."""
    officer = f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "other-origin-county")
    return f.register_resident(officer, county=f.OTHER_ORIGIN_COUNTY, name="赵外人",
                               id_number=f.id_number(f.OTHER_ORIGIN_COUNTY))
