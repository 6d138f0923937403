"""Setting schemes, scoring a period and publishing its bulletin: what is refused, what is stored, what is audited."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from huiliu.assessments import actions
from huiliu.assessments.models import AssessmentResult, AssessmentScheme, Bulletin, ResultItem, SchemeItem, ScoredPeriod
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.reports.indicators import CATALOGUE

from .conftest import COUNTY, FULL_ITEMS, TOWNSHIPS, fill_quarter, make_scheme

pytestmark = pytest.mark.django_db
D = Decimal


def scores_of(scored):
    return {r.unit_id: (r.score, r.rank) for r in scored.results.all()}


# --- Schemes ---------------------------------------------------------------------------------------------


def test_a_county_officer_sets_a_scheme_for_the_county_with_weights_and_targets(county_officer):
    scheme = make_scheme(county_officer)

    assert scheme.owner_id == COUNTY and scheme.period_kind == "quarter" and scheme.active
    items = {i.indicator: (i.weight, i.target, i.floor) for i in scheme.items.all()}
    assert items == {"feedback_rate": (30, D("95.0"), D("60.0")), "on_time_rate": (30, D("90.0"), None),
                     "service_coverage_rate": (40, D("80.0"), None)}
    event = AuditEvent.objects.filter(object_type=actions.OBJECT_TYPE, event="create").get()
    assert event.object_id == str(scheme.pk) and event.detail["owner"] == COUNTY


@pytest.mark.parametrize("indicator", ["birth_registrations", "birth_registrations_at_residence"])
def test_a_birth_figure_is_refused_as_a_target_and_nothing_is_written(county_officer, indicator):
    items = [*FULL_ITEMS[:2], {"indicator": indicator, "weight": 40, "target": "50"}]

    with pytest.raises(ValidationFailed) as refusal:
        make_scheme(county_officer, items=items)

    message = refusal.value.errors["indicator"][0]
    assert str(CATALOGUE[indicator].name) in message
    assert message == _("“%(name)s” cannot be an assessment target: only service indicators can (feedback, proxy "
                        "decisions and grievances on time, service coverage, data quality).") % {
        "name": CATALOGUE[indicator].name}
    assert AssessmentScheme.objects.count() == 0 and SchemeItem.objects.count() == 0


@pytest.mark.parametrize("indicator", ["notices_answered", "arrivals", "present_married_women_15_49",
                                       "proxy_median_days"])
def test_a_count_or_a_median_is_refused_as_a_target(county_officer, indicator):
    items = [*FULL_ITEMS[:2], {"indicator": indicator, "weight": 40, "target": "50"}]

    with pytest.raises(ValidationFailed) as refusal:
        make_scheme(county_officer, items=items)

    assert str(CATALOGUE[indicator].name) in refusal.value.errors["indicator"][0]
    assert AssessmentScheme.objects.count() == 0


def test_replacing_the_items_with_a_birth_figure_leaves_the_scheme_as_it_was(county_officer):
    scheme = make_scheme(county_officer)
    before = list(scheme.items.values_list("indicator", "weight", "target"))

    with pytest.raises(ValidationFailed) as refusal:
        actions.set_scheme_items(acting_user=county_officer, scheme=scheme,
                                 items=[{"indicator": "birth_registrations_online", "weight": 100, "target": "90"}])

    assert "indicator" in refusal.value.errors
    assert list(scheme.items.values_list("indicator", "weight", "target")) == before


def test_each_bad_weight_and_target_is_named_by_its_field(county_officer):
    items = [{"indicator": "feedback_rate", "weight": 0, "target": "95"},
             {"indicator": "on_time_rate", "weight": "ten", "target": "120"},
             {"indicator": "service_coverage_rate", "weight": 40, "target": "80", "floor": "85"},
             {"indicator": "data_quality_rate", "weight": 30, "target": "90.55"}]

    with pytest.raises(ValidationFailed) as refusal:
        make_scheme(county_officer, items=items)

    assert set(refusal.value.errors) == {"feedback_rate_weight", "on_time_rate_weight", "on_time_rate_target",
                                         "service_coverage_rate_floor", "data_quality_rate_target"}
    assert AssessmentScheme.objects.count() == 0


def test_the_weights_must_add_up_to_100(county_officer):
    with pytest.raises(ValidationFailed) as refusal:
        make_scheme(county_officer, items=[{"indicator": "feedback_rate", "weight": 60, "target": "95"}])

    assert refusal.value.errors["items"] == [
        _("The weights add up to %(total)d points; they must add up to 100.") % {"total": 60}]


def test_a_scheme_is_set_by_a_county_or_higher_office_only(county_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.create_scheme(acting_user=county_officer, owner_code=TOWNSHIPS[0], name="乡镇考核",
                              period_kind="month", items=FULL_ITEMS)

    assert "owner_code" in refusal.value.errors


@pytest.mark.parametrize("who", ["township_officer", "other_county_officer"])
def test_an_officer_whose_area_does_not_hold_the_county_may_not_set_its_scheme(request, who):
    officer = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        make_scheme(officer)

    assert AssessmentScheme.objects.count() == 0
    assert AuditEvent.objects.filter(object_type=actions.OBJECT_TYPE, outcome=AuditEvent.Outcome.DENIED,
                                     user_id=officer.pk).exists()


def test_a_province_officer_may_set_a_scheme_for_a_county_below(province_officer):
    assert make_scheme(province_officer).owner_id == COUNTY


# --- Scoring ---------------------------------------------------------------------------------------------


def test_scoring_a_quarter_scores_and_ranks_each_township_from_the_figures(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)

    scored = actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    assert engine.calls == [("2026Q2", (COUNTY, *TOWNSHIPS))]
    scores = scores_of(scored)
    assert set(scores) == set(TOWNSHIPS)  # the county's children, never the county itself
    # Township 1: feedback 95 of 95 → 30; on time 89 of 90 → 29.67; coverage 81 of 80 → 40.
    assert scores[TOWNSHIPS[0]] == (D("99.67"), 1)
    # Township 7: 65 of 95 → 20.53; 53 of 90 → 17.67; 57 of 80 → 28.50.
    assert scores[TOWNSHIPS[6]] == (D("66.70"), 7)
    assert [scores[code][1] for code in TOWNSHIPS] == [1, 2, 3, 4, 5, 6, 7]
    items = ResultItem.objects.filter(result__unit_id=TOWNSHIPS[6]).order_by("position")
    assert [(i.indicator, i.value, i.target, i.points) for i in items] == [
        ("feedback_rate", D("65.0"), D("95.0"), D("20.53")), ("on_time_rate", D("53.0"), D("90.0"), D("17.67")),
        ("service_coverage_rate", D("57.0"), D("80.0"), D("28.50"))]
    assert scored.overall == {"feedback_rate": "80.0", "on_time_rate": "70.0", "service_coverage_rate": "70.0"}
    event = AuditEvent.objects.filter(object_type=actions.OBJECT_TYPE, event="score").get()
    assert event.detail["period"] == "2026Q2" and event.detail["scores"][str(TOWNSHIPS[0])] == "99.67"


def test_a_township_with_nothing_to_measure_is_listed_without_a_score_or_rank(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)
    engine.set("2026Q2", TOWNSHIPS[3], feedback_rate=None, on_time_rate=None, service_coverage_rate=None)

    scores = scores_of(actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2"))

    assert scores[TOWNSHIPS[3]] == (None, None)
    assert sorted(rank for _score, rank in scores.values() if rank) == [1, 2, 3, 4, 5, 6]


def test_scoring_a_period_again_gives_the_same_results_and_keeps_one_scoring(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)
    first = scores_of(actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2"))

    again = actions.score_period(acting_user=county_officer, scheme=scheme, period="2026q2")

    assert scores_of(again) == first
    assert ScoredPeriod.objects.count() == 1 and AssessmentResult.objects.count() == 7
    assert ResultItem.objects.count() == 7 * 3


def test_scoring_again_replaces_the_results_with_the_figures_of_now(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")
    engine.set("2026Q2", TOWNSHIPS[6], feedback_rate=100, on_time_rate=100, service_coverage_rate=100)

    scores = scores_of(actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2"))

    assert scores[TOWNSHIPS[6]] == (D("100.00"), 1) and scores[TOWNSHIPS[0]] == (D("99.67"), 2)
    assert AssessmentResult.objects.count() == 7


def test_a_failure_while_storing_leaves_the_earlier_results_whole(county_officer, engine, monkeypatch):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)
    first = scores_of(actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ResultItem.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    assert scores_of(ScoredPeriod.objects.get()) == first and ResultItem.objects.count() == 21


@pytest.mark.parametrize("period", ["2026-05", "2026", "2099Q1", "Q3"])
def test_a_period_of_another_kind_or_not_yet_begun_is_refused(county_officer, engine, period):
    scheme = make_scheme(county_officer)

    with pytest.raises(ValidationFailed) as refusal:
        actions.score_period(acting_user=county_officer, scheme=scheme, period=period)

    assert list(refusal.value.errors) == ["period"]
    assert ScoredPeriod.objects.count() == 0


def test_a_scheme_switched_off_is_not_scored(county_officer, engine):
    scheme = make_scheme(county_officer)
    actions.edit_scheme(acting_user=county_officer, scheme=scheme, name=scheme.name, active=False, items=FULL_ITEMS)

    with pytest.raises(ValidationFailed):
        actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")


def test_only_an_officer_whose_area_holds_the_county_scores_it(county_officer, township_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)

    with pytest.raises(PermissionDenied):
        actions.score_period(acting_user=township_officer, scheme=scheme, period="2026Q2")

    assert ScoredPeriod.objects.count() == 0 and engine.calls == []


# --- Bulletin --------------------------------------------------------------------------------------------


def test_publishing_keeps_the_findings_as_they_stood_and_publishing_again_replaces_them(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine, "2026Q1")
    fill_quarter(engine, "2026Q2", shift=2)
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    bulletin = actions.publish_bulletin(acting_user=county_officer, scheme=scheme, period="2026Q2",
                                        remarks="各乡镇要对照目标补齐短板。")

    assert bulletin.remarks == "各乡镇要对照目标补齐短板。" and bulletin.published_by == county_officer
    assert [b["code"] for b in bulletin.summary["best"]] == TOWNSHIPS[:3]
    assert [w["code"] for w in bulletin.summary["worst"]] == TOWNSHIPS[-3:]
    again = actions.publish_bulletin(acting_user=county_officer, scheme=scheme, period="2026Q2")
    assert Bulletin.objects.count() == 1 and again.remarks == ""
    assert AuditEvent.objects.filter(object_type=actions.OBJECT_TYPE, event="publish").count() == 2


def test_a_period_not_yet_scored_has_no_bulletin_to_publish(county_officer, engine):
    scheme = make_scheme(county_officer)

    with pytest.raises(ValidationFailed):
        actions.publish_bulletin(acting_user=county_officer, scheme=scheme, period="2026Q2")

    assert Bulletin.objects.count() == 0


def test_scoring_reads_the_real_reports_engine_and_a_quiet_county_leaves_every_township_unscored(county_officer):
    # No record at all in the tree: every rate has nothing to divide, so no township is scored or ranked.
    scheme = make_scheme(county_officer)

    scored = actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")

    assert set(scores_of(scored).values()) == {(None, None)} and len(scores_of(scored)) == 7
    assert scored.overall == {"feedback_rate": None, "on_time_rate": None, "service_coverage_rate": None}
