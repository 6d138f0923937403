"""Accounts: creating them under the password rules, changing passwords, disabling, API tokens."""

import hashlib

import pytest
from django.contrib.auth.hashers import identify_hasher

from huiliu.accounts.actions import change_password, create_user, deactivate_user, issue_api_token
from huiliu.accounts.models import ApiToken, Role, RoleAssignment, User
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from tests import factories as f


def create(username="zhangwei88", password=f.PASSWORD, role=Role.COUNTY_OFFICER, code=f.ORIGIN_COUNTY, acting_user=None,
           **kwargs):
    return create_user(acting_user=acting_user, username=username, display_name="张伟", password=password, role=role,
                       jurisdiction_code=code, **kwargs)


def test_no_account_exists_after_the_migrations(db):
    assert User.objects.count() == 0


def test_a_new_account_holds_one_role_and_a_temporary_password_stored_hashed(tree):
    user = create()

    assert user.must_change_password is True
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "jurisdiction_id")) == [
        (Role.COUNTY_OFFICER, f.ORIGIN_COUNTY)
    ]
    assert identify_hasher(user.password) is not None
    assert f.PASSWORD not in user.password
    assert user.check_password(f.PASSWORD)
    assert AuditEvent.objects.filter(event="create_user", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Ab1!xyz", "seven characters"),
        ("P@ssw0rd", "on the list of common passwords"),
        ("Password1!", "on the list of common passwords"),
        ("Zhangwei88!", "the username with a capital and a symbol"),
        ("qzvkrmtlwx4826", "lower-case letters and digits only"),
        ("QZVK-RMTL-WXJD", "upper-case letters and symbols only"),
    ],
)
def test_a_password_breaking_one_rule_is_refused(tree, password, why):
    with pytest.raises(ValidationFailed) as refused:
        create(password=password)

    assert list(refused.value.errors) == ["password"]
    assert len(refused.value.errors["password"]) == 1, refused.value.errors  # that one rule, and only it
    assert not User.objects.filter(username="zhangwei88").exists()


@pytest.mark.parametrize("password", ["73916482053", "password123", ""])
def test_all_digit_common_and_empty_passwords_are_refused(tree, password):
    with pytest.raises(ValidationFailed) as refused:
        create(password=password)

    assert "password" in refused.value.errors
    assert User.objects.count() == 0


def test_a_long_password_of_three_kinds_of_character_is_accepted(tree):
    assert create(password="lu-shan-yun-wu-2026").check_password("lu-shan-yun-wu-2026")


def test_a_taken_username_an_unknown_jurisdiction_and_a_role_at_the_wrong_level_are_refused(tree):
    create(username="taken")

    with pytest.raises(ValidationFailed) as refused:
        create(username="taken", code=370199000000)
    assert set(refused.value.errors) == {"username", "jurisdiction"}

    with pytest.raises(ValidationFailed) as refused:
        create(username="new", role=Role.PROVINCE_OFFICER, code=f.ORIGIN_COUNTY)
    assert set(refused.value.errors) == {"role"}


def test_an_officer_creates_accounts_inside_their_subtree_only(origin_county_officer):
    worker = create(username="worker", role=Role.VILLAGE_WORKER, code=f.village(f.ORIGIN_COUNTY),
                    acting_user=origin_county_officer)

    assert AuditEvent.objects.get(event="create_user", object_id=str(worker.pk)).user_id == origin_county_officer.pk
    with pytest.raises(PermissionDenied):
        create(username="elsewhere", role=Role.VILLAGE_WORKER, code=f.village(f.DESTINATION_COUNTY),
               acting_user=origin_county_officer)
    assert not User.objects.filter(username="elsewhere").exists()


def test_an_auditor_cannot_create_accounts(auditor):
    with pytest.raises(PermissionDenied):
        create(username="friend", role=Role.AUDITOR, code=370000000000, acting_user=auditor)


def test_changing_the_password_clears_the_temporary_flag_and_is_audited(tree):
    user = create()

    change_password(acting_user=user, old_password=f.PASSWORD, new_password="Tai-shan-2026!")

    user.refresh_from_db()
    assert user.check_password("Tai-shan-2026!")
    assert user.must_change_password is False
    assert AuditEvent.objects.filter(event="change_password", user_id=user.pk).exists()


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("wrong-Password-1", "Tai-shan-2026!", "old_password"), (f.PASSWORD, "P@ssw0rd", "new_password1"),
     (f.PASSWORD, "zhangwei88Z", "new_password1"), (f.PASSWORD, f.PASSWORD, "new_password1")],
)
def test_a_password_change_with_a_wrong_old_password_or_a_bad_or_same_new_one_is_refused(tree, old, new, field):
    user = create()

    with pytest.raises(ValidationFailed) as refused:
        change_password(acting_user=user, old_password=old, new_password=new)

    assert list(refused.value.errors) == [field]
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD) and user.must_change_password


def test_a_disabled_account_loses_its_api_tokens(origin_county_officer, destination_county_officer):
    raw = issue_api_token(acting_user=origin_county_officer, user=origin_county_officer)

    deactivate_user(acting_user=None, user=origin_county_officer)

    origin_county_officer.refresh_from_db()
    assert origin_county_officer.is_active is False
    assert ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest()).revoked_at is not None
    assert AuditEvent.objects.filter(event="deactivate_user", object_id=str(origin_county_officer.pk)).exists()


def test_an_officer_may_disable_accounts_of_their_subtree_only(origin_county_officer, origin_village_worker,
                                                                destination_village_worker):
    deactivate_user(acting_user=origin_county_officer, user=origin_village_worker)

    with pytest.raises(PermissionDenied):
        deactivate_user(acting_user=origin_county_officer, user=destination_village_worker)
    destination_village_worker.refresh_from_db()
    assert destination_village_worker.is_active is True


def test_an_api_token_is_returned_once_and_only_its_sha256_is_stored(origin_county_officer):
    raw = issue_api_token(acting_user=origin_county_officer, user=origin_county_officer, label="报表脚本")

    token = ApiToken.objects.get(user=origin_county_officer)
    assert raw.startswith("hl_") and len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(raw in value or raw[3:] in value for value in stored)
    assert token.expires_at is not None
    assert AuditEvent.objects.filter(event="issue_api_token", object_id=str(token.pk)).exists()


def test_nobody_issues_a_token_for_someone_else(origin_county_officer, destination_county_officer):
    with pytest.raises(PermissionDenied):
        issue_api_token(acting_user=origin_county_officer, user=destination_county_officer)
    assert not ApiToken.objects.exists()


def test_production_stores_passwords_with_a_slow_salted_hasher():
    # The tests swap in a fast hasher (conftest.py); the deployment must not.
    from django.conf import global_settings

    from huiliu import settings as production

    hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0].rsplit(".", 1)[1] in {"PBKDF2PasswordHasher", "Argon2PasswordHasher", "ScryptPasswordHasher",
                                            "BCryptSHA256PasswordHasher"}


@pytest.mark.parametrize("username", ["13812345678", "wang13812345678", "37011419900517002x"])
def test_a_username_holding_a_phone_or_id_number_is_refused_as_it_would_reach_every_audit_row(tree, username):
    with pytest.raises(ValidationFailed) as refused:
        create(username=username)

    assert list(refused.value.errors) == ["username"]


def test_a_username_with_a_division_code_in_it_is_not_mistaken_for_a_phone(db):
    from huiliu.jurisdictions.actions import load_divisions

    load_divisions(acting_user=None, rows=[(1, "130000000000", "河北省"), (2, "130102000000", "长安区")])

    assert create(username="county_officer-130102000000-1", code=130102000000).pk
