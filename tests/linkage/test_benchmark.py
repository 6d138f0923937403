import io
import re

import pytest
from django.core.management import call_command

from huiliu.demo.names import GIVEN_NAMES, SURNAME_POOL
from huiliu.linkage.benchmark import NamePools, generate, run_linkage_benchmark

NAMES = NamePools(SURNAME_POOL, GIVEN_NAMES)


def test_the_synthetic_records_carry_their_truth_and_the_promised_noise():
    data = generate(2_000, names=NAMES, seed=3)
    assert data.outflow.num_rows == data.inflow.num_rows == 2_000
    assert data.truth.num_rows == 1_800
    outflow, inflow = data.outflow.to_pylist(), data.inflow.to_pylist()
    pairs = [(outflow[t["left_row"]], inflow[t["right_row"]]) for t in data.truth.to_pylist()]
    same_id = sum(a["id_number"] == b["id_number"] for a, b in pairs)
    missing = sum(b["id_number"] is None for _, b in pairs)
    assert 0.88 < same_id / len(pairs) < 0.96
    assert 0.01 < missing / len(pairs) < 0.06
    assert sum(a["name"] != b["name"] for a, b in pairs) > 20
    assert sum(a["birth_date"] != b["birth_date"] for a, b in pairs) > 5
    # Every outflow record has a valid, unique ID.
    assert len({r["id_number"] for r in outflow}) == 2_000


def test_the_benchmark_measures_precision_and_recall_against_the_truth():
    result = run_linkage_benchmark(1_000, names=NAMES, splink=False)
    assert result.records == 2_000
    assert result.splink is None
    assert 0 < result.exact_pairs < 900
    score = result.matcher
    assert score.precision > 0.99 and score.recall > 0.99
    assert score.f1 == pytest.approx(2 * score.precision * score.recall / (score.precision + score.recall))
    assert score.f1 > 0.995


def test_splink_runs_the_same_model_on_the_leftovers_to_the_same_result():
    pytest.importorskip("splink")
    result = run_linkage_benchmark(1_000, names=NAMES, splink=True)
    assert result.splink.f1 > 0.995
    assert result.splink.links == result.matcher.links


def test_bench_linkage_ends_with_a_machine_readable_line():
    output = io.StringIO()
    call_command("bench", "linkage", "--records", "1000", "--no-splink", stdout=output)
    lines = output.getvalue().strip().splitlines()
    assert re.fullmatch(r"linkage records=2000 seconds=\d+\.\d\d f1=(0\.99\d+|1\.00000) splink_seconds=NA splink_f1=NA", lines[-1])
    assert any(line.startswith("汇流匹配器") for line in lines)
