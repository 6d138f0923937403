"""`huiliu create_user` and `huiliu create_api_token`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huiliu.accounts.models import Role, User
from huiliu.accounts.queries import find_user_by_api_token
from huiliu.audit.models import AuditEvent
from tests import factories as f


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def temporary_password(output: str) -> str:
    found = re.findall(r"[A-Za-z0-9_\-]{12}a1!", output)
    assert len(found) == 1, output
    return found[0]


def test_create_user_prints_a_temporary_password_that_must_be_changed_at_first_login(tree, client):
    output = run("create_user", "wangfang", "--name", "王芳", "--role", "county_officer",
                 "--jurisdiction", str(f.ORIGIN_COUNTY))
    password = temporary_password(output)

    user = User.objects.get(username="wangfang")
    assert user.must_change_password is True
    assert user.role_assignments.get().role == Role.COUNTY_OFFICER
    assert user.check_password(password)
    assert AuditEvent.objects.filter(event="create_user", object_id=str(user.pk), user_id=None).exists()
    response = client.post("/accounts/login/", {"username": "wangfang", "password": password})
    assert response.status_code == 302
    assert client.get("/").url == "/accounts/password/"


def test_each_temporary_password_is_new(tree):
    first = temporary_password(run("create_user", "a1", "--role", "auditor", "--jurisdiction", "370000000000"))
    second = temporary_password(run("create_user", "a2", "--role", "auditor", "--jurisdiction", "370000000000"))

    assert first != second


def test_create_user_accepts_a_six_digit_county_code(tree):
    run("create_user", "county", "--role", "county_officer", "--jurisdiction", "440306")

    assert User.objects.get(username="county").role_assignments.get().jurisdiction_id == f.DESTINATION_COUNTY


@pytest.mark.parametrize(
    "args",
    [
        ["taken", "--role", "county_officer", "--jurisdiction", "370114000000"],
        ["new", "--role", "county_officer", "--jurisdiction", "370115000000"],
        ["new", "--role", "province_officer", "--jurisdiction", "370114000000"],
        ["new", "--role", "county_officer", "--jurisdiction", "12345"],
    ],
)
def test_create_user_refuses_a_taken_name_an_unknown_place_or_a_role_at_the_wrong_level(tree, args):
    f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY, "taken")

    with pytest.raises(CommandError):
        run("create_user", *args)
    assert not User.objects.filter(username="new").exists()


def test_create_api_token_prints_a_token_that_finds_its_user(origin_county_officer):
    token = run("create_api_token", "origin-county", "--days", "7").strip()

    assert find_user_by_api_token(token) == origin_county_officer


def test_create_api_token_refuses_an_unknown_or_disabled_account(origin_county_officer):
    User.objects.filter(pk=origin_county_officer.pk).update(is_active=False)

    with pytest.raises(CommandError):
        run("create_api_token", "origin-county")
    with pytest.raises(CommandError):
        run("create_api_token", "nobody")
