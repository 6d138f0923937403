"""Between deployments, in one process: the signed inbox, the outbox push, routing and relaying by a hub.

This deployment is "origin" and serves Shandong (37). Its peers are played by keys
the tests hold: "dest" serves Guangdong (44), "henan" Henan (41).
"""

import base64
import datetime
import json
import logging
import socket
import time
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from huiliu.audit.models import AuditEvent
from huiliu.core import signing
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.exchange import actions, federation, routing
from huiliu.exchange.models import Message, MessageStatus, MessageType, OutboxEntry, Peer, ReceivedNonce
from huiliu.people import actions as people
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP

INBOX = "/exchange/peer/inbox"
HENAN_TOWNSHIP = f.township(f.OTHER_ORIGIN_COUNTY)


@pytest.fixture(autouse=True)
def origin_deployment(settings, tmp_path):
    settings.HUILIU_DEPLOYMENT = "origin"
    settings.HUILIU_EXCHANGE_PREFIXES = "37"
    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"


def key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


@pytest.fixture
def dest_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def dest(tree, dest_key):
    peer, _created = actions.add_peer(acting_user=None, name="dest", base_url="http://dest.example:8000",
                                      public_key=key_text(dest_key), prefixes="44")
    return peer


def notice_data(**changes) -> dict:
    """An inflow notice as the destination deployment would send it to the origin township."""
    now = timezone.now()
    data = {
        "id": str(uuid.uuid4()), "message_type": MessageType.INFLOW_NOTICE,
        "sender_code": DESTINATION_TOWNSHIP, "receiver_code": ORIGIN_TOWNSHIP, "origin_deployment": "dest",
        "payload": {
            "id_number": f.id_number(), "name": "刘洋", "sex": "F", "birth_date": "1990-05-17",
            "household_code": f.village(f.ORIGIN_COUNTY), "residence_code": f.village(f.DESTINATION_COUNTY),
            "residence_address": "宝安大道 100 号", "arrival_date": "2026-03-01", "residence_type": "rented",
        },
        "created_at": now.isoformat(), "deadline": (now + datetime.timedelta(days=15)).isoformat(),
        "in_reply_to": None,
    }
    data.update(changes)
    return data


def post(client, body: bytes, headers: dict):
    return client.post(INBOX, data=body, content_type="application/json",
                       headers={k: v for k, v in headers.items() if k != "Content-Type"})


def post_signed(client, data: dict, key, *, sender="dest", recipient="origin", **signing):
    body = federation.canonical_json(data)
    return post(client, body, federation.sign(body, recipient=recipient, key=key, sender=sender, **signing))


def refusals(reason: str):
    return AuditEvent.objects.filter(event="exchange_refused", outcome="denied", detail__reason=reason)


# --- The inbox -------------------------------------------------------------------------

def test_a_signed_message_from_a_peer_is_delivered_to_its_office_and_audited(client, dest, dest_key):
    data = notice_data()

    response = post_signed(client, data, dest_key)

    assert response.status_code == 200
    assert response.json() == {"id": data["id"], "duplicate": False}
    message = Message.objects.get(pk=data["id"])
    assert (message.sender_code, message.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert message.status == MessageStatus.DELIVERED
    assert message.origin_deployment == "dest"
    assert message.deadline == datetime.datetime.fromisoformat(data["deadline"])
    assert AuditEvent.objects.filter(event="receive_message", username="peer:dest", object_id=data["id"]).exists()


def test_the_same_message_in_a_new_request_is_answered_as_a_duplicate_and_stored_once(client, dest, dest_key):
    data = notice_data()
    post_signed(client, data, dest_key)

    again = post_signed(client, data, dest_key)

    assert again.status_code == 200
    assert again.json() == {"id": data["id"], "duplicate": True}
    assert Message.objects.filter(pk=data["id"]).count() == 1
    assert AuditEvent.objects.filter(event="receive_message", object_id=data["id"]).count() == 1


def _unknown_peer(client, data, dest_key):
    return "nobody", post_signed(client, data, Ed25519PrivateKey.generate(), sender="nobody")


def _disabled_peer(client, data, dest_key):
    actions.disable_peer(acting_user=None, peer=Peer.objects.get(name="dest"))
    return "dest", post_signed(client, data, dest_key)


def _wrong_key(client, data, dest_key):
    return "dest", post_signed(client, data, Ed25519PrivateKey.generate())


def _tampered_body(client, data, dest_key):
    headers = federation.sign(federation.canonical_json(data), recipient="origin", key=dest_key, sender="dest")
    tampered = federation.canonical_json({**data, "receiver_code": f.township(f.ORIGIN_COUNTY, 2)})
    return "dest", post(client, tampered, headers)


def _meant_for_another_deployment(client, data, dest_key):
    return "dest", post_signed(client, data, dest_key, recipient="elsewhere")


def _unsigned(client, data, dest_key):
    headers = federation.sign(federation.canonical_json(data), recipient="origin", key=dest_key, sender="dest")
    del headers[federation.HEADER_SIGNATURE]
    return "dest", post(client, federation.canonical_json(data), headers)


def _old_timestamp(client, data, dest_key):
    return "dest", post_signed(client, data, dest_key, timestamp=int(time.time()) - 301)


def _future_timestamp(client, data, dest_key):
    return "dest", post_signed(client, data, dest_key, timestamp=int(time.time()) + 301)


def _replayed_request(client, data, dest_key):
    body = federation.canonical_json(data)
    headers = federation.sign(body, recipient="origin", key=dest_key, sender="dest")
    assert post(client, body, headers).status_code == 200
    Message.objects.filter(pk=data["id"]).delete()  # even a message since removed is not taken back in by a replay
    return "dest", post(client, body, headers)


def _sender_outside_the_peers_prefixes(client, data, dest_key):
    data["sender_code"] = HENAN_TOWNSHIP
    return "dest", post_signed(client, data, dest_key)


@pytest.mark.parametrize(("send", "reason"), [
    (_unknown_peer, "unknown_peer"),
    (_disabled_peer, "unknown_peer"),
    (_wrong_key, "bad_signature"),
    (_tampered_body, "bad_signature"),
    (_meant_for_another_deployment, "bad_signature"),
    (_unsigned, "bad_signature"),
    (_old_timestamp, "stale_timestamp"),
    (_future_timestamp, "stale_timestamp"),
    (_replayed_request, "replayed_nonce"),
    (_sender_outside_the_peers_prefixes, "sender_not_served"),
])
def test_a_request_that_fails_authentication_is_refused_audited_and_logged(client, dest, dest_key, caplog,
                                                                           send, reason):
    data = notice_data()
    with caplog.at_level(logging.WARNING, logger="huiliu.exchange.federation"):
        name, response = send(client, data, dest_key)

    assert response.status_code == 403
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])  # said in Chinese
    assert refusals(reason).filter(username=f"peer:{name}").count() == 1
    assert [r for r in caplog.records if r.levelno == logging.WARNING and reason in r.getMessage()]
    assert not Message.objects.filter(pk=data["id"]).exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"created_at": "2026-13-45T00:00:00+00:00"}, "created_at"),
    ({"created_at": "2026-03-01T08:00:00"}, "created_at"),  # no time zone
    ({"deadline": "soon"}, "deadline"),
    ({"id": "not-a-uuid"}, "id"),
    ({"receiver_code": 123}, "receiver_code"),
    ({"message_type": "gossip"}, "message_type"),
])
def test_a_malformed_message_is_refused_with_the_field_named(client, dest, dest_key, change, field):
    response = post_signed(client, notice_data(**change), dest_key)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Message.objects.exists()


def test_a_payload_missing_a_field_is_refused_with_the_field_named(client, dest, dest_key):
    data = notice_data()
    del data["payload"]["arrival_date"]

    response = post_signed(client, data, dest_key)

    assert response.status_code == 422
    assert "arrival_date" in response.json()["errors"]


def test_a_body_that_is_no_json_object_is_refused(client, dest, dest_key):
    for body in (b"[1, 2]", b"\xff\xfe", b"{"):
        response = post(client, body, federation.sign(body, recipient="origin", key=dest_key, sender="dest"))
        assert response.status_code == 422


def test_an_answer_from_the_office_asked_stops_the_clock_of_the_original(client, dest, dest_key,
                                                                         origin_township_officer):
    inquiry = actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                                   sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                                   payload={"subject": "核实居住地", "question": "此人是否仍在贵处居住？"})
    Message.objects.filter(pk=inquiry.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    written = timezone.now() - datetime.timedelta(hours=2)
    findings = notice_data(message_type=MessageType.INQUIRY_FINDINGS, payload={"findings": "仍在本村居住。"},
                           in_reply_to=str(inquiry.pk), created_at=written.isoformat(), deadline=None)

    assert post_signed(client, findings, dest_key).status_code == 200

    inquiry.refresh_from_db()
    assert inquiry.status == MessageStatus.ANSWERED
    assert inquiry.answer_id == uuid.UUID(findings["id"])
    assert inquiry.answered_at == written  # when it was written there, not when it arrived here


def test_a_reply_from_another_office_does_not_stop_the_clock(client, dest, dest_key, origin_township_officer):
    inquiry = actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                                   sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                                   payload={"subject": "核实居住地", "question": "此人是否仍在贵处居住？"})
    other_office = f.township(f.DESTINATION_COUNTY, 2)
    findings = notice_data(message_type=MessageType.INQUIRY_FINDINGS, payload={"findings": "不是我们问的。"},
                           sender_code=other_office, in_reply_to=str(inquiry.pk), deadline=None)

    assert post_signed(client, findings, dest_key).status_code == 200

    inquiry.refresh_from_db()
    assert inquiry.answered_at is None


def test_old_nonces_are_forgotten_now_and_then(client, dest, dest_key, monkeypatch):
    monkeypatch.setattr(federation, "PRUNE_EVERY", 1)
    old = ReceivedNonce.objects.create(peer=dest, nonce="a" * 32)
    ReceivedNonce.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=1, hours=1))
    recent = ReceivedNonce.objects.create(peer=dest, nonce="b" * 32)

    assert post_signed(client, notice_data(), dest_key).status_code == 200

    assert not ReceivedNonce.objects.filter(pk=old.pk).exists()
    assert ReceivedNonce.objects.filter(pk=recent.pk).exists()
    assert ReceivedNonce.objects.count() == 2


def _overdue_inquiry(origin_township_officer) -> Message:
    inquiry = actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                                   sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                                   payload={"subject": "核实居住地", "question": "此人是否仍在贵处居住？"})
    Message.objects.filter(pk=inquiry.pk).update(deadline=timezone.now() - datetime.timedelta(days=30))
    inquiry.refresh_from_db()
    return inquiry


def test_an_answer_a_peer_dates_before_the_question_is_counted_from_the_question_and_not_on_time(
        client, dest, dest_key, origin_township_officer):
    inquiry = _overdue_inquiry(origin_township_officer)
    backdated = inquiry.created_at - datetime.timedelta(days=365)
    findings = notice_data(message_type=MessageType.INQUIRY_FINDINGS, payload={"findings": "仍在本村居住。"},
                           in_reply_to=str(inquiry.pk), created_at=backdated.isoformat(), deadline=None)

    assert post_signed(client, findings, dest_key).status_code == 200

    inquiry.refresh_from_db()
    assert inquiry.answered_at == inquiry.created_at
    assert inquiry.answered_at > inquiry.deadline - datetime.timedelta(days=31)


def test_an_answer_dated_a_little_ahead_of_our_clock_stops_the_clock_no_later_than_now(
        client, dest, dest_key, origin_township_officer):
    inquiry = _overdue_inquiry(origin_township_officer)
    ahead = timezone.now() + datetime.timedelta(minutes=3)  # within the clock skew: accepted
    findings = notice_data(message_type=MessageType.INQUIRY_FINDINGS, payload={"findings": "仍在本村居住。"},
                           in_reply_to=str(inquiry.pk), created_at=ahead.isoformat(), deadline=None)

    assert post_signed(client, findings, dest_key).status_code == 200

    inquiry.refresh_from_db()
    assert inquiry.answered_at is not None and inquiry.answered_at <= timezone.now() < ahead


def test_a_message_dated_in_the_future_beyond_the_clock_skew_is_refused(client, dest, dest_key):
    data = notice_data(created_at=(timezone.now() + datetime.timedelta(hours=1)).isoformat())

    response = post_signed(client, data, dest_key)

    assert response.status_code == 422
    assert "created_at" in response.json()["errors"]
    assert not Message.objects.filter(pk=data["id"]).exists()


def test_an_answer_that_answers_nothing_here_keeps_no_link_to_the_message_it_names(
        client, dest, dest_key, origin_township_officer):
    inquiry = _overdue_inquiry(origin_township_officer)
    # From another office than the one asked: not an answer, so the page must not show the inquiry it names.
    findings = notice_data(message_type=MessageType.INQUIRY_FINDINGS, payload={"findings": "不是我们问的。"},
                           sender_code=f.township(f.DESTINATION_COUNTY, 2), in_reply_to=str(inquiry.pk),
                           deadline=None)

    assert post_signed(client, findings, dest_key).status_code == 200

    assert Message.objects.get(pk=findings["id"]).in_reply_to is None


def test_refusals_past_the_limit_are_answered_429_and_only_logged(client, tree, caplog, monkeypatch):
    monkeypatch.setattr(federation, "REFUSALS_PER_MINUTE", 3)
    before = AuditEvent.objects.count()
    statuses = [client.post(INBOX, data=b"{}", content_type="application/json",
                            headers={"X-Huiliu-Deployment": f"junk{i}"}).status_code
                for i in range(federation.REFUSALS_PER_MINUTE + 5)]

    assert statuses == [403] * federation.REFUSALS_PER_MINUTE + [429] * 5
    assert AuditEvent.objects.count() - before == federation.REFUSALS_PER_MINUTE
    assert "too many refusals" in caplog.text


def test_no_peer_may_speak_for_an_office_this_deployment_serves_not_even_a_hub(client, tree):
    hub_key = Ed25519PrivateKey.generate()
    actions.add_peer(acting_user=None, name="hub", base_url="http://hub:8000", public_key=key_text(hub_key),
                     is_hub=True)
    data = notice_data(sender_code=ORIGIN_TOWNSHIP, receiver_code=f.township(f.ORIGIN_COUNTY, 2),
                       origin_deployment="origin")

    response = post_signed(client, data, hub_key, sender="hub")

    assert response.status_code == 403
    assert not Message.objects.filter(pk=data["id"]).exists()
    assert refusals("sender_served_here").filter(username="peer:hub").count() == 1


def test_a_deployment_that_is_no_hub_refuses_a_message_for_an_office_it_does_not_serve(client, dest, dest_key):
    henan = add("henan", "41")
    data = notice_data(receiver_code=HENAN_TOWNSHIP)

    response = post_signed(client, data, dest_key)

    assert response.status_code == 422
    assert "receiver_code" in response.json()["errors"]
    assert not Message.objects.filter(pk=data["id"]).exists()
    assert not OutboxEntry.objects.filter(peer=henan).exists()


# --- This deployment's key -------------------------------------------------------------

def test_the_key_is_made_once_readable_by_its_owner_only_and_kept(settings):
    first = signing.public_key_text()
    signing._keys.clear()  # as a new process would

    assert signing.public_key_text() == first
    assert settings.HUILIU_SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(first)) == 32


# --- Pushing the outbox ----------------------------------------------------------------

class Recorder:
    """A transport that keeps each request and answers with the given status."""

    def __init__(self, status=200, answer=b'{"duplicate": false}'):
        self.status, self.answer, self.requests = status, answer, []

    def __call__(self, url, body, headers):
        self.requests.append((url, body, headers))
        if isinstance(self.status, Exception):
            raise self.status
        return self.status, self.answer


@pytest.fixture
def recorder(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(federation, "transport", recorder)
    return recorder


def test_a_notice_for_a_peers_office_is_queued_for_that_peer(dest, origin_village_worker):
    person = f.register_resident(origin_village_worker, name="张建国")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today(), destination_code=f.village(f.DESTINATION_COUNTY))

    entry = OutboxEntry.objects.get()
    assert entry.peer == dest
    assert entry.message.status == MessageStatus.SENT


@pytest.fixture
def outflow_notice(dest, origin_village_worker):
    person = f.register_resident(origin_village_worker, name="张建国")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today(), destination_code=f.village(f.DESTINATION_COUNTY))
    return Message.objects.get(person=person)


def test_pushing_signs_the_message_so_that_the_peer_accepts_it(client, settings, outflow_notice, monkeypatch):
    """The round trip: the request push makes is posted, byte for byte, to an inbox that knows this deployment."""
    answers = []

    def to_the_peers_inbox(url, body, headers):
        # Play the peer: it knows "origin" by this deployment's public key.
        settings.HUILIU_DEPLOYMENT, settings.HUILIU_EXCHANGE_PREFIXES = "dest", "44"
        Peer.objects.get_or_create(name="origin", defaults={
            "base_url": "http://origin.example", "public_key": signing.public_key_text(), "prefixes": "37"})
        try:
            response = post(client, body, headers)
        finally:
            settings.HUILIU_DEPLOYMENT, settings.HUILIU_EXCHANGE_PREFIXES = "origin", "37"
        answers.append((url, response.json()))
        return response.status_code, response.content

    monkeypatch.setattr(federation, "transport", to_the_peers_inbox)

    result = federation.push_due()

    assert (result.delivered, result.failed) == (1, 0)
    # The inbox holds the same id already (one database plays both sides): accepted as a duplicate.
    assert answers == [("http://dest.example:8000/exchange/peer/inbox", {"id": str(outflow_notice.pk), "duplicate": True})]
    outflow_notice.refresh_from_db()
    assert outflow_notice.status == MessageStatus.DELIVERED
    entry = OutboxEntry.objects.get()
    assert entry.delivered_at is not None and entry.attempts == 1 and entry.last_error == ""


def test_the_request_carries_the_message_as_canonical_json_naming_this_deployment(recorder, outflow_notice):
    federation.push_due()

    [(_url, body, headers)] = recorder.requests
    assert body == federation.canonical_json(federation.message_data(outflow_notice))
    data = json.loads(body)
    assert data["origin_deployment"] == "origin"
    assert data["id"] == str(outflow_notice.pk)
    assert data["payload"]["name"] == "张建国"
    assert "张建国".encode() in body  # not \\u-escaped
    assert headers[federation.HEADER_DEPLOYMENT] == "origin"


def test_messages_go_in_the_order_they_were_written_and_only_when_due(recorder, outflow_notice,
                                                                     origin_township_officer):
    def inquire():
        return actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                                    sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                                    payload={"subject": "核实", "question": "请核实。"})

    inquiry = inquire()
    later = inquire().outbox_entries.get()
    OutboxEntry.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))

    result = federation.push_due()

    assert result.delivered == 2
    assert [json.loads(body)["id"] for _url, body, _h in recorder.requests] == [
        str(outflow_notice.pk), str(inquiry.pk)]
    later.refresh_from_db()
    assert later.delivered_at is None
    assert federation.push_due(ignore_backoff=True).delivered == 1


def test_a_refused_delivery_waits_longer_each_time_up_to_an_hour(outflow_notice, monkeypatch):
    monkeypatch.setattr(federation, "transport", Recorder(500, '{"detail": "服务器错误"}'.encode()))
    waits = []
    for _round in range(9):
        before = timezone.now()
        assert federation.push_due(now=before + datetime.timedelta(days=1)).failed == 1
        entry = OutboxEntry.objects.get()
        waits.append(round((entry.next_attempt_at - before).total_seconds() / 10) * 10)

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert entry.attempts == 9 and entry.delivered_at is None
    assert "500" in entry.last_error and "服务器错误" in entry.last_error
    outflow_notice.refresh_from_db()
    assert outflow_notice.status == MessageStatus.SENT


def test_a_waiting_entry_is_not_sent_before_its_time(recorder, outflow_notice):
    OutboxEntry.objects.update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=1))

    assert federation.push_due().attempts == []
    assert recorder.requests == []


def test_a_422_answer_is_recorded_with_the_peers_field_errors(outflow_notice, monkeypatch):
    answer = '{"detail": "输入有误", "errors": {"receiver_code": ["无此区划。"]}}'.encode()
    monkeypatch.setattr(federation, "transport", Recorder(422, answer))

    federation.push_due()

    assert OutboxEntry.objects.get().last_error.endswith("输入有误 receiver_code: 无此区划。")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_peer_that_is_down_is_tried_once_per_round_and_each_message_keeps_the_error(
        outflow_notice, origin_township_officer, monkeypatch):
    Peer.objects.filter(name="dest").update(base_url=f"http://127.0.0.1:{_closed_port()}")
    actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                         sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                         payload={"subject": "核实", "question": "请核实。"})
    calls = []
    monkeypatch.setattr(federation, "transport", lambda *request: calls.append(1) or federation.post_over_http(*request))

    result = federation.push_due()

    assert (result.delivered, result.failed, len(calls)) == (0, 2, 1)
    errors = set(OutboxEntry.objects.values_list("last_error", flat=True))
    assert len(errors) == 1 and "refused" in errors.pop().lower()
    assert not OutboxEntry.objects.filter(delivered_at__isnull=False).exists()


def test_a_peer_that_does_not_answer_in_time_is_a_failed_attempt(outflow_notice, monkeypatch):
    monkeypatch.setattr(federation, "TIMEOUT_SECONDS", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the connection is made, and never answered
        Peer.objects.filter(name="dest").update(base_url=f"http://127.0.0.1:{silent.getsockname()[1]}")

        result = federation.push_due()

    assert result.failed == 1
    assert "0.3" in OutboxEntry.objects.get().last_error


# --- Routing ---------------------------------------------------------------------------

def add(name, prefixes="", hub=False):
    peer, _created = actions.add_peer(acting_user=None, name=name, base_url=f"http://{name}:8000",
                                      public_key=key_text(Ed25519PrivateKey.generate()), prefixes=prefixes,
                                      is_hub=hub)
    return peer


def test_a_code_goes_to_the_longest_matching_prefix_else_to_a_hub_else_nowhere(db):
    guangdong, shenzhen, hub = add("guangdong", "44"), add("shenzhen", "4403"), add("hub", hub=True)

    assert routing.route_for(f.township(f.DESTINATION_COUNTY)) == shenzhen
    assert routing.route_for(440100000000) == guangdong
    assert routing.route_for(f.township(f.OTHER_DESTINATION_COUNTY)) == hub
    actions.disable_peer(acting_user=None, peer=hub)
    assert routing.route_for(f.township(f.OTHER_DESTINATION_COUNTY)) is None


def test_a_message_without_a_route_waits_and_goes_once_a_peer_serves_its_office(recorder, origin_township_officer):
    actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                         sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                         payload={"subject": "核实", "question": "请核实。"})
    assert federation.push_due().failed == 1
    entry = OutboxEntry.objects.get()
    assert entry.peer is None and str(DESTINATION_TOWNSHIP) in entry.last_error

    guangdong = add("guangdong", "44")

    entry.refresh_from_db()
    assert entry.peer == guangdong and entry.next_attempt_at <= timezone.now()  # not left to wait out its backoff
    assert federation.push_due().delivered == 1
    assert recorder.requests[0][0] == "http://guangdong:8000/exchange/peer/inbox"


def test_what_waited_for_a_disabled_peer_goes_to_the_hub(recorder, outflow_notice):
    hub = add("hub", hub=True)

    actions.disable_peer(acting_user=None, peer=Peer.objects.get(name="dest"))

    assert OutboxEntry.objects.get().peer == hub
    federation.push_due()
    assert recorder.requests[0][0].startswith("http://hub:8000/")
    assert AuditEvent.objects.filter(event="disable_peer", detail__rerouted=1).exists()


def test_a_peer_switched_off_behind_the_actions_back_is_not_sent_to_and_its_messages_find_the_hub(
        recorder, outflow_notice):
    hub = add("hub", hub=True)
    Peer.objects.filter(name="dest").update(active=False)  # e.g. in the admin

    assert federation.push_due().failed == 1
    entry = OutboxEntry.objects.get()
    assert "dest" in entry.last_error and entry.peer == hub
    assert recorder.requests == []


def test_a_hub_passes_a_message_on_signed_with_its_own_key(client, settings, dest, dest_key, recorder):
    settings.HUILIU_EXCHANGE_HUB = True
    henan = add("henan", "41")
    data = notice_data(receiver_code=HENAN_TOWNSHIP)

    assert post_signed(client, data, dest_key).json() == {"id": data["id"], "duplicate": False}
    relayed = Message.objects.get(pk=data["id"])
    assert relayed.status == MessageStatus.SENT and relayed.person is None
    assert OutboxEntry.objects.get(message=relayed).peer == henan

    assert federation.push_due().delivered == 1
    [(url, body, headers)] = recorder.requests
    assert url == "http://henan:8000/exchange/peer/inbox"
    forwarded = json.loads(body)
    assert (forwarded["id"], forwarded["origin_deployment"]) == (data["id"], "dest")
    assert forwarded["payload"] == data["payload"]
    assert headers[federation.HEADER_DEPLOYMENT] == "origin"
    as_known_at_henan = Peer(name="origin", public_key=signing.public_key_text())
    signed = {"timestamp": headers[federation.HEADER_TIMESTAMP], "nonce": headers[federation.HEADER_NONCE],
              "signature": headers[federation.HEADER_SIGNATURE]}
    assert federation.verify(as_known_at_henan, recipient="henan", body=body, **signed)
    assert not federation.verify(Peer(name="dest", public_key=key_text(dest_key)), recipient="henan", body=body,
                                 **signed)


def test_a_hub_may_speak_for_any_office(client, tree):
    hub_key = Ed25519PrivateKey.generate()
    actions.add_peer(acting_user=None, name="hub", base_url="http://hub:8000", public_key=key_text(hub_key),
                     is_hub=True)
    data = notice_data(sender_code=HENAN_TOWNSHIP, origin_deployment="henan")

    assert post_signed(client, data, hub_key, sender="hub").status_code == 200
    assert Message.objects.get(pk=data["id"]).origin_deployment == "henan"


# --- Configuring peers -----------------------------------------------------------------

@pytest.mark.parametrize(("field", "changes"), [
    ("public_key", {"public_key": "not a key"}),
    ("public_key", {"public_key": base64.b64encode(b"x" * 31).decode()}),
    ("base_url", {"base_url": "ftp://dest.example"}),
    ("base_url", {"base_url": "http://dest.example/?x=1"}),
    ("base_url", {"base_url": "dest.example"}),
    ("prefixes", {"prefixes": "44,4a"}),
    ("prefixes", {"prefixes": ""}),
    ("name", {"name": "目的地"}),
    ("name", {"name": "origin"}),  # this deployment itself
])
def test_a_peer_with_a_bad_field_is_refused_naming_it(db, field, changes):
    fields = {"name": "dest", "base_url": "http://dest.example", "public_key": key_text(Ed25519PrivateKey.generate()),
              "prefixes": "44", **changes}

    with pytest.raises(ValidationFailed) as refused:
        actions.add_peer(acting_user=None, **fields)

    assert list(refused.value.errors) == [field]
    assert not Peer.objects.exists()


def test_adding_a_known_peer_again_replaces_its_key_and_is_audited(db):
    first = add("dest", "44")
    new_key = key_text(Ed25519PrivateKey.generate())

    peer, created = actions.add_peer(acting_user=None, name="dest", base_url="https://dest.example/huiliu/",
                                     public_key=new_key, prefixes="44, 4403")

    assert not created and peer.pk == first.pk
    assert (peer.public_key, peer.base_url, peer.prefixes) == (new_key, "https://dest.example/huiliu", "44,4403")
    event = AuditEvent.objects.get(event="update_peer")
    assert event.detail["was"]["public_key"] == first.public_key


def test_only_an_operator_configures_peers(origin_county_officer):
    with pytest.raises(PermissionDenied):
        actions.add_peer(acting_user=origin_county_officer, name="dest", base_url="http://dest.example",
                         public_key=key_text(Ed25519PrivateKey.generate()), prefixes="44")
    assert not Peer.objects.exists()
    assert AuditEvent.objects.filter(event="configure_peer", outcome="denied").exists()
