"""Writing messages: answers stop the clock, only the right office may answer, bad input changes nothing."""

import datetime

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.exchange import actions
from huiliu.exchange.models import (
    AnswerPeriod,
    CooperationAgreement,
    LiaisonStation,
    Message,
    MessageStatus,
    MessageType,
)
from huiliu.exchange.queries import with_current_status
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP

CONFIRMED = {"result": "confirmed", "note": "已联系本人，情况属实"}


def current_status(message: Message) -> str:
    return with_current_status(Message.objects.filter(pk=message.pk)).get().current_status


def test_answering_a_notice_links_the_answer_and_stops_the_clock(inflow_notice, origin_township_officer):
    answer = actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=CONFIRMED)

    inflow_notice.refresh_from_db()
    assert inflow_notice.answer_id == answer.pk
    assert inflow_notice.answered_at == answer.created_at
    assert current_status(inflow_notice) == MessageStatus.ANSWERED
    assert answer.message_type == MessageType.FEEDBACK
    assert (answer.sender_code, answer.receiver_code) == (ORIGIN_TOWNSHIP, DESTINATION_TOWNSHIP)
    assert answer.in_reply_to == inflow_notice.pk
    assert answer.deadline is None


def test_an_answered_notice_does_not_turn_overdue_when_its_deadline_passes(inflow_notice, origin_township_officer):
    actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=CONFIRMED)
    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    assert current_status(inflow_notice) == MessageStatus.ANSWERED


def test_a_notice_past_its_deadline_without_answer_is_overdue(inflow_notice):
    assert current_status(inflow_notice) == MessageStatus.DELIVERED
    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert current_status(inflow_notice) == MessageStatus.OVERDUE


def test_a_late_answer_still_closes_the_notice(inflow_notice, origin_township_officer):
    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() - datetime.timedelta(days=2))
    inflow_notice.refresh_from_db()
    actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=CONFIRMED)
    inflow_notice.refresh_from_db()
    assert current_status(inflow_notice) == MessageStatus.ANSWERED
    assert inflow_notice.answered_at > inflow_notice.deadline


def test_a_notice_is_answered_once(inflow_notice, origin_township_officer):
    actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=CONFIRMED)
    with pytest.raises(ValidationFailed) as refused:
        actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=CONFIRMED)
    assert "已" in str(refused.value.errors["__all__"])
    assert Message.objects.filter(message_type=MessageType.FEEDBACK).count() == 1


@pytest.mark.parametrize("who", ["destination_township_officer", "origin_village_worker", "auditor"])
def test_only_the_receiving_office_may_answer(request, inflow_notice, who):
    with pytest.raises(PermissionDenied):
        actions.answer_message(acting_user=request.getfixturevalue(who), message=inflow_notice, payload=CONFIRMED)
    inflow_notice.refresh_from_db()
    assert inflow_notice.answered_at is None
    assert AuditEvent.objects.filter(object_type="message", outcome="denied").exists()


def test_the_county_above_the_receiving_township_may_answer(inflow_notice, origin_county_officer):
    actions.answer_message(acting_user=origin_county_officer, message=inflow_notice, payload=CONFIRMED)
    inflow_notice.refresh_from_db()
    assert inflow_notice.answered_at is not None


@pytest.mark.parametrize(("payload", "field"), [
    ({"result": "maybe"}, "result"),
    ({}, "result"),
    ({"result": "confirmed", "note": "长" * 1001}, "note"),
    ({"result": "confirmed", "grade": "A"}, "grade"),
])
def test_a_bad_answer_names_its_field_in_chinese_and_changes_nothing(inflow_notice, origin_township_officer,
                                                                     payload, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=payload)
    assert field in refused.value.errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in refused.value.errors[field])
    inflow_notice.refresh_from_db()
    assert inflow_notice.answered_at is None
    assert not Message.objects.filter(message_type=MessageType.FEEDBACK).exists()


def test_an_answer_expects_no_answer_itself(inflow_notice, origin_township_officer, destination_township_officer):
    answer = actions.answer_message(acting_user=origin_township_officer, message=inflow_notice, payload=CONFIRMED)
    with pytest.raises(ValidationFailed):
        actions.answer_message(acting_user=destination_township_officer, message=answer, payload=CONFIRMED)


def test_opening_the_message_at_the_receiving_office_marks_it_read(inflow_notice, origin_township_officer):
    actions.mark_message_read(acting_user=origin_township_officer, message=inflow_notice)
    inflow_notice.refresh_from_db()
    assert inflow_notice.status == MessageStatus.READ
    assert inflow_notice.read_at is not None


def test_an_auditor_or_the_sender_opening_it_leaves_it_unread(inflow_notice, auditor, destination_township_officer):
    for reader in (auditor, destination_township_officer):
        actions.mark_message_read(acting_user=reader, message=inflow_notice)
    inflow_notice.refresh_from_db()
    assert inflow_notice.status == MessageStatus.DELIVERED


def test_a_joint_inquiry_goes_from_the_users_office_with_the_types_deadline(origin_township_officer):
    inquiry = actions.send_message(
        acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
        sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
        payload={"subject": "核实居住地", "question": "请协助核实此人是否仍在贵镇居住。"},
    )
    assert inquiry.status == MessageStatus.DELIVERED
    assert inquiry.deadline - inquiry.created_at == datetime.timedelta(days=15)
    assert AuditEvent.objects.filter(event="send_message", object_id=str(inquiry.pk)).exists()


def test_an_inquiry_from_an_office_outside_ones_scope_is_refused(origin_township_officer):
    with pytest.raises(PermissionDenied):
        actions.send_message(
            acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
            sender_code=f.township(f.ORIGIN_COUNTY, 2), receiver_code=DESTINATION_TOWNSHIP,
            payload={"subject": "核实", "question": "请核实。"},
        )
    assert not Message.objects.exists()


@pytest.mark.parametrize(("message_type", "receiver", "field"), [
    (MessageType.INFLOW_NOTICE, DESTINATION_TOWNSHIP, "message_type"),
    (MessageType.JOINT_INQUIRY, 999, "receiver_code"),
    (MessageType.JOINT_INQUIRY, f.village(f.DESTINATION_COUNTY), "receiver_code"),
    (MessageType.JOINT_INQUIRY, 440306099000, "receiver_code"),
    (MessageType.JOINT_INQUIRY, ORIGIN_TOWNSHIP, "receiver_code"),
])
def test_a_message_sent_by_hand_must_be_of_a_hand_sent_type_to_another_existing_office(
        origin_township_officer, message_type, receiver, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.send_message(acting_user=origin_township_officer, message_type=message_type,
                             sender_code=ORIGIN_TOWNSHIP, receiver_code=receiver,
                             payload={"subject": "核实", "question": "请核实。"})
    assert field in refused.value.errors
    assert not Message.objects.exists()


def test_an_inquiry_about_a_person_checks_the_id_number(origin_township_officer):
    with pytest.raises(ValidationFailed) as refused:
        actions.send_message(acting_user=origin_township_officer, message_type=MessageType.JOINT_INQUIRY,
                             sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP,
                             payload={"subject": "核实", "question": "请核实。", "id_number": "370114199005170001"})
    assert "校验位" in refused.value.errors["id_number"][0]


def test_a_changed_answer_period_sets_the_deadline_of_later_notices(destination_village_worker):
    actions.set_answer_period(acting_user=None, message_type=MessageType.INFLOW_NOTICE, days=5)
    migration = f.register_arrival(destination_village_worker, number=f.id_number(), name="刘洋")
    notice = Message.objects.get(person=migration.person)
    assert notice.deadline - notice.created_at == datetime.timedelta(days=5)
    assert AnswerPeriod.objects.get(message_type=MessageType.INFLOW_NOTICE).days == 5


def test_only_a_province_officer_changes_answer_periods(origin_county_officer):
    with pytest.raises(PermissionDenied):
        actions.set_answer_period(acting_user=origin_county_officer, message_type=MessageType.INFLOW_NOTICE, days=5)
    province = f.make_user(Role.PROVINCE_OFFICER, 370000000000, "province")
    with pytest.raises(ValidationFailed) as refused:
        actions.set_answer_period(acting_user=province, message_type=MessageType.INFLOW_NOTICE, days=0)
    assert "days" in refused.value.errors
    assert not AnswerPeriod.objects.exists()


def agreement_fields(**changes):
    fields = {
        "first_party_code": f.ORIGIN_COUNTY, "second_party_code": f.DESTINATION_COUNTY,
        "title": "章丘区—宝安区流动人口服务管理双向互动协议", "signed_on": datetime.date(2026, 3, 1),
        "valid_from": datetime.date(2026, 3, 1), "valid_until": datetime.date(2028, 2, 28),
        "scope": "信息互通、服务互认、协查互助", "contacts": "王敏 13800138000 章丘区卫健局",
        "meeting_schedule": "每季度一次联席会议",
    }
    return fields | changes


def test_a_county_officer_records_an_agreement_with_another_county(origin_county_officer):
    agreement = actions.record_agreement(acting_user=origin_county_officer, **agreement_fields())
    assert agreement.second_party_code == f.DESTINATION_COUNTY
    assert AuditEvent.objects.filter(event="create", object_type="agreement").exists()


def test_an_agreement_between_two_foreign_parties_is_refused(origin_county_officer):
    with pytest.raises(PermissionDenied):
        actions.record_agreement(acting_user=origin_county_officer, **agreement_fields(
            first_party_code=f.OTHER_ORIGIN_COUNTY))
    assert not CooperationAgreement.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"second_party_code": f.ORIGIN_COUNTY}, "second_party_code"),
    ({"valid_until": datetime.date(2025, 1, 1)}, "valid_until"),
    ({"title": "  "}, "title"),
    ({"scope": ""}, "scope"),
])
def test_a_bad_agreement_names_its_field(origin_county_officer, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.record_agreement(acting_user=origin_county_officer, **agreement_fields(**changes))
    assert field in refused.value.errors
    assert not CooperationAgreement.objects.exists()


def station_fields(**changes):
    fields = {
        "origin_code": f.ORIGIN_COUNTY, "city_code": 440300000000, "name": "章丘区驻深圳流动人口服务联络站",
        "address": "深圳市宝安区新安街道 88 号", "contact_name": "李强", "contact_phone": "13912345678",
        "opened_on": datetime.date(2026, 1, 5),
    }
    return fields | changes


def test_an_origin_opens_and_closes_a_liaison_station_in_a_destination_city(origin_county_officer):
    station = actions.open_liaison_station(acting_user=origin_county_officer, **station_fields())
    actions.close_liaison_station(acting_user=origin_county_officer, station=station,
                                  closed_on=datetime.date(2026, 10, 1))
    station.refresh_from_db()
    assert station.closed_on == datetime.date(2026, 10, 1)


@pytest.mark.parametrize(("changes", "field"), [
    ({"city_code": f.DESTINATION_COUNTY}, "city_code"),
    ({"city_code": 370100000000}, "city_code"),
    ({"contact_phone": "12"}, "contact_phone"),
])
def test_a_bad_liaison_station_names_its_field(origin_county_officer, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.open_liaison_station(acting_user=origin_county_officer, **station_fields(**changes))
    assert field in refused.value.errors
    assert not LiaisonStation.objects.exists()


def test_a_destination_cannot_open_a_station_for_an_origin(destination_county_officer):
    with pytest.raises(PermissionDenied):
        actions.open_liaison_station(acting_user=destination_county_officer, **station_fields())
