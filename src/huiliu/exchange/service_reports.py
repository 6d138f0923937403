"""Mutual recognition: a service recorded where a person lives counts at their household place.

- A service recorded (`services.service_recorded`) by an office in another township than the person's household
  township sends a SERVICE_REPORT from the recording township to the household township: the type, date, provider,
  place, and that consent was recorded. Never the result: exchange messages are read by every officer of the
  receiving office (and relayed by hubs), while a health result is for health workers only. The result stays with
  the office that keeps the record, where the household township's health workers see it within one deployment.
- Inside one deployment the household township recognises the record on send: the record notes where it counts,
  and the registry answers the report ("recognised, counts here") so its clock stops — recognition needs no one's
  action, so a report must never go overdue for want of a typed answer.
- From a peer: `recognise_received_report` (called when a report is received) keeps a recognised copy of the
  service at the household township, linked to the person, once per message, and answers the report the same way.

Each handler runs inside the publishing action's transaction (`core.events`).
"""

import datetime

from huiliu.core import events
from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions.codes import township_of
from huiliu.jurisdictions.queries import full_names
from huiliu.services import actions as services

from . import actions, routing
from .models import Message, MessageType

# The answer the household township gives a report it recognised (stored in the message, read by the sender).
RECOGNISED = "已互认：该服务在户籍地同样有效，无需重复"


def _person_facts(person) -> dict:
    return {"id_number": person.id_number, "name": person.name, "sex": person.sex, "birth_date": person.birth_date}


@events.subscribe(events.SERVICE_RECORDED)
def report_service(*, acting_user, record) -> Message | None:
    """Report a service given here to the person's household township, and recognise it there when it is served here."""
    person = record.person
    here, home = township_of(record.jurisdiction_id), township_of(person.household_jurisdiction_id)
    if here == home or record.is_reported:
        return None
    message = actions.send_notice(
        acting_user=acting_user, message_type=MessageType.SERVICE_REPORT, person=person,
        sender_code=here, receiver_code=home,
        payload={**_person_facts(person), "service_type": record.service_type,
                 "service_date": record.service_date, "provider": record.provider,
                 "place_name": full_names([record.jurisdiction_id]).get(record.jurisdiction_id, ""),
                 "consent_recorded": record.consent_given, "record_id": str(record.pk)},
    )
    if message is not None and routing.serves_locally(home):
        services.recognise_service(acting_user=acting_user, record=record, at_code=home)
        actions.record_answer(acting_user=acting_user, message=message,
                              payload={"result": "confirmed", "note": RECOGNISED})
    return message


def recognise_received_report(*, message: Message, peer_name: str) -> bool:
    """Recognise a service report a peer delivered: keep the service at the household township, answer the report.

    A report about nobody in the registry here waits for an officer to answer it by hand. True when recognised.
    """
    if message.message_type != MessageType.SERVICE_REPORT or message.person is None or message.answered_at:
        return False
    payload = message.payload
    try:
        services.record_reported_service(
            peer_name=peer_name, message_id=message.pk, person=message.person, at_code=message.receiver_code,
            reported_from_code=message.sender_code, reported_from_name=payload.get("place_name", ""),
            service_type=payload["service_type"], service_date=datetime.date.fromisoformat(payload["service_date"]),
            provider=payload["provider"], consent_recorded=bool(payload.get("consent_recorded")),
        )
    except ValidationFailed:
        return False  # a type of service this deployment does not know: an officer reads and answers it

    actions.record_answer(acting_user=None, message=message, payload={"result": "confirmed", "note": RECOGNISED})
    return True
