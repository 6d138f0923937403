"""Exchange rates (compute_rates): counted from the messages, on hand-made notices and on a demo population.

On the demo population every figure is checked against a count written here directly
in SQL over exchange_message, so that a change to the query that moves any figure shows.
"""

import datetime
import statistics
import zoneinfo

import pytest
from django.db import connection

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.demo.actions import load_demo
from huiliu.demo.places import RECEIVING_COUNTIES, SENDING_COUNTIES
from huiliu.exchange.models import Message, MessageStatus, MessageType
from huiliu.exchange.queries import compute_rates
from tests import factories as f

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
SHANDONG, HENAN, GUANGDONG = 370000000000, 410000000000, 440000000000
ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)
START = datetime.datetime(2026, 1, 1, tzinfo=LOCAL)
END = datetime.datetime(2026, 2, 1, tzinfo=LOCAL)
DAY = datetime.timedelta(days=1)


# --- hand-made notices -----------------------------------------------------------------------------


@pytest.fixture
def province_officer(tree):
    """A province officer of the origin side, Shandong."""
    return f.make_user(Role.PROVINCE_OFFICER, SHANDONG, "shandong-province")


def notice(*, created: datetime.datetime, answered_after: datetime.timedelta | None = None,
           sender: int = DESTINATION_TOWNSHIP, receiver: int = ORIGIN_TOWNSHIP,
           message_type: str = MessageType.INFLOW_NOTICE, days: int = 15) -> Message:
    """A notice as the registry sends it, answered with feedback `answered_after` it was sent, if at all."""
    message = Message.objects.create(
        message_type=message_type, sender_code=sender, receiver_code=receiver, payload={}, created_at=created,
        deadline=created + datetime.timedelta(days=days), status=MessageStatus.DELIVERED, delivered_at=created,
    )
    if answered_after is not None:
        answered_at = created + answered_after
        answer = Message.objects.create(
            message_type=MessageType.FEEDBACK, sender_code=receiver, receiver_code=sender,
            payload={"result": "confirmed", "note": ""}, created_at=answered_at, status=MessageStatus.DELIVERED,
            delivered_at=answered_at, in_reply_to=message.pk,
        )
        Message.objects.filter(pk=message.pk).update(answered_at=answered_at, answer_id=answer.pk,
                                                     status=MessageStatus.ANSWERED, read_at=answered_at)
    return message


def rates_of(user, code, start=START, end=END) -> dict:
    return compute_rates(user=user, code=code, start=start, end=end)


def test_an_answer_within_the_period_counts_as_answered_and_on_time(province_officer):
    notice(created=START + DAY, answered_after=datetime.timedelta(days=3))
    rates = rates_of(province_officer, SHANDONG)
    assert (rates["received"], rates["answered"], rates["on_time"]) == (1, 1, 1)
    assert (rates["feedback_rate"], rates["on_time_rate"]) == (1.0, 1.0)
    assert rates["median_days_to_answer"] == pytest.approx(3.0)


def test_a_late_answer_counts_as_answered_but_not_on_time(province_officer):
    notice(created=START + DAY, answered_after=datetime.timedelta(days=15, seconds=1))
    notice(created=START + 2 * DAY, answered_after=datetime.timedelta(days=15))  # at the deadline: on time
    rates = rates_of(province_officer, SHANDONG)
    assert (rates["received"], rates["answered"], rates["on_time"]) == (2, 2, 1)
    assert (rates["feedback_rate"], rates["on_time_rate"]) == (1.0, 0.5)


def test_an_unanswered_notice_past_its_deadline_counts_as_received_but_not_answered(province_officer):
    notice(created=START + DAY)
    notice(created=START + 2 * DAY, answered_after=datetime.timedelta(days=2))
    rates = rates_of(province_officer, SHANDONG)
    assert (rates["received"], rates["answered"], rates["on_time"]) == (2, 1, 1)
    assert (rates["feedback_rate"], rates["on_time_rate"]) == (0.5, 0.5)
    assert rates["median_days_to_answer"] == pytest.approx(2.0)


def test_a_notice_not_yet_due_is_pending_and_no_failure(province_officer):
    notice(created=START + DAY)
    notice(created=START + 2 * DAY, answered_after=DAY)
    rates = compute_rates(user=province_officer, code=f.ORIGIN_COUNTY, start=START, end=END, now=START + 3 * DAY)
    assert (rates["received"], rates["due"], rates["pending"], rates["answered"]) == (2, 1, 1, 1)
    assert (rates["feedback_rate"], rates["on_time_rate"]) == (1.0, 1.0)


def test_notices_sent_count_for_the_sender_and_received_for_the_receiver(province_officer):
    f.add_role(province_officer, Role.PROVINCE_OFFICER, GUANGDONG)
    notice(created=START + DAY, answered_after=DAY)
    origin, destination = rates_of(province_officer, SHANDONG), rates_of(province_officer, GUANGDONG)
    assert (origin["sent"], origin["received"]) == (0, 1)
    assert (destination["sent"], destination["received"]) == (1, 0)
    # Nothing received: no rate to speak of, rather than a rate of zero.
    assert destination["feedback_rate"] is None
    assert destination["on_time_rate"] is None
    assert destination["median_days_to_answer"] is None


def test_notices_outside_the_period_or_the_subtree_are_not_counted(province_officer):
    counted = [
        notice(created=START, answered_after=DAY),  # the period includes its start
        notice(created=END - datetime.timedelta(seconds=1), answered_after=DAY),
        # Below the node, at a village of another township, and from further away.
        notice(created=START + DAY, receiver=f.village(f.ORIGIN_COUNTY, 2, 1), answered_after=DAY),
        notice(created=START + DAY, sender=f.township(f.OTHER_DESTINATION_COUNTY), answered_after=DAY),
    ]
    notice(created=START - datetime.timedelta(seconds=1), answered_after=DAY)
    notice(created=END, answered_after=DAY)  # the period excludes its end
    notice(created=START + DAY, receiver=f.township(f.OTHER_ORIGIN_COUNTY), answered_after=DAY)  # Henan's
    rates = rates_of(province_officer, SHANDONG)
    assert rates["received"] == len(counted)
    # The answers themselves are messages from the node, but expect none: they are not "sent" notices.
    assert rates["sent"] == 0
    assert rates_of(province_officer, f.ORIGIN_COUNTY)["received"] == len(counted)
    # The village lies in the county's second township.
    assert rates_of(province_officer, ORIGIN_TOWNSHIP)["received"] == len(counted) - 1


def test_an_even_number_of_answers_gives_the_mean_of_the_two_middle_durations(province_officer):
    for days in (1, 2, 4, 10):
        notice(created=START + DAY, answered_after=datetime.timedelta(days=days))
    assert rates_of(province_officer, SHANDONG)["median_days_to_answer"] == pytest.approx(3.0)
    notice(created=START + DAY, answered_after=datetime.timedelta(hours=36))
    assert rates_of(province_officer, SHANDONG)["median_days_to_answer"] == pytest.approx(2.0)


def test_the_median_reads_the_durations_not_the_order_of_sending(province_officer):
    # The slowest answer to the earliest notice: sorting by sending time would give 20 days.
    notice(created=START + DAY, answered_after=datetime.timedelta(days=20))
    notice(created=START + 2 * DAY, answered_after=datetime.timedelta(days=1))
    notice(created=START + 3 * DAY, answered_after=datetime.timedelta(days=2))
    assert rates_of(province_officer, SHANDONG)["median_days_to_answer"] == pytest.approx(2.0)


def test_a_node_outside_the_users_scope_is_not_found_and_the_denial_audited(province_officer):
    notice(created=START + DAY, receiver=f.township(f.OTHER_ORIGIN_COUNTY), answered_after=DAY)
    with pytest.raises(NotFound):
        rates_of(province_officer, HENAN)
    denied = AuditEvent.objects.get(object_type="exchange_rates", outcome=AuditEvent.Outcome.DENIED)
    assert (denied.user_id, denied.object_id) == (province_officer.pk, str(HENAN))
    # A county officer cannot read the province above them either.
    county_officer = f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY)
    with pytest.raises(NotFound):
        rates_of(county_officer, SHANDONG)


def test_rates_read_in_scope_are_audited(province_officer):
    rates_of(province_officer, SHANDONG)
    event = AuditEvent.objects.get(object_type="exchange_rates")
    assert (event.outcome, event.object_id, event.user_id) == (AuditEvent.Outcome.SUCCESS, str(SHANDONG),
                                                              province_officer.pk)


# --- a demo population, counted again in SQL ---------------------------------------------------------

DEMO_TODAY = datetime.date(2026, 3, 1)
DEMO_PERSONS = 3000
TOMORROW = datetime.datetime.combine(DEMO_TODAY + DAY, datetime.time(), tzinfo=LOCAL)
NOW = TOMORROW  # the rates are read as of the end of the demo's day
PERIODS = {
    "the last year": (TOMORROW - 365 * DAY, TOMORROW),
    "the last 30 days": (TOMORROW - 30 * DAY, TOMORROW),
    "the year before": (TOMORROW - 730 * DAY, TOMORROW - 365 * DAY),
    "everything": (TOMORROW - 5 * 365 * DAY, TOMORROW + 365 * DAY),
    "an afternoon": (TOMORROW - 100 * DAY + datetime.timedelta(hours=13),
                     TOMORROW - 100 * DAY + datetime.timedelta(hours=18)),
}
# The nodes and how many leading digits of the 12 name them.
ORIGIN_COUNTY, DESTINATION_COUNTY = SENDING_COUNTIES[0], RECEIVING_COUNTIES[0]
NODES = {
    "origin province": (ORIGIN_COUNTY // 10**10 * 10**10, 2),
    "origin county": (ORIGIN_COUNTY, 6),
    "origin township": (ORIGIN_COUNTY + 1000, 9),
    "destination province": (DESTINATION_COUNTY // 10**10 * 10**10, 2),
    "destination city": (DESTINATION_COUNTY // 10**8 * 10**8, 4),
    "destination county": (DESTINATION_COUNTY, 6),
    "destination township": (DESTINATION_COUNTY + 1000, 9),
    "a county named only on outflow forms": (110105000000, 6),  # Beijing Chaoyang
}
# Types that are answers: everything else expects one.
ANSWERS = ("feedback", "proxy_decision", "inquiry_findings")


@pytest.fixture
def demo(db):
    load_demo(persons=DEMO_PERSONS, seed=11, today=DEMO_TODAY)
    user = f.make_user(Role.PROVINCE_OFFICER, NODES["origin province"][0], "rates-province")
    for other in (NODES["destination province"][0], 110000000000):
        f.add_role(user, Role.PROVINCE_OFFICER, other)
    return user


def counted_in_sql(code: int, digits: int, start: datetime.datetime, end: datetime.datetime,
                   now: datetime.datetime = NOW) -> dict:
    """The figures of a node and a period, counted over exchange_message by hand."""
    low, high = code, code + 10 ** (12 - digits) - 1
    moments = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, end)]
    as_of = connection.ops.adapt_datetimefield_value(now)
    answers = ", ".join(f"'{t}'" for t in ANSWERS)
    notices = f"message_type NOT IN ({answers}) AND created_at >= %s AND created_at < %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM exchange_message WHERE {notices} AND sender_code BETWEEN %s AND %s",
                       [*moments, low, high])
        (sent,) = cursor.fetchone()
        cursor.execute(
            f"SELECT count(*), count(answered_at), coalesce(sum(CASE WHEN answered_at <= deadline THEN 1 END), 0), "
            f"coalesce(sum(CASE WHEN answered_at IS NOT NULL OR deadline < %s THEN 1 END), 0) "
            f"FROM exchange_message WHERE {notices} AND receiver_code BETWEEN %s AND %s",
            [as_of, *moments, low, high],
        )
        received, answered, on_time, due = cursor.fetchone()
        due = int(due)
        cursor.execute(
            f"SELECT created_at, answered_at FROM exchange_message "
            f"WHERE {notices} AND receiver_code BETWEEN %s AND %s AND answered_at IS NOT NULL",
            [*moments, low, high],
        )
        durations = [as_datetime(answered_at) - as_datetime(created_at) for created_at, answered_at in cursor]
    return {
        "sent": sent, "received": received, "answered": answered, "on_time": int(on_time),
        "due": due, "pending": received - due,
        "feedback_rate": answered / due if due else None,
        "on_time_rate": int(on_time) / due if due else None,
        "median_days_to_answer": statistics.median(durations).total_seconds() / 86400 if durations else None,
    }


def as_datetime(value) -> datetime.datetime:
    # A raw cursor on SQLite may hand back the stored text.
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value


@pytest.mark.parametrize("node", NODES)
def test_the_rates_of_a_demo_population_match_a_count_in_sql(demo, node):
    code, digits = NODES[node]
    for period, (start, end) in PERIODS.items():
        expected = counted_in_sql(code, digits, start, end)
        rates = compute_rates(user=demo, code=code, start=start, end=end, now=NOW)
        for figure in ("sent", "received", "due", "pending", "answered", "on_time"):
            assert rates[figure] == expected[figure], (node, period, figure)
        for figure in ("feedback_rate", "on_time_rate", "median_days_to_answer"):
            if expected[figure] is None:
                assert rates[figure] is None, (node, period, figure)
            else:
                assert rates[figure] == pytest.approx(expected[figure], rel=1e-9), (node, period, figure)


def test_the_demo_population_gives_rates_worth_checking(demo):
    """The comparison above means something: the demo's figures are neither empty nor all perfect."""
    code, digits = NODES["origin province"]
    start, end = PERIODS["the last year"]
    year = counted_in_sql(code, digits, start, end)
    assert year["sent"] > 50
    assert year["received"] > 200
    assert 0.7 < year["feedback_rate"] < 1
    assert 0.5 < year["on_time_rate"] < year["feedback_rate"]
    assert 0.5 < year["median_days_to_answer"] < 15
    # Recent notices are still open and not yet due; the oldest unanswered ones are overdue.
    recent = counted_in_sql(code, digits, *PERIODS["the last 30 days"])
    assert recent["pending"] > 0
    assert year["due"] < year["received"]
    # Some nodes receive nothing and have no rates; a destination township sends but is sent to its county.
    township = counted_in_sql(*NODES["destination township"], start, end)
    assert township["sent"] > 0
    assert township["received"] == 0
    counts = {node: counted_in_sql(*NODES[node], start, end)["received"] for node in NODES}
    assert counts["destination county"] > 0
    assert counts["a county named only on outflow forms"] > 0
