"""What each type of message carries: one schema per type, checked before a message is written or accepted.

Only what the receiver needs to act goes in (minimum necessity): who the person
is, where, since when. Health results never travel: a service report says that a
service was given, not what it found.
"""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from huiliu.core.errors import ValidationFailed, field_errors
from huiliu.core.identity import validate_id_number

from .models import MessageType


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _checked_id_number(value: str) -> str:
    try:
        return validate_id_number(value)
    except ValidationFailed as failure:
        raise ValueError(" ".join(sum(failure.errors.values(), []))) from None


class _AboutPerson(_Payload):
    id_number: str
    name: str = Field(min_length=1, max_length=50)
    sex: Literal["M", "F"]
    birth_date: datetime.date

    @field_validator("id_number")
    @classmethod
    def _valid_id_number(cls, value: str) -> str:
        return _checked_id_number(value)


class InflowNotice(_AboutPerson):
    """Destination → origin: this person is registered here."""

    household_code: int
    residence_code: int
    residence_address: str = Field(max_length=200)
    arrival_date: datetime.date
    residence_type: str = Field(max_length=20)


class OutflowNotice(_AboutPerson):
    """Origin → destination: this person left for your area."""

    household_code: int
    departure_date: datetime.date
    destination_code: int
    destination_address: str = Field(default="", max_length=200)
    reason: str = Field(max_length=20)
    contact_phone: str = Field(default="", max_length=20)


class StatusChangeNotice(_AboutPerson):
    """Either side → the other: a change in the person's situation."""

    change: Literal["marriage", "birth", "moved_on", "returned", "lost_contact", "birth_registration"]
    effective_date: datetime.date
    marital_status: str = Field(default="", max_length=2)
    child_sex: Literal["M", "F", ""] = ""
    note: str = Field(default="", max_length=200)
    # A confirmed birth registration (生育登记): the number of its voucher, which verifies by its QR code.
    voucher_number: str = Field(default="", max_length=32)


class ProxyRequest(_AboutPerson):
    """Destination → origin: please issue this document for a person who lives here, so they need not travel."""

    document: str = Field(min_length=1, max_length=100)
    reason: str = Field(default="", max_length=500)
    # The proxy application (certificates.ProxyApplication) this request carries, when the registry raised it.
    application_id: str = Field(default="", max_length=36)


def _field_error(model: str, field: str, value, message: str) -> ValidationError:
    """A refusal a whole-model check raises, placed on the one field it names."""
    return ValidationError.from_exception_data(model, [InitErrorDetails(
        type=PydanticCustomError("value_error", message, {"error": message}), loc=(field,), input=value)])


class ProxyDecision(_Payload):
    """Origin → destination: the certificate asked for was issued, under this number, or refused, for this reason."""

    decision: Literal["approved", "refused"]
    reason: str = Field(default="", max_length=500)
    document_number: str = Field(default="", max_length=50)

    @model_validator(mode="after")
    def _decision_explained(self) -> "ProxyDecision":
        # The destination records the outcome on its application: a number to show, or a reason to give the person.
        if self.decision == "approved" and not self.document_number:
            raise _field_error("ProxyDecision", "document_number", self.document_number,
                               _("An approval gives the number of the document issued."))
        if self.decision == "refused" and not self.reason:
            raise _field_error("ProxyDecision", "reason", self.reason, _("A refusal gives its reason."))
        return self


class JointInquiry(_Payload):
    """A request to look into a case; about a person or not."""

    subject: str = Field(min_length=1, max_length=100)
    question: str = Field(min_length=1, max_length=2000)
    id_number: str = ""
    name: str = Field(default="", max_length=50)

    @field_validator("id_number")
    @classmethod
    def _valid_id_number(cls, value: str) -> str:
        return _checked_id_number(value) if value else ""


class InquiryFindings(_Payload):
    findings: str = Field(min_length=1, max_length=2000)


class ServiceReport(_AboutPerson):
    """Destination → origin: a service was given here, so it counts at home too."""

    service_type: str = Field(min_length=1, max_length=40)
    service_date: datetime.date
    provider: str = Field(min_length=1, max_length=100)
    # The full name of the place where the service was given, for the origin to show ("recorded at …").
    place_name: str = Field(default="", max_length=200)
    # That the person's informed consent was recorded where the service was given (a health service needs it).
    consent_recorded: bool = False
    # The record at the sending side, for a later inquiry; never its result.
    record_id: str = Field(default="", max_length=36)


class Feedback(_Payload):
    result: Literal["confirmed", "corrected", "unknown"]
    note: str = Field(default="", max_length=1000)


SCHEMAS: dict[str, type[_Payload]] = {
    MessageType.INFLOW_NOTICE: InflowNotice,
    MessageType.OUTFLOW_NOTICE: OutflowNotice,
    MessageType.STATUS_CHANGE_NOTICE: StatusChangeNotice,
    MessageType.PROXY_REQUEST: ProxyRequest,
    MessageType.PROXY_DECISION: ProxyDecision,
    MessageType.JOINT_INQUIRY: JointInquiry,
    MessageType.INQUIRY_FINDINGS: InquiryFindings,
    MessageType.SERVICE_REPORT: ServiceReport,
    MessageType.FEEDBACK: Feedback,
}


def validate_payload(message_type: str, payload: dict) -> dict:
    """The payload checked against its type's schema, as plain JSON values; refused with each field named."""
    schema = SCHEMAS.get(message_type)
    if schema is None:
        raise ValidationFailed({"message_type": [_("Unknown message type.")]})
    try:
        return schema.model_validate(payload).model_dump(mode="json")
    except ValidationError as error:
        raise ValidationFailed(field_errors(error.errors())) from None
