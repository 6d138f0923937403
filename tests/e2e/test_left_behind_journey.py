"""Left-behind children and elders in a real browser: the origin village registers a departure with a child and an
elder left behind, keeps the roll and logs a visit; the family's destination village sees that the visit happened."""

import datetime
import re

import pytest

from huiliu.accounts.models import Role
from huiliu.people.models import LeftBehindRelative, LeftBehindVisit
from tests import factories as f

pytestmark = pytest.mark.browser


def test_a_child_left_behind_at_departure_is_visited_and_the_destination_sees_the_visit(journey, destination_worker):
    from playwright.sync_api import expect

    base = journey.base
    origin_worker = f.make_user(Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY), "e2e-origin-worker")
    person = f.register_resident(origin_worker, name="张建国")
    today = datetime.date.today()
    child_born = today.replace(year=today.year - 7, day=1).isoformat()
    grown = today.replace(year=today.year - 19, day=1).isoformat()

    # --- The origin village worker registers the departure ------------------------------------------------
    worker = journey.open_as(origin_worker)
    worker.goto(f"{base}/people/{person.pk}/departure/")
    journey.on_page(worker, "left-behind-departure-form", re.compile(rf"/people/{person.pk}/departure/$"))
    worker.fill("input[name=departure_date]", (today - datetime.timedelta(days=5)).isoformat())
    worker.select_option("select[name=reason]", "work")
    worker.fill("input[name=children-0-name]", "张小雨")
    worker.select_option("select[name=children-0-sex]", "F")
    worker.fill("input[name=children-0-birth_date]", child_born)
    worker.fill("input[name=children-0-school]", "城关小学")
    worker.fill("input[name=children-0-carer_name]", "王桂芝")
    worker.fill("input[name=children-0-carer_relation]", "祖母")
    worker.fill("input[name=children-0-carer_phone]", "13912345678")
    worker.check("input[name=children-0-school_informed]")
    worker.check("input[name=children-0-village_committee_informed]")
    # A second row for an older child who is in fact grown up: refused, the message names the row.
    worker.fill("input[name=children-1-name]", "张大伟")
    worker.select_option("select[name=children-1-sex]", "M")
    worker.fill("input[name=children-1-birth_date]", grown)
    worker.fill("input[name=children-1-carer_name]", "王桂芝")
    # The elder goes in a row added by the page's button.
    worker.click("button[data-add-row=elders]")
    worker.fill("input[name=elders-1-name]", "张德福")
    worker.fill("input[name=elders-1-birth_date]", today.replace(year=today.year - 76, day=1).isoformat())
    worker.fill("input[name=elders-1-relation]", "父亲")
    worker.check("input[name=elders-1-lives_alone]")
    worker.click("main form > button[type=submit]")
    expect(worker.locator("ul.errorlist.nonfield")).to_contain_text("留守儿童第 2 行")
    journey.on_page(worker, "left-behind-departure-refused", re.compile(rf"/people/{person.pk}/departure/$"))
    assert not LeftBehindRelative.objects.exists()
    worker.check("input[name=children-1-DELETE]")
    worker.click("main form > button[type=submit]")
    expect(worker.locator("main h1")).to_contain_text("张建国")
    assert set(LeftBehindRelative.objects.values_list("name", flat=True)) == {"张小雨", "张德福"}

    # The family member arrives at the destination village.
    f.register_arrival(destination_worker, number=person.id_number, name=person.name)

    # --- The roll, and a visit logged ------------------------------------------------------------------------
    worker.goto(f"{base}/people/left-behind/")
    expect(worker.locator("main table")).to_contain_text("139****5678")
    journey.on_page(worker, "left-behind-roll", re.compile(r"/people/left-behind/$"))
    worker.click("main table a:has-text('张小雨')")
    journey.on_page(worker, "left-behind-relative", re.compile(r"/people/left-behind/[0-9a-f-]+/$"))
    worker.check("input[name=way][value=school]")
    worker.fill("textarea[name=wellbeing]", "在校表现良好，想念爸爸")
    worker.fill("textarea[name=needs]", "冬衣不足")
    worker.click("form.stack button:has-text('保存')")
    expect(worker.locator("main")).to_contain_text("走访已登记")
    journey.on_page(worker, "left-behind-visit-logged", re.compile(r"/people/left-behind/[0-9a-f-]+/$"))
    assert LeftBehindVisit.objects.count() == 1

    # --- The destination village sees that the visit happened ---------------------------------------------
    destination = journey.open_as(destination_worker)
    destination.goto(f"{base}/people/{person.pk}/")
    section = destination.locator("section.left-behind")
    expect(section).to_contain_text("张小雨")
    expect(section).to_contain_text("在校表现良好，想念爸爸")
    expect(section).not_to_contain_text("冬衣不足")
    section.scroll_into_view_if_needed()
    journey.on_page(destination, "left-behind-person-destination", re.compile(rf"/people/{person.pk}/$"))
