"""Mutual recognition in a real browser: the destination records a check-up with consent, the origin sees it count."""

import datetime
import re

import pytest

from huiliu.accounts.models import Role
from huiliu.services.models import ServiceRecord
from tests import factories as f

pytestmark = pytest.mark.browser


def test_a_destination_worker_records_a_check_up_and_the_origin_township_sees_it_recognised(
    journey, destination_worker
):
    from playwright.sync_api import expect

    base = journey.base
    arrival = f.register_arrival(destination_worker, number=f.id_number(), name="孙丽")
    person = arrival.person
    origin_officer = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY), "e2e-origin-township")
    today = datetime.date.today().isoformat()

    # --- The destination village worker, from the person's page ----------------------------------------
    worker = journey.open_as(destination_worker)
    worker.goto(f"{base}/people/{person.pk}/")
    journey.on_page(worker, "service-person-destination", re.compile(rf"/people/{person.pk}/$"))
    worker.click("section.person-services a:has-text('记录服务')")
    journey.on_page(worker, "service-record-form", re.compile(rf"/services/record/{person.pk}/$"))
    worker.select_option("select[name=service_type]", "health_checkup")
    worker.fill("input[name=service_date]", today)
    worker.fill("input[name=provider]", "宝安区妇幼保健院")
    # Saved without consent first: refused, in Chinese, naming the field.
    worker.click("form.stack button[type=submit]")
    expect(worker.locator("div.field:has([name=consent_given]) .errorlist")).to_contain_text("知情同意")
    journey.on_page(worker, "service-record-consent-refused", re.compile(rf"/services/record/{person.pk}/$"))
    assert not ServiceRecord.objects.exists()
    worker.check("input[name=consent_given]")
    worker.select_option("select[name=consent_way]", "signed")
    worker.fill("input[name=consent_on]", today)
    worker.fill("textarea[name=outcome]", "未见异常")
    worker.click("form.stack button[type=submit]")
    expect(worker.locator("main h1")).to_contain_text("生殖健康检查")
    journey.on_page(worker, "service-record-detail-worker", re.compile(r"/services/records/[0-9a-f-]+/$"))
    expect(worker.locator("main")).to_contain_text("健康结果仅向卫生健康人员显示")
    expect(worker.locator("main")).not_to_contain_text("未见异常")
    worker.goto(f"{base}/services/work/")
    expect(worker.locator("main")).to_contain_text("孙丽")
    journey.on_page(worker, "service-work-list", re.compile(r"/services/work/$"))

    # --- The origin township officer opens the person's page ---------------------------------------------
    origin = journey.open_as(origin_officer)
    origin.goto(f"{base}/people/{person.pk}/")
    section = origin.locator("section.person-services")
    expect(section).to_contain_text("生殖健康检查")
    expect(section).to_contain_text("本地同样有效——无需重复")
    expect(section).not_to_contain_text("未见异常")
    journey.on_page(origin, "service-person-origin-recognised", re.compile(rf"/people/{person.pk}/$"))
    # The report that carried it was answered on receipt: nothing waits for the origin, nothing goes overdue.
    origin.goto(f"{base}/exchange/")
    expect(origin.locator("main")).to_contain_text("孙丽")
    journey.on_page(origin, "service-report-inbox", re.compile(r"/exchange/"))
