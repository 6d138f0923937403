import datetime

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from huiliu.linkage import model
from huiliu.linkage.matcher import find_duplicates, link_tables


def valid_id(county="370102", born="19850307", order=2):
    body = f"{county}{born}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def records(*rows):
    """Rows as (name, id_number, birth_date, sex, county), any of them None."""
    columns = ("name", "id_number", "birth_date", "sex", "county")
    return pa.table({c: pa.array([row[i] for row in rows], pa.string()) for i, c in enumerate(columns)})


def pairs_of(left, right, **options):
    table = link_tables(left, right, **options)
    return {(p["left_row"], p["right_row"]): p for p in table.to_pylist()}


def test_the_same_valid_id_links_exactly_whatever_else_differs():
    number = valid_id()
    pairs = pairs_of(records(("王秀英", number, None, None, None)), records(("王秀瑛", number, "1985-03-07", "F", None)))
    assert pairs[0, 0]["reason"] == "exact_id"
    assert pairs[0, 0]["decision"] == "link"
    assert pairs[0, 0]["score"] == pytest.approx(model.exact_id_score())


def test_same_name_and_birth_date_but_different_valid_ids_are_not_linked():
    left = records(("张伟", valid_id("370102", "19900101", 11), "1990-01-01", "M", "370102"))
    right = records(("张伟", valid_id("410105", "19900101", 31), "1990-01-01", "M", "410105"))
    assert pairs_of(left, right) == {}


def test_namesakes_born_the_same_day_in_the_same_county_reach_review_at_most():
    left = records(("张伟", valid_id("370102", "19900101", 11), "1990-01-01", "M", "370102"))
    right = records(("张伟", valid_id("370102", "19900101", 13), "1990-01-01", "M", "370102"))
    assert all(p["decision"] == "review" for p in pairs_of(left, right).values())


def test_namesakes_born_the_same_day_without_ids_and_of_another_sex_and_county_are_not_linked():
    left = records(("李静", None, "1988-05-20", "F", "370102"))
    right = records(("李静", None, "1988-05-20", "M", "510104"))
    assert all(p["decision"] == "review" for p in pairs_of(left, right).values())


@pytest.mark.parametrize("position", [0, 5, 8, 13, 16, 17])
def test_one_mistyped_id_digit_still_links(position):
    number = valid_id()
    typo = number[:position] + ("1" if number[position] != "1" else "2") + number[position + 1:]
    pairs = pairs_of(records(("王秀英", number, "1985-03-07", "F", "370102")),
                     records(("王秀英", typo, "1985-03-07", "F", "370102")))
    assert pairs[0, 0]["decision"] == "link"
    assert pairs[0, 0]["reason"].startswith("id_one_digit+")


@pytest.mark.parametrize("position", [1, 9, 14])
def test_a_mistyped_digit_in_any_part_is_found_by_the_id_alone(position):
    # Nothing but the ID: only the blocking keys of two untouched parts can bring the pair together.
    number = valid_id(order=14)
    typo = number[:position] + str((int(number[position]) + 5) % 10) + number[position + 1:]
    left = records((None, number, None, None, None), (None, valid_id("510104", "19700203", 7), None, None, None))
    right = records((None, valid_id("410105", "19600101", 5), None, None, None), (None, typo, None, None, None))
    pairs = pairs_of(left, right)
    assert set(pairs) == {(0, 1)}
    assert pairs[0, 1]["reason"] == "id_one_digit"


def test_a_missing_id_links_by_name_birth_date_sex_and_county():
    pairs = pairs_of(records(("刘建国", valid_id("410105", "19620211", 3), "1962-02-11", "M", "410105")),
                     records(("刘建国", None, "1962-02-11", "M", "410105")))
    assert pairs[0, 0]["decision"] == "link"
    assert pairs[0, 0]["reason"] == "name+birth_date+sex+county"


def test_day_and_month_swapped_still_link():
    pairs = pairs_of(records(("陈丽", None, "1979-04-09", "F", "510104")),
                     records(("陈丽", None, "1979-09-04", "F", "510104")))
    assert pairs[0, 0]["decision"] == "link"
    assert "birth_date_swapped" in pairs[0, 0]["reason"].split("+")


def test_swapped_date_on_the_other_side_links_too():
    pairs = pairs_of(records(("陈丽", None, "1979-09-04", "F", "510104")),
                     records(("陈丽", None, "1979-04-09", "F", "510104")))
    assert pairs[0, 0]["decision"] == "link"


@pytest.mark.parametrize("position", [3, 5, 9, 11, 15])
def test_two_adjacent_id_digits_swapped_still_link(position):
    number = valid_id("370102", "19850317", 24)
    assert number[position] != number[position + 1]
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    pairs = pairs_of(records(("王秀英", number, "1985-03-17", "F", "370102")),
                     records(("王秀英", swapped, "1985-03-17", "F", "370102")))
    assert pairs[0, 0]["decision"] == "link"
    assert pairs[0, 0]["reason"].startswith("id_transposed+")


def test_a_name_written_with_another_character_of_the_same_sound_links():
    pairs = pairs_of(records(("王秀英", None, "1985-03-07", "F", "370102")),
                     records(("王秀瑛", None, "1985-03-07", "F", "370102")))
    assert pairs[0, 0]["reason"] == "name_pinyin+birth_date+sex+county"
    assert pairs[0, 0]["decision"] == "link"


def test_each_record_is_in_one_pair_at_most_the_best_first():
    left = records(("赵敏", None, "1991-07-15", "F", "370102"))
    right = records(("赵敏", None, "1991-07-15", "F", "410105"), ("赵敏", None, "1991-07-15", "F", "370102"))
    assert set(pairs_of(left, right)) == {(0, 1)}


def test_an_id_repeated_on_one_side_pairs_once():
    number = valid_id()
    left = records(("王秀英", number, None, None, None), ("王秀英", number, None, None, None))
    right = records(("王秀英", number, None, None, None))
    pairs = pairs_of(left, right)
    assert list(pairs) == [(0, 0)]


def test_ids_and_dates_are_read_in_their_usual_spellings():
    number = valid_id()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    pairs = pairs_of(records(("王秀英", f" {full_width[:6]} {full_width[6:]} ", "1985/3/7", "女", "370102000000")),
                     records(("王 秀英", number.lower(), "19850307", "F", "370102")))
    assert pairs[0, 0]["reason"] == "exact_id"


def test_an_x_check_digit_is_read_in_either_case():
    number = next(n for n in (valid_id(order=o) for o in range(200)) if n.endswith("X"))
    pairs = pairs_of(records((None, number.lower(), None, None, None)), records((None, number, None, None, None)))
    assert pairs[0, 0]["reason"] == "exact_id"


def test_strangers_are_not_paired():
    left = records(("周杰", None, "1975-01-30", "M", "370102"))
    right = records(("孙丽娟", None, "1999-12-01", "F", "510104"))
    assert pairs_of(left, right) == {}


def test_the_thresholds_decide_link_review_or_nothing():
    left = records(("陈丽", None, "1979-04-09", "F", None))
    right = records(("陈莉", None, "1979-09-04", "F", None))
    score = link_tables(left, right, review_score=-100).column("score")[0].as_py()
    assert pairs_of(left, right, link_score=score, review_score=score - 1)[0, 0]["decision"] == "link"
    assert pairs_of(left, right, link_score=score + 1, review_score=score)[0, 0]["decision"] == "review"
    assert pairs_of(left, right, link_score=score + 2, review_score=score + 1) == {}


def test_missing_columns_count_as_empty():
    number = valid_id()
    pairs = link_tables(pa.table({"id_number": [number]}), pa.table({"id_number": [number], "name": ["王秀英"]}))
    assert pairs.to_pylist()[0]["reason"] == "exact_id"


_ids = st.builds(
    lambda county, day, order: valid_id(county, (datetime.date(1950, 1, 1) + datetime.timedelta(days=day)).strftime(
        "%Y%m%d"), order),
    st.sampled_from(["370102", "410105", "510104", "110105"]),
    st.integers(0, 25_000),
    st.integers(0, 999),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_ids, min_size=1, max_size=25, unique=True), st.data())
def test_the_exact_step_links_every_shared_valid_id_and_never_two_different_ones(numbers, data):
    left_ids = data.draw(st.lists(st.sampled_from(numbers), unique=True))
    right_ids = data.draw(st.lists(st.sampled_from(numbers), unique=True))
    left = records(*((None, n, None, None, None) for n in left_ids))
    right = records(*((None, n, None, None, None) for n in right_ids))
    exact = {(left_ids[p["left_row"]], right_ids[p["right_row"]])
             for p in link_tables(left, right).to_pylist() if p["reason"] == "exact_id"}
    assert all(a == b for a, b in exact)
    assert {a for a, _ in exact} == set(left_ids) & set(right_ids)


def test_duckdb_relations_and_empty_tables_are_taken_too():
    import duckdb

    relation = duckdb.connect().sql(
        "SELECT '王伟' AS name, DATE '1990-01-01' AS birth_date, 'M' AS sex, '370102' AS county"
    )
    assert link_tables(relation, relation).to_pylist()[0]["reason"] == "name+birth_date+sex+county"
    empty = pa.table({"name": pa.array([], pa.string())})
    assert link_tables(empty, empty).num_rows == 0


def test_duplicates_inside_one_table_pair_every_record_of_the_same_person_but_never_itself():
    number = valid_id()
    table = records(
        ("王秀英", number, "1985-03-07", "F", "370102"),
        ("王秀英", number, "1985-03-07", "F", "370102"),
        ("王秀英", None, "1985-03-07", "F", "370102"),
        ("张伟", None, "1990-01-01", "M", "370102"),
        ("张伟", valid_id("370102", "19900101", 11), "1990-01-01", "M", "370102"),
        ("张伟", valid_id("370102", "19900101", 13), "1990-01-01", "M", "370102"),
    )
    pairs = {(p["left_row"], p["right_row"]): p for p in find_duplicates(table).to_pylist()}
    assert pairs[0, 1]["reason"] == "exact_id"
    assert pairs[0, 2]["decision"] == pairs[1, 2]["decision"] == "link"
    # Two namesakes born the same day with different valid IDs are never linked to each other.
    assert pairs.get((4, 5), {"decision": "review"})["decision"] == "review"
    assert all(left < right for left, right in pairs)


def test_dates_and_sexes_written_the_chinese_way_or_by_excel_agree_with_the_plain_ones():
    pairs = pairs_of(records(("周杰", None, "1975年1月30日", "男性", "370102")),
                     records(("周杰", None, "1975-01-30 00:00:00", "M", "370102")))
    assert pairs[0, 0]["reason"] == "name+birth_date+sex+county"
