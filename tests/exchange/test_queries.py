"""Reading messages: each office sees what it sent and what it received, nobody else sees anything."""

import datetime

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.exchange import actions, queries
from huiliu.exchange.models import Message, MessageStatus
from tests import factories as f


def test_the_origin_township_finds_the_notice_in_its_inbox_and_the_destination_in_its_outbox(
        inflow_notice, origin_township_officer, destination_township_officer):
    assert list(queries.list_inbox(user=origin_township_officer)) == [inflow_notice]
    assert list(queries.list_outbox(user=origin_township_officer)) == []
    assert list(queries.list_outbox(user=destination_township_officer)) == [inflow_notice]
    assert list(queries.list_inbox(user=destination_township_officer)) == []


def test_another_township_of_the_same_county_sees_nothing(inflow_notice):
    neighbour = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY, 2), "neighbour-township")
    assert not queries.list_inbox(user=neighbour).exists()
    with pytest.raises(NotFound):
        queries.access_message(neighbour, inflow_notice.pk)
    assert AuditEvent.objects.filter(object_type="message", outcome="denied", object_id=str(inflow_notice.pk)).exists()


def test_a_missing_message_answers_like_one_out_of_scope(origin_township_officer):
    with pytest.raises(NotFound):
        queries.access_message(origin_township_officer, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFound):
        queries.access_message(origin_township_officer, "not-a-key")


def test_opening_a_message_about_a_person_is_audited_under_the_persons_places(inflow_notice, origin_township_officer):
    queries.access_message(origin_township_officer, inflow_notice.pk)
    read = AuditEvent.objects.get(event="view", object_type="message", object_id=str(inflow_notice.pk))
    assert (read.subject_household, read.subject_residence) == inflow_notice.person.place_codes


def test_the_status_filter_finds_overdue_notices(inflow_notice, origin_township_officer):
    assert not queries.list_inbox(user=origin_township_officer, status=MessageStatus.OVERDUE).exists()
    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    assert list(queries.list_inbox(user=origin_township_officer, status=MessageStatus.OVERDUE)) == [inflow_notice]
    assert not queries.list_inbox(user=origin_township_officer, status=MessageStatus.DELIVERED).exists()


def test_the_home_figures_count_overdue_on_both_sides(inflow_notice, origin_township_officer,
                                                      destination_township_officer):
    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    assert queries.count_exchange_figures(user=origin_township_officer)["overdue_to_answer"] == 1
    assert queries.count_exchange_figures(user=destination_township_officer)["overdue_awaiting"] == 1
    actions.answer_message(acting_user=origin_township_officer, message=inflow_notice,
                           payload={"result": "confirmed"})
    assert queries.count_exchange_figures(user=origin_township_officer)["overdue_to_answer"] == 0
    assert queries.count_exchange_figures(user=destination_township_officer)["overdue_awaiting"] == 0


def test_the_reminder_list_holds_what_falls_due_within_seven_days(inflow_notice, origin_township_officer):
    assert not queries.list_due_soon(user=origin_township_officer).exists()
    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() + datetime.timedelta(days=3))
    assert list(queries.list_due_soon(user=origin_township_officer)) == [inflow_notice]
    figures = queries.count_exchange_figures(user=origin_township_officer)
    assert (figures["due_this_week"], figures["unread"]) == (1, 1)


def test_a_user_without_a_role_sees_no_message(inflow_notice, origin_township_officer):
    origin_township_officer.role_assignments.all().delete()
    origin_township_officer.__dict__.pop("_huiliu_assignments", None)
    assert not queries.list_inbox(user=origin_township_officer).exists()
    assert queries.count_exchange_figures(user=origin_township_officer)["unread"] == 0


def test_agreements_and_stations_are_seen_by_either_party_and_no_one_else(origin_county_officer,
                                                                         destination_county_officer):
    from .test_actions import agreement_fields, station_fields

    actions.record_agreement(acting_user=origin_county_officer, **agreement_fields())
    actions.open_liaison_station(acting_user=origin_county_officer, **station_fields())
    stranger = f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "stranger-county")
    for party in (origin_county_officer, destination_county_officer):
        assert queries.list_agreements(user=party).count() == 1
        assert queries.list_liaison_stations(user=party).count() == 1
    assert not queries.list_agreements(user=stranger).exists()
    assert not queries.list_liaison_stations(user=stranger).exists()


def _message(**fields) -> Message:
    now = timezone.now()
    return Message.objects.create(**{"message_type": "joint_inquiry", "sender_code": f.township(f.DESTINATION_COUNTY),
                                     "receiver_code": f.township(f.ORIGIN_COUNTY), "created_at": now,
                                     "payload": {"subject": "s", "question": "q"}, **fields})


def test_the_original_and_the_answer_of_a_message_are_found_only_where_the_user_may_see_them(
        origin_township_officer, destination_township_officer):
    elsewhere = _message(receiver_code=f.township(f.OTHER_ORIGIN_COUNTY))  # between the destination and Henan
    naming_it = _message(message_type="inquiry_findings", payload={"findings": "x"}, in_reply_to=elsewhere.pk,
                         answer_id=elsewhere.pk)

    assert queries.find_original(user=origin_township_officer, message=naming_it) is None
    assert queries.find_answer(user=origin_township_officer, message=naming_it) is None
    assert queries.find_original(user=destination_township_officer, message=naming_it) == elsewhere
    assert queries.find_answer(user=destination_township_officer, message=naming_it) == elsewhere


def test_a_proxy_request_stands_for_an_application_only_between_its_townships_and_about_its_person(
        arrival, destination_village_worker):
    from huiliu.certificates import actions as certificates
    from huiliu.exchange.models import MessageType

    application = certificates.apply_by_proxy(acting_user=destination_village_worker, person=arrival.person,
                                              purpose="办理居住证")
    request = Message.objects.get(message_type=MessageType.PROXY_REQUEST)
    other = f.register_resident(f.make_user(Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY, 2), "o2"), name="赵六",
                                household_code=f.village(f.ORIGIN_COUNTY, 2))

    def naming_it(**fields):
        return _message(**{"message_type": MessageType.PROXY_REQUEST, "person": arrival.person,
                           "payload": {**request.payload, "application_id": str(application.pk)}, **fields})

    assert queries.proxy_application_of(request) == application
    assert queries.proxy_application_of(naming_it(receiver_code=f.township(f.OTHER_ORIGIN_COUNTY))) is None
    assert queries.proxy_application_of(naming_it(sender_code=f.township(f.DESTINATION_COUNTY, 2))) is None
    assert queries.proxy_application_of(naming_it(person=other)) is None
    assert queries.proxy_application_of(naming_it(person=None)) is None
