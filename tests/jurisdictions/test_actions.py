"""Loading the division tree: the standard counties, and lists of code and name, all or nothing."""

import pytest

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.actions import load_divisions, load_standard_divisions
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.jurisdictions.standard import standard_divisions


@pytest.fixture
def standard(db):
    return load_standard_divisions(acting_user=None)


def test_the_standard_load_holds_every_province_city_and_county_in_use_today(standard):
    total = Jurisdiction.objects.count()

    assert 3000 <= total <= 3500
    assert standard == {"created": total, "updated": 0}
    assert Jurisdiction.objects.filter(level=codes.PROVINCE).count() == 34
    assert Jurisdiction.objects.get(code=440306000000).name == "宝安区"
    assert Jurisdiction.objects.get(code=370114000000).name == "章丘区"
    assert not Jurisdiction.objects.filter(code=370181000000).exists()  # 章丘市, abolished in 2016
    assert not Jurisdiction.objects.filter(name__in=["市辖区", "县"]).exists()


def test_a_standard_county_hangs_under_its_city(standard):
    baoan = Jurisdiction.objects.get(code=440306000000)

    assert (baoan.level, baoan.parent_id) == (codes.COUNTY, 440300000000)
    assert baoan.parent.name == "深圳市"
    assert baoan.parent.parent_id == 440000000000
    assert Jurisdiction.objects.get(code=440000000000).parent_id is None


def test_a_district_of_a_municipality_without_a_city_row_hangs_under_the_province(standard):
    assert not Jurisdiction.objects.filter(code=110100000000).exists()
    assert Jurisdiction.objects.get(code=110101000000).parent_id == 110000000000  # 东城区 → 北京市
    assert Jurisdiction.objects.get(code=500101000000).parent_id == 500000000000  # 万州区 → 重庆市


def test_every_standard_node_hangs_under_its_nearest_loaded_ancestor(standard):
    loaded = dict(Jurisdiction.objects.values_list("code", "parent_id"))

    for code, parent in loaded.items():
        expected = next((a for a in reversed(codes.ancestor_codes(code)) if a in loaded), None)
        assert parent == expected, code
        assert parent is None or codes.contains(parent, code)


def test_loading_the_standard_twice_changes_nothing_but_counts_updates(standard):
    again = load_standard_divisions(acting_user=None)

    assert again == {"created": 0, "updated": len(standard_divisions())}
    assert Jurisdiction.objects.count() == len(standard_divisions())


def test_a_load_is_audited_with_its_counts(db):
    load_divisions(acting_user=None, rows=[(1, "370000000000", "山东省"), (2, "370100", "济南市")])

    event = AuditEvent.objects.get(event="load_divisions")
    assert event.detail == {"created": 2, "updated": 0}


def test_rows_below_an_existing_node_hang_under_it_and_a_row_can_be_renamed(db):
    load_divisions(acting_user=None, rows=[(1, "370000000000", "山东省"), (2, "370114000000", "章丘区")])

    summary = load_divisions(acting_user=None, rows=[(1, "370114001000", "明水街道"), (2, "370114000000", "济南市章丘区")])

    assert summary == {"created": 1, "updated": 1}
    assert Jurisdiction.objects.get(code=370114001000).parent_id == 370114000000
    assert Jurisdiction.objects.get(code=370114000000).name == "济南市章丘区"
    assert Jurisdiction.objects.get(code=370114000000).parent_id == 370000000000


def test_a_six_digit_county_code_is_padded_to_twelve(db):
    load_divisions(acting_user=None, rows=[(1, "440306", "宝安区")])

    assert Jurisdiction.objects.get(code=440306000000).level == codes.COUNTY


def test_one_bad_row_refuses_the_whole_list_and_writes_nothing(db):
    rows = [(1, "370000000000", "山东省"), (2, "370100000000", "济南市"), (3, "37011X000000", "章丘区")]

    with pytest.raises(ValidationFailed) as refused:
        load_divisions(acting_user=None, rows=rows)

    assert list(refused.value.errors) == ["file"]
    assert len(refused.value.errors["file"]) == 1
    assert Jurisdiction.objects.count() == 0
    assert not AuditEvent.objects.filter(event="load_divisions").exists()


def test_every_bad_row_is_reported_not_only_the_first(db):
    rows = [(1, "abc", "甲"), (2, "370000000000", ""), (3, "990000000000", "乙"), (4, "370100000000", "济南市")]

    with pytest.raises(ValidationFailed) as refused:
        load_divisions(acting_user=None, rows=rows)

    assert len(refused.value.errors["file"]) == 3


def test_a_node_loaded_between_existing_ones_adopts_the_rows_below_it(db):
    load_divisions(acting_user=None, rows=[(1, "110000", "北京市"), (2, "110101", "东城区"), (3, "110101001000", "东华门街道"),
                                           (4, "120101", "和平区")])

    load_divisions(acting_user=None, rows=[(1, "110100", "市辖区"), (2, "120000", "天津市")])

    parents = dict(Jurisdiction.objects.values_list("code", "parent_id"))
    assert parents[110101000000] == 110100000000
    assert parents[110101001000] == 110101000000
    assert parents[110100000000] == 110000000000
    assert parents[120101000000] == 120000000000
