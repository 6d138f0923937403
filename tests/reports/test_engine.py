"""The engine: the whole catalogue for every node at once, whose parents' counts add up from their children's, and
whose counts agree with what each app counts for itself."""

import datetime
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.births.queries import count_registration_figures
from huiliu.certificates.queries import count_certificate_figures
from huiliu.community.queries import count_agreements_signed
from huiliu.core.identity import make_id_number
from huiliu.demo.actions import load_demo
from huiliu.demo.benchmark import scratch_sqlite_database
from huiliu.exchange.models import Message, MessageType
from huiliu.exchange.queries import compute_rates
from huiliu.grievances.queries import count_grievance_figures
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import InflowRegistration, Migration, OutflowRegistration, Person
from huiliu.people.queries import count_jurisdiction_figures
from huiliu.reports import engine
from huiliu.reports.indicators import CATALOGUE, COUNT
from huiliu.reports.periods import MONTH, QUARTER, parse_period, period_containing
from huiliu.reports.sources import DATE, INT, Read, column
from huiliu.services.queries import count_equal_service_coverage
from tests import factories as f

from .conftest import PERSONS, SEED
from .demo_population import DEMO_PERIOD, demo_user, tree_of

COUNTS = [code for code, indicator in CATALOGUE.items() if indicator.kind == COUNT]
PERIOD = parse_period("2026Q1")
NOW = datetime.datetime(2026, 4, 20, 9, 0, tzinfo=datetime.UTC)
COUNTIES = (f.ORIGIN_COUNTY, f.OTHER_ORIGIN_COUNTY, f.DESTINATION_COUNTY, f.OTHER_DESTINATION_COUNTY)
VILLAGES = [f.village(c, t, v) for c in COUNTIES for t in (1, 2) for v in (1, 2)]
TOWNSHIPS = [f.township(c, t) for c in COUNTIES for t in (1, 2)]
EVERY_NODE = sorted({*VILLAGES, *TOWNSHIPS, *COUNTIES, *(c // 10**6 * 10**6 for c in COUNTIES),
                     *(c // 10**8 * 10**8 for c in COUNTIES), *(c // 10**10 * 10**10 for c in COUNTIES)})
MARITAL = ("10", "21", "22", "23", "30", "40", "90")


def assert_adds_up(figures: engine.Figures, nodes) -> int:
    """Every node's count is the sum of its children's plus the records held at the node itself; a village's is
    its own records. Returns how many (node, indicator) pairs were checked."""
    children: dict[int, list[int]] = {}
    for code, parent in nodes:
        if parent is not None:
            children.setdefault(parent, []).append(code)
    checked = 0
    for code, _parent in nodes:
        whole, own = figures.of(code), figures.of(code, own=True)
        for indicator in COUNTS:
            expected = own[indicator] + sum(figures.of(child)[indicator] for child in children.get(code, []))
            assert whole[indicator] == expected, (code, indicator)
            checked += 1
    return checked


# --- Random small populations over a small tree ----------------------------------------------------------------

moves = st.lists(st.fixed_dictionaries({
    # Moves are counted where they are registered: mostly villages, sometimes a township's own office.
    "origin": st.sampled_from([*VILLAGES, *TOWNSHIPS]),
    "destination": st.none() | st.sampled_from(VILLAGES),
    "sex": st.sampled_from("MF"),
    "age": st.integers(min_value=0, max_value=80),
    "marital": st.sampled_from(MARITAL),
    "started": st.integers(min_value=-200, max_value=120),  # days from the period's start
    "lasted": st.none() | st.integers(min_value=1, max_value=200),  # days until it ended, if it did
}), max_size=14)
notices = st.lists(st.fixed_dictionaries({
    "sender": st.sampled_from(EVERY_NODE),
    "receiver": st.sampled_from(EVERY_NODE),
    "created": st.integers(min_value=-10, max_value=100),
    "answered": st.none() | st.integers(min_value=0, max_value=30),
}), max_size=10)


def _instant(days: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(PERIOD.start, datetime.time(10)) +
                               datetime.timedelta(days=days))


def place(moves_drawn: list[dict], notices_drawn: list[dict]) -> None:
    """Write the drawn records straight to their tables: the engine reads the tables, whatever wrote them."""
    for n, move in enumerate(moves_drawn):
        born = PERIOD.end.replace(year=PERIOD.end.year - move["age"]) - datetime.timedelta(days=n % 3)
        county = move["origin"] // 10**6 * 10**6
        person = Person.objects.create(
            id_number=make_id_number(f"{county:012d}"[:6], born, n + 1, move["sex"]), name=f"人{n}",
            sex=move["sex"], birth_date=born, household_jurisdiction_id=move["origin"],
            marital_status=move["marital"])
        started = PERIOD.start + datetime.timedelta(days=move["started"])
        ended = started + datetime.timedelta(days=move["lasted"]) if move["lasted"] else None
        arrived = move["destination"] is not None
        status = "returned" if ended else ("arrived" if arrived else "away")
        migration = Migration.objects.create(
            person=person, status=status, origin_jurisdiction_id=move["origin"],
            destination_jurisdiction_id=move["destination"], started_on=started, ended_on=ended)
        OutflowRegistration.objects.create(migration=migration, departure_date=started, reason="work",
                                           destination_jurisdiction_id=move["destination"])
        if arrived:
            InflowRegistration.objects.create(
                migration=migration, arrival_date=started + datetime.timedelta(days=2), address="某路 1 号",
                residence_jurisdiction_id=move["destination"], residence_type="rented",
                registration_date=started + datetime.timedelta(days=40 * (n % 2)))
    for notice in notices_drawn:
        created = _instant(notice["created"])
        Message.objects.create(
            message_type=MessageType.INFLOW_NOTICE, sender_code=notice["sender"], receiver_code=notice["receiver"],
            created_at=created, deadline=created + datetime.timedelta(days=15),
            answered_at=None if notice["answered"] is None else created + datetime.timedelta(days=notice["answered"]))


def oracle_away(moves_drawn: list[dict], node: int) -> int:
    """Persons away from a node's subtree on the period's last day, counted by hand."""
    low, high = codes.subtree_range(node)
    total = 0
    for move in moves_drawn:
        started = PERIOD.start + datetime.timedelta(days=move["started"])
        ended = started + datetime.timedelta(days=move["lasted"]) if move["lasted"] else None
        if low <= move["origin"] <= high and started <= PERIOD.end and (ended is None or ended > PERIOD.end):
            total += 1
    return total


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves_drawn=moves, notices_drawn=notices)
def test_every_parents_count_is_its_childrens_plus_its_own_for_random_populations(tree, moves_drawn, notices_drawn):
    nodes = list(Jurisdiction.objects.values_list("code", "parent_id"))
    with transaction.atomic():
        place(moves_drawn, notices_drawn)

        figures = engine.compute_all(PERIOD, now=NOW)

        assert_adds_up(figures, nodes)
        for node in (f.ORIGIN_COUNTY, f.township(f.ORIGIN_COUNTY), 370000000000):
            assert figures.of(node)["away"] == oracle_away(moves_drawn, node)
        in_period = [n for n in notices_drawn if 0 <= n["created"] < (PERIOD.end - PERIOD.start).days + 1]
        for province in {c // 10**10 * 10**10 for c in COUNTIES}:
            low, high = codes.subtree_range(province)
            assert figures.of(province)["notices_received"] == sum(low <= n["receiver"] <= high for n in in_period)
            assert figures.of(province)["notices_sent"] == sum(low <= n["sender"] <= high for n in in_period)
        transaction.set_rollback(True)


def test_a_record_held_at_a_township_counts_as_that_townships_own_and_in_every_ancestor(tree):
    place([], [{"sender": f.ORIGIN_COUNTY, "receiver": f.township(f.DESTINATION_COUNTY), "created": 3,
                "answered": 1}])

    figures = engine.compute_all(PERIOD, now=NOW)

    township = f.township(f.DESTINATION_COUNTY)
    assert figures.of(township, own=True)["notices_answered_on_time"] == 1
    for node in codes.ancestor_codes(township):
        assert figures.of(node)["notices_answered_on_time"] == 1
        assert figures.of(node, own=True)["notices_answered_on_time"] == 0
    assert figures.of(f.village(f.DESTINATION_COUNTY))["notices_received"] == 0
    assert figures.of(f.ORIGIN_COUNTY, own=True)["notices_sent"] == 1
    assert figures.of(f.ORIGIN_COUNTY)["feedback_rate"] is None  # the origin received nothing to answer


def test_a_subtree_computed_alone_gives_the_same_figures_as_the_whole_tree(tree):
    place([{"origin": v, "destination": VILLAGES[-1 - i], "sex": "FM"[i % 2], "age": 20 + i, "marital": "21",
            "started": -30 + 10 * i, "lasted": None} for i, v in enumerate(VILLAGES)], [])

    whole = engine.compute_all(PERIOD, now=NOW)
    alone = engine.compute_all(PERIOD, now=NOW, within=codes.subtree_range(f.ORIGIN_COUNTY))

    for node in [f.ORIGIN_COUNTY, *TOWNSHIPS[:2], *VILLAGES[:4]]:
        assert alone.of(node) == whole.of(node)
        assert alone.of(node, own=True) == whole.of(node, own=True)


# --- The demo population ---------------------------------------------------------------------------------------


@pytest.fixture
def demo_figures(demo):
    return engine.compute_all(DEMO_PERIOD)


# The closed quarter holds the population's moves and notices; the current one the certificates, proxy
# applications and birth registrations the demo makes through the real actions today.
CURRENT_QUARTER = period_containing(datetime.date.today(), QUARTER)


def test_every_parents_count_is_its_childrens_plus_its_own_on_the_demo_population(demo_figures):
    checked = assert_adds_up(demo_figures, tree_of())

    assert checked > 1000
    assert sum(demo_figures.of(code)["away"] for code, _p in tree_of() if codes.level_of(code) == codes.PROVINCE) > 0


@pytest.mark.parametrize("period", [DEMO_PERIOD, CURRENT_QUARTER], ids=["closed", "current"])
def test_the_engine_counts_as_each_app_counts_for_itself(demo, period):
    now = timezone.now()
    demo_figures = engine.compute_all(period, now=now)
    assert any(demo_figures.of(code)[i] for code in demo_figures.tree for i in (
        "notices_received", "birth_registrations", "certificates_issued", "proxy_applications"))
    for username in ("origin-province", "dest-province", "origin-county", "dest-county"):
        user = demo_user(username)
        code = user.office_code
        engine_row = demo_figures.of(code)

        births = count_registration_figures(user=user, code=code, start=period.start, end=period.end)
        assert (engine_row["birth_registrations"], engine_row["birth_registrations_at_residence"],
                engine_row["birth_registrations_at_household"], engine_row["birth_registrations_online"],
                engine_row["birth_registrations_by_worker"]) == (
            births["registrations"], births["at_residence"], births["at_household"], births["online"],
            births["by_worker"]), username

        certificates = count_certificate_figures(user=user, code=code, start=period.start,
                                                 end=period.end + datetime.timedelta(days=1))
        assert (engine_row["certificates_issued"], engine_row["proxy_applications"], engine_row["proxy_decided"]) == (
            certificates["issued"], certificates["proxy_applications"], certificates["proxy_decided"]), username

        assert engine_row["agreements_signed"] == count_agreements_signed(user=user, code=code, start=period.start,
                                                                          end=period.end)

        grievances = count_grievance_figures(user=user, code=code, start=period.start, end=period.end,
                                             today=timezone.localdate(now))
        assert (engine_row["grievances_received"], engine_row["grievances_due"],
                engine_row["grievances_resolved_on_time"]) == (
            grievances["received"], grievances["due"], grievances["resolved_on_time"]), username

        coverage = count_equal_service_coverage(user=user, code=code, start=period.start, end=period.end)
        assert (engine_row["arrivals_registered"], engine_row["arrivals_served"]) == (
            coverage["arrivals"], coverage["served"]), username

        since = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
        until = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1),
                                                              datetime.time.min))
        rates = compute_rates(user=user, code=code, start=since, end=until, now=now)
        assert (engine_row["notices_sent"], engine_row["notices_received"], engine_row["notices_due"],
                engine_row["notices_answered"], engine_row["notices_answered_on_time"]) == (
            rates["sent"], rates["received"], rates["due"], rates["answered"], rates["on_time"]), username


def test_the_stocks_of_the_current_month_are_the_open_moves_the_home_page_counts(demo):
    today = timezone.localdate()
    figures = engine.compute_all(period_containing(today, MONTH))
    for username in ("origin-province", "dest-province", "origin-township", "dest-county"):
        user = demo_user(username)

        home = count_jurisdiction_figures(user=user, today=today)

        assert figures.of(user.office_code)["away"] == home["outflow"], username
        assert figures.of(user.office_code)["present"] == home["inflow"], username


# --- Reading through ADBC ----------------------------------------------------------------------------------------


def test_a_column_null_in_every_first_row_is_read_through_adbc_with_its_type(tmp_path):
    path = tmp_path / "nulls.sqlite3"
    database = sqlite3.connect(path)
    database.execute("CREATE TABLE t (code bigint, ended_on date)")
    database.executemany("INSERT INTO t VALUES (?, ?)", [(n, None) for n in range(3000)] + [(3000, "2026-03-31")])
    database.commit()
    database.close()
    read = Read("t", (column("code", INT), column("ended_on", DATE)))

    table = engine._read_adbc(("sqlite", str(path)), read, engine._select(read, "sqlite", []),
                              ("code", "ended_on")).result()

    assert table.num_rows == 3001 and table.column("code").to_pylist()[0] == 0
    assert table.column("ended_on").to_pylist()[-1] == "2026-03-31"


def test_reading_through_adbc_leaves_this_processs_own_connection_to_the_file_whole(tmp_path):
    # ADBC carries its own copy of SQLite: opened in this process, its closing dropped our connection's locks and
    # deleted the write-ahead log under it (the next write failed with "disk I/O error", committed rows were lost).
    path = tmp_path / "shared.sqlite3"
    ours = sqlite3.connect(path)
    ours.execute("PRAGMA journal_mode=WAL")
    ours.execute("CREATE TABLE t (code bigint, ended_on date)")
    ours.executemany("INSERT INTO t VALUES (?, NULL)", [(n,) for n in range(100)])
    ours.commit()
    read = Read("t", (column("code", INT), column("ended_on", DATE)))

    table = engine._read_adbc(("sqlite", str(path)), read, engine._select(read, "sqlite", []),
                              ("code", "ended_on")).result()
    ours.execute("INSERT INTO t VALUES (100, NULL)")
    ours.commit()

    assert table.num_rows == 100 and Path(f"{path}-wal").exists()
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM t").fetchone() == (101,)
    other.close()
    ours.close()


def test_reading_through_adbc_gives_the_figures_and_records_reading_through_django_gives(db, tmp_path):
    with scratch_sqlite_database(tmp_path / "demo.sqlite3"):
        call_command("migrate", verbosity=0, interactive=False)
        load_demo(persons=PERSONS, seed=SEED, today=datetime.date.today())
        now = timezone.now()
        assert engine._adbc_target() is not None

        for period in (DEMO_PERIOD, CURRENT_QUARTER):
            through_adbc = engine.compute_all(period, now=now)
            with transaction.atomic():  # ADBC would not see the transaction's rows: Django's connection reads
                through_django = engine.compute_all(period, now=now)

            assert through_adbc.tree == through_django.tree and through_adbc.own == through_django.own
            assert sum(through_adbc.of(code)["away"] for code in through_adbc.tree if code % 10**10 == 0) > 0
            for indicator in ("away_married_women_15_49", "present", "arrivals", "notices_answered_on_time"):
                for code in [code for code in through_adbc.tree if code % 10**10 == 0]:
                    low, high = codes.subtree_range(code)
                    listed = engine.list_record_ids(indicator=indicator, part="value", period=period, low=low,
                                                    high=high, now=now, limit=10**6)
                    with transaction.atomic():
                        assert engine.list_record_ids(indicator=indicator, part="value", period=period, low=low,
                                                      high=high, now=now, limit=10**6) == listed
                    assert listed[0] == through_adbc.of(code)[indicator] == len(listed[1])
