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


def test_moving_on_by_an_arrival_elsewhere_tells_the_old_destination_from_the_origin_never_where_to(
        arrival, tree):
    from huiliu.accounts.models import Role

    hangzhou = f.make_user(Role.VILLAGE_WORKER, f.village(f.OTHER_DESTINATION_COUNTY), "hangzhou-village")
    f.register_arrival(hangzhou, number=arrival.person.id_number, name="刘洋", county=f.OTHER_DESTINATION_COUNTY,
                       arrival_date=datetime.date.today())

    notice = Message.objects.get(message_type=MessageType.STATUS_CHANGE_NOTICE)
    assert (notice.sender_code, notice.receiver_code) == (ORIGIN_TOWNSHIP, DESTINATION_TOWNSHIP)
    assert (notice.payload["change"], notice.payload["effective_date"]) == ("moved_on", datetime.date.today().isoformat())
    assert str(f.OTHER_DESTINATION_COUNTY)[:6] not in str(notice.payload)


def test_moving_to_another_village_of_the_same_township_tells_nobody_it_moved_on(arrival, destination_township_officer):
    f.register_arrival(destination_township_officer, number=arrival.person.id_number, name="刘洋",
                       residence_code=f.village(f.DESTINATION_COUNTY, 1, 2))

    assert not Message.objects.filter(message_type=MessageType.STATUS_CHANGE_NOTICE).exists()


def test_an_outflow_registered_after_the_arrival_sends_no_outflow_notice(arrival, origin_village_worker):
    people.register_outflow(acting_user=origin_village_worker, person=arrival.person, reason="work",
                            departure_date=datetime.date.today() - datetime.timedelta(days=10),
                            destination_code=f.village(f.OTHER_DESTINATION_COUNTY))

    assert not Message.objects.filter(message_type=MessageType.OUTFLOW_NOTICE).exists()


def _left_for_the_destination(origin_village_worker, **destination):
    person = f.register_resident(origin_village_worker, name="赵六")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today() - datetime.timedelta(days=5),
                            destination_code=f.village(f.DESTINATION_COUNTY, **destination))
    return person, Message.objects.get(message_type=MessageType.OUTFLOW_NOTICE, person=person)


def test_the_arrival_answers_the_outflow_notice_sent_to_its_township_as_the_worker_who_registered_it(
        origin_village_worker, destination_village_worker):
    from huiliu.audit.models import AuditEvent

    person, outflow_notice = _left_for_the_destination(origin_village_worker, township=1, village_no=2)
    f.register_arrival(destination_village_worker, number=person.id_number, name="赵六")

    outflow_notice.refresh_from_db()
    assert outflow_notice.status == MessageStatus.ANSWERED
    answer = Message.objects.get(pk=outflow_notice.answer_id)
    assert answer.message_type == MessageType.FEEDBACK
    assert (answer.sender_code, answer.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert answer.payload == {"result": "confirmed",
                              "note": f"已办理流入登记（{datetime.date.today().isoformat()}）"}
    sent = AuditEvent.objects.get(event="send_message", object_id=str(answer.pk))
    assert sent.username == destination_village_worker.username


def test_an_arrival_in_another_township_than_declared_leaves_the_outflow_notice_open(
        origin_village_worker, destination_village_worker):
    person, outflow_notice = _left_for_the_destination(origin_village_worker, township=2)
    f.register_arrival(destination_village_worker, number=person.id_number, name="赵六")

    outflow_notice.refresh_from_db()
    assert outflow_notice.answered_at is None


def test_an_outflow_to_a_village_of_the_own_township_sends_no_notice_to_itself(origin_village_worker):
    person = f.register_resident(origin_village_worker, name="赵六")
    people.register_outflow(acting_user=origin_village_worker, person=person, reason="work",
                            departure_date=datetime.date.today(), destination_code=f.village(f.ORIGIN_COUNTY, 1, 2))

    assert not Message.objects.filter(sender_code=ORIGIN_TOWNSHIP, receiver_code=ORIGIN_TOWNSHIP).exists()
