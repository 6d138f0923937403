"""Fixtures for the registry's linkage: departures at the origin, arrivals at the destination, with known truth.

A departure and an arrival are registered through the people app's actions. An arrival whose
ID number was mistyped or left out (as old ledgers brought in as they were hold them, and as
the registration page would refuse) is written straight to the tables: the matcher must find it.
"""

import datetime

import pytest

from huiliu.people import actions as people_actions
from huiliu.people.models import InflowRegistration, Migration, MigrationStatus, Person
from tests import factories as f

ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)


def days_ago(n: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=n)


def depart(officer, *, name: str, born: datetime.date, sex: str = "F", departed: datetime.date | None = None,
           marital_status: str = "90", village: int = ORIGIN_VILLAGE) -> Migration:
    """A person registered at the origin village who has left (an open departure, no arrival)."""
    person = people_actions.register_person(
        acting_user=officer, id_number=f.id_number(f.ORIGIN_COUNTY, born, sex), name=name, household_code=village,
        marital_status=marital_status)
    return people_actions.register_outflow(acting_user=officer, person=person, departure_date=departed or days_ago(30),
                                           reason="work", village_contact="李主任")


def arrive_as_written(*, name: str, born: datetime.date, id_number: str, sex: str = "F",
                      household: int = ORIGIN_VILLAGE, marital_status: str = "90",
                      arrived: datetime.date | None = None) -> InflowRegistration:
    """An arrival at the destination of a person as the destination wrote them down, typos and all."""
    person = Person.objects.create(id_number=id_number, name=name, sex=sex, birth_date=born,
                                   household_jurisdiction_id=household, residence_jurisdiction_id=DESTINATION_VILLAGE,
                                   marital_status=marital_status)
    arrived = arrived or days_ago(10)
    move = Migration.objects.create(person=person, status=MigrationStatus.ARRIVED, origin_jurisdiction_id=household,
                                    destination_jurisdiction_id=DESTINATION_VILLAGE, started_on=arrived)
    return InflowRegistration.objects.create(migration=move, arrival_date=arrived,
                                             residence_jurisdiction_id=DESTINATION_VILLAGE, address="宝安大道 1 号",
                                             residence_type="rented", registration_date=arrived, declared_name=name)


def one_digit_off(number: str) -> str:
    """The ID number with its 15th digit (of the sequence) mistyped: the check digit then fails."""
    digit = str((int(number[14]) + 1) % 10)
    return number[:14] + digit + number[15:]


@pytest.fixture
def origin_officer(origin_township_officer):
    return origin_township_officer
