"""Record linkage in a real browser: the origin township reviews a pair, accepts it, and closes the conflict's task;
the village closes a follow-up on a person it lost contact with."""

import datetime

import pytest

from huiliu.accounts.models import Role
from huiliu.linkage import actions
from huiliu.linkage.models import Decision, FollowUpTask, LinkCandidate, TaskStatus, VerificationTask
from tests import factories as f
from tests.linkage.conftest import arrive_as_written, days_ago, depart

pytestmark = pytest.mark.browser

BORN = datetime.date(1990, 5, 7)


def test_the_township_reviews_a_pair_and_closes_the_conflict_the_village_follows_up(journey, destination_worker,
                                                                                     settings):
    from playwright.sync_api import expect

    settings.HUILIU_LOST_CONTACT_DAYS = 60
    township = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY), "e2e-origin-township")
    village = f.make_user(Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY), "e2e-origin-village")
    depart(township, name="王芳", born=BORN, marital_status="21")
    arrive_as_written(name="王芳", born=BORN, id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"), marital_status="10")
    depart(township, name="张桂兰", born=BORN, departed=days_ago(100))
    actions.run_registry_linkage(acting_user=None)
    actions.raise_follow_ups(acting_user=None)
    base = journey.base

    tab = journey.open_as(township)
    tab.goto(f"{base}/linkage/")
    journey.on_page(tab, "linkage-queue", f"{base}/linkage/")
    expect(tab.locator("tbody tr")).to_have_count(1)
    tab.locator("tbody tr a").first.click()
    journey.on_page(tab, "linkage-compare", f"{base}/linkage/{LinkCandidate.objects.get().pk}/")
    expect(tab.locator("td.differs").first).to_be_visible()
    expect(tab.locator("td.agrees").first).to_be_visible()
    tab.click("#accept-link")
    journey.on_page(tab, "linkage-queue-after", f"{base}/linkage/")
    assert LinkCandidate.objects.get().decision == Decision.ACCEPTED

    tab.goto(f"{base}/linkage/verification/")
    journey.on_page(tab, "linkage-verification-list", f"{base}/linkage/verification/")
    tab.locator("tbody tr a").first.click()
    tab.fill("textarea[name=note]", "电话联系本人：已婚，流入地登记有误，已告知对方更正")
    tab.click("#close-task")
    journey.on_page(tab, "linkage-verification-closed", f"{base}/linkage/verification/")
    assert VerificationTask.objects.get().status == TaskStatus.DONE

    tab = journey.open_as(village)
    tab.goto(f"{base}/linkage/follow-ups/")
    journey.on_page(tab, "linkage-follow-ups", f"{base}/linkage/follow-ups/")
    tab.locator("tbody tr a").first.click()
    journey.on_page(tab, "linkage-follow-up", f"{base}/linkage/follow-ups/{FollowUpTask.objects.get().pk}/")
    tab.check("input[name=outcome][value=in_touch]")
    tab.fill("textarea[name=note]", "其母亲说在宁波打工，已留新电话")
    tab.click("#close-task")
    journey.on_page(tab, "linkage-follow-ups-after", f"{base}/linkage/follow-ups/")
    assert FollowUpTask.objects.get().outcome == "in_touch"
