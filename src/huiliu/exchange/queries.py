import datetime
import statistics

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from huiliu.accounts.scope import in_scope, jurisdiction_ranges, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.certificates.models import ProxyApplication
from huiliu.core.errors import NotFound
from huiliu.core.medians import middle_values
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes

from .models import (
    EXPECTS_ANSWER,
    CooperationAgreement,
    LiaisonStation,
    Message,
    MessageStatus,
    MessageType,
    OutboxEntry,
    Peer,
)

DUE_SOON_DAYS = 7


def with_current_status(messages: QuerySet[Message], now: datetime.datetime | None = None) -> QuerySet[Message]:
    """Annotate `current_status`: the stored status, except that an unanswered message past its deadline is overdue."""
    now = now or timezone.now()
    return messages.annotate(current_status=Case(
        When(answered_at__isnull=False, then=Value(MessageStatus.ANSWERED)),
        When(deadline__lt=now, then=Value(MessageStatus.OVERDUE)),
        default=F("status"), output_field=CharField(),
    ))


def _filtered(messages, *, message_type: str = "", status: str = "", now=None) -> QuerySet[Message]:
    messages = with_current_status(messages, now)
    if message_type:
        messages = messages.filter(message_type=message_type)
    if status:
        messages = messages.filter(current_status=status)
    return messages.order_by("-created_at")


def _audit_list(user, box: str, message_type: str, status: str) -> None:
    record_event(actor=user, event="list", object_type="message",
                 detail={"box": box, "type": message_type, "status": status})


def list_inbox(*, user, message_type: str = "", status: str = "", now=None) -> QuerySet[Message]:
    """List messages sent to offices in the user's scope, newest first; audited."""
    _audit_list(user, "inbox", message_type, status)
    return _filtered(Message.objects.filter(scope_filter(user, "receiver_code")),
                     message_type=message_type, status=status, now=now)


def list_outbox(*, user, message_type: str = "", status: str = "", now=None) -> QuerySet[Message]:
    """List messages sent from offices in the user's scope, newest first; audited."""
    _audit_list(user, "outbox", message_type, status)
    return _filtered(Message.objects.filter(scope_filter(user, "sender_code")),
                     message_type=message_type, status=status, now=now)


def list_due_soon(*, user, now=None) -> QuerySet[Message]:
    """List unanswered messages to the user's offices whose deadline falls in the next seven days, soonest first."""
    now = now or timezone.now()
    _audit_list(user, "due_soon", "", "")
    return with_current_status(Message.objects.filter(
        scope_filter(user, "receiver_code"), answered_at__isnull=True,
        deadline__gte=now, deadline__lt=now + datetime.timedelta(days=DUE_SOON_DAYS),
    ), now).order_by("deadline")


def access_message(user, message_id) -> Message:
    """Fetch a message sent from or to an office in the user's scope; otherwise not found, and the denial audited."""
    visible = with_current_status(Message.objects.filter(scope_filter(user, "sender_code", "receiver_code")))
    message = visible.select_related("person").filter(pk=message_id).first() if is_uuid(message_id) else None
    if message is None:
        record_event(actor=user, event="view", object_type="message", object_id=str(message_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(message_id)
    record_event(actor=user, event="view", object_type="message", object_id=message.pk,
                 subject_codes=message.person.place_codes if message.person else (None, None),
                 detail={"person": str(message.person_id)} if message.person_id else {})
    return message


def _visible(user) -> QuerySet[Message]:
    return Message.objects.filter(scope_filter(user, "sender_code", "receiver_code"))


def find_answer(*, user, message: Message) -> Message | None:
    """The answer to a message, when the user may see it (call after access_message)."""
    if message.answer_id is None:
        return None
    return _visible(user).filter(pk=message.answer_id).first()


def find_original(*, user, message: Message) -> Message | None:
    """The message this one answers, when the user may see it (call after access_message)."""
    if message.in_reply_to is None:
        return None
    return _visible(user).filter(pk=message.in_reply_to).first()


def list_messages_about(person) -> QuerySet[Message]:
    """List the messages about a person, newest first (call after access_person)."""
    return with_current_status(Message.objects.filter(person=person)).order_by("-created_at")


def count_exchange_figures(*, user, now=None) -> dict[str, int]:
    """Count for the home page: overdue to answer, overdue awaiting the other side, due this week, unread."""
    now = now or timezone.now()
    unanswered = Message.objects.filter(answered_at__isnull=True, message_type__in=EXPECTS_ANSWER)
    inbox = unanswered.filter(scope_filter(user, "receiver_code"))
    outbox = unanswered.filter(scope_filter(user, "sender_code"))
    figures = inbox.aggregate(
        overdue_to_answer=Count("pk", filter=Q(deadline__lt=now)),
        due_this_week=Count("pk", filter=Q(deadline__gte=now, deadline__lt=now + datetime.timedelta(days=DUE_SOON_DAYS))),
    )
    figures["unread"] = Message.objects.filter(
        scope_filter(user, "receiver_code"), status__in=(MessageStatus.SENT, MessageStatus.DELIVERED)).count()
    figures["overdue_awaiting"] = outbox.filter(deadline__lt=now).count()
    return figures


def _rates_of(sent: QuerySet, received: QuerySet, now: datetime.datetime) -> dict:
    answered_q = Q(answered_at__isnull=False)
    counts = received.aggregate(
        received=Count("pk"),
        # Due: answered, or past its deadline. A notice sent this morning is not yet a failure.
        due=Count("pk", filter=answered_q | Q(deadline__lt=now)),
        answered=Count("pk", filter=answered_q),
        on_time=Count("pk", filter=answered_q & Q(answered_at__lte=F("deadline"))),
    )
    counts["sent"] = sent.count()
    counts["pending"] = counts["received"] - counts["due"]
    due, answered = counts["due"], counts["answered"]
    counts["feedback_rate"] = answered / due if due else None
    counts["on_time_rate"] = counts["on_time"] / due if due else None
    counts["median_days_to_answer"] = _median_days(received.filter(answered_q), answered)
    return counts


def _median_days(answered: QuerySet, count: int) -> float | None:
    """The median time from sending to answer, in days; read as the one or two middle rows in SQL order."""
    durations = answered.annotate(
        time_to_answer=ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField()))
    middle = middle_values(durations, "time_to_answer", count)
    return statistics.fmean(d.total_seconds() for d in middle) / 86400 if middle else None


def compute_rates(*, user, code: int, start: datetime.datetime, end: datetime.datetime,
                  now: datetime.datetime | None = None) -> dict:
    """Compute the exchange rates of one subtree over [start, end): messages that expect an answer, sent and received.

    sent: sent from the subtree; received: sent to it; due: of those received, answered or past
    their deadline (by now); pending: received, not yet due; answered: answered by now; on time:
    answered by the deadline; feedback rate = answered / due; on-time rate = on time / due;
    median days to answer over the answered ones.
    """
    if not in_scope(user, code):
        record_event(actor=user, event="view", object_type="exchange_rates", object_id=str(code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(code)
    low, high = codes.subtree_range(code)
    period = Message.objects.filter(message_type__in=EXPECTS_ANSWER, created_at__gte=start, created_at__lt=end)
    rates = _rates_of(period.filter(sender_code__gte=low, sender_code__lte=high),
                      period.filter(receiver_code__gte=low, receiver_code__lte=high), now or timezone.now())
    record_event(actor=user, event="view", object_type="exchange_rates", object_id=str(code),
                 detail={"start": start.isoformat(), "end": end.isoformat()})
    return rates


def list_agreements(*, user) -> QuerySet[CooperationAgreement]:
    """List the cooperation agreements one of whose parties lies in the user's scope."""
    return CooperationAgreement.objects.filter(scope_filter(user, "first_party_code", "second_party_code"))


def list_liaison_stations(*, user) -> QuerySet[LiaisonStation]:
    """List the liaison stations whose origin lies in the user's scope, or whose host city holds or lies in it."""
    # A county or township officer of the host city works with the station as much as the city does.
    cities = {low // 10**8 * 10**8 for low, _high in jurisdiction_ranges(user) if codes.level_of(low) > codes.PROVINCE}
    return LiaisonStation.objects.filter(scope_filter(user, "origin_code", "city_code") | Q(city_code__in=cities))


def access_liaison_station(user, station_id) -> LiaisonStation:
    """Fetch a liaison station of the user's scope; otherwise not found."""
    station = list_liaison_stations(user=user).filter(pk=station_id).first() if is_uuid(station_id) else None
    if station is None:
        raise NotFound(station_id)
    return station


def count_queue() -> list[dict]:
    """Count the outbox per peer for operators: waiting, delivered, oldest waiting, most attempts, latest error."""
    figures = {
        row["peer"]: row for row in OutboxEntry.objects.values("peer").annotate(
            waiting=Count("pk", filter=Q(delivered_at__isnull=True)),
            delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
            oldest_waiting=Min("created_at", filter=Q(delivered_at__isnull=True)),
            attempts=Max("attempts", filter=Q(delivered_at__isnull=True)),
        )
    }
    empty = {"waiting": 0, "delivered": 0, "oldest_waiting": None, "attempts": None}
    rows = []
    for peer in [*Peer.objects.order_by("name"), None]:
        counts = figures.get(peer.pk if peer else None, empty)
        if peer is None and not counts["waiting"]:
            continue
        last_error = (OutboxEntry.objects.filter(peer=peer, delivered_at__isnull=True).exclude(last_error="")
                      .order_by("-next_attempt_at").values_list("last_error", flat=True).first()) if counts["waiting"] else ""
        rows.append({"peer": peer, **{k: counts[k] for k in empty}, "last_error": last_error or ""})
    return rows


def proxy_application_of(message: Message) -> ProxyApplication | None:
    """The proxy application held here that a proxy request stands for, if any.

    Only the application the request was raised for: the same person, sent from the township that applied to the
    origin township. A request naming someone else's application stands for none.
    """
    application_id = message.payload.get("application_id") if message.message_type == MessageType.PROXY_REQUEST else None
    if not application_id or not is_uuid(application_id) or message.person_id is None:
        return None
    application = ProxyApplication.objects.filter(pk=application_id, person_id=message.person_id).first()
    if application is None:
        return None
    sent_between = (codes.township_of(application.applying_jurisdiction_id) == message.sender_code
                    and codes.township_of(application.origin_jurisdiction_id) == message.receiver_code)
    return application if sent_between else None


# Added for pages


def count_by_status(*, user, box: str, message_type: str = "", now=None) -> dict[str, int]:
    """Count the inbox ("inbox") or outbox ("outbox") per current status; counts name nobody, so not audited."""
    field = "receiver_code" if box == "inbox" else "sender_code"
    messages = _filtered(Message.objects.filter(scope_filter(user, field)), message_type=message_type, now=now)
    return dict(messages.order_by().values_list("current_status").annotate(count=Count("pk")))


def access_agreement(user, agreement_id) -> CooperationAgreement:
    """Fetch a cooperation agreement one of whose parties lies in the user's scope; otherwise not found."""
    agreement = list_agreements(user=user).filter(pk=agreement_id).first() if is_uuid(agreement_id) else None
    if agreement is None:
        raise NotFound(agreement_id)
    return agreement
