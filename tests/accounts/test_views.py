"""Logging in and out through the pages: lockout, temporary passwords, disabled accounts, session keys."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.utils import timezone

from huiliu.accounts.actions import create_user, deactivate_user
from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from tests import factories as f

LOGIN = "/accounts/login/"
WRONG = "Wrong-password-1"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def audit_table_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT username, object_id, detail FROM audit_auditevent")
        return repr(cursor.fetchall())


@pytest.fixture
def temporary_user(tree):
    return create_user(acting_user=None, username="newcomer", display_name="新同事", password=f.PASSWORD,
                       role=Role.VILLAGE_WORKER, jurisdiction_code=f.village(f.ORIGIN_COUNTY))


# --- The login page ---------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, "/"])
def test_the_login_page_and_the_anonymous_home_page_ask_for_username_and_password(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    assert {"username", "password"} <= set(response.context["form"].fields)
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="username"', html)
    assert re.search(r'<input[^>]*type="password"[^>]*name="password"|<input[^>]*name="password"[^>]*type="password"', html)


def test_the_right_password_logs_in_and_lands_on_the_home_page(client, origin_county_officer):
    response = attempt(client, "origin-county", f.PASSWORD)

    assert response.status_code == 302 and response.url == "/"
    assert is_logged_in(client)
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event="login", user_id=origin_county_officer.pk).count() == 1


def test_login_never_redirects_to_another_site(client, origin_county_officer):
    response = client.post(f"{LOGIN}?next=https://evil.example/", {"username": "origin-county", "password": f.PASSWORD,
                                                                    "next": "https://evil.example/"})

    assert response.status_code == 302
    assert "evil.example" not in response.url


# --- Failed logins and lockout (SECURITY 8) ------------------------------------


def test_each_failed_login_is_refused_and_audited_without_the_password(client, origin_county_officer):
    response = attempt(client, "origin-county", WRONG)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_logged_in(client)
    failed = AuditEvent.objects.get(event="login_failed")
    assert (failed.username, failed.outcome, failed.client_address) == ("origin-county", "failed", "127.0.0.1")
    assert WRONG not in audit_table_text()


def test_a_failed_login_of_an_unknown_name_is_audited_too(client, db):
    attempt(client, "no-such-user", WRONG)

    assert AuditEvent.objects.filter(event="login_failed", username="no-such-user", user_id=None).exists()


def test_five_failed_logins_lock_the_account_even_against_the_right_password(client, origin_county_officer):
    for _ in range(4):
        assert attempt(client, "origin-county", WRONG).status_code == 200
    fifth = attempt(client, "origin-county", WRONG)
    assert not AuditEvent.objects.filter(event="login").exists()

    sixth = attempt(client, "origin-county", f.PASSWORD)

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in sixth.templates]
    assert not is_logged_in(client)
    assert AuditEvent.objects.filter(event="login_failed", username="origin-county").count() >= 5
    lockout = AuditEvent.objects.filter(event="lockout").order_by("id").first()
    assert (lockout.username, lockout.outcome) == ("origin-county", "denied")
    assert WRONG not in audit_table_text() and f.PASSWORD not in audit_table_text()
    assert not any(WRONG in a.post_data for a in AccessAttempt.objects.all())


def test_a_lockout_holds_one_account_not_everyone_behind_the_same_office_address(client, origin_county_officer,
                                                                                  destination_county_officer):
    for _ in range(5):
        attempt(client, "origin-county", WRONG)

    assert attempt(client, "dest-county", f.PASSWORD).status_code == 302


def test_a_lockout_ends_after_its_cool_off_time(client, origin_county_officer):
    for _ in range(5):
        attempt(client, "origin-county", WRONG)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))

    assert attempt(client, "origin-county", f.PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count_of_failures(client, origin_county_officer):
    for _ in range(4):
        attempt(client, "origin-county", WRONG)
    assert attempt(client, "origin-county", f.PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _ in range(4):
        assert attempt(client, "origin-county", WRONG).status_code == 200
    assert attempt(client, "origin-county", f.PASSWORD).status_code == 302


# --- Temporary passwords (SECURITY 11) --------------------------------------------


@pytest.mark.parametrize("url", ["/", "/people/", "/audit/", "/arrivals/new/"])
def test_a_user_with_a_temporary_password_is_sent_to_change_it_from_any_page(client, temporary_user, url):
    assert attempt(client, "newcomer", f.PASSWORD).status_code == 302

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == "/accounts/password/"


def test_after_changing_the_temporary_password_the_user_reaches_the_home_page(client, temporary_user):
    attempt(client, "newcomer", f.PASSWORD)
    assert client.get("/accounts/password/").status_code == 200

    response = client.post("/accounts/password/", {"old_password": f.PASSWORD, "new_password1": "Qian-fo-shan-88",
                                                   "new_password2": "Qian-fo-shan-88"})

    assert response.status_code == 302
    temporary_user.refresh_from_db()
    assert temporary_user.must_change_password is False
    assert temporary_user.check_password("Qian-fo-shan-88")
    assert is_logged_in(client)
    assert client.get("/").status_code == 200
    assert client.get("/people/").status_code == 200


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [(WRONG, "Qian-fo-shan-88", "Qian-fo-shan-88", "old_password"),
     (f.PASSWORD, "P@ssw0rd", "P@ssw0rd", "new_password1"),
     (f.PASSWORD, "Qian-fo-shan-88", "Qian-fo-shan-89", "new_password2")],
)
def test_a_refused_password_change_keeps_the_user_on_the_password_page(client, temporary_user, old, new1, new2, field):
    attempt(client, "newcomer", f.PASSWORD)

    response = client.post("/accounts/password/", {"old_password": old, "new_password1": new1, "new_password2": new2})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    temporary_user.refresh_from_db()
    assert temporary_user.must_change_password is True
    assert client.get("/").url == "/accounts/password/"


# --- Disabled accounts (SECURITY 11) ------------------------------------------------


def test_a_disabled_account_loses_its_session_and_cannot_log_in_again(client, origin_county_officer, log_in):
    log_in(origin_county_officer)
    assert client.get("/people/").status_code == 200

    deactivate_user(acting_user=None, user=origin_county_officer)

    after = client.get("/people/")
    assert after.status_code == 302 and after.url.startswith(LOGIN)
    assert client.get("/").context["user"].is_authenticated is False
    again = attempt(client, "origin-county", f.PASSWORD)
    assert again.status_code == 200
    assert again.context["form"].errors
    assert client.get("/people/").status_code == 302
    assert AuditEvent.objects.filter(event="login_failed", username="origin-county").exists()


# --- Session keys (SECURITY 13) ----------------------------------------------------------


def test_login_rotates_the_session_key(client, origin_county_officer):
    before = client.session  # an anonymous session that carries something
    before["probe"] = "anonymous"
    before.save()
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    attempt(client, "origin-county", f.PASSWORD)

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert is_logged_in(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert client.get("/people/").status_code == 302


def test_after_logout_the_old_session_cookie_no_longer_works(client, origin_county_officer, log_in):
    log_in(origin_county_officer)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="logout", user_id=origin_county_officer.pk).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    after = client.get("/people/")
    assert after.status_code == 302 and after.url.startswith(LOGIN)


def test_logout_by_get_is_not_allowed(client, origin_county_officer, log_in):
    log_in(origin_county_officer)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/people/").status_code == 200
