"""Fixtures for the fund tests: an origin county's fund with a round open, officers, borrowers."""

import datetime

import pytest

from huiliu.accounts.models import Role
from huiliu.fund import actions
from tests import factories as f

OWNER = f.ORIGIN_COUNTY
GUARANTEE_VILLAGE = f.village(f.ORIGIN_COUNTY)
YUAN = 100


def days_ago(n: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=n)


@pytest.fixture
def officer(origin_county_officer):
    return origin_county_officer


@pytest.fixture
def approver(tree):
    """A second officer of the origin county: the one who approves write-offs."""
    return f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY, "origin-county-approver")


@pytest.fixture
def fund(officer):
    fund = actions.create_fund(acting_user=officer, name="章丘区幸福工程", owner_code=OWNER)
    actions.open_round(acting_user=officer, fund=fund, opened_on=days_ago(400))
    return fund


@pytest.fixture
def borrowers(officer):
    return [f.register_resident(officer, name=name, sex="F") for name in ("王秀英", "李桂兰", "张玉梅", "刘翠花")]


@pytest.fixture
def borrower(borrowers):
    return borrowers[0]


def lend(officer, fund, borrower, amount_fen, **options):
    """A loan with every required field filled in, today unless told otherwise."""
    fields = {"purpose": "养殖蛋鸡", "business_plan": "购鸡苗 300 只，鸡舍自建，预计一年后月收入 800 元。",
                  "guarantors": "李建国、王大山", "guarantee_village_code": GUARANTEE_VILLAGE,
                  "agreement_signed_on": options.get("disbursed_on", datetime.date.today()),
                  "screening_confirmed": [rule["code"] for rule in fund.screening_rules]}
    fields.update(options)
    return actions.grant_loan(acting_user=officer, fund=fund, borrower=borrower, amount_fen=amount_fen, **fields)


def donate(officer, fund, amount_fen, occurred_on=None):
    return actions.record_donation(acting_user=officer, fund=fund, amount_fen=amount_fen,
                                   occurred_on=occurred_on or datetime.date.today(), donor="中国人口福利基金会")
