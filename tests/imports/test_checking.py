"""The column-wise checks agree with the one-row rules of huiliu.core.identity for every input."""

import datetime

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from huiliu.core.errors import ValidationFailed
from huiliu.core.identity import validate_id_number
from huiliu.imports.checking import check_id_numbers, parse_date

TODAY = datetime.date(2026, 12, 6)
bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(bodies, st.sampled_from("0123456789X"))
def test_the_base_13_check_digit_agrees_with_gb_11643_for_every_number(body, last):
    problems = []
    check_id_numbers([body + last], TODAY, problems)
    wrong_digit = [m for _i, _f, m in problems if "校验位" in m]
    assert bool(wrong_digit) == (ric.calc_check_digit(body + "0") != last)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY), st.integers(0, 999))
def test_a_number_the_column_check_accepts_is_accepted_by_the_one_row_rule(born, sequence):
    body = f"370114{born:%Y%m%d}{sequence:03d}"
    number = body + ric.calc_check_digit(body + "0")
    problems = []
    numbers, births = check_id_numbers([number], datetime.date.today(), problems)
    assert problems == [] and births == [born]
    assert validate_id_number(number) == numbers[0]


def test_a_number_refused_by_the_one_row_rule_is_refused_by_the_column_check():
    for number in ("37011419900230001X", "000000199005170011", "3701141990051700", "37011419900517001A"):
        problems = []
        check_id_numbers([number], TODAY, problems)
        try:
            validate_id_number(number)
            refused = False
        except ValidationFailed:
            refused = True
        assert refused and problems


def test_dates_are_read_as_chinese_spreadsheets_write_them():
    expected = datetime.date(2024, 3, 1)
    for text in ("2024-03-01", "2024/3/1", "2024.3.1", "20240301", "2024年3月1日", "2024-03-01 00:00:00"):
        assert parse_date(text) == expected
    assert parse_date("2024-02-30") is None and parse_date("三月一日") is None
