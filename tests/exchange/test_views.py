"""The exchange pages: inbox and outbox, one message and its answer, reminders, rates, agreements and stations."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.exchange import actions
from huiliu.exchange.models import (
    CooperationAgreement,
    LiaisonStation,
    Message,
    MessageStatus,
    MessageType,
)
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP

pytestmark = pytest.mark.django_db

MASKED_ID = re.compile(r"\b\d{4}\*{10}[\dX]{4}\b")
CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
CONFIRMED = {"result": "confirmed", "note": "已联系本人，情况属实"}
DESTINATION_CITY = 440300000000


def without_csrf(content: bytes) -> bytes:
    return CSRF_INPUT.sub(b"", content)


def alert_of(response) -> str:
    """The overdue notice at the top of a home page, or "" when there is none."""
    found = re.search(r'<section class="notice-bar" role="alert">.*?</section>', response.content.decode(), re.DOTALL)
    return found.group(0) if found else ""


def arrivals(worker, n: int) -> list:
    """n persons of the origin village registered as arrived at the destination: n inflow notices."""
    return [f.register_arrival(worker, number=f.id_number(), name=f"王{i}号") for i in range(n)]


def notice_of(migration) -> Message:
    return Message.objects.get(message_type=MessageType.INFLOW_NOTICE, person=migration.person)


def inquiry(officer, **payload) -> Message:
    return actions.send_message(acting_user=officer, message_type=MessageType.JOINT_INQUIRY,
                                sender_code=DESTINATION_TOWNSHIP, receiver_code=ORIGIN_TOWNSHIP,
                                payload={"subject": "核实居住情况", "question": "请核实此人是否仍在户籍地。", **payload})


def agreement(officer) -> CooperationAgreement:
    return actions.record_agreement(
        acting_user=officer, first_party_code=ORIGIN_TOWNSHIP, second_party_code=DESTINATION_TOWNSHIP,
        title="章丘—宝安双向互动协议", signed_on=datetime.date(2026, 1, 10), valid_from=datetime.date(2026, 2, 1),
        scope="互通流动人口信息，十五日内反馈。")


def station(officer) -> LiaisonStation:
    return actions.open_liaison_station(
        acting_user=officer, origin_code=ORIGIN_TOWNSHIP, city_code=DESTINATION_CITY, name="章丘驻深圳联络站",
        address="宝安大道 200 号", contact_name="赵主任", contact_phone="13800138000",
        opened_on=datetime.date(2025, 6, 1))


# --- Every page opens -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["inbox", "outbox", "due", "new", "message", "rates", "agreements",
                                  "agreement", "new-agreement", "stations", "station", "new-station"])
def test_every_exchange_page_opens_for_a_township_officer(log_in, origin_township_officer, inflow_notice, page):
    path = {
        "inbox": "/exchange/", "outbox": "/exchange/outbox/", "due": "/exchange/due/", "new": "/exchange/new/",
        "message": f"/exchange/messages/{inflow_notice.pk}/", "rates": "/exchange/rates/",
        "agreements": "/exchange/agreements/", "agreement": lambda: f"/exchange/agreements/{agreement(origin_township_officer).pk}/",
        "new-agreement": "/exchange/agreements/new/", "stations": "/exchange/stations/",
        "station": lambda: f"/exchange/stations/{station(origin_township_officer).pk}/",
        "new-station": "/exchange/stations/new/",
    }[page]

    response = log_in(origin_township_officer).get(path() if callable(path) else path)

    assert response.status_code == 200
    assert 'class="subnav"' in response.content.decode()


def test_every_logged_in_user_finds_the_exchange_in_the_navigation(log_in, destination_village_worker):
    page = log_in(destination_village_worker).get("/").content.decode()

    assert 'href="/exchange/"' in page


# --- Inbox and outbox -------------------------------------------------------------------------------


def test_the_origin_inbox_lists_the_notice_with_the_senders_name_and_a_masked_id_number(
    log_in, origin_township_officer, inflow_notice
):
    response = log_in(origin_township_officer).get("/exchange/")

    content = response.content.decode()
    person = inflow_notice.person
    assert [row["message"].pk for row in response.context["rows"]] == [inflow_notice.pk]
    assert "广东省 深圳市 宝安区 宝安区第1镇" in content
    assert person.name in content
    assert person.id_number not in content
    assert MASKED_ID.search(content)


def test_the_destination_outbox_lists_the_notice_it_sent_and_its_inbox_is_empty(
    log_in, destination_township_officer, inflow_notice
):
    client = log_in(destination_township_officer)

    assert [row["message"].pk for row in client.get("/exchange/outbox/").context["rows"]] == [inflow_notice.pk]
    assert client.get("/exchange/").context["rows"] == []


def test_the_inbox_is_filtered_by_type_and_status_and_counts_each_status(
    log_in, origin_township_officer, destination_village_worker, destination_township_officer
):
    late, answered, fresh = (notice_of(m) for m in arrivals(destination_village_worker, 3))
    Message.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    actions.answer_message(acting_user=origin_township_officer, message=answered, payload=CONFIRMED)
    asked = inquiry(destination_township_officer)
    client = log_in(origin_township_officer)

    overdue = client.get("/exchange/", {"status": "overdue"})
    inquiries = client.get("/exchange/", {"type": "joint_inquiry"})
    everything = client.get("/exchange/")

    assert [row["message"].pk for row in overdue.context["rows"]] == [late.pk]
    assert 'class="overdue' in overdue.content.decode()
    assert [row["message"].pk for row in inquiries.context["rows"]] == [asked.pk]
    assert {row["message"].pk for row in everything.context["rows"]} == {late.pk, answered.pk, fresh.pk, asked.pk}
    counts = {value: count for value, _label, count in everything.context["counts"]}
    assert counts == {"sent": 0, "delivered": 2, "read": 0, "answered": 1, "overdue": 1}
    assert everything.context["total"] == 4


def test_an_unknown_filter_value_shows_the_whole_list(log_in, origin_township_officer, inflow_notice):
    response = log_in(origin_township_officer).get("/exchange/", {"status": "nonsense", "type": "<script>"})

    assert response.status_code == 200
    assert [row["message"].pk for row in response.context["rows"]] == [inflow_notice.pk]
    assert "<script>" not in response.content.decode()


def test_a_township_officer_elsewhere_sees_neither_box_nor_counts_of_the_notice(
    log_in, outsider_township_officer, inflow_notice
):
    client = log_in(outsider_township_officer)

    for path in ("/exchange/", "/exchange/outbox/", "/exchange/due/"):
        response = client.get(path)
        assert inflow_notice.person.name not in response.content.decode()
    assert client.get("/exchange/").context["total"] == 0


@pytest.mark.parametrize("path", ["/exchange/", "/exchange/outbox/", "/exchange/due/"])
def test_a_message_list_needs_the_same_queries_for_30_messages_as_for_3(
    log_in, origin_township_officer, destination_township_officer, destination_village_worker,
    django_assert_max_num_queries, path
):
    reader = destination_township_officer if path == "/exchange/outbox/" else origin_township_officer
    client = log_in(reader)

    def notices(n):
        made = [notice_of(m).pk for m in arrivals(destination_village_worker, n)]
        # For the reminders: every other one falls due this week, the rest are overdue.
        now = timezone.now()
        Message.objects.filter(pk__in=made[::2]).update(deadline=now + datetime.timedelta(days=2))
        Message.objects.filter(pk__in=made[1::2]).update(deadline=now - datetime.timedelta(days=2))

    notices(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    notices(27)
    with django_assert_max_num_queries(len(few)):
        response = client.get(path)

    if path == "/exchange/due/":
        assert len(response.context["due_soon"]) + len(response.context["overdue"]) == 30
    else:
        assert len(response.context["rows"]) == 25


@pytest.mark.parametrize("path", ["/exchange/agreements/", "/exchange/stations/"])
def test_the_agreement_and_station_lists_need_the_same_queries_for_many_rows_as_for_one(
    log_in, origin_township_officer, django_assert_max_num_queries, path
):
    make = agreement if "agreements" in path else station
    client = log_in(origin_township_officer)
    make(origin_township_officer)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for _ in range(12):
        make(origin_township_officer)
    with django_assert_max_num_queries(len(one)):
        response = client.get(path)

    assert len(response.context["page"]) == 13


# --- One message ----------------------------------------------------------------------------------


def test_the_message_page_shows_the_payload_as_labelled_fields_with_the_full_id_number_and_is_audited(
    log_in, origin_township_officer, inflow_notice
):
    response = log_in(origin_township_officer).get(f"/exchange/messages/{inflow_notice.pk}/")

    content = response.content.decode()
    person = inflow_notice.person
    labels = dict(response.context["fields"])
    assert labels["身份证号码"] == person.id_number
    assert labels["姓名"] == person.name
    assert labels["居住类型"] == "租住房屋"
    assert labels["现居住地"].startswith("广东省 深圳市 宝安区 宝安区第1镇 宝安区第1镇第1村")
    assert labels["性别"] in ("男", "女")
    assert person.id_number in content
    assert '"id_number"' not in content and "residence_code" not in content, "no raw JSON on the page"
    assert AuditEvent.objects.filter(event="view", object_type="message", object_id=str(inflow_notice.pk),
                                     user_id=origin_township_officer.pk, outcome="success").exists()


def test_opening_a_message_as_the_receiving_office_marks_it_read_but_the_sender_opening_it_does_not(
    log_in, client, origin_township_officer, destination_township_officer, inflow_notice
):
    log_in(destination_township_officer).get(f"/exchange/messages/{inflow_notice.pk}/")
    assert Message.objects.get(pk=inflow_notice.pk).status == MessageStatus.DELIVERED
    client.logout()

    response = log_in(origin_township_officer).get(f"/exchange/messages/{inflow_notice.pk}/")

    message = Message.objects.get(pk=inflow_notice.pk)
    assert message.status == MessageStatus.READ and message.read_at is not None
    assert response.context["message"].current_status == MessageStatus.READ


def test_answering_through_the_page_stops_the_clock_and_the_sender_sees_it_answered(
    log_in, client, origin_township_officer, destination_township_officer, overdue_notice
):
    origin = log_in(origin_township_officer)
    page = origin.get(f"/exchange/messages/{overdue_notice.pk}/")
    assert page.context["may_answer"] and "result" in page.context["form"].fields

    response = origin.post(f"/exchange/messages/{overdue_notice.pk}/", {"result": "corrected", "note": "住址已更正"})

    assert response.status_code == 302 and response["Location"] == f"/exchange/messages/{overdue_notice.pk}/"
    message = Message.objects.get(pk=overdue_notice.pk)
    assert message.answered_at is not None and message.status == MessageStatus.ANSWERED
    answered_page = origin.get(response["Location"])
    assert answered_page.context["answer"].payload == {"result": "corrected", "note": "住址已更正"}
    assert "住址已更正" in answered_page.content.decode()
    assert 'name="result"' not in answered_page.content.decode(), "no second answer"
    client.logout()
    outbox = log_in(destination_township_officer).get("/exchange/outbox/")
    [row] = outbox.context["rows"]
    assert row["message"].current_status == MessageStatus.ANSWERED and not row["overdue"]
    assert 'class="overdue' not in outbox.content.decode()


@pytest.mark.parametrize("answer, field, message", [
    ({"result": "confirmed", "note": "很" * 1001}, "note", "最多 1000 个字。"),
    ({"note": "没有选择结果"}, "result", "此项为必填项。"),
])
def test_a_bad_answer_gets_a_chinese_message_beside_the_field_and_changes_nothing(
    log_in, origin_township_officer, inflow_notice, answer, field, message
):
    messages_before = Message.objects.count()

    response = log_in(origin_township_officer).post(f"/exchange/messages/{inflow_notice.pk}/", answer)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert Message.objects.count() == messages_before
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None


def test_the_answer_form_follows_the_type_of_answer_expected(log_in, origin_township_officer, destination_township_officer):
    asked = inquiry(destination_township_officer)
    client = log_in(origin_township_officer)

    form = client.get(f"/exchange/messages/{asked.pk}/").context["form"]
    assert list(form.fields) == ["findings"]

    client.post(f"/exchange/messages/{asked.pk}/", {"findings": "经走访，此人仍在户籍地居住。"})

    answer = Message.objects.get(in_reply_to=asked.pk)
    assert answer.message_type == MessageType.INQUIRY_FINDINGS
    assert answer.payload == {"findings": "经走访，此人仍在户籍地居住。"}
    page = client.get(f"/exchange/messages/{answer.pk}/")
    assert page.context["original"].pk == asked.pk and not page.context["may_answer"]


def test_an_auditor_reads_a_message_but_gets_no_answer_form_and_a_post_is_refused(log_in, auditor, inflow_notice):
    client = log_in(auditor)

    page = client.get(f"/exchange/messages/{inflow_notice.pk}/")
    assert page.status_code == 200 and not page.context["may_answer"]
    assert 'name="result"' not in page.content.decode()
    assert Message.objects.get(pk=inflow_notice.pk).status == MessageStatus.DELIVERED, "an auditor's reading is no read"

    refused = client.post(f"/exchange/messages/{inflow_notice.pk}/", CONFIRMED)

    assert refused.status_code == 403
    assert refused.context["form"].non_field_errors()
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None
    assert not Message.objects.filter(in_reply_to=inflow_notice.pk).exists()
    assert AuditEvent.objects.filter(event="write", object_type="message", user_id=auditor.pk,
                                     outcome="denied").exists()


def test_the_sending_office_sees_its_notice_without_an_answer_form_and_cannot_answer_it(
    log_in, destination_township_officer, inflow_notice
):
    client = log_in(destination_township_officer)

    assert not client.get(f"/exchange/messages/{inflow_notice.pk}/").context["may_answer"]
    assert client.post(f"/exchange/messages/{inflow_notice.pk}/", CONFIRMED).status_code == 403
    assert Message.objects.get(pk=inflow_notice.pk).answered_at is None


def test_a_message_out_of_scope_is_404_like_a_missing_one_and_a_post_changes_nothing(
    log_in, outsider_township_officer, inflow_notice
):
    client = log_in(outsider_township_officer)

    out_of_scope = client.get(f"/exchange/messages/{inflow_notice.pk}/")
    missing = client.get(f"/exchange/messages/{uuid.uuid4()}/")
    malformed = client.get("/exchange/messages/not-an-id/")
    posted = client.post(f"/exchange/messages/{inflow_notice.pk}/", CONFIRMED)

    assert out_of_scope.status_code == missing.status_code == malformed.status_code == posted.status_code == 404
    assert without_csrf(out_of_scope.content) == without_csrf(missing.content) == without_csrf(malformed.content)
    assert inflow_notice.person.name not in out_of_scope.content.decode()
    message = Message.objects.get(pk=inflow_notice.pk)
    assert message.answered_at is None and message.status == MessageStatus.DELIVERED
    assert AuditEvent.objects.filter(event="view", object_type="message", outcome="denied",
                                     user_id=outsider_township_officer.pk).count() == 4


# --- Home pages and reminders -----------------------------------------------------------------------


def test_an_overdue_notice_shows_on_the_home_pages_of_both_sides(
    log_in, client, origin_township_officer, destination_township_officer, overdue_notice
):
    origin_home = log_in(origin_township_officer).get("/")
    client.logout()
    destination_home = log_in(destination_township_officer).get("/")

    assert origin_home.context["exchange"]["overdue_to_answer"] == 1
    assert destination_home.context["exchange"]["overdue_awaiting"] == 1
    origin_alert = alert_of(origin_home)
    destination_alert = alert_of(destination_home)
    assert 'href="/exchange/?status=overdue"' in origin_alert and "outbox" not in origin_alert
    assert 'href="/exchange/outbox/?status=overdue"' in destination_alert and "/exchange/?" not in destination_alert


def test_once_answered_the_overdue_notice_leaves_both_home_pages(
    log_in, client, origin_township_officer, destination_township_officer, overdue_notice
):
    actions.answer_message(acting_user=origin_township_officer, message=overdue_notice, payload=CONFIRMED)

    origin_home = log_in(origin_township_officer).get("/")
    client.logout()
    destination_home = log_in(destination_township_officer).get("/")

    assert origin_home.context["exchange"]["overdue_to_answer"] == 0
    assert destination_home.context["exchange"]["overdue_awaiting"] == 0
    assert alert_of(origin_home) == alert_of(destination_home) == ""


def test_the_home_page_still_shows_the_registry_figures(log_in, destination_village_worker, arrival):
    response = log_in(destination_village_worker).get("/")

    assert response.context["figures"]["inflow"] == 1
    assert set(response.context["exchange"]) == {"overdue_to_answer", "overdue_awaiting", "due_this_week", "unread"}


def test_the_due_page_lists_what_falls_due_this_week_and_what_is_overdue(
    log_in, origin_township_officer, destination_village_worker
):
    late, soon, later = (notice_of(m) for m in arrivals(destination_village_worker, 3))
    now = timezone.now()
    Message.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(days=2))
    Message.objects.filter(pk=soon.pk).update(deadline=now + datetime.timedelta(days=3))

    response = log_in(origin_township_officer).get("/exchange/due/")

    assert [row["message"].pk for row in response.context["overdue"]] == [late.pk]
    assert [row["message"].pk for row in response.context["due_soon"]] == [soon.pk]
    assert later.person.name not in response.content.decode()


# --- Sending a joint inquiry ------------------------------------------------------------------------


def test_a_joint_inquiry_sent_through_the_form_reaches_the_other_offices_inbox(
    log_in, client, destination_township_officer, origin_township_officer
):
    sender = log_in(destination_township_officer)
    form = sender.get("/exchange/new/").context["form"]
    assert [code for code, _name in form.fields["sender_code"].choices] == [DESTINATION_TOWNSHIP]

    response = sender.post("/exchange/new/", {
        "sender_code": DESTINATION_TOWNSHIP, "receiver_code": f"{ORIGIN_TOWNSHIP:012d}", "subject": "核实婚姻状况",
        "question": "请协助核实此人的婚姻状况。", "id_number": "", "name": "",
    })

    sent = Message.objects.get(message_type=MessageType.JOINT_INQUIRY)
    assert response.status_code == 302 and response["Location"] == f"/exchange/messages/{sent.pk}/"
    assert (sent.sender_code, sent.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert sent.deadline is not None
    client.logout()
    assert [row["message"].pk for row in log_in(origin_township_officer).get("/exchange/").context["rows"]] == [sent.pk]


@pytest.mark.parametrize("overrides, field", [
    ({"receiver_code": f"{DESTINATION_TOWNSHIP:012d}"}, "receiver_code"),
    ({"receiver_code": f"{f.village(f.ORIGIN_COUNTY):012d}"}, "receiver_code"),
    ({"id_number": "370114199001011234"}, "id_number"),
    ({"subject": ""}, "subject"),
], ids=["to-itself", "to-a-village", "bad-id-number", "no-subject"])
def test_a_bad_joint_inquiry_is_shown_again_with_the_error_beside_the_field_and_nothing_is_sent(
    log_in, destination_township_officer, overrides, field
):
    data = {"sender_code": DESTINATION_TOWNSHIP, "receiver_code": f"{ORIGIN_TOWNSHIP:012d}", "subject": "核实",
            "question": "请核实。", "id_number": "", "name": "", **overrides}

    response = log_in(destination_township_officer).post("/exchange/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Message.objects.exists()


def test_an_inquiry_from_an_office_not_the_users_own_is_refused(log_in, destination_township_officer):
    response = log_in(destination_township_officer).post("/exchange/new/", {
        "sender_code": ORIGIN_TOWNSHIP, "receiver_code": f"{DESTINATION_TOWNSHIP:012d}", "subject": "核实",
        "question": "请核实。",
    })

    assert response.status_code == 200 and response.context["form"].errors["sender_code"]
    assert not Message.objects.exists()


# --- Rates ----------------------------------------------------------------------------------------


def test_the_rates_page_shows_the_users_office_this_month_and_each_child(
    log_in, origin_county_officer, origin_township_officer, destination_village_worker
):
    answered, unanswered = (notice_of(m) for m in arrivals(destination_village_worker, 2))
    actions.answer_message(acting_user=origin_township_officer, message=answered, payload=CONFIRMED)
    client = log_in(origin_county_officer)

    # The unanswered notice is not due yet: no failure.
    node = client.get("/exchange/rates/").context["node"]
    assert (node["received"], node["due"], node["feedback_rate"]) == (2, 1, "100.0%")

    Message.objects.filter(pk=unanswered.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    response = client.get("/exchange/rates/")
    node = response.context["node"]
    assert response.context["code"] == f.ORIGIN_COUNTY
    assert (node["received"], node["answered"], node["feedback_rate"], node["on_time_rate"]) == (2, 1, "50.0%", "50.0%")
    children = {child.code: figures for child, figures in response.context["children"]}
    assert set(children) == {ORIGIN_TOWNSHIP, f.township(f.ORIGIN_COUNTY, 2)}
    assert children[ORIGIN_TOWNSHIP]["received"] == 2
    assert children[f.township(f.ORIGIN_COUNTY, 2)]["feedback_rate"] == "—"
    assert response.context["first_day"] == datetime.date.today().replace(day=1)


def test_the_rates_page_takes_a_year_and_a_child_code(log_in, origin_county_officer, destination_village_worker):
    arrivals(destination_village_worker, 1)

    response = log_in(origin_county_officer).get("/exchange/rates/", {
        "code": f"{ORIGIN_TOWNSHIP:012d}", "period": "year", "on": datetime.date.today().isoformat()})

    assert response.context["node"]["received"] == 1
    assert response.context["first_day"] == datetime.date(datetime.date.today().year, 1, 1)
    assert response.context["last_day"] == datetime.date(datetime.date.today().year, 12, 31)


def test_the_rates_of_a_jurisdiction_out_of_scope_are_404(log_in, origin_township_officer):
    response = log_in(origin_township_officer).get("/exchange/rates/", {"code": f"{f.DESTINATION_COUNTY:012d}"})

    assert response.status_code == 404
    assert AuditEvent.objects.filter(object_type="exchange_rates", outcome="denied").exists()


def test_a_malformed_code_on_the_rates_page_is_a_message_not_an_error(log_in, origin_township_officer):
    response = log_in(origin_township_officer).get("/exchange/rates/", {"code": "4403"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] and response.context["node"] is None


# --- Agreements and liaison stations -------------------------------------------------------------------


def test_an_agreement_recorded_through_the_form_opens_on_its_page(log_in, origin_township_officer):
    response = log_in(origin_township_officer).post("/exchange/agreements/new/", {
        "first_party_code": ORIGIN_TOWNSHIP, "second_party_code": f"{DESTINATION_TOWNSHIP:012d}",
        "title": "双向互动协议", "signed_on": "2026-01-10", "valid_from": "2026-02-01", "valid_until": "",
        "scope": "互通信息。", "contacts": "", "meeting_schedule": "每季度一次",
    })

    recorded = CooperationAgreement.objects.get()
    assert response["Location"] == f"/exchange/agreements/{recorded.pk}/"
    page = log_in(origin_township_officer).get(response["Location"]).content.decode()
    assert "双向互动协议" in page and "每季度一次" in page and "广东省 深圳市 宝安区 宝安区第1镇" in page


def test_an_agreement_ending_before_it_starts_is_refused_beside_the_end_date(log_in, origin_township_officer):
    response = log_in(origin_township_officer).post("/exchange/agreements/new/", {
        "first_party_code": ORIGIN_TOWNSHIP, "second_party_code": f"{DESTINATION_TOWNSHIP:012d}",
        "title": "协议", "signed_on": "2026-01-10", "valid_from": "2026-02-01", "valid_until": "2026-01-01",
        "scope": "互通信息。",
    })

    assert response.status_code == 200 and response.context["form"].errors["valid_until"]
    assert not CooperationAgreement.objects.exists()


def test_an_agreement_of_other_places_is_404(log_in, origin_township_officer, outsider_township_officer):
    recorded = agreement(origin_township_officer)

    assert log_in(outsider_township_officer).get(f"/exchange/agreements/{recorded.pk}/").status_code == 404


def test_a_station_recorded_through_the_form_is_listed_with_a_masked_phone_and_shown_in_full(
    log_in, origin_township_officer
):
    client = log_in(origin_township_officer)
    response = client.post("/exchange/stations/new/", {
        "origin_code": ORIGIN_TOWNSHIP, "city_code": f"{DESTINATION_CITY:012d}", "name": "章丘驻深圳联络站",
        "address": "宝安大道 200 号", "contact_name": "赵主任", "contact_phone": "13800138000",
        "opened_on": "2025-06-01",
    })

    recorded = LiaisonStation.objects.get()
    assert response["Location"] == f"/exchange/stations/{recorded.pk}/"
    listing = client.get("/exchange/stations/").content.decode()
    assert "章丘驻深圳联络站" in listing and "138****8000" in listing and "13800138000" not in listing
    assert "13800138000" in client.get(response["Location"]).content.decode()


def test_a_station_in_the_origins_own_city_is_refused_beside_the_city(log_in, origin_township_officer):
    response = log_in(origin_township_officer).post("/exchange/stations/new/", {
        "origin_code": ORIGIN_TOWNSHIP, "city_code": "370100000000", "name": "站", "address": "地址",
        "contact_name": "赵", "contact_phone": "13800138000", "opened_on": "2025-06-01",
    })

    assert response.status_code == 200 and response.context["form"].errors["city_code"]
    assert not LiaisonStation.objects.exists()


def test_closing_a_station_records_the_day_and_an_early_date_is_refused(log_in, origin_township_officer):
    opened = station(origin_township_officer)
    client = log_in(origin_township_officer)

    early = client.post(f"/exchange/stations/{opened.pk}/close/", {"closed_on": "2025-01-01"})
    assert early.status_code == 200 and early.context["close_form"].errors["closed_on"]
    assert LiaisonStation.objects.get(pk=opened.pk).closed_on is None

    closed = client.post(f"/exchange/stations/{opened.pk}/close/", {"closed_on": "2026-03-01"})

    assert closed["Location"] == f"/exchange/stations/{opened.pk}/"
    assert LiaisonStation.objects.get(pk=opened.pk).closed_on == datetime.date(2026, 3, 1)


def test_an_auditor_sees_a_station_but_cannot_close_it(log_in, origin_township_officer, auditor):
    opened = station(origin_township_officer)
    client = log_in(auditor)

    assert not client.get(f"/exchange/stations/{opened.pk}/").context["may_close"]
    refused = client.post(f"/exchange/stations/{opened.pk}/close/", {"closed_on": "2026-03-01"})

    assert refused.status_code == 200 and refused.context["close_form"].non_field_errors()
    assert LiaisonStation.objects.get(pk=opened.pk).closed_on is None


def test_a_station_of_other_places_is_404_and_cannot_be_closed(log_in, origin_township_officer, tree):
    opened = station(origin_township_officer)
    elsewhere = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.OTHER_DESTINATION_COUNTY), "elsewhere")
    client = log_in(elsewhere)

    assert client.get(f"/exchange/stations/{opened.pk}/").status_code == 404
    assert client.post(f"/exchange/stations/{opened.pk}/close/", {"closed_on": "2026-03-01"}).status_code == 404
    assert LiaisonStation.objects.get(pk=opened.pk).closed_on is None
