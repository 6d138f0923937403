"""Grievances in a real browser: a member of the public sends a complaint and follows it; the township resolves it."""

import re

import pytest

from huiliu.accounts.models import Role
from huiliu.grievances.models import Grievance, GrievanceStatus
from tests import factories as f

pytestmark = pytest.mark.browser

COMPLAINT = "工业园一家电子厂拖欠我三个月工资，老板一直推脱。"
NAME = "刘春生"
PHONE = "13912345678"


@pytest.fixture
def township_officer(destination_worker):
    """The officer of the destination village's township: the owner unit of grievances about the village."""
    return f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.DESTINATION_COUNTY), "e2e-dest-township")


def _field(page, name):
    return page.locator(f"div.field:has([name={name}])")


def test_a_member_of_the_public_files_a_complaint_follows_it_and_sees_it_resolved(journey, township_officer):
    from playwright.sync_api import expect

    base = journey.base

    # --- The public, with no account ------------------------------------------------------------------
    public = journey.open_anonymous()
    public.goto(f"{base}/feedback/")
    expect(public.locator(".topbar .who")).to_have_count(0)
    journey.on_page(public, "grievance-public-form", f"{base}/feedback/")

    public.check("input[name=kind][value=complaint]")
    public.select_option("select[name=topic]", "wages_owed")
    selects = _field(public, "place_code").locator(".place-picker select")
    for level, name in enumerate(["广东省", "深圳市", "宝安区", "宝安区第1镇", "宝安区第1镇第1村"]):
        selects.nth(level).select_option(label=name)
    expect(public.locator("input[name=place_code]")).to_have_value(f"{f.village(f.DESTINATION_COUNTY):012d}")
    public.fill("textarea[name=text]", COMPLAINT)
    public.fill("input[name=name]", NAME)
    public.fill("input[name=phone]", PHONE)
    public.click("form.stack button[type=submit]")

    journey.on_page(public, "grievance-public-filed", f"{base}/feedback/filed/")
    number = public.locator("#tracking-number").inner_text().strip()
    code = public.locator("#check-code").inner_text().strip()
    assert re.fullmatch(r"440306001-\d{4}-G\d{6}", number) and re.fullmatch(r"\d{6}", code)

    def check_progress(label: str):
        public.goto(f"{base}/feedback/track/")
        public.fill("input[name=tracking_number]", number)
        public.fill("input[name=check_code]", code)
        public.click("form.stack button[type=submit]")
        expect(public.locator("#track-result")).to_be_visible()
        journey.on_page(public, label, f"{base}/feedback/track/")
        page = public.locator("main").inner_text()
        for secret in (COMPLAINT, NAME, PHONE):
            assert secret not in page
        return public.locator("#track-result")

    expect(check_progress("grievance-public-track-received")).to_contain_text("已受理")

    # --- The township officer resolves it ---------------------------------------------------------------
    officer = journey.open_as(township_officer)
    officer.goto(f"{base}/grievances/")
    row = officer.locator("tr", has_text=number)
    expect(row).to_contain_text("已受理")
    expect(row).not_to_contain_text(NAME)  # masked on the list
    journey.on_page(officer, "grievance-staff-list", f"{base}/grievances/")
    row.locator("a").first.click()
    expect(officer.locator("main")).to_contain_text(COMPLAINT)
    journey.on_page(officer, "grievance-staff-detail", re.compile(r"/grievances/[0-9a-f-]{36}/$"))
    officer.click("button:has-text('开始办理')")
    expect(officer.locator("h1 .status")).to_contain_text("办理中")
    officer.click("a:has-text('办结')")
    officer.fill("textarea[name=resolution]", "已约谈企业负责人，工资已全部补发，已电话告知本人。")
    officer.click("form.stack button[type=submit]")
    expect(officer.locator("ul.messages")).to_contain_text("已办结")
    journey.on_page(officer, "grievance-staff-resolved", re.compile(r"/grievances/[0-9a-f-]{36}/$"))
    assert Grievance.objects.get(tracking_number=number).status == GrievanceStatus.RESOLVED

    # --- The public sees it resolved, and nothing of what was written --------------------------------------
    result = check_progress("grievance-public-track-resolved")
    expect(result).to_contain_text("已办结")
    expect(result).to_contain_text("办结日期")
    assert "补发" not in public.locator("main").inner_text()


def test_a_township_officer_records_a_forum_and_each_suggestion_gets_its_number(journey, township_officer):
    from playwright.sync_api import expect

    base = journey.base
    officer = journey.open_as(township_officer)
    officer.goto(f"{base}/grievances/forums/new/")
    officer.fill("input[name=title]", "外来务工人员座谈会")
    officer.fill("input[name=held_on]", "2026-01-15")
    selects = _field(officer, "place_code").locator(".place-picker select")
    for level, name in enumerate(["广东省", "深圳市", "宝安区", "宝安区第1镇", "宝安区第1镇第1村"]):
        selects.nth(level).select_option(label=name)
    officer.fill("input[name=attendance]", "46")
    officer.fill("input[name=officers_present]", "周志强, 黄丽娟")
    officer.fill("textarea[name=suggestions]", "建议在工业园设流动人口服务点\n希望开设普通话夜校")
    journey.on_page(officer, "grievance-forum-form", f"{base}/grievances/forums/new/")
    officer.click("form.stack button[type=submit]")

    expect(officer.locator("ul.messages")).to_contain_text("座谈会已记录")
    rows = officer.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("-G000001")
    journey.on_page(officer, "grievance-forum-detail", re.compile(r"/grievances/forums/[0-9a-f-]{36}/$"))

    officer.goto(f"{base}/grievances/?kind=suggestion")
    expect(officer.locator("table tbody tr")).to_have_count(2)
    expect(officer.locator("table tbody")).to_contain_text("座谈会收集")

    # Filing for a person who came to the office: the same questions, and the registry's record may be linked.
    officer.goto(f"{base}/grievances/new/")
    expect(officer.locator("input[name=person_id_number]")).to_be_visible()
    journey.on_page(officer, "grievance-staff-form", f"{base}/grievances/new/")
