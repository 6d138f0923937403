"""Arithmetic of 12-digit division codes: levels, parents and subtrees as integer ranges."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions.codes import (
    CITY,
    COUNTY,
    PROVINCE,
    SIGNIFICANT_DIGITS,
    TOWNSHIP,
    VILLAGE,
    ancestor_codes,
    contains,
    level_of,
    parent_code,
    parse_code,
    subtree_range,
    township_of,
)

# Segment widths: 2 province + 2 city + 2 county + 3 township + 3 village.
SEGMENTS = [(PROVINCE, 2), (CITY, 2), (COUNTY, 2), (TOWNSHIP, 3), (VILLAGE, 3)]


@st.composite
def nodes(draw, level=None):
    """A code at a random level: its own segment non-zero, the segments above it anything (441900 has no counties)."""
    level = level or draw(st.sampled_from([PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE]))
    text = f"{draw(st.integers(11, 82)):02d}"
    for segment_level, width in SEGMENTS[1:]:
        if segment_level < level:
            text += f"{draw(st.integers(0, 10**width - 1)):0{width}d}"
        elif segment_level == level:
            text += f"{draw(st.integers(1, 10**width - 1)):0{width}d}"
        else:
            text += "0" * width
    return int(text)


@st.composite
def nodes_with_a_descendant(draw):
    node = draw(nodes(level=draw(st.sampled_from([PROVINCE, CITY, COUNTY, TOWNSHIP]))))
    below = 10 ** (12 - SIGNIFICANT_DIGITS[level_of(node)])
    return node, node + draw(st.integers(1, below - 1))


@pytest.mark.parametrize(
    ("code", "level"),
    [
        (370000000000, PROVINCE),
        (370100000000, CITY),
        (370114000000, COUNTY),
        (370114001000, TOWNSHIP),
        (370114001002, VILLAGE),
        (441900003000, TOWNSHIP),  # 东莞市 has townships straight under the city
        (110101000000, COUNTY),
    ],
)
def test_the_level_of_a_code_is_read_from_its_trailing_zeros(code, level):
    assert level_of(code) == level


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        (370000000000, None),
        (370100000000, 370000000000),
        (370114000000, 370100000000),
        (370114001000, 370114000000),
        (370114001002, 370114001000),
        (441900003000, 441900000000),
    ],
)
def test_the_parent_of_a_code_is_the_code_one_level_up(code, parent):
    assert parent_code(code) == parent


def test_ancestors_run_from_the_province_down():
    assert ancestor_codes(370114001002) == [370000000000, 370100000000, 370114000000, 370114001000]
    assert ancestor_codes(441900003000) == [440000000000, 441900000000]
    assert ancestor_codes(370000000000) == []


@pytest.mark.parametrize(
    ("code", "low", "high"),
    [
        (370000000000, 370000000000, 379999999999),
        (370100000000, 370100000000, 370199999999),
        (370114000000, 370114000000, 370114999999),
        (370114001000, 370114001000, 370114001999),
        (370114001002, 370114001002, 370114001002),
    ],
)
def test_a_subtree_is_one_range_of_codes(code, low, high):
    assert subtree_range(code) == (low, high)


def test_a_neighbouring_county_is_not_in_the_subtree():
    assert contains(370114000000, 370114123456)
    assert not contains(370114000000, 370115000000)
    assert not contains(370114000000, 370113999999)
    assert not contains(370114001000, 370114002001)


@pytest.mark.parametrize(
    ("code", "township"),
    [
        (370114001002, 370114001000),  # a village: its township
        (441900003012, 441900003000),  # a village of a township straight under the city
        (370114001000, 370114001000),  # a township: itself
        (370114000000, 370114000000),  # a county office: itself
        (370100000000, 370100000000),
        (370000000000, 370000000000),
    ],
)
def test_the_township_of_a_village_is_the_township_above_it_and_of_any_office_higher_itself(code, township):
    assert township_of(code) == township


@given(nodes())
def test_the_township_of_a_code_is_its_parent_for_a_village_and_the_code_itself_otherwise(node):
    assert township_of(node) == (parent_code(node) if level_of(node) == VILLAGE else node)


@given(st.sampled_from([PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE]), st.data())
def test_a_node_has_the_level_of_its_last_non_zero_segment_and_its_parent_sits_above_it(level, data):
    node = data.draw(nodes(level=level))

    assert level_of(node) == level
    assert contains(node, node)
    parent = parent_code(node)
    assert (parent is None) == (level == PROVINCE)
    assert parent is None or (contains(parent, node) and level_of(parent) < level)


@given(nodes_with_a_descendant())
def test_every_code_below_a_node_lies_in_its_subtree_and_has_it_as_an_ancestor(pair):
    node, descendant = pair

    low, high = subtree_range(node)
    assert low <= descendant <= high
    assert contains(node, descendant)
    assert not contains(descendant, node)
    assert node in ancestor_codes(descendant)


@given(nodes(), st.integers(110000000000, 829999999999))
def test_a_code_lies_in_a_subtree_exactly_when_it_shares_the_nodes_significant_prefix(node, code):
    digits = SIGNIFICANT_DIGITS[level_of(node)]

    assert contains(node, code) == (f"{code:012d}"[:digits] == f"{node:012d}"[:digits])


@pytest.mark.parametrize(
    ("raw", "code"),
    [("370114001002", 370114001002), ("370114", 370114000000), (" 440306 ", 440306000000), (370114001002, 370114001002)],
)
def test_a_code_is_read_from_twelve_digits_or_a_six_digit_county_code(raw, code):
    assert parse_code(raw) == code


@pytest.mark.parametrize("raw", ["", "37011400100", "3701140010021", "37011400100A", "abc", "000000000000", "100000000000",
                                 "990000000000", "830000000000", "3701l4"])
def test_codes_that_are_not_twelve_digits_or_name_no_province_are_refused(raw):
    with pytest.raises(ValidationFailed) as refused:
        parse_code(raw, field="residence_code")
    assert list(refused.value.errors) == ["residence_code"]

