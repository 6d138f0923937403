"""Birth registration in a real browser: a family files on the public page, a worker confirms it, the voucher prints."""

import datetime
import io
import re

import pypdfium2 as pdfium
import pytest

from huiliu.births.models import BirthRegistration, RegistrationStatus
from huiliu.core.identity import mask_id_number
from huiliu.core.signed_codes import decode_document, read_qr_image
from tests import factories as f

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

A4_POINTS = (595.28, 841.89)


@pytest.fixture
def own_signing_key(settings, tmp_path):
    """The voucher is signed with a key made for the test (the live server runs in this process)."""
    from huiliu.core import signing

    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    yield
    signing._keys.pop(str(tmp_path / "signing_key.pem"), None)


def _field(page, name):
    """The wrapper of one form field, found by the input's name attribute."""
    return page.locator(f"div.field:has([name={name}])")


def test_a_family_registers_a_birth_online_and_a_worker_confirms_it_and_prints_the_voucher(
    journey, destination_worker, own_signing_key
):
    from playwright.sync_api import expect

    base = journey.base
    mother_id = f.id_number(f.ORIGIN_COUNTY)
    mother_name = "陈春燕"

    # --- The family, with no account ---------------------------------------------------------------
    family = journey.open_anonymous()
    family.goto(f"{base}/births/register/")
    expect(family.locator(".topbar .who")).to_have_count(0)  # nobody is logged in
    expect(family.locator(".topbar nav.public")).to_contain_text("证件核验")
    journey.on_page(family, "birth-public-form", f"{base}/births/register/")

    def choose_place(field, names):
        selects = _field(family, field).locator(".place-picker select")
        for level, name in enumerate(names):
            selects.nth(level).select_option(label=name)  # waits for the options of the level above's choice

    def fill_declaration(*, birth_date: str):
        family.check("input[name=filed_at][value=residence]")
        family.fill("input[name=mother_name]", mother_name)
        family.fill("input[name=mother_id_number]", mother_id)
        family.select_option("select[name=marital_status]", "21")
        family.fill("input[name=father_name]", "刘国强")
        family.fill("input[name=phone]", "13912345678")
        # The places are chosen from the selects, province first; each choice writes its code into the field.
        choose_place("household_code", ["山东省", "济南市", "章丘区", "章丘区第1镇", "章丘区第1镇第1村"])
        choose_place("residence_code", ["广东省", "深圳市", "宝安区", "宝安区第1镇", "宝安区第1镇第1村"])
        expect(family.locator("input[name=household_code]")).to_have_value(f"{f.village(f.ORIGIN_COUNTY):012d}")
        expect(family.locator("input[name=residence_code]")).to_have_value(f"{f.village(f.DESTINATION_COUNTY):012d}")
        family.fill("input[name=residence_address]", "宝安区新安街道 88 号 2 栋 301")
        family.fill("input[name=existing_children]", "1")
        family.fill("input[name=expected_birth_date]",
                    (datetime.date.today() + datetime.timedelta(days=120)).isoformat())
        family.fill("input[name=birth_date]", birth_date)
        family.click("form.stack button[type=submit]")

    # Both dates given: the form comes back with the message beside both fields, everything else kept.
    fill_declaration(birth_date=(datetime.date.today() - datetime.timedelta(days=1)).isoformat())
    expect(_field(family, "birth_date").locator(".errorlist")).to_be_visible()
    expect(_field(family, "expected_birth_date").locator(".errorlist")).to_be_visible()
    expect(family.locator("input[name=mother_name]")).to_have_value(mother_name)
    # The codes came back in the fields, and the selects show their places again.
    expect(_field(family, "residence_code").locator(".place-picker select").nth(4)).to_have_value(
        f"{f.village(f.DESTINATION_COUNTY):012d}")
    journey.on_page(family, "birth-public-form-error", f"{base}/births/register/")
    assert not BirthRegistration.objects.exists()

    # Corrected: filed, and the family sees its tracking number and what happens next.
    fill_declaration(birth_date="")
    expect(family.locator("#tracking-number")).to_be_visible()
    journey.on_page(family, "birth-public-filed", f"{base}/births/register/filed/")
    registration = BirthRegistration.objects.get()
    assert family.locator("#tracking-number").inner_text().strip() == registration.tracking_number
    assert registration.channel == "online" and registration.status == RegistrationStatus.SUBMITTED

    def check_progress(label):
        family.goto(f"{base}/births/track/")
        family.fill("input[name=tracking_number]", registration.tracking_number)
        family.fill("input[name=id_last_four]", mother_id[-4:])
        family.click("form.stack button[type=submit]")
        expect(family.locator("#track-result")).to_contain_text("陈*燕")
        journey.on_page(family, label, f"{base}/births/track/")
        text = family.locator("body").inner_text()
        assert mother_name not in text and mother_id not in text and mask_id_number(mother_id) not in text
        return family.locator("#track-result .status")

    expect(check_progress("birth-public-track-submitted")).to_have_class(re.compile("status-submitted"))

    # --- The worker of the village where the family lives ------------------------------------------
    worker = journey.open_as(destination_worker, accept_downloads=True)

    worker.goto(f"{base}/births/")
    rows = worker.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(mother_name)
    expect(rows.first).to_contain_text(mask_id_number(mother_id))
    expect(worker.locator("main table")).not_to_contain_text(mother_id)
    journey.on_page(worker, "birth-worker-list", f"{base}/births/")

    rows.first.locator(f"a[href='/births/{registration.pk}/']").click()
    expect(worker.locator("dl.facts")).to_contain_text(mother_id)
    # Not in the registry: a note for the worker, and the confirm button all the same.
    expect(worker.locator("ul.notes li")).to_have_count(1)
    journey.on_page(worker, "birth-worker-detail", f"{base}/births/{registration.pk}/")

    worker.click(f"form[action='/births/{registration.pk}/confirm/'] button[type=submit]")
    expect(worker.locator("ul.messages li")).to_have_count(1)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    expect(worker.locator("dl.facts")).to_contain_text(registration.voucher_number)
    journey.on_page(worker, "birth-worker-confirmed", f"{base}/births/{registration.pk}/")

    with worker.expect_download() as download_info:
        worker.click(f"a[href='/births/{registration.pk}/voucher.pdf']")
    download = download_info.value
    assert download.suggested_filename == f"voucher-{registration.voucher_number}.pdf"
    pdf_path = ARTIFACTS / "birth-voucher.pdf"
    download.save_as(pdf_path)

    # The voucher: one A4 page whose text and QR code read back; its picture is kept to be looked at.
    document = pdfium.PdfDocument(pdf_path.read_bytes())
    try:
        assert len(document) == 1
        voucher_page = document[0]
        assert voucher_page.get_size() == pytest.approx(A4_POINTS, abs=0.1)
        text = voucher_page.get_textpage().get_text_range()
        picture = voucher_page.render(scale=150 / 72).to_pil()
        picture.save(ARTIFACTS / "birth-voucher.png")
        scan = io.BytesIO()
        picture.save(scan, "PNG")
    finally:
        document.close()
    assert registration.voucher_number in text and mother_name in text and mother_id not in text
    decoded = decode_document(read_qr_image(scan.getvalue()))
    assert decoded.kind == "voucher" and decoded.number == registration.voucher_number
    assert decoded.holder == "陈*燕" and decoded.id_number_masked == mask_id_number(mother_id)

    # --- The family sees it confirmed ---------------------------------------------------------------
    expect(check_progress("birth-public-track-confirmed")).to_have_class(re.compile("status-confirmed"))
