"""The notices the registry sends by itself: nobody types an arrival twice.

Each handler runs inside the registering action's transaction (`core.events`), so
the notice exists exactly when the registration does. Notices go from township to
township: the office that answers exchange messages.
"""

from huiliu.accounts.scope import in_scope
from huiliu.core import events
from huiliu.jurisdictions.codes import township_of

from . import actions
from .models import Message, MessageType

# The feedback an arrival gives the outflow notice it completes (stored in the message, read by the origin).
ARRIVAL_CONFIRMS = "已办理流入登记（{date}）"


def _person_facts(person) -> dict:
    return {"id_number": person.id_number, "name": person.name, "sex": person.sex, "birth_date": person.birth_date}


@events.subscribe(events.INFLOW_REGISTERED)
def send_inflow_notice(*, acting_user, migration) -> None:
    """Tell the origin township that its person is registered here."""
    person, inflow = migration.person, migration.inflow
    actions.send_notice(
        acting_user=acting_user, message_type=MessageType.INFLOW_NOTICE, person=person,
        sender_code=township_of(inflow.residence_jurisdiction_id),
        receiver_code=township_of(person.household_jurisdiction_id),
        payload={
            **_person_facts(person), "household_code": person.household_jurisdiction_id,
            "residence_code": inflow.residence_jurisdiction_id, "residence_address": inflow.address,
            "arrival_date": inflow.arrival_date, "residence_type": inflow.residence_type,
        },
    )
    _confirm_outflow_notices(acting_user=acting_user, person=person, inflow=inflow)


def _confirm_outflow_notices(*, acting_user, person, inflow) -> None:
    """Answer the open outflow notices about this person sent to the township they have now registered in.

    The arrival is the destination's answer: it did act, so its clock stops and its feedback rate counts it. The
    worker who registered the arrival has no write scope over the township's code, so the registry answers.
    """
    township = township_of(inflow.residence_jurisdiction_id)
    waiting = Message.objects.filter(message_type=MessageType.OUTFLOW_NOTICE, person=person, receiver_code=township,
                                     answered_at__isnull=True).order_by("created_at")
    for notice in waiting:
        actions.record_answer(acting_user=acting_user, message=notice, payload={
            "result": "confirmed", "note": ARRIVAL_CONFIRMS.format(date=inflow.registration_date.isoformat())})


@events.subscribe(events.OUTFLOW_REGISTERED)
def send_outflow_notice(*, acting_user, migration) -> None:
    """Tell the declared destination that a person left for its area; without a known destination, nobody.

    Nor when the departure joins an arrival already registered: the destination registered the person itself.
    """
    outflow = migration.outflow
    if outflow.destination_jurisdiction_id is None or hasattr(migration, "inflow"):
        return
    person = migration.person
    actions.send_notice(
        acting_user=acting_user, message_type=MessageType.OUTFLOW_NOTICE, person=person,
        sender_code=township_of(migration.origin_jurisdiction_id),
        receiver_code=township_of(outflow.destination_jurisdiction_id),
        payload={
            **_person_facts(person), "household_code": person.household_jurisdiction_id,
            "departure_date": outflow.departure_date, "destination_code": outflow.destination_jurisdiction_id,
            "destination_address": outflow.destination_address, "reason": outflow.reason,
            "contact_phone": outflow.contact_phone,
        },
    )


@events.subscribe(events.STATUS_CHANGED)
def send_status_change_notice(*, acting_user, person, change, effective_date, migration=None, details=None) -> None:
    """Tell the other side of the person's move about a change: marriage, birth, moving on, return."""
    if migration is None:
        migration = person.migrations.filter(status="arrived").first()
    # Only a move with an arrival has two sides; before it, the destination is a declaration, not an office in charge.
    if migration is None or migration.destination_jurisdiction_id is None or not hasattr(migration, "inflow"):
        return
    origin = township_of(migration.origin_jurisdiction_id)
    destination = township_of(migration.destination_jurisdiction_id)
    # Moved on by registering somewhere new: the origin, told of the new arrival by its own notice, tells the old
    # destination that the stay has ended (and never where the person went).
    moved_on_elsewhere = change == "moved_on" and person.residence_jurisdiction_id not in (
        None, migration.destination_jurisdiction_id)
    if moved_on_elsewhere and township_of(person.residence_jurisdiction_id) == destination:
        return  # moved within the same township: that office has not lost the person
    entered_at_destination = (not moved_on_elsewhere
                              and in_scope(acting_user, migration.destination_jurisdiction_id, writing=True)
                              and not in_scope(acting_user, migration.origin_jurisdiction_id, writing=True))
    sender, receiver = (destination, origin) if entered_at_destination else (origin, destination)
    actions.send_notice(
        acting_user=acting_user, message_type=MessageType.STATUS_CHANGE_NOTICE, person=person,
        sender_code=sender, receiver_code=receiver,
        payload={**_person_facts(person), "change": change, "effective_date": effective_date, **(details or {})},
    )
