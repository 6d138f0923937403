"""The exchange's JSON API: the boxes masked, a message in full, answers, inquiries and rates, and refusals."""

import datetime
import json
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huiliu.audit.models import AuditEvent
from huiliu.exchange import actions
from huiliu.exchange.models import Message, MessageStatus, MessageType
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP

pytestmark = pytest.mark.django_db

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
RAW_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
CONFIRMED = {"result": "confirmed", "note": "已联系本人，情况属实"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def post_json(client, path, payload, headers):
    return client.post(path, json.dumps(payload), content_type="application/json", headers=headers)


def inquiry_body(**overrides) -> dict:
    return {"sender_code": DESTINATION_TOWNSHIP, "receiver_code": ORIGIN_TOWNSHIP, "subject": "核实居住情况",
            "question": "请核实此人是否仍在户籍地。", **overrides}


def test_the_openapi_document_lists_the_exchange_operations(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"/api/exchange/inbox", "/api/exchange/outbox", "/api/exchange/messages/{message_id}",
            "/api/exchange/messages/{message_id}/answer", "/api/exchange/inquiries", "/api/exchange/rates"} <= set(paths)


@pytest.mark.parametrize("method, path", [
    ("get", "/api/exchange/inbox"), ("get", "/api/exchange/outbox"), ("get", f"/api/exchange/messages/{uuid.uuid4()}"),
    ("post", f"/api/exchange/messages/{uuid.uuid4()}/answer"), ("post", "/api/exchange/inquiries"),
    ("get", "/api/exchange/rates?code=370114001000&start=2026-01-01&end=2026-01-31"),
])
def test_every_exchange_operation_answers_401_without_a_token(client, inflow_notice, method, path):
    assert getattr(client, method)(path).status_code == 401


# --- The boxes ------------------------------------------------------------------------------------


def test_the_inbox_lists_the_notice_with_a_masked_id_number_and_never_the_full_one(
    client, bearer, origin_township_officer, inflow_notice
):
    response = client.get("/api/exchange/inbox", headers=bearer(origin_township_officer))

    assert response.status_code == 200
    body = response.json()
    [item] = body["items"]
    assert body["count"] == 1
    assert item["id"] == str(inflow_notice.pk)
    assert (item["message_type"], item["sender_code"], item["receiver_code"]) == (
        MessageType.INFLOW_NOTICE, DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert item["person_name"] == inflow_notice.person.name
    assert MASKED_ID.match(item["id_number_masked"])
    assert item["status"] == MessageStatus.DELIVERED
    assert not RAW_ID.search(response.content.decode())


def test_the_boxes_filter_by_type_and_status(
    client, bearer, origin_township_officer, destination_township_officer, destination_village_worker
):
    late = Message.objects.get(person=f.register_arrival(destination_village_worker, number=f.id_number()).person)
    Message.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    f.register_arrival(destination_village_worker, number=f.id_number())
    asked = actions.send_message(acting_user=destination_township_officer, message_type=MessageType.JOINT_INQUIRY,
                                 sender_code=DESTINATION_TOWNSHIP, receiver_code=ORIGIN_TOWNSHIP,
                                 payload={"subject": "核实", "question": "请核实。"})
    headers = bearer(origin_township_officer)

    overdue = client.get("/api/exchange/inbox", {"status": "overdue"}, headers=headers).json()
    inquiries = client.get("/api/exchange/inbox", {"type": "joint_inquiry"}, headers=headers).json()
    sent_overdue = client.get("/api/exchange/outbox", {"status": "overdue"},
                              headers=bearer(destination_township_officer)).json()

    assert [item["id"] for item in overdue["items"]] == [str(late.pk)]
    assert overdue["items"][0]["status"] == "overdue"
    assert [item["id"] for item in inquiries["items"]] == [str(asked.pk)]
    assert [item["id"] for item in sent_overdue["items"]] == [str(late.pk)]


def test_an_office_elsewhere_gets_empty_boxes(client, bearer, outsider_township_officer, inflow_notice):
    headers = bearer(outsider_township_officer)

    assert client.get("/api/exchange/inbox", headers=headers).json()["count"] == 0
    assert client.get("/api/exchange/outbox", headers=headers).json()["count"] == 0


def test_the_inbox_needs_the_same_queries_for_many_messages_as_for_few(
    client, bearer, origin_township_officer, destination_village_worker, django_assert_max_num_queries
):
    headers = bearer(origin_township_officer)
    f.register_arrival(destination_village_worker, number=f.id_number())
    with CaptureQueriesContext(connection) as few:
        client.get("/api/exchange/inbox", headers=headers)
    for _ in range(15):
        f.register_arrival(destination_village_worker, number=f.id_number())
    with django_assert_max_num_queries(len(few)):
        response = client.get("/api/exchange/inbox", headers=headers)

    assert len(response.json()["items"]) == 16


# --- One message ----------------------------------------------------------------------------------


def test_a_message_comes_in_full_is_audited_and_the_receiving_office_reading_it_marks_it_read(
    client, bearer, origin_township_officer, inflow_notice
):
    response = client.get(f"/api/exchange/messages/{inflow_notice.pk}", headers=bearer(origin_township_officer))

    assert response.status_code == 200
    body = response.json()
    assert body["payload"]["id_number"] == inflow_notice.person.id_number
    assert body["payload"]["residence_code"] == f.village(f.DESTINATION_COUNTY)
    assert body["person_id"] == str(inflow_notice.person_id)
    assert Message.objects.get(pk=inflow_notice.pk).status == MessageStatus.READ
    assert AuditEvent.objects.filter(event="view", object_type="message", object_id=str(inflow_notice.pk),
                                     user_id=origin_township_officer.pk, outcome="success").exists()


def test_a_message_out_of_scope_answers_404_exactly_like_a_missing_one(
    client, bearer, outsider_township_officer, inflow_notice
):
    headers = bearer(outsider_township_officer)

    out_of_scope = client.get(f"/api/exchange/messages/{inflow_notice.pk}", headers=headers)
    missing = client.get(f"/api/exchange/messages/{uuid.uuid4()}", headers=headers)
    malformed = client.get("/api/exchange/messages/not-an-id", headers=headers)

    assert out_of_scope.status_code == missing.status_code == malformed.status_code == 404
    assert out_of_scope.content == missing.content == malformed.content
    assert Message.objects.get(pk=inflow_notice.pk).status == MessageStatus.DELIVERED
    assert AuditEvent.objects.filter(event="view", object_type="message", outcome="denied").count() == 3


# --- Answers -------------------------------------------------------------------------------------


def test_an_answer_stops_the_clock_and_the_sender_sees_it_answered(
    client, bearer, origin_township_officer, destination_township_officer, overdue_notice
):
    response = post_json(client, f"/api/exchange/messages/{overdue_notice.pk}/answer", CONFIRMED,
                         bearer(origin_township_officer))

    assert response.status_code == 201
    answer = response.json()
    assert answer["message_type"] == MessageType.FEEDBACK and answer["in_reply_to"] == str(overdue_notice.pk)
    assert answer["payload"] == CONFIRMED
    assert (answer["sender_code"], answer["receiver_code"]) == (ORIGIN_TOWNSHIP, DESTINATION_TOWNSHIP)
    outbox = client.get("/api/exchange/outbox", headers=bearer(destination_township_officer)).json()
    assert [(item["id"], item["status"]) for item in outbox["items"]] == [(str(overdue_notice.pk), "answered")]
    inbox = client.get("/api/exchange/inbox", headers=bearer(destination_township_officer)).json()
    assert [item["id"] for item in inbox["items"]] == [answer["id"]]


@pytest.mark.parametrize("payload, field", [
    ({"result": "maybe"}, "result"),
    ({"note": "没有结果"}, "result"),
    ({"result": "confirmed", "note": "很" * 1001}, "note"),
    ({"result": "confirmed", "grade": "A"}, "grade"),
], ids=["bad-choice", "missing", "too-long", "unknown-field"])
def test_a_bad_answer_is_422_with_a_chinese_message_for_the_field_and_changes_nothing(
    client, bearer, origin_township_officer, inflow_notice, payload, field
):
    messages_before = Message.objects.count()

    response = post_json(client, f"/api/exchange/messages/{inflow_notice.pk}/answer", payload,
                         bearer(origin_township_officer))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors and all(CJK.search(message) for message in errors[field]), errors
    assert Message.objects.count() == messages_before
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None


def test_an_answer_that_is_not_json_is_422(client, bearer, origin_township_officer, inflow_notice):
    response = client.post(f"/api/exchange/messages/{inflow_notice.pk}/answer", "not json",
                           content_type="application/json", headers=bearer(origin_township_officer))

    assert response.status_code in (400, 422)
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None


def test_a_second_answer_is_refused(client, bearer, origin_township_officer, inflow_notice):
    headers = bearer(origin_township_officer)
    assert post_json(client, f"/api/exchange/messages/{inflow_notice.pk}/answer", CONFIRMED, headers).status_code == 201

    again = post_json(client, f"/api/exchange/messages/{inflow_notice.pk}/answer", CONFIRMED, headers)

    assert again.status_code == 422
    assert Message.objects.filter(in_reply_to=inflow_notice.pk).count() == 1


@pytest.mark.parametrize("who", ["sender", "auditor"])
def test_an_office_that_sees_the_message_but_did_not_receive_it_gets_403_and_changes_nothing(
    client, bearer, destination_township_officer, auditor, inflow_notice, who
):
    user = destination_township_officer if who == "sender" else auditor

    response = post_json(client, f"/api/exchange/messages/{inflow_notice.pk}/answer", CONFIRMED, bearer(user))

    assert response.status_code == 403
    assert CJK.search(response.json()["detail"])
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None
    assert AuditEvent.objects.filter(event="write", object_type="message", outcome="denied", user_id=user.pk).exists()


def test_answering_a_message_out_of_scope_is_404(client, bearer, outsider_township_officer, inflow_notice):
    response = post_json(client, f"/api/exchange/messages/{inflow_notice.pk}/answer", CONFIRMED,
                         bearer(outsider_township_officer))

    assert response.status_code == 404
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None


# --- Joint inquiries ---------------------------------------------------------------------------------


def test_a_joint_inquiry_is_sent_and_lands_in_the_other_offices_inbox(
    client, bearer, destination_township_officer, origin_township_officer
):
    response = post_json(client, "/api/exchange/inquiries", inquiry_body(), bearer(destination_township_officer))

    assert response.status_code == 201
    sent = response.json()
    assert sent["message_type"] == MessageType.JOINT_INQUIRY and sent["deadline"]
    assert sent["payload"]["subject"] == "核实居住情况"
    inbox = client.get("/api/exchange/inbox", headers=bearer(origin_township_officer)).json()
    assert [item["id"] for item in inbox["items"]] == [sent["id"]]


@pytest.mark.parametrize("overrides, field", [
    ({"receiver_code": DESTINATION_TOWNSHIP}, "receiver_code"),
    ({"subject": ""}, "subject"),
    ({"id_number": "370114199001011234"}, "id_number"),
    ({"question": "问" * 2001}, "question"),
], ids=["to-itself", "no-subject", "bad-id-number", "too-long"])
def test_a_bad_joint_inquiry_is_422_naming_the_field_and_nothing_is_sent(
    client, bearer, destination_township_officer, overrides, field
):
    response = post_json(client, "/api/exchange/inquiries", inquiry_body(**overrides),
                         bearer(destination_township_officer))

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Message.objects.exists()


def test_an_inquiry_from_another_office_than_the_users_is_403(client, bearer, destination_township_officer):
    response = post_json(client, "/api/exchange/inquiries",
                         inquiry_body(sender_code=ORIGIN_TOWNSHIP, receiver_code=DESTINATION_TOWNSHIP),
                         bearer(destination_township_officer))

    assert response.status_code == 403
    assert not Message.objects.exists()


# --- Rates --------------------------------------------------------------------------------------


def test_the_rates_of_a_jurisdiction_count_its_notices(
    client, bearer, origin_county_officer, origin_township_officer, destination_village_worker
):
    first, _second = (Message.objects.get(person=f.register_arrival(destination_village_worker,
                                                                    number=f.id_number()).person) for _ in range(2))
    actions.answer_message(acting_user=origin_township_officer, message=first, payload=CONFIRMED)
    today = datetime.date.today()

    response = client.get("/api/exchange/rates", {"code": f.ORIGIN_COUNTY, "start": today.isoformat(),
                                                  "end": today.isoformat()}, headers=bearer(origin_county_officer))

    assert response.status_code == 200
    rates = response.json()
    assert (rates["received"], rates["answered"], rates["on_time"], rates["sent"]) == (2, 1, 1, 0)
    # The second notice is not due yet: pending, not a failure.
    assert (rates["due"], rates["pending"]) == (1, 1)
    assert rates["feedback_rate"] == rates["on_time_rate"] == 1.0
    assert rates["median_days_to_answer"] is not None


def test_the_rates_leave_out_messages_sent_outside_the_period(client, bearer, origin_county_officer, inflow_notice):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)

    response = client.get("/api/exchange/rates", {"code": f.ORIGIN_COUNTY, "start": "2020-01-01",
                                                  "end": yesterday.isoformat()}, headers=bearer(origin_county_officer))

    assert response.json()["received"] == 0 and response.json()["feedback_rate"] is None


def test_the_rates_of_a_jurisdiction_out_of_scope_are_404(client, bearer, origin_township_officer):
    response = client.get("/api/exchange/rates", {"code": f.DESTINATION_COUNTY, "start": "2026-01-01",
                                                  "end": "2026-01-31"}, headers=bearer(origin_township_officer))

    assert response.status_code == 404


def test_rates_whose_end_is_before_their_start_are_422(client, bearer, origin_township_officer):
    response = client.get("/api/exchange/rates", {"code": ORIGIN_TOWNSHIP, "start": "2026-02-01",
                                                  "end": "2026-01-01"}, headers=bearer(origin_township_officer))

    assert response.status_code == 422
    assert "end" in response.json()["errors"]
