"""The main journey in a real browser: a destination worker registers an arrival and finds the person again."""

import datetime
import re

import pytest

from huiliu.core.identity import mask_id_number
from huiliu.people.models import Person
from tests import factories as f

from .conftest import CJK

pytestmark = pytest.mark.browser


def _wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def _field(page, name):
    """The wrapper of one form field, found by the input's name attribute."""
    return page.locator(f"div.field:has([name={name}])")


def test_register_arrival_and_find_the_person(journey, destination_worker, page):
    from playwright.sync_api import expect

    base = journey.base
    number = f.id_number(f.ORIGIN_COUNTY)
    name = "李春花"

    journey.watch(page)

    # Log in through the real form (the login view stamps the session's start time).
    page.goto(f"{base}/")
    expect(page.locator("input[name=username]")).to_be_visible()
    journey.on_page(page, "login", f"{base}/")
    page.fill("input[name=username]", destination_worker.username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("form.stack button[type=submit]")

    # Home page: the worker's village, the figures, the search bar.
    expect(page.locator("form.searchbar input[name=q]")).to_be_visible()
    expect(page.locator(".topbar .who")).to_contain_text(destination_worker.username)
    journey.on_page(page, "home", f"{base}/")

    page.click("nav a[href='/arrivals/new/']")
    expect(page.locator("input[name=id_number]")).to_be_visible()
    journey.on_page(page, "arrival-form", f"{base}/arrivals/new/")

    def fill_arrival(id_number):
        page.fill("input[name=id_number]", id_number)
        page.fill("input[name=name]", name)
        page.fill("input[name=arrival_date]", (datetime.date.today() - datetime.timedelta(days=2)).isoformat())
        page.fill("input[name=residence_code]", f"{f.village(f.DESTINATION_COUNTY):012d}")
        page.fill("input[name=address]", "宝安大道 100 号 3 栋 502")
        page.select_option("select[name=residence_type]", "rented")
        page.fill("input[name=household_code]", f"{f.village(f.ORIGIN_COUNTY):012d}")
        page.click("form.stack button[type=submit]")

    # A wrong check digit: the form comes back with the error beside the ID field, nothing saved.
    fill_arrival(_wrong_check_digit(number))
    expect(_field(page, "id_number").locator(".errorlist")).to_be_visible()
    expect(page.locator("input[name=name]")).to_have_value(name)
    journey.on_page(page, "arrival-error", f"{base}/arrivals/new/")
    assert not Person.objects.filter(id_number__startswith=number[:17]).exists()

    # Corrected: saved, and the browser lands on the person's page with the full number.
    fill_arrival(number)
    expect(page.locator("main h1")).to_have_text(name)
    expect(page.locator("dl.facts")).to_contain_text(number)
    expect(page.locator("ul.messages li")).to_have_count(1)
    journey.on_page(page, "person", re.compile(r"/people/[0-9a-f-]{36}/$"))
    person = Person.objects.get(id_number=number)
    assert page.url == f"{base}/people/{person.pk}/"
    assert person.residence_jurisdiction_id == f.village(f.DESTINATION_COUNTY)

    # Search by ID number from the home page's search bar: the list shows only the masked number.
    page.click("nav a[href='/']")
    page.fill("form.searchbar input[name=q]", number)
    page.click("form.searchbar button[type=submit]")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    expect(rows.first).to_contain_text(mask_id_number(number))
    expect(page.locator("main table")).not_to_contain_text(number)
    journey.on_page(page, "search", re.compile(rf"/people/\?q={number}$"))

    rows.first.locator(f"a[href='/people/{person.pk}/']").click()
    expect(page.locator("main h1")).to_have_text(name)
    expect(page.locator("dl.facts")).to_contain_text(number)
    journey.on_page(page, "person-from-search", f"{base}/people/{person.pk}/")

    # Log out: back on the login page, in Chinese, with the brand written literally in the template.
    page.click(".topbar .who form button[type=submit]")
    expect(page.locator("input[name=password]")).to_be_visible()
    journey.on_page(page, "logged-out", f"{base}/accounts/login/")
    assert "汇流" in page.content()
    assert CJK.search(page.locator("body").inner_text())
    assert Person.objects.count() == 1  # the refused submission left nothing behind
