"""Importing a file of persons in a real browser: upload, columns and preview, the report, the valid rows in."""

import re

import pytest

from huiliu.accounts.models import Role
from huiliu.people.models import Person
from tests import factories as f
from tests.imports.conftest import csv_bytes, person_row

pytestmark = pytest.mark.browser


def test_a_worker_imports_a_file_with_one_bad_row_and_keeps_the_valid_rows(journey, transactional_db, tmp_path):
    f.build_tree()
    worker = f.make_user(Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY), "e2e-origin-worker")
    bad = person_row("赵敏")
    bad["公民身份号码"] = bad["公民身份号码"][:-1] + ("0" if bad["公民身份号码"][-1] != "0" else "1")
    source = tmp_path / "村人员名册.csv"
    source.write_bytes(csv_bytes([person_row("张伟", sex="M"), bad, person_row("李娜")], encoding="gb18030"))

    tab = journey.open_as(worker)
    tab.goto(f"{journey.base}/imports/")
    journey.on_page(tab, "import-home", re.compile(r"/imports/$"))
    tab.set_input_files("input[name=file]", str(source))
    tab.click("button:has-text('上传并对应列')")
    journey.on_page(tab, "import-columns-preview", re.compile(r"/imports/[0-9a-f-]+/$"))
    assert "张伟" in tab.locator("main").inner_text()

    tab.fill("input[name=mapping_name]", "村人员名册")
    tab.click("button:has-text('逐行检查')")
    journey.on_page(tab, "import-report", re.compile(r"/imports/[0-9a-f-]+/$"))
    report = tab.locator("main").inner_text()
    assert "身份证号码校验位不正确，请核对。" in report
    assert Person.objects.count() == 0

    tab.click("button:has-text('导入 2 行有效数据')")
    journey.on_page(tab, "import-progress-done", re.compile(r"/imports/[0-9a-f-]+/import/$"))
    page = tab.locator("main")
    assert "已导入：新增 2 行" in page.inner_text()
    assert tab.locator("#import-progress progress").count() >= 2  # the bars the page streamed
    assert not tab.locator("#import-progress progress").last.is_visible()  # only the latest line shows
    tab.click("text=返回此文件")
    journey.on_page(tab, "import-done", re.compile(r"/imports/[0-9a-f-]+/$"))
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张伟", "李娜"]


def test_an_officer_reconciles_a_census_roll_and_accepts_an_arrival(journey, transactional_db, tmp_path):
    import datetime

    f.build_tree()
    worker = f.make_user(Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY), "e2e-census-worker")
    here = f.village(f.DESTINATION_COUNTY)
    known = f.register_arrival(worker, number=f.id_number(), name="陈明").person
    f.register_arrival(worker, number=f.id_number(), name="黄强")
    source = tmp_path / "清查名册.csv"
    source.write_bytes(csv_bytes([
        {"姓名": "陈明", "身份证号": known.id_number, "现居住地区划代码": str(here), "现居住地址": "宝安大道 300 号"},
        {"姓名": "冯新", "身份证号": f.id_number(), "现居住地区划代码": str(here), "现居住地址": "兴华路 9 号",
         "户籍地区划代码": str(f.village(f.ORIGIN_COUNTY))},
    ], headers=["姓名", "身份证号", "现居住地区划代码", "现居住地址", "户籍地区划代码"]))

    tab = journey.open_as(worker)
    tab.goto(f"{journey.base}/imports/census/")
    tab.fill("input[name=name]", "2026 年冬季清查")
    tab.fill("input[name=census_date]", datetime.date.today().isoformat())
    tab.click("button:has-text('开始清查')")
    tab.set_input_files("input[name=file]", str(source))
    tab.click("button:has-text('将名册与登记信息比对')")
    tab.click("a:has-text('新增：拟登记流入')")
    journey.on_page(tab, "census-new-arrivals", re.compile(r"/imports/census/[0-9a-f-]+/\?kind=new$"))
    assert Person.objects.filter(name="冯新").count() == 0
    tab.click("button:has-text('接受')")
    journey.on_page(tab, "census-accepted", re.compile(r"/imports/census/[0-9a-f-]+/\?kind=new$"))
    assert Person.objects.get(name="冯新").residence_jurisdiction_id == here
