"""The messages documents raise by themselves: proxy requests and their decisions, confirmed birth registrations."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from huiliu.births.models import BirthRegistration
from huiliu.certificates import actions as certificates
from huiliu.core import events
from huiliu.core.errors import ValidationFailed
from huiliu.exchange import actions as exchange
from huiliu.exchange import queries
from huiliu.exchange.models import Message, MessageStatus, MessageType
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP


@pytest.fixture
def application(arrival, destination_village_worker):
    return certificates.apply_by_proxy(acting_user=destination_village_worker, person=arrival.person,
                                       purpose="办理居住证")


def _request(person) -> Message:
    return Message.objects.get(message_type=MessageType.PROXY_REQUEST, person=person)


# --- Proxy applications ----------------------------------------------------------------------------------


def test_a_proxy_application_sends_a_request_to_the_household_township(application, arrival):
    request = _request(arrival.person)

    assert (request.sender_code, request.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert request.status == MessageStatus.DELIVERED
    assert request.payload["document"] == "婚育情况证明"
    assert request.payload["reason"] == "办理居住证"
    assert request.payload["application_id"] == str(application.pk)
    assert request.payload["id_number"] == arrival.person.id_number
    assert request.payload["name"] == "刘洋"
    assert request.deadline - request.created_at == datetime.timedelta(days=10)


def test_an_issued_certificate_answers_the_request_with_its_number(application, arrival, origin_township_officer):
    decided = certificates.decide_proxy_application(acting_user=origin_township_officer, application=application,
                                                    issue=True)

    request = _request(arrival.person)
    assert request.status == MessageStatus.ANSWERED
    assert request.answered_at is not None
    answer = Message.objects.get(pk=request.answer_id)
    assert answer.message_type == MessageType.PROXY_DECISION
    assert (answer.sender_code, answer.receiver_code) == (ORIGIN_TOWNSHIP, DESTINATION_TOWNSHIP)
    assert answer.in_reply_to == request.pk
    assert answer.payload == {"decision": "approved", "reason": "", "document_number": decided.certificate.number}


def test_a_refusal_answers_the_request_with_the_reason(application, arrival, origin_township_officer):
    certificates.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=False,
                                          refusal_reason="户籍信息待核实")

    answer = Message.objects.get(pk=_request(arrival.person).answer_id)
    assert answer.payload == {"decision": "refused", "reason": "户籍信息待核实", "document_number": ""}


def test_the_answer_counts_in_the_origins_feedback_rate(application, origin_township_officer, origin_county_officer):
    start, end = timezone.now() - datetime.timedelta(days=1), timezone.now() + datetime.timedelta(days=1)
    before = queries.compute_rates(user=origin_county_officer, code=ORIGIN_TOWNSHIP, start=start, end=end)

    certificates.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)

    after = queries.compute_rates(user=origin_county_officer, code=ORIGIN_TOWNSHIP, start=start, end=end)
    # Received: the arrival's notice and the proxy request; answered and on time: the request.
    assert (before["received"], before["answered"]) == (2, 0)
    assert (after["received"], after["answered"], after["on_time"]) == (2, 1, 1)


def test_a_request_for_an_application_held_here_cannot_be_answered_by_hand(application, arrival,
                                                                           origin_township_officer):
    # Answering by hand would stop the clock while the application stayed undecided.
    request = _request(arrival.person)
    with pytest.raises(ValidationFailed) as refused:
        exchange.answer_message(acting_user=origin_township_officer, message=request,
                                payload={"decision": "approved", "reason": "", "document_number": ""})
    assert "代办" in refused.value.errors["__all__"][0]
    request.refresh_from_db()
    assert request.answered_at is None


def test_the_request_page_sends_the_officer_to_the_application(client, log_in, application, arrival,
                                                               origin_township_officer):
    page = log_in(origin_township_officer).get(f"/exchange/messages/{_request(arrival.person).pk}/")
    body = page.content.decode()
    assert f"/certificates/proxy/{application.pk}/" in body
    assert 'name="decision"' not in body


def test_a_refused_application_sends_nothing_when_the_action_refuses(arrival, origin_village_worker):
    from huiliu.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        certificates.apply_by_proxy(acting_user=origin_village_worker, person=arrival.person, purpose="办理居住证")
    assert not Message.objects.filter(message_type=MessageType.PROXY_REQUEST).exists()


@pytest.fixture
def origin_on_a_peer(db, settings):
    """This deployment serves Guangdong (44); the household township (37) is on the peer "shandong"."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tests.exchange.test_federation import key_text

    settings.HUILIU_EXCHANGE_PREFIXES = "44"
    peer, _created = exchange.add_peer(acting_user=None, name="shandong", base_url="http://shandong:8000",
                                       public_key=key_text(Ed25519PrivateKey.generate()), prefixes="37")
    return peer


def _decision_from_the_peer(peer, request, payload, written=None) -> Message:
    import uuid

    written = written or timezone.now()
    message, _created = exchange.receive_message(peer=peer, data={
        "id": str(uuid.uuid4()), "message_type": MessageType.PROXY_DECISION, "sender_code": request.receiver_code,
        "receiver_code": request.sender_code, "origin_deployment": "shandong", "created_at": written.isoformat(),
        "deadline": None, "in_reply_to": str(request.pk), "payload": payload})
    return message


def test_an_approval_from_the_origin_on_a_peer_issues_the_application_here_with_the_number(
        origin_on_a_peer, application, arrival):
    from huiliu.audit.models import AuditEvent
    from huiliu.certificates.models import ProxyStatus

    request = _request(arrival.person)
    days = 3
    type(application).objects.filter(pk=application.pk).update(
        applied_at=timezone.now() - datetime.timedelta(days=days))
    Message.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days))

    _decision_from_the_peer(origin_on_a_peer, request, {"decision": "approved", "reason": "",
                                                        "document_number": "370114001-2026-000007"})

    application.refresh_from_db()
    request.refresh_from_db()
    assert request.answered_at is not None
    assert application.status == ProxyStatus.ISSUED
    assert application.document_number == "370114001-2026-000007"
    assert application.certificate is None
    assert application.decided_at == request.answered_at
    assert application.days_to_decision == days
    row = AuditEvent.objects.get(event="decide_proxy_application", detail__application=str(application.pk))
    assert (row.user_id, row.username) == (None, "peer:shandong")


def test_a_refusal_from_the_origin_on_a_peer_refuses_the_application_here_with_its_reason(
        origin_on_a_peer, application, arrival):
    from huiliu.certificates.models import ProxyStatus

    _decision_from_the_peer(origin_on_a_peer, _request(arrival.person),
                            {"decision": "refused", "reason": "户籍信息待核实", "document_number": ""})

    application.refresh_from_db()
    assert (application.status, application.refusal_reason, application.days_to_decision) == (
        ProxyStatus.REFUSED, "户籍信息待核实", 0)


def test_a_decision_from_another_office_than_the_one_asked_leaves_the_application_pending(
        origin_on_a_peer, application, arrival):
    from huiliu.certificates.models import ProxyStatus

    request = _request(arrival.person)
    request.receiver_code = f.township(f.ORIGIN_COUNTY, 2)  # as if the answer came from a neighbour township
    _decision_from_the_peer(origin_on_a_peer, request, {"decision": "refused", "reason": "不是我们"})

    application.refresh_from_db()
    assert application.status == ProxyStatus.PENDING


@pytest.mark.parametrize(("payload", "field"), [
    ({"decision": "approved", "reason": "", "document_number": ""}, "document_number"),
    ({"decision": "refused", "reason": "  ", "document_number": ""}, "reason"),
])
def test_a_decision_without_its_number_or_its_reason_is_refused_naming_the_field(payload, field):
    from huiliu.exchange.payloads import validate_payload

    with pytest.raises(ValidationFailed) as refused:
        validate_payload(MessageType.PROXY_DECISION, payload)
    assert list(refused.value.errors) == [field]


# --- Confirmed birth registrations -----------------------------------------------------------------------


def _registration(*, filed_at: str, jurisdiction: int, household: int, residence: int | None, mother=None,
                  mother_name: str = "王秀英", mother_id_number: str | None = None) -> BirthRegistration:
    """A confirmed registration written directly (the births app's own actions are tested there)."""
    now = timezone.now()
    return BirthRegistration.objects.create(
        tracking_number=f"{jurisdiction:012d}"[:9] + f"-{now.year}-{BirthRegistration.objects.count() + 1:06d}",
        channel="worker", filed_at=filed_at, jurisdiction_id=jurisdiction, status="confirmed",
        mother_name=mother.name if mother else mother_name,
        mother_id_number=mother.id_number if mother else (mother_id_number or f.id_number()),
        marital_status="21", household_code=household, residence_code=residence,
        expected_birth_date=timezone.localdate() + datetime.timedelta(days=60), mother=mother,
        submitted_at=now - datetime.timedelta(days=2), confirmed_at=now,
        voucher_number=f"{jurisdiction:012d}"[:9] + f"-{now.year}-V{BirthRegistration.objects.count() + 1:05d}",
    )


def _confirm(registration, user) -> None:
    with transaction.atomic():
        events.publish(events.BIRTH_REGISTRATION_CONFIRMED, acting_user=user, registration=registration)


def _notices():
    return Message.objects.filter(message_type=MessageType.STATUS_CHANGE_NOTICE)


def test_a_registration_filed_where_the_family_lives_notifies_the_household_township(
    arrival, destination_village_worker
):
    registration = _registration(filed_at="residence", jurisdiction=f.village(f.DESTINATION_COUNTY),
                                 household=f.village(f.ORIGIN_COUNTY), residence=f.village(f.DESTINATION_COUNTY),
                                 mother=arrival.person)

    _confirm(registration, destination_village_worker)

    notice = _notices().get()
    assert (notice.sender_code, notice.receiver_code) == (DESTINATION_TOWNSHIP, ORIGIN_TOWNSHIP)
    assert notice.person == arrival.person
    assert notice.payload["change"] == "birth_registration"
    assert notice.payload["voucher_number"] == registration.voucher_number
    assert notice.payload["id_number"] == arrival.person.id_number
    assert notice.payload["effective_date"] == timezone.localdate().isoformat()
    assert notice.deadline is not None  # a notice expects feedback like any other


def test_a_registration_filed_at_home_notifies_the_declared_residence_township(origin_village_worker):
    registration = _registration(filed_at="household", jurisdiction=f.village(f.ORIGIN_COUNTY),
                                 household=f.village(f.ORIGIN_COUNTY), residence=f.village(f.DESTINATION_COUNTY, 2, 1))

    _confirm(registration, origin_village_worker)

    notice = _notices().get()
    assert (notice.sender_code, notice.receiver_code) == (ORIGIN_TOWNSHIP, f.township(f.DESTINATION_COUNTY, 2))
    # Not linked to the registry: the declared name and number, sex and birth date read from the number.
    assert notice.person is None
    assert notice.payload["name"] == "王秀英"
    assert notice.payload["id_number"] == registration.mother_id_number
    assert notice.payload["sex"] == "F"


def test_a_registration_filed_at_home_with_no_residence_elsewhere_notifies_nobody(origin_village_worker):
    for residence in (None, f.village(f.ORIGIN_COUNTY, 1, 2)):
        registration = _registration(filed_at="household", jurisdiction=f.village(f.ORIGIN_COUNTY),
                                     household=f.village(f.ORIGIN_COUNTY), residence=residence)
        _confirm(registration, origin_village_worker)
    assert not _notices().exists()


def test_a_declared_identity_the_schema_refuses_sends_nothing(destination_village_worker):
    number = f.id_number()
    broken = number[:17] + ("0" if number[17] != "0" else "1")
    registration = _registration(filed_at="residence", jurisdiction=f.village(f.DESTINATION_COUNTY),
                                 household=f.village(f.ORIGIN_COUNTY), residence=f.village(f.DESTINATION_COUNTY),
                                 mother_id_number=broken)

    _confirm(registration, destination_village_worker)

    assert not _notices().exists()


def test_the_notice_page_labels_the_birth_registration(client, log_in, arrival, destination_village_worker,
                                                        origin_township_officer):
    registration = _registration(filed_at="residence", jurisdiction=f.village(f.DESTINATION_COUNTY),
                                 household=f.village(f.ORIGIN_COUNTY), residence=f.village(f.DESTINATION_COUNTY),
                                 mother=arrival.person)
    _confirm(registration, destination_village_worker)
    notice = _notices().get()

    page = log_in(origin_township_officer).get(f"/exchange/messages/{notice.pk}/").content.decode()

    assert registration.voucher_number in page
    assert "birth_registration" not in page  # shown by its label, not its code

