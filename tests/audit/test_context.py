"""The client address the audit trail and the public rate limits see: believed from trusted proxies only."""

import pytest

from huiliu.audit.context import client_of

PROXY = "10.0.0.5"


@pytest.fixture
def behind_a_proxy(settings):
    settings.HUILIU_TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.HUILIU_TRUSTED_PROXIES = []
    assert client_of({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client_it_forwards_for(behind_a_proxy):
    assert client_of({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}) == "198.51.100.7"


def test_a_client_cannot_choose_its_address_by_sending_the_header_itself(behind_a_proxy):
    # The client sent "1.2.3.4"; the proxy appended the address it really saw.
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7"}
    assert client_of(meta) == "198.51.100.7"


def test_chained_trusted_proxies_are_skipped(behind_a_proxy):
    assert client_of({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "2001:db8::1, 10.0.0.9"}) == "2001:db8::1"


def test_an_untrusted_peer_is_the_client_whatever_it_says(behind_a_proxy):
    assert client_of({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}) == "203.0.113.9"


def test_a_garbled_header_from_a_trusted_proxy_falls_back_to_the_proxy(behind_a_proxy):
    assert client_of({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}) == PROXY
    assert client_of({"REMOTE_ADDR": PROXY}) == PROXY


def test_the_audit_row_of_a_request_through_the_proxy_names_the_client(behind_a_proxy, client, db):
    from huiliu.audit.models import AuditEvent

    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditEvent.objects.filter(client_address="198.51.100.7").exists()
