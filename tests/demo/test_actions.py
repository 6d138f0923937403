import datetime
import hashlib
import io
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, ProtectedError
from django.utils import timezone

from huiliu.accounts.models import Role, RoleAssignment
from huiliu.audit.models import AuditEvent
from huiliu.births.models import BirthRegistration
from huiliu.certificates.models import ProxyApplication, StatusCertificate
from huiliu.core.errors import ValidationFailed
from huiliu.core.identity import birth_date_of, make_id_number, sex_of, validate_id_number
from huiliu.demo.actions import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from huiliu.demo.places import RECEIVING_COUNTIES, SENDING_COUNTIES
from huiliu.exchange.models import DEFAULT_ANSWER_DAYS, Message, MessageStatus, MessageType
from huiliu.exchange.payloads import validate_payload
from huiliu.exchange.queries import list_inbox, with_current_status
from huiliu.fund.models import Fund, FundRound, LedgerEntry, Loan, LoanEvaluation, RepaymentInstallment
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.codes import township_of
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import (
    Child,
    InflowRegistration,
    LeftBehindRelative,
    LeftBehindVisit,
    Migration,
    MigrationStatus,
    OutflowRegistration,
    Person,
)
from huiliu.people.queries import count_jurisdiction_figures

from .conftest import PERSONS, SEED

DEMO_TABLES = ("people_person", "people_migration", "people_outflowregistration", "people_inflowregistration",
               "people_child", "exchange_message")
# The bulk load writes these messages; the demo's documents then send others through the real actions.
BULK_MESSAGE_TYPES = (MessageType.INFLOW_NOTICE, MessageType.OUTFLOW_NOTICE, MessageType.FEEDBACK)


def digest_of_demo_rows() -> str:
    """One hash over every row of the tables the population fills, in key order."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in DEMO_TABLES:
            # Documents are made after the load, with fresh keys and the moment's time: not part of the seed's rows.
            # The answers to the demo services' reports are such documents too.
            only_bulk = (" WHERE message_type IN ('inflow_notice', 'outflow_notice', 'feedback') AND (in_reply_to IS NULL OR"
                         " in_reply_to NOT IN (SELECT id FROM exchange_message WHERE message_type = 'service_report'))"
                         if table == "exchange_message" else "")
            cursor.execute(f'SELECT * FROM "{table}"{only_bulk} ORDER BY id')
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


def _clear_apps(*labels: str) -> None:
    """Delete every row of these apps' models, the ones still protected by others' rows last."""
    pending = [model for label in labels for model in apps.get_app_config(label).get_models()]
    while pending:
        protected = []
        for model in pending:
            try:
                model.objects.all().delete()
            except ProtectedError:
                protected.append(model)
        assert len(protected) < len(pending), f"rows protected all round: {protected}"
        pending = protected


def delete_demo_rows() -> None:
    _clear_apps("services", "community", "grievances")
    LeftBehindVisit.objects.all().delete()
    LeftBehindRelative.objects.all().delete()
    # The demo fund lends to demo persons: its ledger is append-only, so the test clears it below the ORM's guard.
    LedgerEntry.objects.all()._raw_delete(LedgerEntry.objects.db)
    for model in (LoanEvaluation, RepaymentInstallment, Loan, FundRound, Fund):
        model.objects.all().delete()
    ProxyApplication.objects.all().delete()
    StatusCertificate.objects.update(supersedes=None)
    StatusCertificate.objects.all().delete()
    BirthRegistration.objects.all().delete()
    Message.objects.all().delete()
    Child.objects.all().delete()
    InflowRegistration.objects.all().delete()
    OutflowRegistration.objects.all().delete()
    Migration.objects.all().delete()
    Person.objects.all().delete()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(db):
    today = datetime.date.today()
    load_demo(persons=PERSONS, seed=SEED, today=today)
    first = digest_of_demo_rows()
    delete_demo_rows()
    load_demo(persons=PERSONS, seed=SEED, today=today)
    assert digest_of_demo_rows() == first
    delete_demo_rows()
    load_demo(persons=PERSONS, seed=SEED + 1, today=today)
    assert digest_of_demo_rows() != first


def test_rows_generated_in_a_second_process_are_the_same_as_in_this_one(db):
    today = datetime.date.today()
    load_demo(persons=300, seed=SEED, today=today, in_child=False)
    in_this_process = digest_of_demo_rows()
    delete_demo_rows()
    result = load_demo(persons=300, seed=SEED, today=today, in_child=True)
    assert result.in_child
    assert digest_of_demo_rows() == in_this_process


def test_the_load_writes_the_counted_rows_and_one_audit_row(demo):
    assert demo.loaded
    assert demo.counts["people_person"] == Person.objects.count() == PERSONS
    assert demo.counts["people_migration"] == Migration.objects.count() > PERSONS // 2
    assert demo.counts["people_outflowregistration"] == OutflowRegistration.objects.count() > 0
    assert demo.counts["people_inflowregistration"] == InflowRegistration.objects.count() > 0
    assert demo.counts["people_child"] == Child.objects.count() > 0
    service_reports = Message.objects.filter(message_type=MessageType.SERVICE_REPORT).values("id")
    bulk_messages = Message.objects.filter(message_type__in=BULK_MESSAGE_TYPES).exclude(in_reply_to__in=service_reports)
    assert demo.counts["exchange_message"] == bulk_messages.count() > PERSONS
    event = AuditEvent.objects.get(event="demo_load")
    assert event.detail["persons"] == PERSONS
    assert event.detail["messages"] == demo.counts["exchange_message"]
    assert event.detail["seed"] == SEED
    connection.check_constraints()  # every foreign key points at a row


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_sex(demo):
    for number, sex, born in Person.objects.values_list("id_number", "sex", "birth_date"):
        assert validate_id_number(number) == number
        assert sex_of(number) == sex
        assert birth_date_of(number) == born
        # The generator's own check digit is the one the identity module makes.
        assert make_id_number(number[:6], born, int(number[14:17]) // 2, sex) == number
        assert number[:6] + "000000" in {f"{c:012d}"[:6] + "000000" for c in SENDING_COUNTIES}


def test_keys_are_version_4_uuids(demo):
    for model in (Person, Migration, InflowRegistration, OutflowRegistration, Child):
        for key in model.objects.values_list("id", flat=True)[:200]:
            assert uuid.UUID(str(key)).version == 4


def test_persons_look_real(demo):
    for person in Person.objects.all():
        assert 2 <= len(person.name) <= 4
        assert not person.phone or (len(person.phone) == 11 and person.phone[0] == "1" and person.phone[1] in "3456789")
        assert person.household_jurisdiction.level == codes.VILLAGE
        assert person.household_jurisdiction.name in person.household_address
        if person.marital_status in ("21", "22", "23"):
            assert person.spouse_name
        for child in person.children.all():
            assert child.birth_date > person.birth_date


def test_moves_occur_in_every_state_and_keep_the_rules_of_the_actions(demo):
    statuses = set(Migration.objects.values_list("status", flat=True))
    assert statuses == set(MigrationStatus.values)
    for person in Person.objects.prefetch_related("migrations__inflow", "migrations__outflow"):
        moves = sorted(person.migrations.all(), key=lambda m: (m.started_on, m.ended_on or datetime.date.max))
        open_moves = [m for m in moves if m.is_open]
        assert len(open_moves) <= 1
        for move in moves:
            assert move.origin_jurisdiction_id == person.household_jurisdiction_id
            assert move.started_on >= person.birth_date
            assert hasattr(move, "inflow") or hasattr(move, "outflow")
            assert (move.ended_on is None) == move.is_open
            if move.ended_on:
                assert move.ended_on >= move.started_on
            if hasattr(move, "inflow"):
                assert move.destination_jurisdiction_id == move.inflow.residence_jurisdiction_id
                assert not codes.contains(township_of(person.household_jurisdiction_id),
                                          move.inflow.residence_jurisdiction_id)
        if not moves:
            assert person.residence_jurisdiction_id == person.household_jurisdiction_id
            continue
        last = moves[-1]
        if last.status == MigrationStatus.ARRIVED:
            assert last.inflow.residence_jurisdiction_id == person.residence_jurisdiction_id
        elif last.status == MigrationStatus.AWAY:
            assert not hasattr(last, "inflow")
            assert hasattr(last, "outflow")
            assert person.residence_jurisdiction_id is None
        elif last.status == MigrationStatus.RETURNED:
            assert person.residence_jurisdiction_id == person.household_jurisdiction_id
        else:
            assert person.residence_jurisdiction_id is None


def test_some_moves_are_registered_at_the_destination_first_and_some_persons_never_moved(demo):
    assert Migration.objects.filter(outflow__isnull=True, inflow__isnull=False).exists()
    assert Migration.objects.filter(outflow__isnull=False, inflow__isnull=False).exists()
    assert Person.objects.filter(migrations__isnull=True).exists()


def test_no_date_lies_in_the_future(demo):
    today = datetime.date.today()
    assert not InflowRegistration.objects.filter(arrival_date__gt=today).exists()
    assert not InflowRegistration.objects.filter(registration_date__gt=today).exists()
    assert not OutflowRegistration.objects.filter(departure_date__gt=today).exists()
    assert not Migration.objects.filter(ended_on__gt=today).exists()


def test_demo_townships_and_villages_sit_below_real_counties(demo):
    for county in (*SENDING_COUNTIES, *RECEIVING_COUNTIES):
        low, high = codes.subtree_range(county)
        villages = Jurisdiction.objects.filter(code__range=(low, high), level=codes.VILLAGE)
        assert villages.exists()
        for village in villages.select_related("parent"):
            assert village.parent.level == codes.TOWNSHIP
            assert village.parent.parent_id == county
            assert village.name.endswith(("村", "社区"))


def test_every_demo_account_can_log_in_with_the_printed_password(demo, client):
    roles = set(RoleAssignment.objects.filter(user__username__in=[a.username for a in DEMO_ACCOUNTS])
                .values_list("role", flat=True))
    assert roles == set(Role.values)
    assert [login.username for login in demo.logins] == [a.username for a in DEMO_ACCOUNTS]
    for login in demo.logins:
        assert login.password == DEMO_PASSWORD
        response = client.post("/accounts/login/", {"username": login.username, "password": login.password})
        assert response.status_code == 302, login.username
        client.logout()


def test_the_home_figures_of_demo_county_officers_are_not_zero(demo):
    destination = RoleAssignment.objects.get(user__username="dest-county").user
    origin = RoleAssignment.objects.get(user__username="origin-county").user
    figures = count_jurisdiction_figures(user=destination)
    assert figures["inflow"] > 0
    assert figures["arrivals_this_month"] > 0
    assert count_jurisdiction_figures(user=origin)["outflow"] > 0
    village_worker = RoleAssignment.objects.get(user__username="dest-village").user
    assert count_jurisdiction_figures(user=village_worker)["arrivals_this_month"] > 0


def test_a_second_load_into_a_filled_registry_is_refused(demo):
    with pytest.raises(ValidationFailed):
        load_demo(persons=PERSONS, seed=SEED)


def test_the_command_with_if_empty_adds_nothing_the_second_time(db):
    first = io.StringIO()
    call_command("demo", "--persons", "200", "--seed", "3", "--if-empty", stdout=first)
    rows = (Person.objects.count(), Migration.objects.count(), Message.objects.count(),
            AuditEvent.objects.filter(event="demo_load").count())
    second = io.StringIO()
    call_command("demo", "--persons", "200", "--seed", "3", "--if-empty", stdout=second)
    assert (Person.objects.count(), Migration.objects.count(), Message.objects.count(),
            AuditEvent.objects.filter(event="demo_load").count()) == rows == (200, rows[1], rows[2], 1)
    assert "已装入演示数据" in first.getvalue()
    assert "未再装入演示数据" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        for account in DEMO_ACCOUNTS:
            assert account.username in output
        assert DEMO_PASSWORD in output


# --- the exchange notices the registrations sent ---------------------------------------------------

ANSWER_PERIOD = {kind: datetime.timedelta(days=days) for kind, days in DEFAULT_ANSWER_DAYS.items()}


def notices_of(message_type: str) -> dict[tuple, Message]:
    """The notices of a type, by the person and the moment they were sent."""
    notices = {}
    for message in Message.objects.filter(message_type=message_type):
        key = (message.person_id, message.created_at)
        assert key not in notices, "two notices about one person at one moment"
        notices[key] = message
    return notices


def person_facts(person) -> dict:
    return {"id_number": person.id_number, "name": person.name, "sex": person.sex, "birth_date": person.birth_date,
            "household_code": person.household_jurisdiction_id}


def test_every_arrival_told_the_household_township_when_it_was_registered(demo):
    notices = notices_of(MessageType.INFLOW_NOTICE)
    inflows = InflowRegistration.objects.select_related("migration__person")
    assert len(notices) == inflows.count()
    for inflow in inflows:
        person = inflow.migration.person
        notice = notices[(person.pk, inflow.created_at)]
        assert notice.sender_code == township_of(inflow.residence_jurisdiction_id)
        assert notice.receiver_code == township_of(person.household_jurisdiction_id)
        # What exchange.notices would have sent, through the same schema.
        assert notice.payload == validate_payload(MessageType.INFLOW_NOTICE, {
            **person_facts(person), "residence_code": inflow.residence_jurisdiction_id,
            "residence_address": inflow.address, "arrival_date": inflow.arrival_date,
            "residence_type": inflow.residence_type,
        })
        assert notice.deadline == notice.created_at + ANSWER_PERIOD[MessageType.INFLOW_NOTICE]
        assert notice.delivered_at == notice.created_at


def test_every_departure_to_a_known_place_told_that_place_and_the_others_nobody(demo):
    notices = notices_of(MessageType.OUTFLOW_NOTICE)
    outflows = OutflowRegistration.objects.select_related("migration__person")
    assert outflows.filter(destination_jurisdiction__isnull=True).exists()
    assert len(notices) == outflows.filter(destination_jurisdiction__isnull=False).count() > 0
    for outflow in outflows.filter(destination_jurisdiction__isnull=False):
        person = outflow.migration.person
        notice = notices[(person.pk, outflow.created_at)]
        assert notice.sender_code == township_of(outflow.migration.origin_jurisdiction_id)
        assert notice.receiver_code == township_of(outflow.destination_jurisdiction_id)
        assert notice.payload == validate_payload(MessageType.OUTFLOW_NOTICE, {
            **person_facts(person), "departure_date": outflow.departure_date,
            "destination_code": outflow.destination_jurisdiction_id,
            "destination_address": outflow.destination_address, "reason": outflow.reason,
            "contact_phone": outflow.contact_phone,
        })
        assert notice.deadline == notice.created_at + ANSWER_PERIOD[MessageType.OUTFLOW_NOTICE]


def test_an_answered_notice_points_to_the_feedback_sent_back_when_it_was_answered(demo):
    start_of_today = _start_of_today()
    notices = Message.objects.filter(message_type__in=(MessageType.INFLOW_NOTICE, MessageType.OUTFLOW_NOTICE))
    answers = {m.pk: m for m in Message.objects.filter(message_type=MessageType.FEEDBACK, in_reply_to__in=notices.values("id"))}
    answered = notices.filter(answered_at__isnull=False)
    assert len(answers) == answered.count() > 0
    for notice in answered:
        answer = answers.pop(notice.answer_id)
        assert notice.status == MessageStatus.ANSWERED
        assert (answer.sender_code, answer.receiver_code) == (notice.receiver_code, notice.sender_code)
        assert answer.in_reply_to == notice.pk
        assert answer.person_id == notice.person_id
        assert answer.created_at == notice.answered_at == notice.read_at
        assert notice.created_at < notice.answered_at < start_of_today
        assert answer.deadline is None
        assert answer.payload == validate_payload(MessageType.FEEDBACK, answer.payload)
    for notice in notices.filter(answered_at__isnull=True):
        assert (notice.status, notice.answer_id, notice.read_at) == (MessageStatus.DELIVERED, None, None)


def test_notices_are_mostly_answered_in_time_some_late_some_overdue_and_recent_ones_still_open(demo):
    notices = with_current_status(Message.objects.exclude(message_type=MessageType.FEEDBACK))
    total = notices.count()
    # Answered, overdue (unanswered past the deadline) and still open (unanswered, within it).
    statuses = dict(notices.values_list("current_status").annotate(n=Count("pk")))
    assert set(statuses) == {MessageStatus.ANSWERED, MessageStatus.OVERDUE, MessageStatus.DELIVERED}
    late = notices.filter(answered_at__gt=F("deadline")).count()
    assert 0 < late < total * 0.25
    assert statuses[MessageStatus.ANSWERED] - late > total * 0.7


def test_demo_officers_find_notices_in_their_inboxes(demo):
    # Arrivals are notified to the origin township; departures, to the county the form names.
    for username in ("origin-township", "dest-county"):
        officer = RoleAssignment.objects.get(user__username=username).user
        assert list_inbox(user=officer).exists(), username


def _start_of_today() -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.today(), datetime.time(), tzinfo=timezone.get_current_timezone())
