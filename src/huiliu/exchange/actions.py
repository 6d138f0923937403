import base64
import binascii
import datetime
import re
import uuid
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from huiliu.accounts.models import Role
from huiliu.accounts.scope import has_role, require_write_scope
from huiliu.audit.actions import record_event
from huiliu.certificates import actions as certificates
from huiliu.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from huiliu.core.identity import validate_phone
from huiliu.core.models import user_or_none
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from . import queries, routing
from .models import (
    ANSWER_TYPE,
    DEFAULT_ANSWER_DAYS,
    AnswerPeriod,
    CooperationAgreement,
    LiaisonStation,
    Message,
    MessageStatus,
    MessageType,
    OutboxEntry,
    Peer,
)
from .payloads import validate_payload

# Sent by a person through `send_message`; notices are sent by the registry itself, answers by `answer_message`.
TYPES_SENT_BY_HAND = (MessageType.JOINT_INQUIRY, MessageType.PROXY_REQUEST, MessageType.SERVICE_REPORT)
# A peer's clock may run this far ahead of ours; a message written later than that is refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Retries wait 30 s, 1 min, 2 min … up to an hour between attempts.
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600


def answer_days(message_type: str) -> int | None:
    """Days the receiver has to answer this type of message; None when it expects no answer."""
    if message_type not in DEFAULT_ANSWER_DAYS:
        return None
    period = AnswerPeriod.objects.filter(message_type=message_type).values_list("days", flat=True).first()
    return period if period is not None else DEFAULT_ANSWER_DAYS[message_type]


def _subject_codes(person: Person | None) -> tuple[int | None, int | None]:
    return person.place_codes if person is not None else (None, None)


def _write(*, acting_user, message_type, sender_code, receiver_code, payload, person=None, in_reply_to=None) -> Message:
    """Write one outgoing message, deliver it here or queue it for the peer that serves its receiver."""
    payload = validate_payload(message_type, payload)
    now = timezone.now()
    days = answer_days(message_type)
    local = routing.serves_locally(receiver_code)
    message = Message.objects.create(
        message_type=message_type, sender_code=sender_code, receiver_code=receiver_code, person=person,
        payload=payload, created_at=now, deadline=now + datetime.timedelta(days=days) if days is not None else None,
        status=MessageStatus.DELIVERED if local else MessageStatus.SENT, delivered_at=now if local else None,
        in_reply_to=in_reply_to, sent_by=user_or_none(acting_user),
    )
    if not local:
        _enqueue(message, now)
    record_event(actor=acting_user, event="send_message", object_type="message", object_id=message.pk,
                 subject_codes=_subject_codes(person),
                 detail={"type": message_type, "from": sender_code, "to": receiver_code})
    return message


def _enqueue(message: Message, now) -> OutboxEntry:
    return OutboxEntry.objects.create(message=message, peer=routing.route_for(message.receiver_code), next_attempt_at=now)


def send_notice(*, acting_user, message_type: str, sender_code: int, receiver_code: int, payload: dict,
                person: Person | None = None) -> Message | None:
    """Send a notice that the registry raised itself (the triggering action already checked the user's scope).

    A township never notifies itself: when both ends are the same office, nothing is sent and None is returned.
    """
    if int(sender_code) == int(receiver_code):
        return None
    return _write(acting_user=acting_user, message_type=message_type, sender_code=sender_code,
                  receiver_code=receiver_code, payload=payload, person=person)


def _check_office_code(errors: dict, field: str, code) -> None:
    try:
        code = int(code)
        valid = 10**10 <= code < 10**12 and codes.level_of(code) <= codes.TOWNSHIP
    except (TypeError, ValueError):
        valid = False
    if not valid:
        errors.setdefault(field, []).append(_("Enter the 12-digit code of a township or a higher office."))
    elif routing.serves_locally(code) and not Jurisdiction.objects.filter(code=code).exists():
        errors.setdefault(field, []).append(_("No such jurisdiction."))


def send_message(*, acting_user, message_type: str, sender_code: int, receiver_code: int, payload: dict,
                 person: Person | None = None) -> Message:
    """Send an inquiry, a proxy request or a service report from an office of the user's to another office."""
    errors: dict[str, list[str]] = {}
    if message_type not in TYPES_SENT_BY_HAND:
        errors["message_type"] = [_("This type of message is not sent by hand.")]
    _check_office_code(errors, "sender_code", sender_code)
    _check_office_code(errors, "receiver_code", receiver_code)
    if not errors and int(sender_code) == int(receiver_code):
        errors["receiver_code"] = [_("A message goes to another office.")]
    if errors:
        raise ValidationFailed(errors)
    require_write_scope(acting_user, int(sender_code), object_type="message",
                        message=_("You can only send messages from your own office."))
    with transaction.atomic():
        return _write(acting_user=acting_user, message_type=message_type, sender_code=int(sender_code),
                      receiver_code=int(receiver_code), payload=payload, person=person)


def answer_message(*, acting_user, message: Message, payload: dict) -> Message:
    """Answer a message sent to the user's office: the answer goes back to the sender and stops the clock."""
    require_write_scope(acting_user, message.receiver_code, object_type="message", object_id=message.pk,
                        message=_("Only the office this message was sent to can answer it."))
    # A request for an application held here is answered by deciding the application, never by hand:
    # otherwise the clock would stop while the application stayed undecided.
    if queries.proxy_application_of(message) is not None:
        raise ValidationFailed({"__all__": [_("Decide this request on its proxy application page; the answer is sent from there.")]})
    return record_answer(acting_user=acting_user, message=message, payload=payload)


def record_answer(*, acting_user, message: Message, payload: dict) -> Message:
    """Write the answer to a message and stop its clock, audited as the acting user; checks no scope.

    For `answer_message`, which checked the user's scope, and for answers an action gives by itself after
    checking its own rights: an arrival confirms the outflow notice it completes (registered by a village
    worker of the receiving township), a proxy decision answers its request.
    """
    if not message.expects_answer:
        raise ValidationFailed({"__all__": [_("This message does not expect an answer.")]})
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.answered_at is not None:
            raise ValidationFailed({"__all__": [_("This message has already been answered.")]})
        answer = _write(acting_user=acting_user, message_type=ANSWER_TYPE[message.message_type],
                        sender_code=message.receiver_code, receiver_code=message.sender_code, payload=payload,
                        person=message.person, in_reply_to=message.pk)
        message.answered_at = answer.created_at
        message.answer_id = answer.pk
        message.status = MessageStatus.ANSWERED
        message.read_at = message.read_at or answer.created_at
        message.save(update_fields=["answered_at", "answer_id", "status", "read_at", "updated_at"])
    return answer


def mark_message_read(*, acting_user, message: Message) -> Message:
    """Note that the receiving office has opened the message (its readers and auditors do not count)."""
    if message.status not in (MessageStatus.SENT, MessageStatus.DELIVERED):
        return message
    try:
        require_write_scope(acting_user, message.receiver_code, object_type="message", object_id=message.pk)
    except PermissionDenied:
        return message
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status__in=(MessageStatus.SENT, MessageStatus.DELIVERED)).update(
            status=MessageStatus.READ, read_at=timezone.now(), updated_at=timezone.now())
    if updated:
        message.refresh_from_db()
    return message


def _link_person(payload: dict) -> Person | None:
    # By number and name together, like the card in hand: a number alone must not pin a message on someone.
    number, name = payload.get("id_number"), payload.get("name")
    if not number or not name:
        return None
    return Person.objects.filter(id_number=number, name=name).first()


def receive_message(*, peer: Peer, data: dict) -> tuple[Message, bool]:
    """Accept a message a peer delivered, once per id; link it to the local person and to the message it answers."""
    errors: dict[str, list[str]] = {}
    try:
        message_id = uuid.UUID(str(data.get("id")))
    except ValueError:
        errors["id"] = [_("Enter a valid value.")]
    message_type = data.get("message_type")
    created_at = _received_time(errors, "created_at", data.get("created_at"))
    deadline = _received_time(errors, "deadline", data["deadline"]) if data.get("deadline") else None
    in_reply_to = data.get("in_reply_to")
    try:
        in_reply_to = uuid.UUID(str(in_reply_to)) if in_reply_to else None
    except ValueError:
        errors["in_reply_to"] = [_("Enter a valid value.")]
    _check_office_code(errors, "sender_code", data.get("sender_code"))
    _check_office_code(errors, "receiver_code", data.get("receiver_code"))
    now = timezone.now()
    if created_at is not None and created_at > now + CLOCK_SKEW:
        # Written in the future: a clock far off, or a date chosen to move the figures.
        errors["created_at"] = [_("The message is dated in the future.")]
    if errors:
        raise ValidationFailed(errors)
    receiver_code = int(data["receiver_code"])
    local = routing.serves_locally(receiver_code)
    if not local and not settings.HUILIU_EXCHANGE_HUB:
        # Only a deployment configured as a hub passes messages on; others would queue them for ever.
        raise ValidationFailed({"receiver_code": [_("This office is not served here.")]})
    payload = validate_payload(message_type, data.get("payload") or {})
    existing = Message.objects.filter(pk=message_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = Message.objects.create(
                id=message_id, message_type=message_type, sender_code=int(data["sender_code"]),
                receiver_code=receiver_code, origin_deployment=str(data.get("origin_deployment") or peer.name)[:64],
                person=_link_person(payload) if local else None, payload=payload, created_at=created_at,
                deadline=deadline, status=MessageStatus.DELIVERED if local else MessageStatus.SENT,
                delivered_at=now if local else None, in_reply_to=in_reply_to,
            )
            if not local:
                _enqueue(message, now)  # a hub passes it on
            # The link to the message answered is kept only when it is accepted as its answer, so a peer cannot
            # make a message page show another message it names; a relayed answer keeps it for its receiver.
            if in_reply_to is not None and local and not _close_answered(in_reply_to, message, peer_name=peer.name):
                message.in_reply_to = None
                message.save(update_fields=["in_reply_to", "updated_at"])
            record_event(actor=None, username=f"peer:{peer.name}", event="receive_message", object_type="message",
                         object_id=message.pk, subject_codes=_subject_codes(message.person),
                         detail={"type": message_type, "from": message.sender_code, "to": receiver_code,
                                 "relayed": not local})
            if local and message.message_type == MessageType.SERVICE_REPORT:
                from .service_reports import recognise_received_report  # keeps the recognised copy, answers it
                recognise_received_report(message=message, peer_name=peer.name)
    except IntegrityError:
        # The same message delivered twice at the same moment: the first copy stands.
        return Message.objects.get(pk=message_id), False
    return message, True


def _received_time(errors: dict, field: str, value) -> datetime.datetime | None:
    # A well-formed but impossible date makes parse_datetime raise; a time without its zone is ambiguous.
    try:
        parsed = parse_datetime(str(value or ""))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        errors[field] = [_("Enter a valid value.")]
        return None
    return parsed


def _close_answered(original_id, answer: Message, *, peer_name: str) -> bool:
    """Stop the clock of the message a peer's answer answers, and act on a proxy decision; True when accepted."""
    original = Message.objects.select_for_update().filter(pk=original_id).first()
    if original is None or original.answered_at is not None:
        return False
    # Only the office the original went to can answer it, with the type that answers it: a peer
    # that knows a message's id must not stop its clock with something else.
    answers_it = (
        (answer.sender_code, answer.receiver_code) == (original.receiver_code, original.sender_code)
        and ANSWER_TYPE.get(original.message_type) == answer.message_type
    )
    if not answers_it:
        return False
    # The clock stops when the answer was written, not when the network brought it; but the peer's date is
    # trusted only between the question and now, so no answer counts as given before it was asked.
    original.answered_at = min(max(answer.created_at, original.created_at), timezone.now())
    original.answer_id = answer.pk
    original.status = MessageStatus.ANSWERED
    original.save(update_fields=["answered_at", "answer_id", "status", "updated_at"])
    if original.message_type == MessageType.PROXY_REQUEST:
        _record_proxy_decision(original, answer, peer_name=peer_name)
    return True


def _record_proxy_decision(request: Message, answer: Message, *, peer_name: str) -> None:
    """Decide the application held here that the answered request stood for, as the origin on the peer decided."""
    application = queries.proxy_application_of(request)
    if application is None:
        return
    certificates.record_peer_decision(
        application=application, issued=answer.payload.get("decision") == "approved",
        reason=answer.payload.get("reason", ""), document_number=answer.payload.get("document_number", ""),
        decided_at=request.answered_at, peer_name=peer_name)


def record_delivery(*, entry: OutboxEntry) -> None:
    """Mark a queued message delivered: the peer has accepted it."""
    now = timezone.now()
    with transaction.atomic():
        OutboxEntry.objects.filter(pk=entry.pk).update(delivered_at=now, attempts=entry.attempts + 1, last_error="")
        Message.objects.filter(pk=entry.message_id, status=MessageStatus.SENT).update(
            status=MessageStatus.DELIVERED, delivered_at=now, updated_at=now)


def record_failed_attempt(*, entry: OutboxEntry, error: str) -> OutboxEntry:
    """Count a failed delivery and set the next attempt further off each time."""
    attempts = entry.attempts + 1
    wait = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_RETRY_SECONDS)
    entry.attempts = attempts
    entry.last_error = error[:300]
    entry.next_attempt_at = timezone.now() + datetime.timedelta(seconds=wait)
    if entry.peer_id is None or not entry.peer.active:
        entry.peer = routing.route_for(entry.message.receiver_code)
    entry.save(update_fields=["attempts", "last_error", "next_attempt_at", "peer"])
    return entry


def set_answer_period(*, acting_user, message_type: str, days: int) -> AnswerPeriod:
    """Set how many days receivers have to answer a type of message (province officers, or an administrator's command)."""
    if acting_user is not None and not has_role(acting_user, Role.PROVINCE_OFFICER):
        record_event(actor=acting_user, event="write", object_type="answer_period", object_id=message_type,
                     outcome="denied")
        raise PermissionDenied(_("Only a province officer can change answer periods."))
    if message_type not in DEFAULT_ANSWER_DAYS:
        raise ValidationFailed({"message_type": [_("This type of message expects no answer.")]})
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationFailed({"days": [_("Enter a number of days from 1 to 365.")]})
    with transaction.atomic():
        period, _created = AnswerPeriod.objects.update_or_create(message_type=message_type, defaults={"days": days})
        record_event(actor=acting_user, event="update", object_type="answer_period", object_id=message_type,
                     detail={"days": days})
    return period


def record_agreement(
    *, acting_user, first_party_code: int, second_party_code: int, title: str, signed_on: datetime.date,
    valid_from: datetime.date, scope: str, valid_until: datetime.date | None = None, contacts: str = "",
    meeting_schedule: str = "",
) -> CooperationAgreement:
    """Record a cooperation agreement that an office of the user's signed with another jurisdiction."""
    errors = FieldErrors()
    _check_office_code(errors, "first_party_code", first_party_code)
    _check_office_code(errors, "second_party_code", second_party_code)
    if not errors and int(first_party_code) == int(second_party_code):
        errors["second_party_code"] = [_("An agreement is between two different jurisdictions.")]
    title = errors.text("title", title, 200, required=True)
    scope = errors.text("scope", scope, 2000, required=True)
    contacts = errors.text("contacts", contacts, 2000)
    meeting_schedule = errors.text("meeting_schedule", meeting_schedule, 200)
    for field, value in (("signed_on", signed_on), ("valid_from", valid_from)):
        if value is None:
            errors.setdefault(field, []).append(_("This field is required."))
    if valid_until and valid_from and valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("The end cannot be before the start."))
    if errors:
        raise ValidationFailed(errors)
    require_write_scope(acting_user, int(first_party_code), int(second_party_code), object_type="agreement",
                        message=_("One party must be an office in your area of responsibility."))
    with transaction.atomic():
        agreement = CooperationAgreement.objects.create(
            first_party_code=int(first_party_code), second_party_code=int(second_party_code), title=title,
            signed_on=signed_on, valid_from=valid_from, valid_until=valid_until, scope=scope, contacts=contacts,
            meeting_schedule=meeting_schedule, created_by=acting_user,
        )
        record_event(actor=acting_user, event="create", object_type="agreement", object_id=agreement.pk,
                     detail={"parties": [agreement.first_party_code, agreement.second_party_code]})
    return agreement


def open_liaison_station(
    *, acting_user, origin_code: int, city_code: int, name: str, address: str, contact_name: str,
    contact_phone: str, opened_on: datetime.date,
) -> LiaisonStation:
    """Record a liaison station that an origin office of the user's keeps in a destination city."""
    errors = FieldErrors()
    _check_office_code(errors, "origin_code", origin_code)
    try:
        city_code = int(city_code)
        if codes.level_of(city_code) != codes.CITY or not 10**10 <= city_code < 10**12:
            raise ValueError
    except (TypeError, ValueError):
        errors["city_code"] = [_("Enter the 12-digit code of a city.")]
    else:
        if "origin_code" not in errors and codes.contains(city_code, int(origin_code)):
            errors["city_code"] = [_("A liaison station is kept in another city than the origin's own.")]
    name = errors.text("name", name, 100, required=True)
    address = errors.text("address", address, 200, required=True)
    contact_name = errors.text("contact_name", contact_name, 50, required=True)
    try:
        contact_phone = validate_phone(contact_phone, field="contact_phone")
    except ValidationFailed as failure:
        errors.update(failure.errors)
    if opened_on is None:
        errors["opened_on"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    require_write_scope(acting_user, int(origin_code), object_type="liaison_station",
                        message=_("The origin must be an office in your area of responsibility."))
    with transaction.atomic():
        station = LiaisonStation.objects.create(
            origin_code=int(origin_code), city_code=city_code, name=name, address=address,
            contact_name=contact_name, contact_phone=contact_phone, opened_on=opened_on, created_by=acting_user,
        )
        record_event(actor=acting_user, event="create", object_type="liaison_station", object_id=station.pk,
                     detail={"origin": station.origin_code, "city": station.city_code})
    return station


def close_liaison_station(*, acting_user, station: LiaisonStation, closed_on: datetime.date) -> LiaisonStation:
    """Record that a liaison station has closed."""
    require_write_scope(acting_user, station.origin_code, object_type="liaison_station", object_id=station.pk)
    if closed_on is None or closed_on < station.opened_on:
        raise ValidationFailed({"closed_on": [_("The end cannot be before the start.")]})
    with transaction.atomic():
        station.closed_on = closed_on
        station.save(update_fields=["closed_on", "updated_at"])
        record_event(actor=acting_user, event="update", object_type="liaison_station", object_id=station.pk,
                     detail={"closed_on": closed_on.isoformat()})
    return station


# Peers: the other deployments this one exchanges with, configured by an operator's command.

PEER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
PREFIX = re.compile(r"\d{1,12}")


def _check_peer_name(errors: dict, name: str) -> str:
    name = (name or "").strip()
    # The name travels in a request header and must equal the peer's own HUILIU_DEPLOYMENT.
    if not PEER_NAME.fullmatch(name):
        errors["name"] = [_("Enter the peer's deployment name: letters, digits, dots, dashes or underscores, "
                            "at most 64.")]
    elif name == settings.HUILIU_DEPLOYMENT:
        errors["name"] = [_("This is the name of this deployment itself.")]
    return name


def _check_base_url(errors: dict, base_url: str) -> str:
    base_url = (base_url or "").strip().rstrip("/")
    # Checked by hand rather than by URLValidator, which refuses the one-word host names of an intranet.
    try:
        parts = urlsplit(base_url)
        # .port raises ValueError for a port that is no number or out of range.
        valid = (parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
                 and not (parts.query or parts.fragment or parts.username or parts.password)
                 and base_url.isascii() and base_url.isprintable() and " " not in base_url and len(base_url) <= 300)
    except ValueError:
        valid = False
    if not valid:
        errors["base_url"] = [_("Enter the peer's address as http(s)://host[:port][/path], without a query.")]
    return base_url


def _check_public_key(errors: dict, public_key: str) -> str:
    public_key = (public_key or "").strip()
    try:
        raw = base64.b64decode(public_key, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error):
        errors["public_key"] = [_("Enter the peer's public key: 32 bytes in base64, as `huiliu exchange_key` "
                                  "prints it on the peer.")]
    return public_key


def _check_prefixes(errors: dict, prefixes: str, is_hub: bool) -> str:
    listed = [p.strip() for p in (prefixes or "").split(",") if p.strip()]
    if any(not PREFIX.fullmatch(p) for p in listed):
        errors["prefixes"] = [_("Enter division-code prefixes as digits separated by commas, e.g. 37,41.")]
    elif not listed and not is_hub:
        # A peer that serves no code would never be sent anything, nor may it speak for any office.
        errors["prefixes"] = [_("Enter the division-code prefixes the peer serves, or make it a hub.")]
    return ",".join(dict.fromkeys(listed))


def _require_operator(acting_user, object_id: str) -> None:
    # Who to trust is set on the server's command line, not by an office account.
    if acting_user is not None:
        record_event(actor=acting_user, event="configure_peer", object_type="peer", object_id=object_id,
                     outcome="denied")
        raise PermissionDenied(_("Peers are configured by an operator with `huiliu exchange_peer`."))


def _reroute_waiting() -> int:
    """Send every waiting entry to the peer that now serves its receiver, and try it soon; count those moved."""
    now = timezone.now()
    moved = 0
    routes: dict[int, Peer | None] = {}
    for entry in OutboxEntry.objects.filter(delivered_at__isnull=True).select_related("message"):
        code = entry.message.receiver_code
        if code not in routes:
            routes[code] = routing.route_for(code)
        peer = routes[code]
        if (peer.pk if peer else None) != entry.peer_id:
            OutboxEntry.objects.filter(pk=entry.pk).update(peer=peer, next_attempt_at=now)
            moved += 1
    return moved


def add_peer(*, acting_user, name: str, base_url: str, public_key: str, prefixes: str = "",
             is_hub: bool = False) -> tuple[Peer, bool]:
    """Trust a peer deployment, or replace what is known of one (a new key, address or prefixes); True when new."""
    _require_operator(acting_user, str(name)[:64])
    errors: dict[str, list[str]] = {}
    name = _check_peer_name(errors, name)
    base_url = _check_base_url(errors, base_url)
    public_key = _check_public_key(errors, public_key)
    prefixes = _check_prefixes(errors, prefixes, is_hub)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        previous = Peer.objects.select_for_update().filter(name=name).first()
        peer, created = Peer.objects.update_or_create(name=name, defaults={
            "base_url": base_url, "public_key": public_key, "prefixes": prefixes, "is_hub": is_hub, "active": True})
        detail = {"name": name, "base_url": base_url, "public_key": public_key, "prefixes": prefixes, "hub": is_hub}
        if previous is not None:
            detail["was"] = {"base_url": previous.base_url, "public_key": previous.public_key,
                             "prefixes": previous.prefixes, "hub": previous.is_hub, "active": previous.active}
        detail["rerouted"] = _reroute_waiting()
        record_event(actor=acting_user, event="add_peer" if created else "update_peer", object_type="peer",
                     object_id=peer.pk, detail=detail)
    return peer, created


def disable_peer(*, acting_user, peer: Peer) -> Peer:
    """Stop trusting a peer: its requests are refused, and what waited for it goes to whoever now serves it."""
    _require_operator(acting_user, str(peer.pk))
    with transaction.atomic():
        updated = Peer.objects.filter(pk=peer.pk, active=True).update(active=False)
        peer.refresh_from_db()
        if updated:
            record_event(actor=acting_user, event="disable_peer", object_type="peer", object_id=peer.pk,
                         detail={"name": peer.name, "rerouted": _reroute_waiting()})
    return peer
