"""The voucher: one A4 page in Chinese that reads back, with a signed QR code that verifies offline."""

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.utils import timezone, translation

from huiliu.births import actions
from huiliu.births.voucher import render_voucher, voucher_document
from huiliu.core.identity import mask_id_number
from huiliu.core.printing import MissingGlyphs
from huiliu.core.signed_codes import decode_document, read_qr_image

from .conftest import CJK, DESTINATION_VILLAGE, days_from_today, file_online

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"
A4_POINTS = (595.28, 841.89)


def confirmed(worker, **declared):
    return actions.confirm_birth_registration(acting_user=worker, registration=file_online(**declared))


def page_of(data: bytes):
    document = pdfium.PdfDocument(data)
    return document, document[0]


def test_the_voucher_is_one_a4_page_whose_text_holds_its_number_and_the_masked_id(destination_village_worker):
    registration = confirmed(destination_village_worker)

    data = render_voucher(registration)

    document, page = page_of(data)
    try:
        assert len(document) == 1
        assert page.get_size() == pytest.approx(A4_POINTS, abs=0.1)
        text = page.get_textpage().get_text_range()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.render(scale=150 / 72).to_pil().save(ARTIFACTS / "birth-voucher.png")
    finally:
        document.close()
    for expected in (registration.voucher_number, registration.tracking_number, "王秀英",
                     mask_id_number(registration.mother_id_number), "深圳市", "宝安区第1镇第1村"):
        assert expected in text
    assert registration.mother_id_number not in text and registration.father_id_number not in text
    assert registration.phone not in text
    assert CJK.search(text)


def test_the_voucher_qr_reads_back_from_the_page_and_verifies(destination_village_worker, settings):
    registration = confirmed(destination_village_worker)
    document, page = page_of(render_voucher(registration))
    try:
        image = io.BytesIO()
        page.render(scale=100 / 72).to_pil().save(image, "PNG")
    finally:
        document.close()

    decoded = decode_document(read_qr_image(image.getvalue()))

    assert decoded.kind == "voucher" and decoded.number == registration.voucher_number
    assert decoded.holder == "王*英"
    assert decoded.id_number_masked == mask_id_number(registration.mother_id_number)
    assert decoded.issued_on == timezone.localdate(registration.confirmed_at)
    assert decoded.valid_until is None
    assert decoded.issuer_code == DESTINATION_VILLAGE and decoded.deployment == settings.HUILIU_DEPLOYMENT


def test_the_voucher_says_the_registration_rests_on_the_familys_word_and_that_nothing_depends_on_it(
    destination_village_worker
):
    registration = confirmed(destination_village_worker)

    # The sentences come from the catalogue; their source says it plainly, whatever the language of the page.
    with translation.override("en"):
        said = " ".join(voucher_document(registration).paragraphs)

    assert "own declaration" in said and "no certificate or other proof was asked for" in said
    assert "No service depends on this registration" in said


def test_the_voucher_leaves_out_the_number_of_children(destination_village_worker):
    document = voucher_document(confirmed(destination_village_worker, existing_children=2))

    labels = " ".join(label for label, _value in document.rows)
    assert "children" not in labels.lower() and "子女" not in labels


def test_a_born_child_shows_its_birth_date_instead_of_the_expected_one(destination_village_worker):
    registration = confirmed(destination_village_worker, expected_birth_date=None, birth_date=days_from_today(-3))

    values = dict(voucher_document(registration).rows)

    assert any(str(days_from_today(-3).year) in value and str(days_from_today(-3).day) in value
               for value in values.values())


def test_only_a_confirmed_registration_has_a_voucher(registration):
    with pytest.raises(ValueError):
        render_voucher(registration)


def test_a_name_the_font_cannot_draw_refuses_the_voucher_rather_than_misspell_it(destination_village_worker):
    registration = confirmed(destination_village_worker, mother_name="王𰻞")

    with pytest.raises(MissingGlyphs):
        render_voucher(registration)
