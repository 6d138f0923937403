"""The exchange messages that documents raise by themselves: proxy applications and confirmed birth registrations.

- A proxy application (代办) recorded where the person lives sends a PROXY_REQUEST from
  that township to the household township, carrying the application's id; the
  origin's decision answers that request with a PROXY_DECISION, so the exchange's
  clock stops and its feedback and on-time rates count it like any other answer.
- A confirmed birth registration (生育登记) sends a STATUS_CHANGE_NOTICE (change
  "birth_registration") to the other place: filed at the residence, to the household
  township; filed at the household place, to the declared residence's township when
  there is one in another township. The person is the registry's when the mother is
  linked to it; otherwise the declared name and ID number (sex and birth date read from
  the number). A declaration whose facts do not make a valid identity (no name, or a
  number that fails its check) sends nothing: the message schema needs a person the
  receiver can find, and the registration itself stands regardless.

Each handler runs inside the publishing action's transaction (`core.events`), so the
message exists exactly when the fact does.
"""

import logging

from django.utils import timezone

from huiliu.core import events
from huiliu.core.errors import ValidationFailed
from huiliu.core.identity import birth_date_of, sex_of, validate_id_number
from huiliu.jurisdictions.codes import township_of

from . import actions
from .models import Message, MessageType

logger = logging.getLogger(__name__)

# The document a proxy application asks for, as the request names it.
PROXY_DOCUMENT = "婚育情况证明"


def _person_facts(person) -> dict:
    return {"id_number": person.id_number, "name": person.name, "sex": person.sex, "birth_date": person.birth_date}


@events.subscribe(events.PROXY_APPLIED)
def send_proxy_request(*, acting_user, application) -> None:
    """Ask the household township to issue the certificate, for the person who lives here."""
    actions.send_notice(
        acting_user=acting_user, message_type=MessageType.PROXY_REQUEST, person=application.person,
        sender_code=township_of(application.applying_jurisdiction_id),
        receiver_code=township_of(application.origin_jurisdiction_id),
        payload={**_person_facts(application.person), "document": PROXY_DOCUMENT, "reason": application.purpose,
                 "application_id": str(application.pk)},
    )


def find_proxy_request(application) -> Message | None:
    """The unanswered request that the application sent, between its two townships."""
    return (
        Message.objects.filter(
            message_type=MessageType.PROXY_REQUEST, person_id=application.person_id,
            sender_code=township_of(application.applying_jurisdiction_id),
            receiver_code=township_of(application.origin_jurisdiction_id),
            payload__application_id=str(application.pk),
        ).order_by("created_at").first()
    )


@events.subscribe(events.PROXY_DECIDED)
def answer_proxy_request(*, acting_user, application) -> None:
    """Answer the application's request with the decision: approved with the certificate's number, or refused."""
    request = find_proxy_request(application)
    if request is None or request.answered_at is not None:
        # Raised before the bridge existed, or answered from another deployment: the decision stands.
        logger.info("Proxy application %s decided with no open request to answer.", application.pk)
        return
    issued = application.certificate_id is not None
    actions.record_answer(acting_user=acting_user, message=request, payload={
        "decision": "approved" if issued else "refused",
        "reason": "" if issued else application.refusal_reason,
        "document_number": application.certificate.number if issued else "",
    })


def _declared_facts(registration) -> dict | None:
    """The mother's identity as declared, when it is one the message schema accepts; else None."""
    name = (registration.mother_name or "").strip()
    try:
        number = validate_id_number(registration.mother_id_number or "")
    except ValidationFailed:
        return None
    if not name:
        return None
    return {"id_number": number, "name": name, "sex": sex_of(number), "birth_date": birth_date_of(number)}


def _other_place(registration) -> int | None:
    """The township of the place the registration was not filed at; None when none is declared or it is this one."""
    other = registration.household_code if registration.filed_at == "residence" else registration.residence_code
    if not other:
        return None
    other = township_of(other)
    return None if other == township_of(registration.jurisdiction_id) else other


@events.subscribe(events.BIRTH_REGISTRATION_CONFIRMED)
def send_birth_registration_notice(*, acting_user, registration) -> None:
    """Tell the other place of the family that a birth registration was confirmed here."""
    receiver = _other_place(registration)
    if receiver is None:
        return
    person = registration.mother
    facts = _person_facts(person) if person is not None else _declared_facts(registration)
    if facts is None:
        logger.info("Birth registration %s: the declared identity is not enough for a notice.", registration.pk)
        return
    confirmed = registration.confirmed_at or timezone.now()
    actions.send_notice(
        acting_user=acting_user, message_type=MessageType.STATUS_CHANGE_NOTICE, person=person,
        sender_code=township_of(registration.jurisdiction_id), receiver_code=receiver,
        payload={**facts, "change": "birth_registration", "effective_date": timezone.localdate(confirmed),
                 "voucher_number": registration.voucher_number or ""},
    )
