"""The demo fund in a real browser: the county officer sees its position, its rounds and what is overdue."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from huiliu.demo.actions import DEMO_PASSWORD, load_demo
from huiliu.fund.models import Fund

pytestmark = pytest.mark.browser


def test_the_county_officer_reads_the_demo_funds_position_and_rounds(journey, transactional_db, settings):
    from playwright.sync_api import expect

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(persons=2000, seed=1, today=datetime.date.today())
    fund = Fund.objects.get()
    officer = get_user_model().objects.get(username="origin-county")

    tab = journey.open_as(officer, password=DEMO_PASSWORD)
    tab.click("nav a[href='/fund/']")
    tab.click(f"a[href='/fund/{fund.pk}/']")
    journey.on_page(tab, "fund-demo", re.compile(rf"/fund/{fund.pk}/$"))
    page_text = tab.locator("main").inner_text()
    # The figures the demo fund reconciles to, to the fen, as a reader sees them.
    for figure in ("50,905.78", "29,551.00", "211,999.00"):
        assert figure in page_text
    expect(tab.locator("main")).to_contain_text("逾期")
