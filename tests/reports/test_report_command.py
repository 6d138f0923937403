"""`huiliu report`: a province's ledger from the command line, agreeing with counts written by hand in SQL; the
Excel file adds up; bad input is refused in Chinese, naming the field, and writes nothing."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from python_calamine import CalamineWorkbook

from huiliu.audit.models import AuditEvent
from huiliu.jurisdictions import codes
from huiliu.reports.indicators import CATALOGUE, COUNT, TABLES
from huiliu.reports.models import StoredPeriod
from huiliu.reports.periods import QUARTER, period_containing

from .demo_population import DEMO_PERIOD, demo_user

CURRENT_QUARTER = period_containing(datetime.date.today(), QUARTER)


def report(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def report_json(username: str, code: int, period) -> dict:
    return json.loads(report("--period", period.label, "--jurisdiction", f"{code:012d}", "--format", "json",
                             "--as", username))


def sql_count(query: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def counted_in_sql(code: int, period) -> dict[str, int]:
    """The figures of one subtree, counted straight from the tables: no engine, no ORM."""
    low, high = codes.subtree_range(code)
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    open_at_end = "m.started_on <= %s AND (m.ended_on IS NULL OR m.ended_on > %s)"
    figures = {}
    for sex, suffix in (("", ""), ("M", "_male"), ("F", "_female")):
        by_sex = " AND p.sex = %s" if sex else ""
        sex_param = [sex] if sex else []
        figures[f"away{suffix}"] = sql_count(
            "SELECT COUNT(DISTINCT m.person_id) FROM people_migration m JOIN people_person p ON p.id = m.person_id "
            f"WHERE m.origin_jurisdiction_id BETWEEN %s AND %s AND {open_at_end}{by_sex}",
            [low, high, period.end, period.end, *sex_param])
        figures[f"present{suffix}"] = sql_count(
            "SELECT COUNT(DISTINCT m.person_id) FROM people_migration m JOIN people_person p ON p.id = m.person_id "
            "JOIN people_inflowregistration i ON i.migration_id = m.id "
            f"WHERE m.destination_jurisdiction_id BETWEEN %s AND %s AND {open_at_end} AND i.arrival_date <= %s"
            f"{by_sex}", [low, high, period.end, period.end, period.end, *sex_param])
    figures["departures"] = sql_count(
        "SELECT COUNT(*) FROM people_outflowregistration o JOIN people_migration m ON m.id = o.migration_id "
        "WHERE m.origin_jurisdiction_id BETWEEN %s AND %s AND o.departure_date BETWEEN %s AND %s",
        [low, high, period.start, period.end])
    figures["arrivals"] = sql_count(
        "SELECT COUNT(*) FROM people_inflowregistration WHERE residence_jurisdiction_id BETWEEN %s AND %s "
        "AND arrival_date BETWEEN %s AND %s", [low, high, period.start, period.end])
    figures["birth_registrations"] = sql_count(
        "SELECT COUNT(*) FROM births_birthregistration WHERE jurisdiction_id BETWEEN %s AND %s "
        "AND submitted_at >= %s AND submitted_at < %s AND status <> 'withdrawn'", [low, high, since, until])
    figures["birth_registrations_at_residence"] = sql_count(
        "SELECT COUNT(*) FROM births_birthregistration WHERE jurisdiction_id BETWEEN %s AND %s "
        "AND submitted_at >= %s AND submitted_at < %s AND status <> 'withdrawn' AND filed_at = 'residence'",
        [low, high, since, until])
    figures["certificates_issued"] = sql_count(
        "SELECT COUNT(*) FROM certificates_statuscertificate WHERE issuing_jurisdiction_id BETWEEN %s AND %s "
        "AND issued_on BETWEEN %s AND %s", [low, high, period.start, period.end])
    figures["notices_received"] = sql_count(
        "SELECT COUNT(*) FROM exchange_message WHERE receiver_code BETWEEN %s AND %s AND created_at >= %s "
        "AND created_at < %s AND message_type IN ('inflow_notice', 'outflow_notice', 'proxy_request', "
        "'joint_inquiry', 'service_report', 'status_change_notice')", [low, high, since, until])
    return figures


@pytest.mark.parametrize("period", [DEMO_PERIOD, CURRENT_QUARTER], ids=["closed", "current"])
@pytest.mark.parametrize("username", ["origin-province", "dest-province"])
def test_the_json_of_a_province_agrees_with_counts_written_by_hand_in_sql(demo, username, period):
    code = demo_user(username).office_code

    output = report_json(username, code, period)

    expected = counted_in_sql(code, period)
    assert {name: output["total"]["values"][name] for name in expected} == expected
    assert sum(expected.values()) > 0
    assert output["period"]["label"] == period.label and output["jurisdiction"]["code"] == f"{code:012d}"
    assert [i["code"] for i in output["indicators"]] == list(CATALOGUE)
    for indicator in (i for i in output["indicators"] if i["kind"] == COUNT):
        assert output["total"]["values"][indicator["code"]] == sum(
            row["values"][indicator["code"]] for row in output["rows"]), indicator["code"]


def test_the_notice_types_counted_by_hand_are_those_that_expect_an_answer():
    from huiliu.exchange.models import EXPECTS_ANSWER

    assert set(EXPECTS_ANSWER) == {"inflow_notice", "outflow_notice", "proxy_request", "joint_inquiry",
                                   "service_report", "status_change_notice"}


def test_the_csv_has_one_line_a_node_and_the_totals_last(demo):
    user = demo_user("origin-province")

    lines = list(csv.DictReader(io.StringIO(report("--period", DEMO_PERIOD.label, "--jurisdiction",
                                                   str(user.office_code), "--format", "csv", "--as", user.username))))

    assert [line["row"] for line in lines][-1] == "total" and lines[-1]["code"] == f"{user.office_code:012d}"
    children = [line for line in lines if line["row"] == "child"]
    assert children and all(line["code"].startswith(f"{user.office_code:012d}"[:2]) for line in children)
    assert int(lines[-1]["away"]) == sum(int(line["away"]) for line in lines[:-1]) > 0


def test_the_excel_ledger_opens_and_its_totals_row_is_the_sum_of_its_rows(demo, tmp_path):
    user = demo_user("dest-province")
    target = tmp_path / "ledger.xlsx"

    report("--period", CURRENT_QUARTER.label, "--jurisdiction", str(user.office_code), "--format", "xlsx",
           "--out", str(target), "--as", user.username)

    book = CalamineWorkbook.from_path(str(target))
    assert len(book.sheet_names) == len(TABLES)
    checked = 0
    for table, name in zip(TABLES.values(), book.sheet_names, strict=True):
        rows = book.get_sheet_by_name(name).to_python()
        totals_at = next(i for i, row in enumerate(rows) if row[0] == "合计")
        data = rows[5:totals_at]
        assert data and all(str(row[1]).startswith("44") for row in data)
        for column, code in enumerate(table.indicators, 2):
            if CATALOGUE[code].kind == COUNT:
                assert rows[totals_at][column] == sum(row[column] or 0 for row in data), (name, code)
                checked += rows[totals_at][column]
    assert checked > 0


def test_the_report_is_read_as_the_acting_user_and_audited(demo, tmp_path):
    user = demo_user("origin-county")

    report("--period", DEMO_PERIOD.label, "--jurisdiction", str(user.office_code), "--format", "json",
           "--out", str(tmp_path / "ledger.json"), "--as", user.username)

    exported = AuditEvent.objects.get(event="export", object_type="ledger")
    assert exported.user_id == user.pk and exported.detail["format"] == "json"
    assert AuditEvent.objects.filter(user_id=user.pk, event="statistic", object_id=str(user.office_code)).exists()
    assert json.loads((tmp_path / "ledger.json").read_text())["jurisdiction"]["code"] == f"{user.office_code:012d}"


@pytest.mark.parametrize(("period", "jurisdiction", "message"), [
    ("2026Q5", None, "统计周期："),
    ("2026-13", None, "统计周期："),
    ("last quarter", None, "统计周期："),
    ("2026Q3", "12345", "行政区划："),
    ("2026Q3", "370199000000", "行政区划：没有这个行政区划。"),  # inside the province, but no such city
    ("2026Q3", "440000000000", "行政区划：没有这个行政区划。"),  # the destination province: outside the user's
])
def test_bad_input_is_refused_in_chinese_naming_the_field_and_writes_nothing(demo, tmp_path, period, jurisdiction,
                                                                              message):
    user = demo_user("origin-province")
    target = tmp_path / "ledger.xlsx"
    stored = list(StoredPeriod.objects.values_list("pk", "computed_at"))  # the demo's assessment stored its quarters

    with pytest.raises(CommandError) as refused:
        report("--period", period, "--jurisdiction", jurisdiction or str(user.office_code), "--format", "xlsx",
               "--out", str(target), "--as", user.username, "--recompute")

    assert str(refused.value).startswith(message)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert list(StoredPeriod.objects.values_list("pk", "computed_at")) == stored
    assert not AuditEvent.objects.filter(event="export").exists()


def test_an_out_of_scope_jurisdiction_reads_exactly_as_a_missing_one(demo):
    user = demo_user("origin-province")
    answers = []
    for code in ("440000000000", "370199000000"):
        with pytest.raises(CommandError) as refused:
            report("--period", "2026Q3", "--jurisdiction", code, "--format", "json", "--as", user.username)
        answers.append(str(refused.value))

    assert answers[0] == answers[1] == "行政区划：没有这个行政区划。"


def test_an_unknown_user_is_refused(demo):
    with pytest.raises(CommandError, match="没有名为 nobody 的在用账号"):
        report("--period", "2026Q3", "--jurisdiction", "370000000000", "--format", "json", "--as", "nobody")
