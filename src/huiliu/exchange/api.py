import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from huiliu.core.errors import ValidationFailed
from huiliu.core.identity import mask_id_number

from . import actions, queries
from .models import MessageType

router = Router(tags=["exchange"])


class BoxFilters(Schema):
    type: str = Field("", description="a message type, e.g. inflow_notice; empty for all")
    status: str = Field("", description="sent, delivered, read, answered or overdue; empty for all")


class MessageSummary(Schema):
    id: UUID
    message_type: str
    sender_code: int
    receiver_code: int
    person_name: str
    id_number_masked: str
    created_at: datetime.datetime
    deadline: datetime.datetime | None
    status: str = Field(description="the current status: an unanswered message past its deadline is overdue")
    answered_at: datetime.datetime | None

    @staticmethod
    def resolve_person_name(message):
        return message.person.name if message.person else message.payload.get("name", "")

    @staticmethod
    def resolve_id_number_masked(message):
        return mask_id_number(message.person.id_number if message.person else message.payload.get("id_number", ""))

    @staticmethod
    def resolve_status(message):
        return message.current_status


class MessageOut(Schema):
    id: UUID
    message_type: str
    sender_code: int
    receiver_code: int
    person_id: UUID | None
    payload: dict[str, Any]
    created_at: datetime.datetime
    deadline: datetime.datetime | None
    status: str
    delivered_at: datetime.datetime | None
    read_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    in_reply_to: UUID | None
    answer_id: UUID | None

    @staticmethod
    def resolve_status(message):
        # A message just written carries no annotation: its stored status is its current one.
        return getattr(message, "current_status", message.status)


class InquiryIn(Schema):
    sender_code: int = Field(description="an office of yours")
    receiver_code: int
    subject: str
    question: str
    id_number: str = ""
    name: str = ""


class RatesOut(Schema):
    code: int
    start: datetime.date
    end: datetime.date
    sent: int
    received: int
    due: int
    pending: int
    answered: int
    on_time: int
    feedback_rate: float | None
    on_time_rate: float | None
    median_days_to_answer: float | None


@router.get("/inbox", response=list[MessageSummary], summary="Messages to offices in scope (masked)")
@paginate(LimitOffsetPagination)
def list_inbox(request, filters: Query[BoxFilters]):
    return queries.list_inbox(user=request.auth, message_type=filters.type, status=filters.status
                              ).select_related("person")


@router.get("/outbox", response=list[MessageSummary], summary="Messages from offices in scope (masked)")
@paginate(LimitOffsetPagination)
def list_outbox(request, filters: Query[BoxFilters]):
    return queries.list_outbox(user=request.auth, message_type=filters.type, status=filters.status
                               ).select_related("person")


@router.get("/messages/{message_id}", response=MessageOut,
            summary="One message in full (audited); the receiving office's opening marks it read")
def get_message(request, message_id: str):
    message = queries.access_message(request.auth, message_id)
    actions.mark_message_read(acting_user=request.auth, message=message)
    return message


@router.post("/messages/{message_id}/answer", response={201: MessageOut},
             summary="Answer a message sent to your office; the body is the answer's payload")
def answer_message(request, message_id: str, payload: Body[dict[str, Any]]):
    message = queries.access_message(request.auth, message_id)
    return Status(201, actions.answer_message(acting_user=request.auth, message=message, payload=payload))


@router.post("/inquiries", response={201: MessageOut}, summary="Send a joint inquiry from an office of yours")
def send_inquiry(request, inquiry: InquiryIn):
    data = inquiry.dict()
    sender_code, receiver_code = data.pop("sender_code"), data.pop("receiver_code")
    return Status(201, actions.send_message(acting_user=request.auth, message_type=MessageType.JOINT_INQUIRY,
                                            sender_code=sender_code, receiver_code=receiver_code, payload=data))


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@router.get("/rates", response=RatesOut,
            summary="Feedback and on-time rates of one jurisdiction, for messages sent from start to end (both included)")
def get_rates(request, code: int, start: datetime.date, end: datetime.date):
    if end < start:
        raise ValidationFailed({"end": [_("The end cannot be before the start.")]})
    rates = queries.compute_rates(user=request.auth, code=code, start=_midnight(start),
                                  end=_midnight(end + datetime.timedelta(days=1)))
    return {"code": code, "start": start, "end": end, **rates}
