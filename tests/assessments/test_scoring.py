"""The arithmetic of a score: item points, the total out of 100, items with nothing to measure, the ranking."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from huiliu.assessments.scoring import Target, best_and_worst, item_points, rank_scores, score_unit

D = Decimal
FEEDBACK = Target("feedback_rate", 30, D("95"), D("60"))
ON_TIME = Target("on_time_rate", 30, D("90"))
COVERAGE = Target("service_coverage_rate", 40, D("80"))
TARGETS = [FEEDBACK, ON_TIME, COVERAGE]


def test_an_item_at_or_above_its_target_earns_its_whole_weight():
    assert item_points(ON_TIME, D("90")) == D("30.00")
    assert item_points(ON_TIME, D("100")) == D("30.00")


def test_an_item_below_its_target_earns_its_share_of_the_weight_rounded_to_a_cent():
    assert item_points(ON_TIME, D("45")) == D("15.00")
    assert item_points(ON_TIME, D("89")) == D("29.67")  # 30 × 89 / 90 = 29.666…


def test_an_item_below_its_floor_earns_nothing_and_at_the_floor_its_share():
    assert item_points(FEEDBACK, D("59.9")) == D("0.00")
    assert item_points(FEEDBACK, D("60")) == D("18.95")  # 30 × 60 / 95 = 18.947…


def test_a_target_of_zero_is_met_by_any_figure():
    assert item_points(Target("data_quality_rate", 10, D("0")), D("0")) == D("10.00")


def test_an_item_with_no_figure_earns_no_points_rather_than_zero():
    assert item_points(ON_TIME, None) is None


def test_with_every_figure_the_score_is_the_sum_of_the_points():
    unit = score_unit(1, TARGETS, {"feedback_rate": D("95"), "on_time_rate": D("89"), "service_coverage_rate": D("81")})

    assert [i.points for i in unit.items] == [D("30.00"), D("29.67"), D("40.00")]
    assert unit.score == D("99.67")


def test_an_item_with_nothing_to_measure_is_left_out_and_the_others_count_for_100():
    # No notice was due: feedback and on-time have no figure; coverage at 60 of 80 earns 30 of its 40 points.
    unit = score_unit(1, TARGETS, {"feedback_rate": None, "service_coverage_rate": D("60")})

    assert unit.score == D("75.00")  # 30 / 40 × 100
    assert [i.points for i in unit.items] == [None, None, D("30.00")]


def test_a_unit_with_no_figure_at_all_has_no_score():
    assert score_unit(1, TARGETS, {}).score is None


def test_equal_scores_share_a_rank_and_a_unit_without_a_score_has_none():
    ranks = rank_scores({1: D("80"), 2: D("95.5"), 3: D("80"), 4: None, 5: D("70")})

    assert ranks == {2: 1, 1: 2, 3: 2, 5: 4, 4: None}


def test_best_and_worst_name_three_each_and_never_the_same_unit_twice():
    ranked = [(code, D(100 - code)) for code in range(1, 8)]
    assert best_and_worst(ranked) == (ranked[:3], ranked[-3:])
    assert best_and_worst(ranked[:4]) == (ranked[:2], ranked[2:4])
    assert best_and_worst(ranked[:1]) == (ranked[:1], [])


percent = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
figure = st.none() | percent
targets = st.lists(
    st.builds(Target, indicator=st.sampled_from(["feedback_rate", "on_time_rate", "proxy_on_time_rate",
                                                 "service_coverage_rate", "grievances_on_time_rate",
                                                 "data_quality_rate"]),
              weight=st.integers(1, 100), target=percent, floor=st.none() | percent),
    min_size=1, max_size=6, unique_by=lambda t: t.indicator)


@given(targets, st.data())
def test_a_score_is_always_between_0_and_100(items, data):
    values = {t.indicator: data.draw(figure) for t in items}

    unit = score_unit(1, items, values)

    assert unit.score is None or D(0) <= unit.score <= D(100)
    assert all(i.points is None or D(0) <= i.points <= i.weight for i in unit.items)


@given(targets, st.data())
def test_a_better_figure_never_lowers_the_score(items, data):
    values = {t.indicator: data.draw(percent) for t in items}
    improved = data.draw(st.sampled_from(items)).indicator
    better = dict(values, **{improved: min(D(100), values[improved] + data.draw(percent))})

    assert score_unit(1, items, better).score >= score_unit(1, items, values).score
