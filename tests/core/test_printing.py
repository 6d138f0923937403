"""Printed documents: one A4 page, the Chinese font embedded and subset, every character drawn or none."""

import ctypes
import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from huiliu.core.printing import (
    DocumentTooLong,
    MissingGlyphs,
    PrintedDocument,
    missing_characters,
    render_pdf,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"
A4_POINTS = (595.28, 841.89)
QR_TEXT = "HZ1:NLGQ AG80U23//6%96+Q67465W58469%6646646.Q6SX5YG6C7T:5L0J5B4NUJE//6V96*E5*E5"
RARE_NAMES = ["欧阳玥䶮", "王喆", "李𠇔"]  # 䶮: Extension A; 𠇔: Extension B


def certificate(**changes) -> PrintedDocument:
    fields = {
        "title": "婚育情况证明",
        "subtitle": "编号 370114001-2026-000042",
        "rows": [("姓名", RARE_NAMES[0]), ("性别", "女"), ("公民身份号码", "3701**********123X"),
              ("户籍地址", "山东省济南市历城区王舍人街道幸福村 12 号"), ("婚姻状况", "已婚"),
              ("配偶", RARE_NAMES[1]), ("子女", f"{RARE_NAMES[2]}（2019年3月4日出生）")],
        "paragraphs": ["兹证明上述人员的婚育情况如上。本证明依本人申请出具。"],
        "qr_text": QR_TEXT,
        "qr_caption": "扫码核验",
        "issuer_lines": ["济南市历城区王舍人街道办事处", "2026年5月1日"],
        "footer": "二维码经数字签名，可离线核验。",
    }
    fields.update(changes)
    return PrintedDocument(**fields)


def opened(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


def page_text(data: bytes) -> str:
    document = opened(data)
    try:
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def save_screenshot(data: bytes, name: str) -> Path:
    """Render page 1 to PNG for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = opened(data)
    try:
        path = ARTIFACTS / name
        document[0].render(scale=150 / 72).to_pil().save(path)
        return path
    finally:
        document.close()


def test_a_document_prints_as_one_a4_page_whose_text_extracts_back():
    data = render_pdf(certificate())

    document = opened(data)
    assert len(document) == 1
    width, height = document[0].get_size()
    assert (round(width, 1), round(height, 1)) == pytest.approx(A4_POINTS, abs=0.1)
    document.close()
    text = page_text(data)
    for expected in ["婚育情况证明", *RARE_NAMES, "3701**********123X", "济南市历城区王舍人街道办事处", "扫码核验"]:
        assert expected in text
    save_screenshot(data, "certificate.png")


def test_the_font_is_embedded_and_subset():
    data = render_pdf(certificate())

    document = opened(data)
    names = set()
    for page_object in document[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
        font = pdfium_c.FPDFTextObj_GetFont(page_object.raw)
        assert pdfium_c.FPDFFont_GetIsEmbedded(font) == 1
        buffer = ctypes.create_string_buffer(256)
        pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
        names.add(buffer.value.decode())
    document.close()
    assert len(names) == 1 and names.pop().endswith("NotoSansCJKSC")
    # A subset font's name carries a six-letter tag; the whole 12 MB font would make a 12 MB file.
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansCJKSC", data)
    assert b"/FontFile3" in data
    assert len(data) < 200_000


def test_the_qr_code_on_the_page_reads_back():
    from huiliu.core.signed_codes import read_qr_image

    document = opened(render_pdf(certificate()))
    image = io.BytesIO()
    document[0].render(scale=100 / 72).to_pil().save(image, "PNG")
    document.close()

    assert read_qr_image(image.getvalue()) == QR_TEXT


def test_a_character_the_font_lacks_refuses_the_document_and_names_it():
    with pytest.raises(MissingGlyphs) as raised:
        render_pdf(certificate(rows=[("姓名", "𰻞𰻞面馆 😀")]))  # 𰻞: Extension G, beyond the font

    assert raised.value.characters == ["😀", "𰻞"]
    assert "𰻞" in raised.value.errors["__all__"][0]


def test_missing_characters_are_checked_in_every_part_of_the_document():
    for part in [{"title": "𰻞"}, {"subtitle": "𰻞"}, {"paragraphs": ["𰻞"]}, {"qr_caption": "𰻞"},
                 {"issuer_lines": ["𰻞"]}, {"footer": "𰻞"}, {"rows": [("𰻞", "x")]}]:
        with pytest.raises(MissingGlyphs):
            render_pdf(certificate(**part))


def test_the_font_covers_common_and_rare_name_characters():
    assert missing_characters(["王秀英李强欧阳玥䶮王喆𠇔堃犇淼龘·—（）：，。、《》“”0123456789ABCXabc"]) == []


def test_long_content_shrinks_onto_one_page():
    long = certificate(paragraphs=["兹证明上述人员的婚育情况如上。本证明依本人申请出具，仅供本人办理相关事务使用。" * 40],
                       rows=[(f"项目{i}", "内容" * 30) for i in range(12)])

    data = render_pdf(long)

    document = opened(data)
    assert len(document) == 1
    document.close()
    assert "项目11" in page_text(data)
    save_screenshot(data, "long.png")


def test_content_that_cannot_fit_even_in_small_type_is_refused_not_spread_over_pages():
    with pytest.raises(DocumentTooLong):
        render_pdf(certificate(paragraphs=["很长的说明。" * 3000]))


def test_a_document_without_a_qr_code_or_issuer_prints():
    data = render_pdf(PrintedDocument(title="生育登记凭证", rows=[("登记编号", "440306001-2026-000123")]))

    assert "440306001-2026-000123" in page_text(data)
