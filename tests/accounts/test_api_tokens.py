"""API tokens over their life: used (and the use noted), listed, revoked one by one; disabled accounts re-enabled."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huiliu.accounts.actions import (
    TOKEN_USE_GRANULARITY,
    deactivate_user,
    issue_api_token,
    note_api_token_use,
    reactivate_user,
    revoke_api_token,
)
from huiliu.accounts.models import ApiToken
from huiliu.accounts.queries import find_api_token
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied


def _get(client, raw):
    return client.get("/api/persons", headers={"Authorization": f"Bearer {raw}"})


def test_a_request_with_a_token_notes_when_it_was_last_used(client, origin_village_worker):
    raw = issue_api_token(acting_user=origin_village_worker, user=origin_village_worker)
    assert ApiToken.objects.get().last_used_at is None

    assert _get(client, raw).status_code == 200

    used = ApiToken.objects.get().last_used_at
    assert used is not None
    assert abs(datetime.datetime.now(datetime.UTC) - used) < datetime.timedelta(minutes=1)


def test_a_token_used_again_within_the_minute_is_not_written_again(origin_village_worker):
    issue_api_token(acting_user=origin_village_worker, user=origin_village_worker)
    token = ApiToken.objects.get()
    first = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)

    note_api_token_use(token=token, now=first)
    note_api_token_use(token=token, now=first + TOKEN_USE_GRANULARITY / 2)
    assert ApiToken.objects.get().last_used_at == first
    note_api_token_use(token=token, now=first + TOKEN_USE_GRANULARITY)
    assert ApiToken.objects.get().last_used_at == first + TOKEN_USE_GRANULARITY


def test_a_revoked_token_no_longer_opens_the_api_and_the_others_still_do(client, origin_village_worker):
    kept = issue_api_token(acting_user=origin_village_worker, user=origin_village_worker, label="报表")
    dropped = issue_api_token(acting_user=origin_village_worker, user=origin_village_worker, label="旧脚本")

    revoke_api_token(acting_user=origin_village_worker, token=find_api_token(dropped))

    assert _get(client, dropped).status_code == 401
    assert _get(client, kept).status_code == 200
    assert AuditEvent.objects.filter(event="revoke_api_token").count() == 1


def test_an_officer_revokes_a_token_below_their_node_but_not_elsewhere(origin_county_officer, origin_village_worker,
                                                                        destination_village_worker):
    below = issue_api_token(acting_user=origin_village_worker, user=origin_village_worker)
    elsewhere = issue_api_token(acting_user=destination_village_worker, user=destination_village_worker)

    revoke_api_token(acting_user=origin_county_officer, token=find_api_token(below))
    with pytest.raises(PermissionDenied):
        revoke_api_token(acting_user=origin_county_officer, token=find_api_token(elsewhere))

    assert find_api_token(below) is None
    assert find_api_token(elsewhere) is not None


def test_a_reenabled_account_logs_in_again_with_a_new_password_and_its_old_tokens_stay_revoked(
        origin_county_officer, origin_village_worker):
    raw = issue_api_token(acting_user=origin_village_worker, user=origin_village_worker)
    deactivate_user(acting_user=origin_county_officer, user=origin_village_worker)

    reactivate_user(acting_user=origin_county_officer, user=origin_village_worker)

    origin_village_worker.refresh_from_db()
    assert origin_village_worker.is_active and origin_village_worker.must_change_password
    assert find_api_token(raw) is None
    assert AuditEvent.objects.filter(event="reactivate_user", object_id=str(origin_village_worker.pk)).exists()


def test_an_officer_cannot_reenable_an_account_outside_their_subtree(origin_county_officer,
                                                                     destination_village_worker):
    deactivate_user(acting_user=None, user=destination_village_worker)

    with pytest.raises(PermissionDenied):
        reactivate_user(acting_user=origin_county_officer, user=destination_village_worker)

    destination_village_worker.refresh_from_db()
    assert destination_village_worker.is_active is False


def test_the_api_tokens_command_lists_tokens_and_revokes_one_by_its_id(origin_village_worker):
    raw = issue_api_token(acting_user=origin_village_worker, user=origin_village_worker, label="报表脚本")
    token = find_api_token(raw)
    out = StringIO()

    call_command("api_tokens", origin_village_worker.username, stdout=out)
    assert str(token.pk) in out.getvalue() and "报表脚本" in out.getvalue() and "有效" in out.getvalue()
    assert token.key_hash not in out.getvalue()

    call_command("api_tokens", origin_village_worker.username, "--revoke", str(token.pk), stdout=StringIO())
    assert find_api_token(raw) is None
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("api_tokens", origin_village_worker.username, "--revoke", "not-a-token", stdout=StringIO())
