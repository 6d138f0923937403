"""The notices the registry sends by itself, inside one deployment."""

import datetime

import pytest

from huiliu.core.errors import ValidationFailed

from huiliu.exchange.models import Message, MessageStatus, MessageType
from huiliu.people import actions as people
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP


def test_an_inflow_registration_sends_exactly_one_notice_to_the_origin_township(arrival):
    notices = Message.objects.filter(person=arrival.person)
    assert notices.count() == 1
    notice = notices.get()
    assert notice.message_type == MessageType.INFLOW_NOTICE
    assert (notice.sender_code, notice.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert notice.status == MessageStatus.DELIVERED
    assert notice.payload["id_number"] == arrival.person.id_number
    assert notice.payload["residence_code"] == f.village(f.DESTINATION_COUNTY)
    assert notice.deadline - notice.created_at == datetime.timedelta(days=15)


def test_an_arrival_that_the_registry_refuses_sends_no_notice(arrival, destination_village_worker):
    with pytest.raises(ValidationFailed):
        f.register_arrival(destination_village_worker, number=arrival.person.id_number, name="别人")
    assert Message.objects.count() == 1


def test_an_outflow_to_a_known_destination_notifies_the_destination_township(origin_village_worker):
    person = f.register_resident(origin_village_worker, name="张建国")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today(),
                            destination_code=f.village(f.DESTINATION_COUNTY, 2, 1))
    notice = Message.objects.get(person=person)
    assert notice.message_type == MessageType.OUTFLOW_NOTICE
    assert (notice.sender_code, notice.receiver_code) == (ORIGIN_TOWNSHIP, f.township(f.DESTINATION_COUNTY, 2))


def test_an_outflow_without_a_destination_notifies_nobody(origin_village_worker):
    person = f.register_resident(origin_village_worker, name="张建国")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today())
    assert not Message.objects.filter(person=person).exists()


def test_a_marriage_entered_at_the_destination_notifies_the_origin(arrival, destination_village_worker):
    people.update_person(acting_user=destination_village_worker, person=arrival.person, marital_status="21",
                         spouse_name="陈明")
    notice = Message.objects.get(message_type=MessageType.STATUS_CHANGE_NOTICE)
    assert (notice.sender_code, notice.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert notice.payload["change"] == "marriage"
    assert notice.payload["marital_status"] == "21"


def test_an_edit_that_leaves_the_marital_status_sends_nothing(arrival, destination_village_worker):
    people.update_person(acting_user=destination_village_worker, person=arrival.person, phone="13912345678")
    assert not Message.objects.filter(message_type=MessageType.STATUS_CHANGE_NOTICE).exists()


def test_a_birth_recorded_at_the_origin_notifies_the_destination(arrival, origin_village_worker):
    people.record_child(acting_user=origin_village_worker, person=arrival.person, sex="M",
                        birth_date=datetime.date.today())
    notice = Message.objects.get(message_type=MessageType.STATUS_CHANGE_NOTICE)
    assert (notice.sender_code, notice.receiver_code) == (ORIGIN_TOWNSHIP, DESTINATION_TOWNSHIP)
    assert (notice.payload["change"], notice.payload["child_sex"]) == ("birth", "M")


def test_moving_on_from_the_destination_notifies_the_origin(arrival, destination_village_worker):
    people.close_migration(acting_user=destination_village_worker, migration=arrival, outcome="moved_on",
                           ended_on=datetime.date.today())
    notice = Message.objects.get(message_type=MessageType.STATUS_CHANGE_NOTICE)
    assert notice.receiver_code == ORIGIN_TOWNSHIP
    assert notice.payload["change"] == "moved_on"
    # The notice says that the person moved on, never where to.
    assert "destination_code" not in notice.payload


def test_a_return_before_any_arrival_has_no_other_side_to_notify(origin_village_worker):
    person = f.register_resident(origin_village_worker, name="张建国")
    migration = people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                                        departure_date=datetime.date.today() - datetime.timedelta(days=9))
    people.close_migration(acting_user=origin_village_worker, migration=migration, outcome="returned",
                           ended_on=datetime.date.today())
    assert not Message.objects.filter(message_type=MessageType.STATUS_CHANGE_NOTICE).exists()
