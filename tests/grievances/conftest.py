"""Fixtures for the grievance tests: places, the offices that own them, and ways to file."""

import datetime

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.grievances import actions
from tests import factories as f

DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)  # destination_village_worker sits here
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)  # destination_township_officer sits here: the owner unit
NEIGHBOUR_TOWNSHIP = f.township(f.DESTINATION_COUNTY, 2)  # same county, another township
NEIGHBOUR_VILLAGE = f.village(f.DESTINATION_COUNTY, 2, 1)
COMPLAINT_TEXT = "宝安区第1镇某工地拖欠工资三个月，老板不接电话。"
PHONE = "13912345678"
NAME = "刘春生"


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def file_public(**overrides):
    """A complaint sent by a member of the public about the destination village."""
    fields = {"kind": "complaint", "topic": "wages_owed", "place_code": DESTINATION_VILLAGE, "text": COMPLAINT_TEXT,
              "name": NAME, "phone": PHONE}
    fields.update(overrides)
    return actions.file_grievance(acting_user=None, **fields)


@pytest.fixture
def filed(tree):
    """A complaint just filed on the public page, with its check code."""
    return file_public()


@pytest.fixture
def grievance(filed):
    return filed.grievance


@pytest.fixture
def neighbour_township_officer(tree):
    """An officer of another township of the same county: an unrelated unit."""
    return f.make_user(Role.TOWNSHIP_OFFICER, NEIGHBOUR_TOWNSHIP, "neighbour-township")


@pytest.fixture
def neighbour_village_worker(tree):
    return f.make_user(Role.VILLAGE_WORKER, NEIGHBOUR_VILLAGE, "neighbour-village")
