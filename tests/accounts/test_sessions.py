"""Session policy (SECURITY 12): an idle timeout of minutes and an absolute lifetime."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from huiliu.accounts.sessions import LOGIN_AT
from tests import factories as f

LOGIN = "/accounts/login/"


@pytest.fixture
def session_row(client, origin_county_officer, log_in):
    log_in(origin_county_officer)
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def set_login_time(client, seconds_ago: float) -> None:
    session = client.session
    session[LOGIN_AT] = time.time() - seconds_ago
    session.save()


def test_the_idle_timeout_is_minutes_not_weeks():
    assert 5 * 60 <= settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.HUILIU_SESSION_ABSOLUTE_SECONDS <= 12 * 3600


def test_a_new_session_expires_within_the_idle_timeout(session_row):
    assert session_row.expire_date <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)


def test_each_request_pushes_the_idle_expiry_forward(client, session_row):
    Session.objects.filter(pk=session_row.pk).update(expire_date=timezone.now() + timedelta(seconds=60))

    assert client.get("/people/").status_code == 200

    renewed = Session.objects.get(pk=session_row.pk).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_session_idle_past_its_timeout_no_longer_authenticates(client, session_row):
    Session.objects.filter(pk=session_row.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/people/")

    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_an_active_session_within_its_absolute_lifetime_keeps_working(client, session_row):
    set_login_time(client, settings.HUILIU_SESSION_ABSOLUTE_SECONDS - 60)

    assert client.get("/people/").status_code == 200


def test_a_session_older_than_its_absolute_lifetime_is_logged_out_however_active(client, session_row):
    set_login_time(client, settings.HUILIU_SESSION_ABSOLUTE_SECONDS + 1)

    response = client.get("/people/")

    assert response.status_code == 302 and response.url == LOGIN
    assert client.get("/").context["user"].is_authenticated is False
    assert not Session.objects.filter(pk=session_row.pk).exists()


def test_a_session_without_a_login_time_is_logged_out(client, origin_county_officer):
    client.force_login(origin_county_officer)
    session = client.session
    del session[LOGIN_AT]  # a session from before the policy, or forged without its login time
    session.save()

    response = client.get("/people/")

    assert response.status_code == 302 and response.url == LOGIN
    assert client.get("/people/").status_code == 302


def test_the_session_cookie_is_not_readable_by_scripts_and_ends_with_the_browser(client, origin_county_officer):
    response = client.post(LOGIN, {"username": "origin-county", "password": f.PASSWORD})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_every_way_of_logging_in_stamps_the_login_time(client, origin_county_officer):
    client.force_login(origin_county_officer)

    assert abs(client.session[LOGIN_AT] - time.time()) < 60
    assert client.get("/people/").status_code == 200
