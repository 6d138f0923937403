import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.fields import PhoneField
from huiliu.core.models import BaseModel


class MessageType(models.TextChoices):
    INFLOW_NOTICE = "inflow_notice", _("inflow notice")
    OUTFLOW_NOTICE = "outflow_notice", _("outflow notice")
    STATUS_CHANGE_NOTICE = "status_change_notice", _("status change notice")
    PROXY_REQUEST = "proxy_request", _("certificate proxy request")
    PROXY_DECISION = "proxy_decision", _("proxy decision")
    JOINT_INQUIRY = "joint_inquiry", _("joint inquiry")
    INQUIRY_FINDINGS = "inquiry_findings", _("inquiry findings")
    SERVICE_REPORT = "service_report", _("service report")
    FEEDBACK = "feedback", _("feedback")


# What answers each type that expects an answer; the answer types themselves expect none.
ANSWER_TYPE = {
    MessageType.INFLOW_NOTICE: MessageType.FEEDBACK,
    MessageType.OUTFLOW_NOTICE: MessageType.FEEDBACK,
    MessageType.STATUS_CHANGE_NOTICE: MessageType.FEEDBACK,
    MessageType.SERVICE_REPORT: MessageType.FEEDBACK,
    MessageType.PROXY_REQUEST: MessageType.PROXY_DECISION,
    MessageType.JOINT_INQUIRY: MessageType.INQUIRY_FINDINGS,
}
EXPECTS_ANSWER = tuple(ANSWER_TYPE)

# Days to answer, until an officer sets another period (AnswerPeriod).
DEFAULT_ANSWER_DAYS = {
    MessageType.INFLOW_NOTICE: 15,
    MessageType.OUTFLOW_NOTICE: 15,
    MessageType.STATUS_CHANGE_NOTICE: 15,
    MessageType.SERVICE_REPORT: 30,
    MessageType.PROXY_REQUEST: 10,
    MessageType.JOINT_INQUIRY: 15,
}


class MessageStatus(models.TextChoices):
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    READ = "read", _("read")
    ANSWERED = "answered", _("answered")
    # Never stored: an unanswered message past its deadline reads as overdue (queries.with_current_status).
    OVERDUE = "overdue", _("overdue")


class Message(models.Model):
    """One message between two offices; the same id on every deployment that holds a copy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_type = models.CharField(max_length=32, choices=MessageType.choices)
    sender_code = models.BigIntegerField()
    receiver_code = models.BigIntegerField()
    # The deployment where the message was written; "" for this one.
    origin_deployment = models.CharField(max_length=64, blank=True)
    # The registry row it is about, on this deployment (linked on receipt by ID number and name).
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.SENT)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Links between a message and its answer; plain ids, since the other may live only on a peer.
    in_reply_to = models.UUIDField(null=True, blank=True, db_index=True)
    answer_id = models.UUIDField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["receiver_code", "created_at"], name="exchange_msg_receiver"),
            models.Index(fields=["sender_code", "created_at"], name="exchange_msg_sender"),
            models.Index(fields=["deadline"], name="exchange_msg_deadline"),
            # The notices of a period, with every column the statistics count them by: read from the index alone.
            models.Index(fields=["message_type", "created_at", "sender_code", "receiver_code", "deadline",
                                 "answered_at"], name="exchange_msg_period"),
        ]

    def __str__(self):
        return f"{self.get_message_type_display()} {self.sender_code}→{self.receiver_code}"

    @property
    def expects_answer(self) -> bool:
        return self.message_type in EXPECTS_ANSWER


class AnswerPeriod(models.Model):
    """The days a receiver has to answer a type of message, where it differs from the default."""

    message_type = models.CharField(max_length=32, choices=MessageType.choices, primary_key=True)
    days = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)


class Peer(models.Model):
    """Another deployment this one exchanges with: where it listens, its public key, the codes it serves."""

    name = models.CharField(max_length=64, unique=True)
    base_url = models.URLField(max_length=300)
    # Ed25519 public key, 32 bytes, base64.
    public_key = models.CharField(max_length=64)
    # Comma-separated division-code prefixes (e.g. "37,41"); a hub routes whatever no other peer serves.
    prefixes = models.CharField(max_length=500, blank=True)
    is_hub = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    @property
    def prefix_list(self) -> list[str]:
        return [p.strip() for p in self.prefixes.split(",") if p.strip()]


class OutboxEntry(models.Model):
    """A message waiting to be delivered to a peer, with its attempts and the next time to try."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="outbox_entries")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, null=True, blank=True, related_name="outbox_entries")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"], name="exchange_outbox_due")]


class ReceivedNonce(models.Model):
    """A request nonce already accepted from a peer: the same signed request is not accepted twice."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "nonce"], name="exchange_nonce_once")]


class CooperationAgreement(BaseModel):
    """A 双向互动协议: how two jurisdictions cooperate, for how long, and who to call."""

    first_party_code = models.BigIntegerField(db_index=True)
    second_party_code = models.BigIntegerField(db_index=True)
    title = models.CharField(max_length=200)
    signed_on = models.DateField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    scope = models.TextField(max_length=2000)
    contacts = models.TextField(max_length=2000, blank=True)
    meeting_schedule = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-signed_on"]


class LiaisonStation(BaseModel):
    """A 联络站 that an origin keeps in a destination city for its people there."""

    origin_code = models.BigIntegerField(db_index=True)
    city_code = models.BigIntegerField(db_index=True)
    name = models.CharField(max_length=100)
    address = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=50)
    contact_phone = PhoneField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["name"]
