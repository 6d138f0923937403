"""The public place picker's reads: a node's children or path, names and codes only, with no login, rate-limited."""

import pytest

from tests import factories as f

URL = "/places/"


def _children(client, code=""):
    response = client.get(URL, {"code": code})
    assert response.status_code == 200, response.content
    return response.json()["children"]


def test_the_root_lists_the_provinces_with_name_and_code_only(client, tree):
    provinces = _children(client)

    assert provinces == [
        {"code": "330000000000", "name": "浙江省"}, {"code": "370000000000", "name": "山东省"},
        {"code": "410000000000", "name": "河南省"}, {"code": "440000000000", "name": "广东省"},
    ]


def test_no_code_at_all_also_lists_the_provinces(client, tree):
    assert len(client.get(URL).json()["children"]) == 4


def test_a_province_lists_its_cities(client, tree):
    assert _children(client, "370000000000") == [{"code": "370100000000", "name": "济南市"}]


def test_a_county_lists_its_townships_and_a_township_its_villages(client, tree):
    assert [c["code"] for c in _children(client, f"{f.ORIGIN_COUNTY:012d}")] == [
        f"{f.township(f.ORIGIN_COUNTY, t):012d}" for t in (1, 2)
    ]
    assert [c["name"] for c in _children(client, f"{f.township(f.ORIGIN_COUNTY, 2):012d}")] == [
        "章丘区第2镇第1村", "章丘区第2镇第2村",
    ]
    assert _children(client, f"{f.village(f.ORIGIN_COUNTY):012d}") == []


def test_a_six_digit_county_code_is_read_as_twelve(client, tree):
    assert len(_children(client, "370114")) == 2


def test_the_answer_may_be_kept_by_the_browser_and_needs_no_login(client, tree):
    response = client.get(URL, {"code": "440000000000"})

    assert response.status_code == 200
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/json")
    assert "登录" not in response.content.decode()


def test_the_path_of_a_village_reads_from_the_province_down(client, tree):
    response = client.get(URL, {"path": f"{f.village(f.DESTINATION_COUNTY, 2, 1):012d}"})

    assert response.status_code == 200
    assert [node["name"] for node in response.json()["path"]] == ["广东省", "深圳市", "宝安区", "宝安区第2镇",
                                                                  "宝安区第2镇第1村"]
    assert response["Cache-Control"].count("max-age=3600") == 1


@pytest.mark.parametrize("bad", ["12345", "37011400000x", "９９００００００００００", "990000000000", "3701140000001"])
@pytest.mark.parametrize("key", ["code", "path"])
def test_a_code_that_is_not_a_division_code_is_refused_in_chinese(client, tree, key, bad):
    response = client.get(URL, {key: bad})

    assert response.status_code == 400
    assert "区划代码" in response.json()["error"]
    assert "max-age" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("key", ["code", "path"])
def test_an_unknown_code_is_not_found(client, tree, key):
    response = client.get(URL, {key: "370115000000"})

    assert response.status_code == 404
    assert response.json()["error"] == "没有这个行政区划。"


def test_only_reading_is_allowed(client, tree):
    assert client.post(URL, {"code": ""}).status_code == 405


def test_past_the_limit_a_client_is_refused_with_429_in_chinese(client, tree, settings):
    settings.HUILIU_PLACES_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(URL).status_code == 200

    refused = client.get(URL, {"code": "370000000000"})

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "请稍等一分钟再试" in refused.json()["error"]
    assert "max-age" not in refused.get("Cache-Control", "")
    # Another address is counted apart.
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_default_limit_is_generous_enough_for_two_pickers(client, tree):
    for _ in range(60):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("page", ["public", "worker"])
def test_both_birth_forms_load_the_picker_for_the_two_place_fields(client, log_in, destination_village_worker, page):
    if page == "worker":
        client = log_in(destination_village_worker)
    html = client.get("/births/register/" if page == "public" else "/births/new/").content.decode()

    assert "huiliu/place-picker.js" in html and 'data-children-url="/places/"' in html
    assert 'data-fields="household_code residence_code"' in html
    # Without the script the code fields are typed as before.
    assert 'name="household_code"' in html and "readonly" not in html
