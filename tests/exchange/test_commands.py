"""The operator's commands: `huiliu exchange_key`, `exchange_peer`, `exchange_push` and `exchange_status`."""

import base64
import datetime
import re
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.utils import timezone

from huiliu.audit.models import AuditEvent
from huiliu.core import signing
from huiliu.core.errors import ValidationFailed
from huiliu.exchange import actions, federation, queries
from huiliu.exchange.models import OutboxEntry, Peer
from huiliu.people import actions as people
from tests import factories as f


@pytest.fixture(autouse=True)
def origin_deployment(settings, tmp_path):
    settings.HUILIU_DEPLOYMENT = "origin"
    settings.HUILIU_EXCHANGE_PREFIXES = "37"
    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "keys" / "signing_key.pem"


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def new_key_text() -> str:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                 serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def test_exchange_key_creates_the_key_once_and_prints_the_public_half(settings):
    printed = run("exchange_key").strip()
    signing._keys.clear()

    assert run("exchange_key").strip() == printed == signing.public_key_text()
    assert len(base64.b64decode(printed)) == 32
    assert settings.HUILIU_SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600


def test_exchange_peer_adds_lists_replaces_and_disables_a_peer(db):
    key = new_key_text()
    run("exchange_peer", "add", "dest", "http://127.0.0.1:8001", key, "--prefixes", "44,4403")
    run("exchange_peer", "add", "hub", "https://hub.example/", new_key_text(), "--hub")

    listing = run("exchange_peer", "list")
    assert "dest  http://127.0.0.1:8001  44,4403" in listing and key in listing
    assert "hub  https://hub.example" in listing
    assert Peer.objects.get(name="hub").is_hub

    run("exchange_peer", "add", "dest", "http://127.0.0.1:8002", key, "--prefixes", "44")
    assert Peer.objects.get(name="dest").base_url == "http://127.0.0.1:8002"

    run("exchange_peer", "disable", "dest")
    assert not Peer.objects.get(name="dest").active
    assert [e.event for e in AuditEvent.objects.filter(object_type="peer").order_by("id")] == [
        "add_peer", "add_peer", "update_peer", "disable_peer"]


@pytest.mark.parametrize(("args", "field"), [
    (["dest", "http://127.0.0.1:8001", "AAAA", "--prefixes", "44"], "public_key"),
    (["dest", "127.0.0.1:8001", None, "--prefixes", "44"], "base_url"),
    (["dest", "http://127.0.0.1:8001", None, "--prefixes", "广东"], "prefixes"),
    (["dest", "http://127.0.0.1:8001", None], "prefixes"),
])
def test_exchange_peer_add_refuses_a_bad_field_with_the_actions_message_for_it(db, args, field):
    args = [a if a is not None else new_key_text() for a in args]
    name, url, key, *options = args
    with pytest.raises(ValidationFailed) as refused:
        actions.add_peer(acting_user=None, name=name, base_url=url, public_key=key,
                         prefixes=options[1] if options else "")

    with pytest.raises(CommandError) as failed:
        run("exchange_peer", "add", *args)

    assert str(failed.value) == refused.value.errors[field][0]
    assert not Peer.objects.exists()


def test_exchange_peer_disable_names_an_unknown_peer(db):
    with pytest.raises(CommandError, match="nobody"):
        run("exchange_peer", "disable", "nobody")


@pytest.fixture
def queued(origin_village_worker):
    """An outflow notice waiting for the destination's peer."""
    call_command("exchange_peer", "add", "dest", "http://dest.example:8000", new_key_text(), "--prefixes", "44",
                 stdout=StringIO())
    person = f.register_resident(origin_village_worker, name="张建国")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today(), destination_code=f.village(f.DESTINATION_COUNTY))
    return OutboxEntry.objects.get()


def test_exchange_push_reports_each_delivery_and_the_totals(queued, monkeypatch):
    monkeypatch.setattr(federation, "transport", lambda url, body, headers: (200, b"{}"))

    output = run("exchange_push")

    assert str(queued.message_id) in output and "dest" in output
    assert numbers(output.strip().splitlines()[-1]) == [1, 0]  # delivered, failed
    assert numbers(run("exchange_push")) == [0, 0]
    queued.refresh_from_db()
    assert queued.delivered_at is not None


def test_exchange_push_reports_a_failure_with_its_reason_and_the_next_attempt(queued, monkeypatch):
    monkeypatch.setattr(federation, "transport", lambda url, body, headers: (503, b"down for maintenance"))

    output = run("exchange_push")

    assert "503" in output and "down for maintenance" in output
    queued.refresh_from_db()
    assert timezone.localtime(queued.next_attempt_at).strftime("%H:%M:%S") in output
    assert run("exchange_push").count(str(queued.message_id)) == 0  # not due yet
    assert run("exchange_push", "--ignore-backoff").count(str(queued.message_id)) == 1


def test_exchange_push_loop_keeps_pushing_until_stopped(queued, monkeypatch):
    sent = []
    monkeypatch.setattr(federation, "transport", lambda url, body, headers: sent.append(url) or (200, b"{}"))
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("huiliu.exchange.management.commands.exchange_push.time.sleep", sleep)

    run("exchange_push", "--loop", "--interval", "5")

    assert rounds == [5, 5]
    assert sent == ["http://dest.example:8000/exchange/peer/inbox"]


def test_exchange_status_shows_this_deployment_and_the_queue_per_peer(queued, monkeypatch):
    monkeypatch.setattr(federation, "transport", lambda url, body, headers: (500, b'{"detail": "oops"}'))
    run("exchange_push")

    output = run("exchange_status")

    assert "origin" in output and "37" in output and signing.public_key_text() in output
    [peer_line] = [line for line in output.splitlines() if line.startswith("dest ")]
    assert "http://dest.example:8000" in peer_line and "44" in peer_line
    counts, error = output.split(peer_line, 1)[1].strip().splitlines()[:2]
    oldest = timezone.localtime(queued.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert oldest in counts
    assert numbers(counts.replace(oldest, "")) == [1, 0, 1]  # waiting, delivered, most attempts
    assert "oops" in error


def test_exchange_status_counts_delivered_and_lists_what_has_no_route(queued, monkeypatch):
    monkeypatch.setattr(federation, "transport", lambda url, body, headers: (200, b"{}"))
    run("exchange_push")
    run("exchange_peer", "disable", "dest")
    waiting = OutboxEntry.objects.create(message=queued.message, next_attempt_at=timezone.now())

    rows = {row["peer"].name if row["peer"] else None: row for row in queries.count_queue()}

    assert (rows["dest"]["waiting"], rows["dest"]["delivered"]) == (0, 1)
    assert rows[None]["waiting"] == 1 and rows[None]["oldest_waiting"] == waiting.created_at
    assert "dest" in run("exchange_status")
