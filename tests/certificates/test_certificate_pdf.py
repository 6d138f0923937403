"""The printed certificate: one A4 page from the frozen snapshot, with a signed QR code that verifies."""

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from huiliu.certificates import actions
from huiliu.certificates.certificate_pdf import certificate_document, render_certificate, signed_certificate
from huiliu.core.identity import mask_id_number
from huiliu.core.signed_codes import decode_document, read_qr_image
from huiliu.people import actions as people

from .fixtures import (  # noqa: F401
    ORIGIN_TOWNSHIP,
    certificate,
    family,
    own_signing_key,
)

pytestmark = pytest.mark.usefixtures("own_signing_key")

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "certificates"
A4_POINTS = (595.28, 841.89)


def _text(pdf: pdfium.PdfDocument) -> str:
    return pdf[0].get_textpage().get_text_range()


def _png(pdf: pdfium.PdfDocument, scale: float = 150 / 72) -> bytes:
    image = io.BytesIO()
    pdf[0].render(scale=scale).to_pil().save(image, "PNG")
    return image.getvalue()


def test_the_certificate_is_one_a4_page_with_its_number_and_a_qr_code_that_verifies(certificate, family):
    data = render_certificate(certificate)

    assert data.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(data)
    try:
        assert len(pdf) == 1
        width, height = pdf[0].get_size()
        assert (round(width, 1), round(height, 1)) == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))
        text = _text(pdf)
        png = _png(pdf)
    finally:
        pdf.close()
    assert certificate.number in text
    assert "王秀英" in text
    assert family.id_number in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "certificate.png").write_bytes(png)

    signed = decode_document(read_qr_image(png))
    assert signed == signed_certificate(certificate)
    assert (signed.kind, signed.number, signed.holder) == ("certificate", certificate.number, "王*英")
    assert signed.id_number_masked == mask_id_number(family.id_number)
    assert (signed.issued_on, signed.valid_until) == (certificate.issued_on, certificate.valid_until)
    assert signed.issuer_code == ORIGIN_TOWNSHIP


def test_the_certificate_says_it_was_requested_and_that_nothing_may_depend_on_it(certificate):
    document = certificate_document(certificate)
    text = " ".join([document.title, document.subtitle, *document.paragraphs, *(v for _l, v in document.rows)])

    assert "request" in text or "申请" in text
    assert any("depend" in p or "不得" in p for p in document.paragraphs)


def test_the_printed_certificate_states_the_snapshot_not_todays_record(certificate, family, origin_village_worker):
    people.update_person(acting_user=origin_village_worker, person=family, name="王秀兰", marital_status="40")

    pdf = pdfium.PdfDocument(render_certificate(certificate))
    try:
        text = _text(pdf)
    finally:
        pdf.close()
    assert "王秀英" in text and "王秀兰" not in text
    assert "初婚" in text


def test_the_spouses_id_number_is_masked_on_the_paper(certificate, family):
    rows = dict(certificate_document(certificate).rows)
    assert family.spouse_id_number not in " ".join(rows.values())
    assert mask_id_number(family.spouse_id_number) in " ".join(rows.values())


def test_a_revoked_certificate_prints_as_no_longer_valid(certificate, origin_township_officer):
    revoked = actions.revoke_certificate(acting_user=origin_township_officer, certificate=certificate, reason="作废")
    document = certificate_document(revoked)
    assert revoked.get_status_display() in document.paragraphs[0]
