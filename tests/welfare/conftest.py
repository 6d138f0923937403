"""Fixtures for the welfare tests: programmes of the origin county, a resident, a migrant living at the destination."""

import pytest

from huiliu.accounts.models import Role
from huiliu.welfare import actions
from huiliu.welfare.models import ProgrammeKind
from tests import factories as f

ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)
REWARD_FEN = 96_000  # 960 yuan a year


@pytest.fixture
def reward(origin_county_officer):
    return actions.create_programme(acting_user=origin_county_officer, kind=ProgrammeKind.REWARD,
                                    name="农村部分计划生育家庭奖励扶助", owner_code=f.ORIGIN_COUNTY,
                                    amount_fen=REWARD_FEN,
                                    eligibility_rules=[{"rule": "age_range", "min": 18},
                                                       {"rule": "household_in_owner_area"}])


@pytest.fixture
def special(origin_county_officer):
    return actions.create_programme(acting_user=origin_county_officer, kind=ProgrammeKind.SPECIAL_ASSISTANCE,
                                    name="计划生育特别扶助", owner_code=f.ORIGIN_COUNTY, amount_fen=540_000)


@pytest.fixture
def resident(origin_village_worker):
    """A person registered and living at the origin village."""
    return f.register_resident(origin_village_worker, name="张桂兰")


@pytest.fixture
def migrant(destination_village_worker):
    """A person of the origin village living at the destination village."""
    return f.register_arrival(destination_village_worker, number=f.id_number(), name="李春梅").person


@pytest.fixture
def outsider_county_officer(tree):
    return f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "other-county")


@pytest.fixture
def outsider_village_worker(tree):
    return f.make_user(Role.VILLAGE_WORKER, f.village(f.OTHER_ORIGIN_COUNTY), "other-worker")


@pytest.fixture
def application(reward, resident, origin_village_worker):
    return actions.apply_for_benefit(acting_user=origin_village_worker, programme=reward, person=resident)


@pytest.fixture
def reviewed(application, origin_township_officer):
    return actions.review_application(acting_user=origin_township_officer, application=application)
