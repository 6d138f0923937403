"""Fixtures for the community tests: a migrant living at the destination, units, an agreement with a missed commitment."""

import datetime

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from huiliu.accounts.models import Role
from huiliu.community import actions
from huiliu.community.models import PartnerKind
from tests import factories as f

DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)
OTHER_TOWNSHIP = f.township(f.OTHER_DESTINATION_COUNTY)


def credit_code(body: str = "91440306MA5D12345") -> str:
    """A valid unified social credit code: 17 characters and their check character."""
    return body + uscc.calc_check_digit(body)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def migrant(destination_village_worker):
    """A person of the origin village living at the destination village."""
    return f.register_arrival(destination_village_worker, number=f.id_number(), name="李春梅").person


@pytest.fixture
def outsider(tree):
    """A township officer of another destination county."""
    return f.make_user(Role.TOWNSHIP_OFFICER, OTHER_TOWNSHIP, "other-township")


@pytest.fixture
def agreement(destination_township_officer, migrant):
    """Signed 20 days ago: one commitment due 15 days ago and never fulfilled (missed), one due in 10 days."""
    return actions.sign_service_agreement(
        acting_user=destination_township_officer, office_code=DESTINATION_TOWNSHIP, person=migrant,
        signed_on=days_ago(20), term_end=days_ago(20) + datetime.timedelta(days=365),
        office_obligations="同等提供免费服务\n保护个人信息", migrant_obligations="搬家或离开时告知",
        commitments=[{"description": "及时办理证明材料", "deadline": days_ago(15)},
                     {"description": "按承诺时限答复", "deadline": days_ago(-10)}])


@pytest.fixture
def factory(destination_township_officer):
    return actions.register_partner_unit(
        acting_user=destination_township_officer, kind=PartnerKind.EMPLOYER, name="宝安精密电子厂",
        jurisdiction_code=DESTINATION_VILLAGE, responsible_person="陈国栋", responsible_phone="13912345678",
        credit_code=credit_code(), address="宝安大道 88 号")


@pytest.fixture
def association(destination_township_officer):
    return actions.found_association(
        acting_user=destination_township_officer, name="宝安区第1镇流动人口计生协会", jurisdiction_code=DESTINATION_TOWNSHIP,
        founded_on=days_ago(400), charter="第一条 本会是流动人口自我管理、自我服务的群众组织。")


@pytest.fixture
def api_headers():
    def headers(user):
        from huiliu.accounts.actions import issue_api_token
        return {"Authorization": f"Bearer {issue_api_token(acting_user=None, user=user)}"}
    return headers
