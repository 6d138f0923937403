"""Proxy application in a real browser: the destination applies, the origin issues, the destination prints it.

The person never travels: the office where they live applies on their behalf, the
household township decides on its queue, and the certificate it issues is downloaded
and printed where the person lives. The certificate PDF is rendered to PNG for a person
to look at, and its QR code is read back from the picture and verified.
"""

import datetime
import io
from pathlib import Path

import pytest

from huiliu.accounts.models import Role
from huiliu.certificates.models import ProxyApplication, ProxyStatus
from huiliu.core.identity import mask_id_number
from huiliu.exchange.models import Message, MessageType
from tests import factories as f

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def signing_key(settings, tmp_path):
    """A signing key of this test's own (the live server runs in this process, so it signs with it too)."""
    from huiliu.core import signing

    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    signing._keys.clear()
    yield
    signing._keys.clear()


def test_the_destination_applies_by_proxy_the_origin_issues_and_the_destination_prints(
    journey, destination_worker, screenshot, signing_key
):
    import pypdfium2 as pdfium
    from playwright.sync_api import expect

    from huiliu.core.signed_codes import decode_document, read_qr_image

    base = journey.base
    destination_officer = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.DESTINATION_COUNTY), "e2e-dest-township")
    origin_officer = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY), "e2e-origin-township")
    person = f.register_arrival(destination_worker, number=f.id_number(f.ORIGIN_COUNTY), name="赵春燕",
                                arrival_date=datetime.date.today() - datetime.timedelta(days=40)).person

    # The destination township officer finds the person who lives here and applies on their behalf.
    destination = journey.open_as(destination_officer, accept_downloads=True)
    destination.goto(f"{base}/people/{person.pk}/")
    proxy_link = destination.locator(f"a[href='/certificates/proxy/new/{person.pk}/']")
    expect(proxy_link).to_be_visible()
    journey.on_page(destination, "proxy-person", f"{base}/people/{person.pk}/")
    proxy_link.click()
    expect(destination.locator("textarea[name=purpose]")).to_be_visible()
    journey.on_page(destination, "proxy-apply-form", f"{base}/certificates/proxy/new/{person.pk}/")
    destination.fill("textarea[name=purpose]", "办理居住证，单位要求提供婚育情况")
    # Without the person's own request nothing is sent: the box must be ticked.
    destination.click("form.stack button[type=submit]")
    expect(destination.locator("div.field:has(input[name=person_asked]) .errorlist")).to_be_visible()
    assert not ProxyApplication.objects.exists()
    destination.check("input[name=person_asked]")
    destination.click("form.stack button[type=submit]")
    application = ProxyApplication.objects.get(person=person)
    expect(destination.locator("main h1 .status")).to_be_visible()
    journey.on_page(destination, "proxy-applied", f"{base}/certificates/proxy/{application.pk}/")
    request = Message.objects.get(message_type=MessageType.PROXY_REQUEST, person=person)
    assert request.payload["application_id"] == str(application.pk)

    # The origin township officer finds it in the queue, sees what the certificate will state, and issues it.
    origin = journey.open_as(origin_officer, accept_downloads=True)
    origin.goto(f"{base}/certificates/proxy/")
    row = origin.locator(f"main table tbody tr:has(a[href='/certificates/proxy/{application.pk}/'])")
    expect(row).to_contain_text("赵春燕")
    expect(row).to_contain_text(mask_id_number(person.id_number))
    expect(origin.locator("main table")).not_to_contain_text(person.id_number)
    journey.on_page(origin, "proxy-origin-queue", f"{base}/certificates/proxy/")
    row.locator(f"a[href='/certificates/proxy/{application.pk}/']").click()
    expect(origin.locator("input[name=decision]")).to_have_count(2)
    expect(origin.locator("dl.snapshot")).to_contain_text(person.id_number)
    journey.on_page(origin, "proxy-origin-decision", f"{base}/certificates/proxy/{application.pk}/")
    origin.check("input[name=decision][value=issue]")
    origin.click("form.stack button[type=submit]")
    expect(origin.locator("ul.messages li")).to_have_count(1)
    expect(origin.locator("input[name=decision]")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == ProxyStatus.ISSUED
    number = application.certificate.number
    expect(origin.locator("section.issued-certificate")).to_contain_text(number)
    journey.on_page(origin, "proxy-origin-issued", f"{base}/certificates/proxy/{application.pk}/")
    # The certificate's own page: the frozen facts, the way it was requested, and the list it stands in.
    origin.click(f"section.issued-certificate a[href='/certificates/{application.certificate_id}/']")
    expect(origin.locator("dl.snapshot")).to_contain_text("赵春燕")
    journey.on_page(origin, "proxy-origin-certificate", f"{base}/certificates/{application.certificate_id}/")
    origin.click("nav.subnav a[href='/certificates/']")
    expect(origin.locator("main table tbody tr")).to_have_count(1)
    expect(origin.locator("main table")).not_to_contain_text(person.id_number)
    journey.on_page(origin, "proxy-origin-certificate-list", f"{base}/certificates/")
    # The exchange heard the decision: the request is answered, its clock stopped.
    request.refresh_from_db()
    assert request.answered_at is not None
    assert Message.objects.get(pk=request.answer_id).payload["document_number"] == number

    # The destination sees the outcome in its list and downloads the certificate to print for the person.
    destination.goto(f"{base}/certificates/proxy/?tab=outgoing")
    expect(destination.locator(f"main table tbody tr:has(a[href='/certificates/proxy/{application.pk}/'])")
           .locator(".status")).to_have_count(1)
    journey.on_page(destination, "proxy-destination-outgoing", f"{base}/certificates/proxy/?tab=outgoing")
    destination.goto(f"{base}/certificates/proxy/{application.pk}/")
    expect(destination.locator("section.issued-certificate")).to_contain_text(number)
    journey.on_page(destination, "proxy-destination-outcome", f"{base}/certificates/proxy/{application.pk}/")
    with destination.expect_download() as download_info:
        destination.click(f"a[href='/certificates/proxy/{application.pk}/certificate.pdf']")
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert not journey.failed, f"download: failed responses {journey.failed}"

    # The PDF: one A4 page, its number in the text, its QR code read back from the picture and verified.
    pdf = pdfium.PdfDocument(data)
    try:
        assert len(pdf) == 1
        assert [round(x) for x in pdf[0].get_size()] == [595, 842]
        assert number in pdf[0].get_textpage().get_text_range()
        picture = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    type(screenshot).count += 1
    path = ARTIFACTS / f"{type(screenshot).count:02d}-proxy-certificate-pdf.png"
    picture.save(path)
    png = io.BytesIO()
    picture.save(png, "PNG")
    signed = decode_document(read_qr_image(png.getvalue()))
    assert (signed.kind, signed.number, signed.holder) == ("certificate", number, "赵*燕")
