"""Reading the tree: one node, its children, its subtree, full path names."""

import pytest

from huiliu.core.errors import NotFound
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names, get_jurisdiction, list_children, list_subtree
from tests import factories as f


def test_a_node_is_fetched_by_its_code(tree):
    assert get_jurisdiction(f.ORIGIN_COUNTY).name == "章丘区"


def test_a_missing_node_is_not_found(tree):
    with pytest.raises(NotFound):
        get_jurisdiction(370115000000)


def test_the_children_of_a_county_are_its_townships(tree):
    assert [j.code for j in list_children(f.ORIGIN_COUNTY)] == [f.township(f.ORIGIN_COUNTY, 1), f.township(f.ORIGIN_COUNTY, 2)]


def test_a_subtree_holds_the_node_and_everything_below_it_and_nothing_else(tree):
    subtree = set(list_subtree(f.ORIGIN_COUNTY).values_list("code", flat=True))

    assert len(subtree) == 1 + 2 + 4
    assert all(codes.contains(f.ORIGIN_COUNTY, code) for code in subtree)
    assert set(list_subtree(370000000000, level=codes.VILLAGE).values_list("code", flat=True)) == {
        f.village(f.ORIGIN_COUNTY, t, v) for t in (1, 2) for v in (1, 2)
    }


def test_full_names_read_from_the_province_down_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = full_names([f.village(f.DESTINATION_COUNTY, 2, 1), f.ORIGIN_COUNTY, None])

    assert names == {
        f.village(f.DESTINATION_COUNTY, 2, 1): "广东省 深圳市 宝安区 宝安区第2镇 宝安区第2镇第1村",
        f.ORIGIN_COUNTY: "山东省 济南市 章丘区",
    }


def test_a_code_with_no_row_is_named_by_its_digits(db):
    assert full_names([370114000000]) == {370114000000: "370114000000"}
