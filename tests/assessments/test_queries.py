"""Reading schemes, rankings and bulletins: within the subtree that holds the scheme's office, and what they say."""

from decimal import Decimal

import pytest

from huiliu.assessments import actions, queries
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound

from .conftest import COUNTY, TOWNSHIPS, fill_quarter, make_scheme

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_scheme_is_seen_from_its_county_and_above_and_from_nowhere_else(
        county_officer, province_officer, other_county_officer, township_officer):
    scheme = make_scheme(county_officer)

    assert list(queries.list_schemes(user=county_officer)) == [scheme]
    assert list(queries.list_schemes(user=province_officer)) == [scheme]
    assert list(queries.list_schemes(user=other_county_officer)) == []
    assert list(queries.list_schemes(user=township_officer)) == []


def test_a_scheme_out_of_scope_answers_as_missing_and_the_refusal_is_audited(county_officer, other_county_officer):
    scheme = make_scheme(county_officer)

    with pytest.raises(NotFound):
        queries.access_scheme(other_county_officer, scheme.pk)
    with pytest.raises(NotFound):
        queries.access_scheme(county_officer, "not-a-key")

    assert queries.access_scheme(county_officer, scheme.pk) == scheme
    denial = AuditEvent.objects.get(user_id=other_county_officer.pk, outcome=AuditEvent.Outcome.DENIED)
    assert denial.object_id == str(scheme.pk)


def test_the_ranking_lists_the_best_first_and_units_without_a_score_last(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)
    engine.set("2026Q2", TOWNSHIPS[0])  # no figure at all
    scored = actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    results = queries.list_results(scored)

    assert [r.unit_id for r in results] == [*TOWNSHIPS[1:], TOWNSHIPS[0]]
    assert [r.rank for r in results] == [1, 2, 3, 4, 5, 6, None]
    assert all(a.score >= b.score for a, b in zip(results, results[1:-1]))


def test_a_period_not_scored_or_not_a_period_is_not_found(county_officer):
    scheme = make_scheme(county_officer)

    for period in ("2026Q2", "last quarter"):
        with pytest.raises(NotFound):
            queries.access_scored_period(scheme, period)


def test_the_bulletin_names_the_best_and_worst_three_and_what_moved_since_the_scored_previous_quarter(
        county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine, "2026Q1")
    fill_quarter(engine, "2026Q2")
    # Township 7 answered far more of its notices this quarter; township 2's coverage fell.
    engine.set("2026Q2", TOWNSHIPS[6], feedback_rate=95, on_time_rate=53, service_coverage_rate=57)
    engine.set("2026Q2", TOWNSHIPS[1], feedback_rate=90, on_time_rate=83, service_coverage_rate=50)
    engine.set("2026Q2", COUNTY, feedback_rate="84.5", on_time_rate=70, service_coverage_rate="68.0")
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q1")
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")
    engine.calls.clear()

    found = queries.compute_bulletin(scheme=scheme, period="2026Q2")

    assert engine.calls == []  # the previous quarter was scored: its stored results are compared
    assert found.compared_with == "results" and found.previous == "2026Q1"
    assert [s.code for s in found.best] == [TOWNSHIPS[0], TOWNSHIPS[2], TOWNSHIPS[3]]
    # 2: 28.42 + 27.67 + 25.00 = 81.09, fourth; 7: 30.00 + 17.67 + 28.50 = 76.17, sixth.
    assert [s.code for s in found.worst] == [TOWNSHIPS[4], TOWNSHIPS[6], TOWNSHIPS[5]]
    township_7 = next(s for s in found.ranking if s.code == TOWNSHIPS[6])
    assert (township_7.score, township_7.rank) == (D("76.17"), 6)
    assert (township_7.score_change, township_7.rank_change) == (D("9.47"), 1)
    movers = [(m.code, m.indicator, m.change) for m in found.unit_movers]
    assert movers == [(TOWNSHIPS[6], "feedback_rate", D("30.0")),
                      (TOWNSHIPS[1], "service_coverage_rate", D("-27.0"))]
    assert [(m.indicator, m.before, m.now) for m in found.overall] == [
        ("feedback_rate", D("80.0"), D("84.5")), ("service_coverage_rate", D("70.0"), D("68.0")),
        ("on_time_rate", D("70.0"), D("70.0"))]


def test_without_a_scored_previous_quarter_the_bulletin_compares_with_the_reports_figures(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine, "2026Q1", shift=-10)
    fill_quarter(engine, "2026Q2")
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    found = queries.compute_bulletin(scheme=scheme, period="2026Q2")

    assert found.compared_with == "figures"
    assert engine.calls[-1] == ("2026Q1", (COUNTY, *TOWNSHIPS))
    assert all(s.score_change is None for s in found.ranking)
    assert {m.change for m in found.overall} == {D("10.0")}
    assert len(found.unit_movers) == 7


def test_with_nothing_to_compare_the_bulletin_says_so(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine, "2026Q2")
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    summary = queries.bulletin_summary(queries.compute_bulletin(scheme=scheme, period="2026Q2"))

    assert summary["compared_with"] == "" and summary["overall"] == [] and summary["unit_movers"] == []
    assert [s["rank"] for s in summary["best"]] == [1, 2, 3] and [s["rank"] for s in summary["worst"]] == [5, 6, 7]
