"""Community work in a real browser: a township officer records a service agreement and sees a missed commitment."""

import datetime
import re

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.community.models import ServiceAgreement
from tests import factories as f

pytestmark = pytest.mark.browser

TOWNSHIP = f.township(f.DESTINATION_COUNTY)


def test_a_township_officer_records_an_agreement_and_sees_its_missed_commitment_on_the_office_page(
        journey, destination_worker):
    from playwright.sync_api import expect

    officer = f.make_user(Role.TOWNSHIP_OFFICER, TOWNSHIP, "e2e-dest-township")
    migrant = f.register_arrival(destination_worker, number=f.id_number(), name="李春梅").person
    signed_on = timezone.localdate() - datetime.timedelta(days=20)

    tab = journey.open_as(officer)
    tab.goto(f"{journey.base}/community/agreements/new/")
    journey.on_page(tab, "community-agreement-form", re.compile(r"/community/agreements/new/$"))
    tab.select_option("select[name=office_code]", str(TOWNSHIP))
    tab.fill("input[name=id_number]", migrant.id_number)
    tab.fill("input[name=signed_on]", signed_on.isoformat())
    tab.fill("input[name=term_end]", (signed_on + datetime.timedelta(days=365)).isoformat())
    # The first standard commitment, due five days after signing, is already past its deadline.
    expect(tab.locator("input[name=commitment_1]")).to_have_value("及时为本人办理所需证明材料")
    tab.fill("input[name=commitment_2]", "")
    tab.fill("input[name=commitment_3]", "")
    tab.click("form.stack button[type=submit]")

    agreement = ServiceAgreement.objects.get()
    journey.on_page(tab, "community-agreement", re.compile(rf"/community/agreements/{agreement.pk}/$"))
    expect(tab.locator("main")).to_contain_text("逾期未履行")
    expect(tab.locator("main")).to_contain_text("不因此产生任何罚款、处罚或其他后果")

    tab.click("nav.subnav a[href='/community/']")
    journey.on_page(tab, "community-office-page", re.compile(r"/community/$"))
    missed = tab.locator("#missed")
    expect(missed).to_contain_text("未按期履行的承诺（1）")
    expect(missed).to_contain_text("及时为本人办理所需证明材料")
    expect(missed).to_contain_text("李春梅")
    expect(missed).to_contain_text("已超过期限 15 天")
