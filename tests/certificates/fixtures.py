"""Fixtures for the certificate tests: a family at home, an arrival, a certificate, and officers only these tests use.

The township officers of both sides are shared, in tests/conftest.py. These are imported by name into each test
module (not a conftest.py, which the verification tests of this folder may bring).
"""

import datetime

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.certificates import actions
from huiliu.people import actions as people
from tests import factories as f

ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)
ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)  # household township of the factories' default person
OTHER_ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY, 2)  # same county, another township
DESTINATION_VILLAGE = f.village(f.DESTINATION_COUNTY)
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)


@pytest.fixture
def other_origin_township_officer(tree):
    """An officer of the same county's other township: not the person's household township."""
    return f.make_user(Role.TOWNSHIP_OFFICER, OTHER_ORIGIN_TOWNSHIP, "other-origin-township")


@pytest.fixture
def outsider_officer(tree):
    """A county officer of another origin county: neither side of anything here."""
    return f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "outsider-county")


@pytest.fixture
def family(origin_village_worker):
    """A married woman living at home in the origin village, with one child."""
    person = f.register_resident(origin_village_worker, name="王秀英", marital_status="21", spouse_name="张建国",
                                 spouse_id_number=f.id_number(sex="M"), household_address="明水街道 8 号")
    people.record_child(acting_user=origin_village_worker, person=person, sex="M", name="张小明",
                        birth_date=datetime.date(2015, 3, 9))
    person.refresh_from_db()
    return person


@pytest.fixture
def arrived(destination_village_worker):
    """A person of the origin village who now lives in the destination village."""
    migration = f.register_arrival(destination_village_worker, number=f.id_number(), name="刘洋")
    return migration.person


@pytest.fixture
def certificate(family, origin_township_officer):
    return actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person")


@pytest.fixture
def application(arrived, destination_village_worker):
    """A proxy application that the destination village recorded for the arrived person."""
    return actions.apply_by_proxy(acting_user=destination_village_worker, person=arrived, purpose="办理居住证")


def days_ago(application, days: int):
    """Move an application's time of applying some days into the past."""
    from huiliu.certificates.models import ProxyApplication

    ProxyApplication.objects.filter(pk=application.pk).update(
        applied_at=timezone.now() - datetime.timedelta(days=days))
    application.refresh_from_db()
    return application


@pytest.fixture
def own_signing_key(settings, tmp_path):
    """A signing key of this test's own, so QR codes sign and verify without touching var/."""
    from huiliu.core import signing

    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    signing._keys.clear()
    yield
    signing._keys.clear()
