import pyarrow as pa
import pytest

from huiliu.linkage import model
from huiliu.linkage.splink_settings import settings


def test_the_splink_settings_carry_every_level_of_the_model_with_its_m_and_u():
    comparisons = settings()["comparisons"]
    assert [c["output_column_name"] for c in comparisons] == [c.column for c in model.COMPARISONS]
    for ours, theirs in zip(model.COMPARISONS, comparisons, strict=True):
        levels = theirs["comparison_levels"]
        assert len(levels) == len(ours.levels)
        assert levels[0]["is_null_level"] is True
        assert levels[-1]["sql_condition"] == "ELSE"
        for level, entry in zip(ours.levels[1:], levels[1:], strict=True):
            assert entry["m_probability"] == level.m and entry["u_probability"] == level.u
            if level.sql != "TRUE":
                assert entry["sql_condition"] == level.sql
    assert settings()["probability_two_random_records_match"] == model.PRIOR_PROBABILITY


def test_splink_scores_a_pair_as_the_matcher_does():
    pytest.importorskip("splink")
    from splink import DuckDBAPI, Linker

    from huiliu.linkage.matcher import link_tables

    def table(row, name, id_number, born, swapped):
        return pa.table({
            "row": [row], "name": [name], "id_valid": [False], "name_pinyin": ["wangxiuying"], "name_initials": ["wxy"],
            "id_number": [id_number], "birth_date": pa.array([born], pa.date32()),
            "birth_date_swapped": pa.array([swapped], pa.date32()), "sex": ["F"], "county": ["370102"],
        })

    import datetime

    left = table(0, "王秀英", "370102198503070021", datetime.date(1985, 3, 7), datetime.date(1985, 7, 3))
    right = table(0, "王秀英", "370102198503070012", datetime.date(1985, 7, 3), None)
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(left, dataset_display_name="a"), db_api.register(right, dataset_display_name="b")],
                    settings(), log_level=None)
    splink_weight = linker.inference.predict(warning_mode="never").as_duckdbpyrelation().fetchall()
    ours = link_tables(left.select(["name", "id_number", "birth_date", "sex", "county"]),
                       right.select(["name", "id_number", "birth_date", "sex", "county"]))
    assert ours.to_pylist()[0]["reason"] == "id_transposed+name+birth_date_swapped+sex+county"
    columns = linker.inference.predict(warning_mode="never").as_duckdbpyrelation().columns
    assert splink_weight[0][columns.index("match_weight")] == pytest.approx(ours.column("score")[0].as_py(), abs=1e-3)
