"""Between deployments: this deployment's signing key, the signed request, the outbox push and the peer inbox.

A message for an office this deployment does not serve waits in the outbox
(`actions._write`) until `push_due` posts it to the peer that serves it:

    POST {peer.base_url}/exchange/peer/inbox
    body     the message as canonical JSON (sorted keys, compact, UTF-8)
    headers  X-Huiliu-Deployment  the sender's HUILIU_DEPLOYMENT
             X-Huiliu-Timestamp   Unix seconds
             X-Huiliu-Nonce       random, never reused
             X-Huiliu-Signature   base64 Ed25519 signature over SIGNATURE_CONTEXT, sender, recipient,
                                  timestamp, nonce and the SHA-256 of the body, one per line

Naming the recipient in what is signed keeps a request meant for one deployment
from being replayed to another that trusts the same sender. So a peer's name, as
configured on each side, must be its own HUILIU_DEPLOYMENT. Every hop signs with
its own key: a hub that passes a message on signs it as itself.

The inbox accepts a request only from an active peer, with a valid signature, a
timestamp within five minutes and a nonce not seen before; a peer that is not a
hub speaks only for the offices under its own prefixes, and nobody speaks for an
office this deployment serves. A message for an office it does not serve is passed
on only by a hub (HUILIU_EXCHANGE_HUB), else refused. Everything refused is
audited and logged, up to REFUSALS_PER_MINUTE per client address; past that a
refusal is answered 429 and only logged. A message id already held is answered 200, so a sender whose
first answer got lost stops retrying, and nothing is stored twice.
"""

import base64
import binascii
import datetime
import hashlib
import http.client
import json
import logging
import re
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from huiliu.audit.actions import record_event
from huiliu.audit.context import client_of_request
from huiliu.core import signing
from huiliu.core.errors import ValidationFailed
from huiliu.core.ratelimit import allow_public_request

from . import actions, routing
from .models import Message, OutboxEntry, Peer, ReceivedNonce

logger = logging.getLogger(__name__)

INBOX_PATH = "/exchange/peer/inbox"
HEADER_DEPLOYMENT = "X-Huiliu-Deployment"
HEADER_TIMESTAMP = "X-Huiliu-Timestamp"
HEADER_NONCE = "X-Huiliu-Nonce"
HEADER_SIGNATURE = "X-Huiliu-Signature"
# Versioned, so a signature made for this purpose can never be taken for one made for another.
SIGNATURE_CONTEXT = "huiliu-exchange-v1"
CLOCK_SKEW_SECONDS = 5 * 60
# A nonce older than this cannot come back: its timestamp would be refused first.
NONCE_LIFETIME = datetime.timedelta(days=1)
# Prune old nonces on one accepted request in this many, not on every one.
PRUNE_EVERY = 100
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")
TIMEOUT_SECONDS = 10
PUSH_LIMIT = 200
ANSWER_BYTES = 64 * 1024
# Refusals audited per client address each minute; past it a stranger's posts are only logged, so nobody can fill
# the append-only audit table (or hold its lock) by posting junk.
REFUSAL_PAGE = "peer_refusal"
REFUSALS_PER_MINUTE = 30


# --- The signed request --------------------------------------------------------------

def canonical_json(value) -> bytes:
    """Encode a JSON value as the one byte sequence it is signed and sent as."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def message_data(message: Message) -> dict:
    """Give a message as it travels: the fields every copy shares, naming the deployment where it was written."""
    return {
        "id": str(message.pk),
        "message_type": message.message_type,
        "sender_code": message.sender_code,
        "receiver_code": message.receiver_code,
        "origin_deployment": message.origin_deployment or settings.HUILIU_DEPLOYMENT,
        "payload": message.payload,
        "created_at": message.created_at.isoformat(),
        "deadline": message.deadline.isoformat() if message.deadline else None,
        "in_reply_to": str(message.in_reply_to) if message.in_reply_to else None,
    }


def _signed_text(*, sender: str, recipient: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([SIGNATURE_CONTEXT, sender, recipient, timestamp, nonce, hashlib.sha256(body).hexdigest()]).encode()


def sign(body: bytes, *, recipient: str, key: Ed25519PrivateKey | None = None, sender: str | None = None,
         timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """Make the headers that authenticate this body, sent by this deployment (or `sender`) to `recipient`."""
    sender = sender if sender is not None else settings.HUILIU_DEPLOYMENT
    timestamp_text = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    signature = (key or signing.private_key()).sign(
        _signed_text(sender=sender, recipient=recipient, timestamp=timestamp_text, nonce=nonce, body=body))
    return {
        "Content-Type": "application/json; charset=utf-8",
        HEADER_DEPLOYMENT: sender,
        HEADER_TIMESTAMP: timestamp_text,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: base64.b64encode(signature).decode("ascii"),
    }


def signed_request(entry: OutboxEntry) -> tuple[str, bytes, dict[str, str]]:
    """Build the URL, body and headers that deliver a queued message to its peer."""
    body = canonical_json(message_data(entry.message))
    return entry.peer.base_url.rstrip("/") + INBOX_PATH, body, sign(body, recipient=entry.peer.name)


def verify(peer: Peer, *, recipient: str, timestamp: str, nonce: str, signature: str, body: bytes) -> bool:
    """Check that the signature was made with the peer's key over exactly this request."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(peer.public_key, validate=True))
        public.verify(base64.b64decode(signature, validate=True),
                      _signed_text(sender=peer.name, recipient=recipient, timestamp=timestamp, nonce=nonce, body=body))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


# --- Pushing the outbox --------------------------------------------------------------

class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would arrive as a GET without its body: report the redirect instead.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class Unreachable(Exception):
    """The peer could not be reached at all: nothing else for it is tried in this round."""


def post_over_http(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST the body and return the status and the start of the answer; raise Unreachable with a readable reason."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read(ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        return error.code, error.read(ANSWER_BYTES)
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise Unreachable(_("No answer within %(seconds)s seconds.") % {"seconds": TIMEOUT_SECONDS}) from None
        raise Unreachable(_("Cannot connect: %(reason)s") % {"reason": error.reason}) from None
    except TimeoutError:
        raise Unreachable(_("No answer within %(seconds)s seconds.") % {"seconds": TIMEOUT_SECONDS}) from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise Unreachable(_("Cannot connect: %(reason)s") % {"reason": error or type(error).__name__}) from None


# The function that carries a request; tests put an in-process one in its place.
transport = post_over_http


def _refusal_text(status: int, answer: bytes) -> str:
    try:
        data = json.loads(answer.decode("utf-8"))
        reason = str(data.get("detail", ""))
        if data.get("errors"):
            reason += " " + "; ".join(f"{f}: {' '.join(map(str, m))}" for f, m in data["errors"].items())
    except (ValueError, AttributeError, TypeError):
        reason = answer[:200].decode("utf-8", "replace")
    return _("The peer answered %(status)d: %(reason)s") % {"status": status, "reason": reason.strip()}


@dataclass
class Attempt:
    entry: OutboxEntry
    peer_name: str  # the peer tried; a failure may route the entry elsewhere for next time
    error: str = ""  # empty when delivered


@dataclass
class PushResult:
    delivered: int = 0
    failed: int = 0
    attempts: list[Attempt] = field(default_factory=list)


def push_due(now: datetime.datetime | None = None, limit: int = PUSH_LIMIT, ignore_backoff: bool = False) -> PushResult:
    """Send every queued message that is due, oldest first; record each delivery or failed attempt."""
    now = now or timezone.now()
    entries = OutboxEntry.objects.filter(delivered_at__isnull=True).select_related("message", "peer")
    if not ignore_backoff:
        entries = entries.filter(next_attempt_at__lte=now)
    result = PushResult()
    unreachable: dict[int, str] = {}
    for entry in entries.order_by("created_at", "pk")[:limit]:
        peer_name = entry.peer.name if entry.peer else ""
        error = unreachable.get(entry.peer_id) or _deliver(entry, unreachable)
        if error:
            actions.record_failed_attempt(entry=entry, error=error)
            result.failed += 1
        else:
            actions.record_delivery(entry=entry)
            result.delivered += 1
        result.attempts.append(Attempt(entry=entry, peer_name=peer_name, error=error))
    return result


def _deliver(entry: OutboxEntry, unreachable: dict[int, str]) -> str:
    """Post one entry to its peer; return the error, or "" when the peer accepted it."""
    if entry.peer is None:
        return _("No peer serves division code %(code)012d.") % {"code": entry.message.receiver_code}
    if not entry.peer.active:
        return _("The peer %(name)s is disabled.") % {"name": entry.peer.name}
    url, body, headers = signed_request(entry)
    try:
        status, answer = transport(url, body, headers)
    except Unreachable as failure:
        # A peer that is down would make every further message wait out its own timeout.
        unreachable[entry.peer_id] = str(failure)
        return str(failure)
    if status in (200, 201):
        return ""
    return _refusal_text(status, answer)


# --- The inbox ----------------------------------------------------------------------

REFUSALS = {
    "unknown_peer": "发送方不是本系统登记的有效对端。",
    "bad_signature": "签名无效：请求被篡改，或不是用该对端登记的密钥签名的。",
    "stale_timestamp": "请求时间与本机时间相差超过 5 分钟，请检查两端的系统时钟。",
    "replayed_nonce": "此请求已经收到过（随机数重复），不再受理。",
    "sender_not_served": "该对端无权代表此发送机构：发送机构的区划代码不在其登记的前缀之内。",
    "sender_served_here": "发送机构由本系统服务，不受理其他系统代其发送的消息。",
}
TOO_MANY_REFUSALS = "拒收的请求过多，请稍后再试。"


def _refuse(request, name: str, reason: str, **detail) -> JsonResponse:
    client = client_of_request(request)
    if not allow_public_request(client=client, page=REFUSAL_PAGE, per_minute=REFUSALS_PER_MINUTE):
        logger.warning("Refused a request from peer %r at %s: %s %s (too many refusals: not audited)",
                       name, client, reason, detail or "")
        return JsonResponse({"detail": TOO_MANY_REFUSALS}, status=429, json_dumps_params={"ensure_ascii": False})
    logger.warning("Refused a request from peer %r: %s %s", name, reason, detail or "")
    # Not inside the request's transaction (the view is non-atomic): the refusal stays on record.
    record_event(actor=None, username=f"peer:{name}", event="exchange_refused", object_type="message",
                 outcome="denied", detail={"reason": reason, **detail})
    return JsonResponse({"detail": REFUSALS[reason]}, status=403, json_dumps_params={"ensure_ascii": False})


def _unprocessable(name: str, errors: dict[str, list[str]]) -> JsonResponse:
    logger.warning("Refused a malformed message from peer %r: %s", name, errors)
    return JsonResponse({"detail": "输入有误", "errors": errors}, status=422, json_dumps_params={"ensure_ascii": False})


def _sender_code(data: dict) -> int | None:
    try:
        return int(data.get("sender_code"))
    except (TypeError, ValueError):
        return None  # not a code at all: refused as malformed further on


def _speaks_for(peer: Peer, data: dict) -> bool:
    """Tell whether the peer may send for the message's sender: a hub for anyone, others for their prefixes."""
    code = _sender_code(data)
    if peer.is_hub or code is None:
        return True
    return any(f"{code:012d}".startswith(prefix) for prefix in peer.prefix_list)


def _store_nonce(peer: Peer, nonce: str) -> bool:
    """Remember the nonce; return False when the peer used it already."""
    try:
        with transaction.atomic():
            stored = ReceivedNonce.objects.create(peer=peer, nonce=nonce)
    except IntegrityError:
        return False
    if stored.pk % PRUNE_EVERY == 0:
        prune_nonces()
    return True


def prune_nonces(now: datetime.datetime | None = None) -> int:
    """Forget nonces older than a day; their timestamps are refused anyway."""
    deleted, _counts = ReceivedNonce.objects.filter(received_at__lt=(now or timezone.now()) - NONCE_LIFETIME).delete()
    return deleted


@csrf_exempt
@transaction.non_atomic_requests
@require_POST
def receive(request):
    """Accept a message a peer signed, once per id; refuse and audit anything unauthenticated or replayed."""
    name = request.headers.get(HEADER_DEPLOYMENT, "")[:64]
    timestamp = request.headers.get(HEADER_TIMESTAMP, "")
    nonce = request.headers.get(HEADER_NONCE, "")
    signature = request.headers.get(HEADER_SIGNATURE, "")
    peer = Peer.objects.filter(name=name, active=True).first() if name else None
    if peer is None:
        return _refuse(request, name, "unknown_peer")
    body = request.body
    well_formed = TIMESTAMP.fullmatch(timestamp) and NONCE.fullmatch(nonce)
    if not well_formed or not verify(peer, recipient=settings.HUILIU_DEPLOYMENT, timestamp=timestamp, nonce=nonce,
                                     signature=signature, body=body):
        return _refuse(request, name, "bad_signature")
    # Checked only once the signature holds, so nobody else can fill the nonce table.
    if abs(time.time() - int(timestamp)) > CLOCK_SKEW_SECONDS:
        return _refuse(request, name, "stale_timestamp", timestamp=timestamp)
    if not _store_nonce(peer, nonce):
        return _refuse(request, name, "replayed_nonce", nonce=nonce)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        return _unprocessable(name, {"__all__": ["请求体须为 UTF-8 编码的 JSON 对象。"]})
    sender_code = _sender_code(data)
    # Our own offices write their messages here: nobody else, a hub included, speaks for them.
    if sender_code is not None and routing.serves_locally(sender_code):
        return _refuse(request, name, "sender_served_here", sender_code=str(sender_code)[:20])
    if not _speaks_for(peer, data):
        return _refuse(request, name, "sender_not_served", sender_code=str(data.get("sender_code"))[:20])
    try:
        message, created = actions.receive_message(peer=peer, data=data)
    except ValidationFailed as failure:
        return _unprocessable(name, failure.errors)
    return JsonResponse({"id": str(message.pk), "duplicate": not created})
