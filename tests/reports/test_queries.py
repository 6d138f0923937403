"""Reads of the reports: ledgers only for the user's own subtree, every rate traceable to its records, closed periods
stored once and read back equal, open periods computed afresh."""

import datetime

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.reports import engine, queries
from huiliu.reports.actions import store_period_figures
from huiliu.reports.indicators import CATALOGUE, COUNT, RATE
from huiliu.reports.models import StoredFigure, StoredPeriod
from huiliu.reports.periods import QUARTER, parse_period, period_containing
from tests import factories as f

from .demo_population import DEMO_PERIOD, demo_user

pytestmark = pytest.mark.django_db

CLOSED = parse_period("2026Q3")
TODAY = datetime.date.today()
OPEN = period_containing(TODAY, QUARTER)
RATES = [code for code, indicator in CATALOGUE.items() if indicator.kind == RATE]
COUNTS = [code for code, indicator in CATALOGUE.items() if indicator.kind == COUNT]
MISSING_TOWNSHIP = f.ORIGIN_COUNTY + 9000  # inside the origin county's range, but no such township


def arrive(worker, arrival_date: datetime.date, household: int = f.village(f.ORIGIN_COUNTY)):
    return f.register_arrival(worker, number=f.id_number(f.ORIGIN_COUNTY), household_code=household,
                              arrival_date=arrival_date, registration_date=arrival_date + datetime.timedelta(days=1))


def all_records(user, **query) -> tuple[int, list[dict]]:
    """The count a record list states, and every record it lists over all its pages."""
    total, records = queries.list_records_behind(user=user, page=1, page_size=queries.MAX_PAGE_SIZE, **query)
    page = 1
    while len(records) < total:
        page += 1
        _total, more = queries.list_records_behind(user=user, page=page, page_size=queries.MAX_PAGE_SIZE, **query)
        assert more, "a page came back empty before the stated count was listed"
        records += more
    return total, records


# --- Scope ------------------------------------------------------------------------------------------------------


def test_a_county_officer_sees_the_ledger_of_their_county_and_its_townships_only(
        origin_county_officer, destination_village_worker):
    arrive(destination_village_worker, datetime.date(2026, 8, 1))

    ledger = queries.compute_ledger(user=origin_county_officer, code=f.ORIGIN_COUNTY, period=CLOSED)

    assert [row.code for row in ledger.rows] == [f.township(f.ORIGIN_COUNTY, 1), f.township(f.ORIGIN_COUNTY, 2)]
    assert ledger.total.values["away"] == 1
    township = queries.compute_ledger(user=origin_county_officer, code=f.township(f.ORIGIN_COUNTY), period=CLOSED)
    assert [row.code for row in township.rows] == [f.village(f.ORIGIN_COUNTY, 1, 1), f.village(f.ORIGIN_COUNTY, 1, 2)]


@pytest.mark.parametrize("outside", [f.DESTINATION_COUNTY, 370100000000, 370000000000, f.township(f.ORIGIN_COUNTY, 2)])
def test_a_node_outside_the_users_subtree_answers_not_found_exactly_like_a_missing_one(tree, outside):
    township_officer = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY, 1))
    asks = [
        lambda code: queries.compute_ledger(user=township_officer, code=code, period=CLOSED),
        lambda code: queries.compute_series(user=township_officer, code=code, periods=[CLOSED], indicators=["away"]),
        lambda code: queries.list_records_behind(user=township_officer, indicator="away", code=code, period=CLOSED),
        lambda code: queries.compute_children_comparison(user=township_officer, code=code, period=CLOSED,
                                                         indicator="away"),
    ]
    for ask in asks:
        with pytest.raises(NotFound) as missing:
            ask(MISSING_TOWNSHIP)
        with pytest.raises(NotFound) as out_of_scope:
            ask(outside)

        assert type(out_of_scope.value) is type(missing.value)
        assert str(out_of_scope.value) == str(outside) and str(missing.value) == str(MISSING_TOWNSHIP)
    denied = AuditEvent.objects.filter(object_type=queries.OBJECT_TYPE, outcome=AuditEvent.Outcome.DENIED)
    assert set(denied.values_list("object_id", flat=True)) == {str(outside), str(MISSING_TOWNSHIP)}
    assert not AuditEvent.objects.filter(object_type=queries.OBJECT_TYPE, outcome=AuditEvent.Outcome.SUCCESS,
                                         object_id=str(outside)).exists()


def test_an_auditor_reads_ledgers_of_their_subtree_too(auditor, destination_village_worker):
    arrive(destination_village_worker, datetime.date(2026, 8, 1))

    ledger = queries.compute_ledger(user=auditor, code=370000000000, period=CLOSED)

    assert ledger.total.values["away"] == 1
    with pytest.raises(NotFound):
        queries.compute_ledger(user=auditor, code=440000000000, period=CLOSED)


def test_an_unknown_indicator_is_refused_naming_the_field(origin_county_officer):
    with pytest.raises(ValidationFailed) as refused:
        queries.compute_series(user=origin_county_officer, code=f.ORIGIN_COUNTY, periods=[CLOSED],
                               indicators=["births_target"])

    assert list(refused.value.errors) == ["indicator"] and "births_target" in refused.value.errors["indicator"][0]


# --- Every figure traceable to its records ------------------------------------------------------------------------


@pytest.mark.parametrize("period", [DEMO_PERIOD, OPEN], ids=["closed", "current"])
def test_a_rates_numerator_and_denominator_each_equal_the_length_of_the_record_list_behind_them(demo, period):
    checked = 0
    for username in ("origin-province", "dest-county"):
        user = demo_user(username)
        ledger = queries.compute_ledger(user=user, code=user.office_code, period=period)
        for row in [ledger.total, *ledger.rows[:2]]:
            for rate in RATES:
                indicator = CATALOGUE[rate]
                for part, count_code in (("numerator", indicator.numerator), ("denominator", indicator.denominator)):
                    total, records = all_records(user, indicator=rate, code=row.code, period=period, part=part,
                                                 own=row.own)
                    assert total == len(records) == row.values[count_code], (username, row.code, rate, part)
                    assert len({r["id"] for r in records}) == len(records)
                    checked += total
                if row.values[indicator.denominator]:
                    assert row.values[rate] is not None
    assert checked > 0


def test_every_count_of_a_ledger_total_is_as_long_as_its_record_list(demo):
    user = demo_user("dest-province")

    ledger = queries.compute_ledger(user=user, code=user.office_code, period=OPEN)

    for code in COUNTS:
        total, records = all_records(user, indicator=code, code=user.office_code, period=OPEN, part="value")
        assert total == len(records) == ledger.total.values[code], code


def test_the_records_behind_a_figure_name_only_persons_the_user_may_see(destination_village_worker, tree):
    arrive(destination_village_worker, datetime.date(2026, 8, 1))
    origin_county = f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY)
    other_county = f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY)

    _total, seen = queries.list_records_behind(user=origin_county, indicator="away", code=f.ORIGIN_COUNTY,
                                               period=CLOSED)

    assert len(seen) == 1 and seen[0]["person_id"] and "·" in seen[0]["label"]
    with pytest.raises(NotFound):
        queries.list_records_behind(user=other_county, indicator="away", code=f.ORIGIN_COUNTY, period=CLOSED)


# --- Closed periods stored, open periods recomputed ---------------------------------------------------------------


def test_a_closed_periods_figures_are_stored_and_read_back_equal(origin_county_officer, destination_village_worker):
    for day in (1, 5, 9):
        arrive(destination_village_worker, datetime.date(2026, 8, day))
    computed = engine.compute_all(CLOSED)

    stored = store_period_figures(acting_user=origin_county_officer, figures=computed)

    assert stored.nodes == len(computed.tree) and StoredFigure.objects.filter(period=stored).exists()
    codes_asked = list(computed.tree)
    tree, own, computed_at = queries.figures_of(CLOSED, codes_asked)
    assert computed_at == stored.computed_at
    for code in codes_asked:
        assert tree[code] == computed.of(code), code
        assert own[code] == computed.of(code, own=True), code
    assert AuditEvent.objects.filter(object_type="report_period", object_id=CLOSED.label).count() == 1


def test_a_closed_period_is_stored_at_its_first_reading_and_kept_until_recomputed(
        origin_county_officer, destination_village_worker):
    arrive(destination_village_worker, datetime.date(2026, 8, 1))
    first = queries.compute_ledger(user=origin_county_officer, code=f.ORIGIN_COUNTY, period=CLOSED)
    assert StoredPeriod.objects.filter(pk=CLOSED.label).exists()

    arrive(destination_village_worker, datetime.date(2026, 8, 2))  # a late entry
    again = queries.compute_ledger(user=origin_county_officer, code=f.ORIGIN_COUNTY, period=CLOSED)
    queries.ensure_stored(CLOSED, acting_user=origin_county_officer, recompute=True)
    recomputed = queries.compute_ledger(user=origin_county_officer, code=f.ORIGIN_COUNTY, period=CLOSED)

    assert first.total.values["away"] == again.total.values["away"] == 1
    assert again.computed_at == first.computed_at
    assert recomputed.total.values["away"] == 2


def test_an_open_period_is_computed_afresh_at_every_reading_and_never_stored(
        origin_county_officer, destination_village_worker):
    arrive(destination_village_worker, TODAY - datetime.timedelta(days=2))
    first = queries.compute_ledger(user=origin_county_officer, code=f.ORIGIN_COUNTY, period=OPEN)

    arrive(destination_village_worker, TODAY - datetime.timedelta(days=1))
    second = queries.compute_ledger(user=origin_county_officer, code=f.ORIGIN_COUNTY, period=OPEN)

    assert (first.total.values["away"], second.total.values["away"]) == (1, 2)
    assert not StoredPeriod.objects.filter(pk=OPEN.label).exists()
    assert OPEN.is_closed(timezone.localdate()) is False
