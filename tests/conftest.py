import os

import pytest
from hypothesis import settings as hypothesis_settings

from huiliu.accounts.models import Role

from . import factories as f

# Locally every run explores new examples; on CI the same ones, so a submission's
# verdict does not depend on luck. A failure found locally is kept in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash a password at every account and login; production's hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def log_in(client):
    """Log a user in through the real login page; returns the logged-in test client."""

    def log_in(user, password=f.PASSWORD):
        response = client.post("/accounts/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, "login refused"
        return client

    return log_in


@pytest.fixture
def tree(db):
    f.build_tree()


@pytest.fixture
def origin_village_worker(tree):
    return f.make_user(Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY), "origin-worker")


@pytest.fixture
def origin_county_officer(tree):
    return f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY, "origin-county")


@pytest.fixture
def origin_township_officer(tree):
    """An officer of the origin village's township: the household township of the factories' default person."""
    return f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY), "origin-township")


@pytest.fixture
def destination_village_worker(tree):
    return f.make_user(Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY), "dest-worker")


@pytest.fixture
def destination_county_officer(tree):
    return f.make_user(Role.COUNTY_OFFICER, f.DESTINATION_COUNTY, "dest-county")


@pytest.fixture
def destination_township_officer(tree):
    """An officer of the destination village's township."""
    return f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.DESTINATION_COUNTY), "dest-township")


@pytest.fixture
def auditor(tree):
    return f.make_user(Role.AUDITOR, 370000000000, "auditor")
