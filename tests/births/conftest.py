"""Fixtures for the birth registration tests: places, a family's declaration, and a way to file it."""

import datetime
import re

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.births import actions
from tests import factories as f

ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)  # the household place; origin_village_worker sits here
ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)  # where the family lives; destination_village_worker sits here
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)
DESTINATION_NEIGHBOUR_VILLAGE = f.village(f.DESTINATION_COUNTY, 2, 1)  # same county, other township
OTHER_DESTINATION_VILLAGE = f.village(f.OTHER_DESTINATION_COUNTY)

CJK = re.compile(r"[\u4e00-\u9fff]")
RAW_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def days_from_today(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def declaration(**overrides) -> dict:
    """What a family living in the destination village, with its household in the origin village, declares."""
    fields = {
        "filed_at": "residence", "jurisdiction_code": None,
        "mother_name": "王秀英", "mother_id_number": f.id_number(f.ORIGIN_COUNTY),
        "father_name": "张建国", "father_id_number": f.id_number(f.ORIGIN_COUNTY, sex="M"),
        "marital_status": "21", "household_code": ORIGIN_VILLAGE, "residence_code": DESTINATION_VILLAGE,
        "residence_address": "宝安大道 100 号 3 栋 502", "phone": "13812345678", "existing_children": 0,
        "expected_birth_date": days_from_today(90), "birth_date": None,
    }
    fields.update(overrides)
    return fields


def file_online(**overrides):
    """A registration the family files itself on the public page."""
    return actions.file_birth_registration(acting_user=None, channel="online", **declaration(**overrides))


def file_by(worker, **overrides):
    return actions.file_birth_registration(acting_user=worker, channel="worker", **declaration(**overrides))


@pytest.fixture
def registration(tree):
    """A family's own filing at its place of residence (the destination village), not yet confirmed."""
    return file_online()


@pytest.fixture
def neighbour_village_worker(tree):
    """A worker of the same destination county, in another township: no reach over the family's village."""
    return f.make_user(Role.VILLAGE_WORKER, DESTINATION_NEIGHBOUR_VILLAGE, "dest-neighbour")


@pytest.fixture
def destination_auditor(tree):
    return f.make_user(Role.AUDITOR, f.DESTINATION_COUNTY, "dest-auditor")


@pytest.fixture(autouse=True)
def own_signing_key(settings, tmp_path):
    """Vouchers are signed with a key made for the test, never with the working copy's var/signing_key.pem."""
    from huiliu.core import signing

    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    yield
    signing._keys.pop(str(tmp_path / "signing_key.pem"), None)
