"""Builders for test data: a small real division tree, users with roles, valid ID numbers.

Everything goes through the real actions, so tests exercise the same paths users do.
"""

import datetime
import itertools

from huiliu.accounts.actions import create_user
from huiliu.accounts.models import Role, RoleAssignment
from huiliu.core.identity import make_id_number
from huiliu.jurisdictions.actions import load_divisions
from huiliu.people import actions as people_actions

# Two real counties that send (Shandong, Henan) and two that receive (Guangdong, Zhejiang).
ORIGIN_COUNTY = 370114000000  # 山东省 济南市 章丘区
OTHER_ORIGIN_COUNTY = 411381000000  # 河南省 南阳市 邓州市
DESTINATION_COUNTY = 440306000000  # 广东省 深圳市 宝安区
OTHER_DESTINATION_COUNTY = 330106000000  # 浙江省 杭州市 西湖区

PASSWORD = "Huiliu-test-2026"
_sequence = itertools.count(1)


def village(county: int, township: int = 1, village_no: int = 1) -> int:
    return county + township * 1000 + village_no


def township(county: int, township_no: int = 1) -> int:
    return county + township_no * 1000


def build_tree() -> None:
    """Load provinces, cities and the four counties, each with two townships of two villages."""
    rows = []
    names = {
        370000000000: "山东省", 370100000000: "济南市", ORIGIN_COUNTY: "章丘区",
        410000000000: "河南省", 411300000000: "南阳市", OTHER_ORIGIN_COUNTY: "邓州市",
        440000000000: "广东省", 440300000000: "深圳市", DESTINATION_COUNTY: "宝安区",
        330000000000: "浙江省", 330100000000: "杭州市", OTHER_DESTINATION_COUNTY: "西湖区",
    }
    for county in (ORIGIN_COUNTY, OTHER_ORIGIN_COUNTY, DESTINATION_COUNTY, OTHER_DESTINATION_COUNTY):
        for t in (1, 2):
            names[township(county, t)] = f"{names[county]}第{t}镇"
            for v in (1, 2):
                names[village(county, t, v)] = f"{names[county]}第{t}镇第{v}村"
    for line, (code, name) in enumerate(sorted(names.items()), 1):
        rows.append((line, f"{code:012d}", name))
    load_divisions(acting_user=None, rows=rows)


def make_user(role: Role, code: int, username: str | None = None):
    """An account with one role at one jurisdiction, password already changed."""
    username = username or f"{role.value}-{code}-{next(_sequence)}"
    return create_user(acting_user=None, username=username, display_name=username, password=PASSWORD,
                       role=role, jurisdiction_code=code, must_change_password=False)


def add_role(user, role: Role, code: int) -> None:
    RoleAssignment.objects.create(user=user, role=role, jurisdiction_id=code)
    for cached in ("_huiliu_assignments", "_office_code"):
        user.__dict__.pop(cached, None)


def id_number(county: int = ORIGIN_COUNTY, born: datetime.date = datetime.date(1990, 5, 17), sex: str = "F") -> str:
    return make_id_number(f"{county:012d}"[:6], born, next(_sequence), sex)


def register_resident(officer, *, county: int = ORIGIN_COUNTY, name: str = "王秀英", **fields):
    """A person registered at a village of `county` by `officer` (who must hold that village in scope)."""
    fields.setdefault("id_number", id_number(county))
    fields.setdefault("household_code", village(county))
    return people_actions.register_person(acting_user=officer, name=name, **fields)


def register_arrival(officer, *, number: str, county: int = DESTINATION_COUNTY, name: str | None = None,
                     arrival_date: datetime.date | None = None, **fields):
    """An arrival registered at a village of `county` by `officer`."""
    fields.setdefault("household_code", village(ORIGIN_COUNTY))
    name = name or registered_name(number) or "王秀英"
    return people_actions.register_inflow(
        acting_user=officer, id_number=number, name=name,
        arrival_date=arrival_date or datetime.date.today() - datetime.timedelta(days=3),
        residence_code=fields.pop("residence_code", village(county)), address="宝安大道 100 号 3 栋 502",
        residence_type="rented", **fields,
    )


def registered_name(number: str) -> str | None:
    """The name on record for an ID number: what the person's card says."""
    from huiliu.people.models import Person

    return Person.objects.filter(id_number=number.upper()).values_list("name", flat=True).first()
