"""Recording services, consent, mutual recognition, offers and their answers, the groups' rules."""

import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.exchange.models import Message, MessageStatus, MessageType
from huiliu.people.models import Migration, Person
from huiliu.services import actions
from huiliu.services.models import (
    HEALTH_TYPES,
    OfferStatus,
    PriorityGroup,
    ServiceOffer,
    ServiceRecord,
)
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP, TODAY

pytestmark = pytest.mark.django_db


def record(user, person, service_type="health_checkup", **fields):
    return actions.record_service(acting_user=user, person=person, service_type=service_type,
                                  service_date=fields.pop("service_date", TODAY),
                                  provider=fields.pop("provider", "宝安区妇幼保健院"), **fields)


# --- Consent --------------------------------------------------------------------------------------


@pytest.mark.parametrize("service_type", ["health_checkup", "contraceptive_supply", "counselling",
                                          "prenatal_referral", "postpartum_visit"])
def test_a_health_service_without_consent_is_refused_naming_the_field_and_nothing_is_written(
    destination_village_worker, arrived_person, service_type
):
    before = (ServiceRecord.objects.count(), Message.objects.count())

    with pytest.raises(ValidationFailed) as refusal:
        record(destination_village_worker, arrived_person, service_type)

    assert "知情同意" in refusal.value.errors["consent_given"][0]
    assert "consent_way" in refusal.value.errors and "consent_on" in refusal.value.errors
    assert (ServiceRecord.objects.count(), Message.objects.count()) == before


def test_contraceptive_supplies_need_the_method_the_person_chose(destination_village_worker, arrived_person, consent):
    with pytest.raises(ValidationFailed) as refusal:
        record(destination_village_worker, arrived_person, "contraceptive_supply", **consent)

    assert "本人选择的方法" in refusal.value.errors["method_chosen"][0]
    supplied = record(destination_village_worker, arrived_person, "contraceptive_supply", method_chosen="避孕套",
                      **consent)
    assert supplied.method_chosen == "避孕套"


def test_consent_is_not_asked_of_a_service_that_is_not_a_health_one(destination_village_worker, arrived_person):
    aid = record(destination_village_worker, arrived_person, "legal_aid", provider="宝安区法律援助中心",
                 outcome="追回欠薪 3200 元")

    assert aid.consent_given is False and aid.outcome == "追回欠薪 3200 元"


def test_consent_given_after_the_service_is_refused(destination_village_worker, arrived_person):
    with pytest.raises(ValidationFailed) as refusal:
        record(destination_village_worker, arrived_person, service_date=TODAY - datetime.timedelta(days=3),
               consent_given=True, consent_way="spoken", consent_on=TODAY)

    assert list(refusal.value.errors) == ["consent_on"]


def test_a_service_is_recorded_only_where_the_person_lives_or_is_registered(arrived_person, consent, tree):
    from huiliu.accounts.models import Role

    stranger = f.make_user(Role.VILLAGE_WORKER, f.village(f.OTHER_DESTINATION_COUNTY), "stranger")

    with pytest.raises(PermissionDenied):
        record(stranger, arrived_person, **consent)

    assert not ServiceRecord.objects.exists()
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, event="write").exists()


def test_the_audit_names_the_service_but_never_its_result(checkup):
    row = AuditEvent.objects.get(event="record_service")

    assert "未见异常" not in str(row.detail) and row.detail["type"] == "health_checkup"


# --- Mutual recognition -----------------------------------------------------------------------------


def test_a_service_recorded_at_the_destination_is_reported_to_the_household_township_and_recognised(checkup):
    report = Message.objects.get(message_type=MessageType.SERVICE_REPORT)
    checkup.refresh_from_db()

    assert (report.sender_code, report.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert report.payload["service_type"] == "health_checkup" and report.payload["consent_recorded"] is True
    assert "未见异常" not in str(report.payload)  # the result never travels
    assert checkup.recognised_at_code == ORIGIN_TOWNSHIP


def test_the_report_is_answered_on_receipt_so_it_never_goes_overdue(checkup):
    report = Message.objects.get(message_type=MessageType.SERVICE_REPORT)
    answer = Message.objects.get(pk=report.answer_id)

    assert report.status == MessageStatus.ANSWERED and report.answered_at is not None
    assert answer.payload["result"] == "confirmed" and "无需重复" in answer.payload["note"]


def test_a_service_recorded_at_home_sends_no_report(origin_village_worker, consent):
    person = f.register_resident(origin_village_worker, name="张兰")

    record(origin_village_worker, person, "job_referral", provider="章丘区人社局")

    assert not Message.objects.filter(message_type=MessageType.SERVICE_REPORT).exists()


def test_a_report_received_from_a_peer_is_kept_and_recognised_at_the_household_township_once(
    origin_village_worker, settings
):
    import uuid

    from django.utils import timezone

    from huiliu.exchange import actions as exchange
    from huiliu.exchange.models import Peer
    from huiliu.exchange.service_reports import recognise_received_report

    person = f.register_resident(origin_village_worker, name="赵敏")
    peer = Peer.objects.create(name="guangdong", base_url="https://gd.example", public_key="x", prefixes="44")
    data = {"id": str(uuid.uuid4()), "message_type": MessageType.SERVICE_REPORT, "sender_code": DESTINATION_TOWNSHIP,
            "receiver_code": ORIGIN_TOWNSHIP, "created_at": timezone.now().isoformat(),
            "deadline": (timezone.now() + datetime.timedelta(days=30)).isoformat(),
            "payload": {"id_number": person.id_number, "name": person.name, "sex": person.sex,
                        "birth_date": person.birth_date.isoformat(), "service_type": "health_checkup",
                        "service_date": TODAY.isoformat(), "provider": "宝安区妇幼保健院",
                        "place_name": "广东省深圳市宝安区第1镇第1村", "consent_recorded": True}}
    message, created = exchange.receive_message(peer=peer, data=data)  # recognises it on receipt
    again, created_again = exchange.receive_message(peer=peer, data=data)  # the same message delivered twice

    assert created and not created_again and again.pk == message.pk
    message.refresh_from_db()
    assert recognise_received_report(message=message, peer_name=peer.name) is False  # answered: once only
    assert ServiceRecord.objects.filter(person=person).count() == 1

    copy = ServiceRecord.objects.get(person=person)
    assert copy.recognised_at_code == ORIGIN_TOWNSHIP and copy.reported_from_name == "广东省深圳市宝安区第1镇第1村"
    assert copy.outcome == "" and copy.is_reported
    assert message.status == MessageStatus.ANSWERED


# --- Offers ---------------------------------------------------------------------------------------


@pytest.fixture
def offers(destination_village_worker, arrived_person):
    due = TODAY + datetime.timedelta(days=30)
    return [actions.make_offer(acting_user=destination_village_worker, person=arrived_person, kind=kind, due_by=due)
            for kind in ("health_checkup", "legal_aid")]


def _snapshot() -> dict:
    return {
        "persons": list(Person.objects.order_by("pk").values()),
        "migrations": list(Migration.objects.order_by("pk").values()),
        "offers": list(ServiceOffer.objects.order_by("pk").values()),
        "records": list(ServiceRecord.objects.order_by("pk").values()),
        "groups": list(PriorityGroup.objects.order_by("pk").values()),
        "messages": list(Message.objects.order_by("pk").values()),
    }


def test_a_declined_offer_changes_no_other_row(destination_village_worker, offers, origin_county_officer):
    actions.save_priority_group(acting_user=origin_county_officer, county_code=f.ORIGIN_COUNTY, name="育龄人群",
                                order=1, condition="everyone", services=["health_checkup"])
    declined, _other = offers
    before = _snapshot()

    actions.decline_offer(acting_user=destination_village_worker, offer=declined, reason="已在老家做过")

    after = _snapshot()
    changed = [row for row in after["offers"] if row["id"] == declined.pk]
    assert changed[0]["status"] == OfferStatus.DECLINED and changed[0]["decline_reason"] == "已在老家做过"
    assert [r for r in after["offers"] if r["id"] != declined.pk] == [r for r in before["offers"] if r["id"] != declined.pk]
    for table in ("persons", "migrations", "records", "groups", "messages"):
        assert after[table] == before[table], table


def test_an_answered_offer_cannot_be_answered_again(destination_village_worker, offers):
    actions.decline_offer(acting_user=destination_village_worker, offer=offers[0])

    with pytest.raises(ValidationFailed) as refusal:
        actions.decline_offer(acting_user=destination_village_worker, offer=offers[0])
    assert "已答复" in refusal.value.errors["__all__"][0]


def test_recording_the_service_of_an_offer_takes_it_up(destination_village_worker, arrived_person, offers, consent):
    done = record(destination_village_worker, arrived_person, offer=offers[0], **consent)

    offers[0].refresh_from_db()
    assert offers[0].status == OfferStatus.TAKEN_UP and offers[0].record == done


def test_a_reminder_is_noted_on_the_offer(destination_village_worker, offers):
    offer = actions.record_reminder_sent(acting_user=destination_village_worker, offer=offers[1], sent_on=TODAY)

    assert offer.reminder_sent_on == TODAY and offer.status == OfferStatus.OPEN


# --- Groups and the yearly offer --------------------------------------------------------------------


def test_only_a_county_officer_of_the_county_writes_its_groups(origin_township_officer, destination_county_officer):
    for officer in (origin_township_officer, destination_county_officer):
        with pytest.raises(PermissionDenied):
            actions.save_priority_group(acting_user=officer, county_code=f.ORIGIN_COUNTY, name="单身",
                                        order=1, condition="single")
    assert not PriorityGroup.objects.exists()


def test_a_group_needs_its_number_of_months_or_years(origin_county_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.save_priority_group(acting_user=origin_county_officer, county_code=f.ORIGIN_COUNTY, name="新手父母",
                                    order=1, condition="new_parents")
    assert "parameter" in refusal.value.errors


def test_yearly_checkups_go_to_the_groups_that_call_for_them_once(
    destination_county_officer, destination_village_worker, origin_village_worker
):
    single = f.register_arrival(destination_village_worker, number=f.id_number(), name="单身甲",
                                marital_status="10").person
    married = f.register_arrival(destination_village_worker, number=f.id_number(), name="已婚乙",
                                 marital_status="21").person
    at_origin = f.register_resident(origin_village_worker, name="在家丙")
    actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                name="单身", order=1, condition="single", services=[])
    actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                name="其他", order=2, condition="everyone", services=["health_checkup"])

    made = actions.offer_yearly_checkups(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                         year=TODAY.year)
    again = actions.offer_yearly_checkups(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                          year=TODAY.year)

    offered = set(ServiceOffer.objects.values_list("person_id", flat=True))
    assert (made, again) == (1, 0)
    assert offered == {married.pk} and single.pk not in offered and at_origin.pk not in offered


def test_the_yearly_offer_runs_in_a_fixed_number_of_queries(destination_county_officer, destination_village_worker,
                                                          django_assert_max_num_queries):
    for n in range(5):
        f.register_arrival(destination_village_worker, number=f.id_number(), name=f"人{n}")
    actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                name="全部", order=1, condition="everyone", services=["health_checkup"])

    with django_assert_max_num_queries(12):
        assert actions.offer_yearly_checkups(acting_user=destination_county_officer,
                                             county_code=f.DESTINATION_COUNTY, year=TODAY.year) == 5
    assert connection.vendor  # keeps the import used


# --- After a birth registration ---------------------------------------------------------------------


def test_a_confirmed_birth_registration_offers_prenatal_care_a_postpartum_visit_and_the_subsidy_reminder(
    destination_village_worker, arrived_person
):
    from huiliu.births.actions import (
        confirm_birth_registration,
        file_birth_registration,
    )
    from huiliu.births.models import Channel, FiledAt

    mother = arrived_person
    registration = file_birth_registration(
        acting_user=destination_village_worker, channel=Channel.WORKER, filed_at=FiledAt.RESIDENCE,
        jurisdiction_code=mother.residence_jurisdiction_id, mother_name=mother.name, mother_id_number=mother.id_number,
        marital_status="21", household_code=mother.household_jurisdiction_id,
        residence_code=mother.residence_jurisdiction_id, residence_address="宝安大道 1 号", existing_children=0,
        expected_birth_date=TODAY + datetime.timedelta(days=100))

    confirm_birth_registration(acting_user=destination_village_worker, registration=registration)

    kinds = set(ServiceOffer.objects.filter(person=mother).values_list("kind", flat=True))
    assert kinds == {"prenatal_referral", "postpartum_visit", "childcare_subsidy"}


def test_the_offer_services_command_makes_the_yearly_offers_once(destination_county_officer,
                                                                destination_village_worker):
    from io import StringIO

    from django.core.management import call_command

    f.register_arrival(destination_village_worker, number=f.id_number(), name="甲")
    actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                name="全部", order=1, condition="everyone", services=["health_checkup"])
    first, second = StringIO(), StringIO()

    call_command("offer_services", "--year", str(TODAY.year), "--county", str(f.DESTINATION_COUNTY), stdout=first)
    call_command("offer_services", "--year", str(TODAY.year), "--county", str(f.DESTINATION_COUNTY), stdout=second)

    assert (first.getvalue().strip(), second.getvalue().strip()) == ("1", "0")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(service_type=st.sampled_from(sorted(HEALTH_TYPES)), given_=st.sampled_from([True, False, None, "yes"]),
       way=st.sampled_from(["", "signed", "nodded"]), on=st.sampled_from([None, TODAY]),
       method=st.sampled_from(["", "避孕套"]))
def test_no_health_service_is_written_unless_every_part_of_the_consent_is_recorded(
    destination_village_worker, arrived_person, service_type, given_, way, on, method
):
    complete = given_ is True and way == "signed" and on is not None and (
        service_type != "contraceptive_supply" or method)
    before = ServiceRecord.objects.count()
    try:
        record(destination_village_worker, arrived_person, service_type, consent_given=given_, consent_way=way,
               consent_on=on, method_chosen=method)
        written = True
    except ValidationFailed:
        written = False
    assert written == bool(complete)
    assert ServiceRecord.objects.count() == before + (1 if written else 0)
