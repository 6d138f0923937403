import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash a password at every account and login; production's hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def log_in(client):
    """Log a user in through the real login page (so the session carries its login time)."""

    def log_in(user, password=f.PASSWORD):
        response = client.post("/accounts/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, "login refused"
        return client

    return log_in
