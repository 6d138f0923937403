"""Finding the user behind an API token: only live tokens of active accounts count."""

from datetime import UTC, datetime, timedelta

import pytest

from huiliu.accounts.actions import deactivate_user, issue_api_token
from huiliu.accounts.models import ApiToken
from huiliu.accounts.queries import find_user_by_api_token


@pytest.fixture
def token(origin_county_officer):
    return issue_api_token(acting_user=None, user=origin_county_officer, days=30)


def test_a_live_token_finds_its_user(token, origin_county_officer):
    assert find_user_by_api_token(token) == origin_county_officer


@pytest.mark.parametrize("raw", ["", "hl_not-a-token", None])
def test_an_unknown_or_empty_token_finds_nobody(token, raw):
    assert find_user_by_api_token(raw) is None


def test_a_token_differing_in_one_character_finds_nobody(token):
    assert find_user_by_api_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_an_expired_token_finds_nobody(token):
    ApiToken.objects.update(expires_at=datetime.now(UTC) - timedelta(seconds=1))

    assert find_user_by_api_token(token) is None


def test_a_revoked_token_finds_nobody(token):
    ApiToken.objects.update(revoked_at=datetime.now(UTC))

    assert find_user_by_api_token(token) is None


def test_a_token_of_a_disabled_account_finds_nobody(token, origin_county_officer):
    deactivate_user(acting_user=None, user=origin_county_officer)

    assert find_user_by_api_token(token) is None


def test_a_token_of_an_account_disabled_outside_the_action_finds_nobody(token, origin_county_officer):
    type(origin_county_officer).objects.filter(pk=origin_county_officer.pk).update(is_active=False)

    assert find_user_by_api_token(token) is None
