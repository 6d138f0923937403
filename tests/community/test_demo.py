"""The demo's community work: made through the actions, and the office page shows its missed commitments."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from huiliu.community import queries
from huiliu.community.models import PartnerUnit, ServiceAgreement
from huiliu.demo.actions import load_demo


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_township_has_units_an_association_and_a_missed_commitment():
    today = datetime.date.today()
    counts = load_demo(persons=500, seed=7, today=today).counts
    assert counts["partner_units"] == PartnerUnit.objects.count() == 3
    assert counts["service_agreements"] == ServiceAgreement.objects.count() == 4
    assert counts["association_members"] == 15 and counts["pairings"] == 1
    officer = get_user_model().objects.get(username="dest-township")
    township = officer.role_assignments.get().jurisdiction_id
    overview = queries.office_overview(user=officer, office_code=township, today=today)
    assert len(overview["missed"]) == 4
    assert sum(1 for c in overview["missed"] if c.fulfilled_on is None) == 2
    assert list(PartnerUnit.objects.filter(credit_code="").values_list("kind", flat=True)) == ["landlord"]
