"""The exchange in a real browser: an arrival notifies the origin, which answers; the destination sees it answered."""

import datetime
import re

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.core.identity import mask_id_number
from huiliu.exchange.models import Message, MessageStatus, MessageType
from tests import factories as f

pytestmark = pytest.mark.browser


def test_an_arrival_notice_is_answered_by_the_origin_and_seen_answered_at_the_destination(
    journey, destination_worker, page
):
    from playwright.sync_api import expect

    base = journey.base
    origin_officer = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY), "e2e-origin-township")
    destination_officer = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.DESTINATION_COUNTY), "e2e-dest-township")
    number = f.id_number(f.ORIGIN_COUNTY)
    name = "张秋菊"

    # The destination's village worker registers the arrival in the browser: the notice goes by itself.
    worker = journey.open_as(destination_worker, tab=page)
    worker.click("nav a[href='/arrivals/new/']")
    worker.fill("input[name=id_number]", number)
    worker.fill("input[name=name]", name)
    worker.fill("input[name=arrival_date]", (datetime.date.today() - datetime.timedelta(days=20)).isoformat())
    worker.fill("input[name=residence_code]", f"{f.village(f.DESTINATION_COUNTY):012d}")
    worker.fill("input[name=address]", "宝安大道 100 号 3 栋 502")
    worker.select_option("select[name=residence_type]", "rented")
    worker.fill("input[name=household_code]", f"{f.village(f.ORIGIN_COUNTY):012d}")
    worker.click("form.stack button[type=submit]")
    expect(worker.locator("main h1")).to_have_text(name)
    notice = Message.objects.get(message_type=MessageType.INFLOW_NOTICE, person__id_number=number)
    # Nobody answered in time: the deadline passes.
    Message.objects.filter(pk=notice.pk).update(deadline=timezone.now() - datetime.timedelta(days=2))

    # The destination township sees on its home page that the origin is late.
    destination = journey.open_as(destination_officer)
    alert = destination.locator("section.notice-bar a[href='/exchange/outbox/?status=overdue']")
    expect(alert).to_contain_text("1")
    journey.on_page(destination, "exchange-home-destination-overdue", f"{base}/")

    # The origin township officer sees the overdue notice on the home page and follows it to the inbox.
    origin = journey.open_as(origin_officer)
    expect(origin.locator("section.notice-bar a[href='/exchange/?status=overdue']")).to_contain_text("1")
    expect(origin.locator(".exchange-figures .figure.alarm").first).to_contain_text("1")
    journey.on_page(origin, "exchange-home-origin-overdue", f"{base}/")
    origin.click("section.notice-bar a[href='/exchange/?status=overdue']")
    row = origin.locator("main table.message-table tbody tr.overdue")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(mask_id_number(number))
    expect(origin.locator("main table")).not_to_contain_text(number)
    journey.on_page(origin, "exchange-inbox", f"{base}/exchange/?status=overdue")

    # The message page: the notice's facts as labelled fields, the number in full, and the answer form.
    row.locator(f"a[href='/exchange/messages/{notice.pk}/']").click()
    expect(origin.locator("dl.payload")).to_contain_text(number)
    expect(origin.locator("dl.payload")).to_contain_text("宝安大道 100 号 3 栋 502")
    expect(origin.locator("input[name=result]")).to_have_count(3)
    journey.on_page(origin, "exchange-message", f"{base}/exchange/messages/{notice.pk}/")
    assert Message.objects.get(pk=notice.pk).status == MessageStatus.READ

    # A note too long for the answer: refused beside the field, nothing sent.
    origin.check("input[name=result][value=confirmed]")
    origin.eval_on_selector("textarea[name=note]", "(el, text) => { el.removeAttribute('maxlength'); el.value = text; }",
                            "很" * 1001)
    origin.click("form.stack button[type=submit]")
    expect(origin.locator("div.field:has(textarea[name=note]) .errorlist")).to_contain_text("1000")
    assert Message.objects.get(pk=notice.pk).answered_at is None

    origin.check("input[name=result][value=confirmed]")
    origin.fill("textarea[name=note]", "已电话联系本人，情况属实。")
    origin.click("form.stack button[type=submit]")
    expect(origin.locator("ul.messages li")).to_have_count(1)
    expect(origin.locator("input[name=result]")).to_have_count(0)
    expect(origin.locator("main")).to_contain_text("已电话联系本人，情况属实。")
    journey.on_page(origin, "exchange-message-answered", f"{base}/exchange/messages/{notice.pk}/")
    assert Message.objects.get(pk=notice.pk).answered_at is not None

    # The destination township: the notice is answered in its outbox, and the home page is quiet again.
    destination.goto(f"{base}/exchange/outbox/")
    answered_row = destination.locator(f"main table.message-table tbody tr:has(a[href='/exchange/messages/{notice.pk}/'])")
    expect(answered_row.locator(".status-answered")).to_have_count(1)
    expect(answered_row).not_to_have_class(re.compile("overdue"))
    journey.on_page(destination, "exchange-outbox-answered", f"{base}/exchange/outbox/")
    destination.goto(f"{base}/")
    expect(destination.locator("section.notice-bar")).to_have_count(0)
