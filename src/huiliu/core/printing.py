"""One-page A4 documents in Chinese: a title, a table of fields, free text, a signed QR code and the issuer.

The font (Noto Sans CJK SC, every Han block, in core/fonts/) is embedded and
subset in each PDF, so any standard viewer shows it without fonts installed on the
reader's machine. fpdf2 silently drops a character its font lacks, which on an
official paper would misspell a name, so every character is checked against the
font first and a missing one refuses the whole document. Long content is shrunk
and wrapped until it fits one page; it never flows onto a second.
"""

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF

from .errors import ValidationFailed

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular.subset.otf"
FAMILY = "notosanssc"

# A4 in millimetres, and the fixed parts of the layout.
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
MARGIN = 20.0
FOOTER_TOP = PAGE_HEIGHT - 18.0
QR_SIZE = 36.0  # with its quiet zone; 0.59 mm a module at version 9: a phone reads it at arm's length
LABEL_WIDTH = 40.0
ISSUER_WIDTH = 80.0
CELL_PADDING = 2.0
POINT = 0.3528  # millimetres in a typographic point

# Sizes in points at full scale; everything but the QR code shrinks together when the content is long.
TITLE_SIZE, SUBTITLE_SIZE, BODY_SIZE, SMALL_SIZE = 22.0, 11.0, 12.0, 8.5
SCALES = [1.0 - step * 0.025 for step in range(21)]  # down to half size: 6 pt body text is still legible

INK = (0, 0, 0)
GREY = (90, 90, 90)
RULE = (150, 150, 150)
LABEL_FILL = (238, 242, 248)

# Chinese line breaking (GB/T 15834 practice): closing marks never start a line, opening marks never end one.
NO_LINE_START = set("，。、；：！？）》」』】〕〉”’…—·%,.;:!?)]}")
NO_LINE_END = set("（《「『【〔〈“‘([{")
# A run of Latin letters, digits and ASCII punctuation (a number, an ID, a word) breaks only when it must.
TOKEN = re.compile(r"[!-~]+| |.")


@dataclass
class PrintedDocument:
    """What a printed page says; the layout is this module's business."""

    title: str
    rows: list[tuple[str, str]]
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    qr_text: str | None = None
    qr_caption: str = ""
    issuer_lines: list[str] = field(default_factory=list)
    footer: str = ""


class MissingGlyphs(ValidationFailed):
    """The font has no glyph for some characters of the document: printing it would drop them silently."""

    def __init__(self, characters: list[str]):
        self.characters = characters
        super().__init__(_("The font lacks these characters: %(characters)s") % {"characters": " ".join(characters)})


class DocumentTooLong(ValidationFailed):
    """Even at the smallest type the content does not fit one page."""


def render_pdf(document: PrintedDocument) -> bytes:
    """Lay the document out on one A4 page and return the PDF with its font embedded and subset."""
    document = _cleaned(document)
    missing = missing_characters(_texts(document))
    if missing:
        raise MissingGlyphs(missing)

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FAMILY, "", FONT_FILE)
    pdf.set_lang("zh-CN")
    pdf.set_title(document.title)
    pdf.set_creator("汇流 Huiliu")
    pdf.add_page()
    page = _Page(pdf)

    band_top = FOOTER_TOP - 4.0 - page.bottom_band_height(document)
    body_bottom = band_top - 6.0
    for scale in SCALES:
        if page.body_height(document, scale) <= body_bottom - MARGIN:
            break
    else:
        raise DocumentTooLong(_("The document is too long to print on one page."))

    page.draw_body(document, scale)
    page.draw_bottom_band(document, band_top)
    page.draw_footer(document)
    return bytes(pdf.output())


def missing_characters(texts: list[str]) -> list[str]:
    """The characters of the texts that the font cannot draw, each once, in order of code point."""
    cmap = _font_codepoints()
    return sorted({c for text in texts for c in text if c != "\n" and ord(c) not in cmap})


@functools.cache
def _font_codepoints() -> frozenset[int]:
    font = TTFont(FONT_FILE, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _cleaned(document: PrintedDocument) -> PrintedDocument:
    # Tabs and carriage returns are layout, not text: the font has no glyph for them and needs none.
    # No Unicode normalisation: NFC would turn a compatibility ideograph chosen for a name into another character.
    def clean(text: str) -> str:
        return str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")

    return PrintedDocument(
        title=clean(document.title), subtitle=clean(document.subtitle),
        rows=[(clean(label), clean(value)) for label, value in document.rows],
        paragraphs=[clean(p) for p in document.paragraphs], qr_text=document.qr_text,
        qr_caption=clean(document.qr_caption), issuer_lines=[clean(line) for line in document.issuer_lines],
        footer=clean(document.footer))


def _texts(document: PrintedDocument) -> list[str]:
    return [document.title, document.subtitle, document.qr_caption, document.footer,
            *(text for row in document.rows for text in row), *document.paragraphs, *document.issuer_lines]


def _line_height(size: float) -> float:
    return size * POINT * 1.5


class _Page:
    """Measure and draw on the one page: line breaking is done here, not by fpdf2, to follow Chinese rules."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.width = PAGE_WIDTH - 2 * MARGIN
        self._widths: dict[str, float] = {}

    # --- Measuring -------------------------------------------------------------------------------------

    def text_width(self, text: str, size: float) -> float:
        """The width in mm at this size; glyph widths scale with the size, so each is measured once."""
        total = 0.0
        for character in text:
            unit = self._widths.get(character)
            if unit is None:
                self.pdf.set_font(FAMILY, size=10)
                unit = self._widths[character] = self.pdf.get_string_width(character) / 10
            total += unit
        return total * size

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Break the text into lines no wider than `width`, keeping Latin runs whole and punctuation in place."""
        lines = []
        for paragraph in text.split("\n"):
            tokens = []
            for token in TOKEN.findall(paragraph):
                # A run wider than the whole line has to break somewhere: between its characters.
                tokens.extend(list(token) if len(token) > 1 and self.text_width(token, size) > width else [token])
            line: list[str] = []
            used = 0.0
            for token in tokens:
                token_width = self.text_width(token, size)
                if line and used + token_width > width and token != " ":
                    carried = []
                    if token[0] in NO_LINE_START and len(line) > 1:
                        carried.insert(0, line.pop())
                    while len(line) > 1 and line[-1][-1] in NO_LINE_END:
                        carried.insert(0, line.pop())
                    lines.append("".join(line).rstrip())
                    line = carried
                    used = sum(self.text_width(t, size) for t in line)
                if token == " " and not line:
                    continue  # no space at the start of a wrapped line
                line.append(token)
                used += token_width
            lines.append("".join(line).rstrip())
        return lines

    def text_height(self, text: str, width: float, size: float) -> float:
        return len(self.wrap(text, width, size)) * _line_height(size)

    def row_height(self, label: str, value: str, size: float) -> float:
        inner = self._cell_widths()
        return max(self.text_height(label, inner[0], size), self.text_height(value, inner[1], size)) + 2 * CELL_PADDING

    def body_height(self, document: PrintedDocument, scale: float) -> float:
        """The height of title, subtitle, table and paragraphs at this scale."""
        height = self.text_height(document.title, self.width, TITLE_SIZE * scale)
        if document.subtitle:
            height += self.text_height(document.subtitle, self.width, SUBTITLE_SIZE * scale)
        height += 8.0 * scale
        height += sum(self.row_height(label, value, BODY_SIZE * scale) for label, value in document.rows)
        if document.paragraphs:
            height += 5.0 * scale
            height += sum(self.text_height(p, self.width, BODY_SIZE * scale) + 2.0 * scale
                          for p in document.paragraphs)
        return height

    def bottom_band_height(self, document: PrintedDocument) -> float:
        qr = 0.0
        if document.qr_text:
            caption = self.text_height(document.qr_caption, QR_SIZE + 16, SMALL_SIZE) if document.qr_caption else 0
            qr = QR_SIZE + caption
        return max(qr, len(document.issuer_lines) * _line_height(BODY_SIZE))

    def _cell_widths(self) -> tuple[float, float]:
        return LABEL_WIDTH - 2 * CELL_PADDING, self.width - LABEL_WIDTH - 2 * CELL_PADDING

    # --- Drawing ----------------------------------------------------------------------------------------

    def write(self, text: str, x: float, y: float, width: float, size: float, align: str = "L") -> float:
        """Draw the wrapped text from (x, y) and return the y below it."""
        self.pdf.set_font(FAMILY, size=size)
        for line in self.wrap(text, width, size):
            self.pdf.set_xy(x, y)
            self.pdf.cell(width, _line_height(size), line, align=align)
            y += _line_height(size)
        return y

    def draw_body(self, document: PrintedDocument, scale: float) -> None:
        pdf = self.pdf
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*INK)
        # The one embedded face is Regular (a Bold face would double the font's weight in the repository):
        # stroking the outlines as well as filling them gives the title a heavier look.
        with pdf.local_context(text_mode="FILL_STROKE", line_width=0.25 * scale):
            y = self.write(document.title, MARGIN, MARGIN, self.width, TITLE_SIZE * scale, align="C")
        if document.subtitle:
            pdf.set_text_color(*GREY)
            y = self.write(document.subtitle, MARGIN, y, self.width, SUBTITLE_SIZE * scale, align="C")
            pdf.set_text_color(*INK)
        y += 8.0 * scale

        size = BODY_SIZE * scale
        label_width, value_width = self._cell_widths()
        pdf.set_line_width(0.2)
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(*LABEL_FILL)
        for label, value in document.rows:
            height = self.row_height(label, value, size)
            pdf.rect(MARGIN, y, LABEL_WIDTH, height, style="DF")
            pdf.rect(MARGIN + LABEL_WIDTH, y, self.width - LABEL_WIDTH, height, style="D")
            # Each cell's text is centred vertically in the row.
            label_top = y + (height - self.text_height(label, label_width, size)) / 2
            value_top = y + (height - self.text_height(value, value_width, size)) / 2
            self.write(label, MARGIN + CELL_PADDING, label_top, label_width, size, align="C")
            self.write(value, MARGIN + LABEL_WIDTH + CELL_PADDING, value_top, value_width, size)
            y += height

        if document.paragraphs:
            y += 5.0 * scale
            for paragraph in document.paragraphs:
                y = self.write(paragraph, MARGIN, y, self.width, size) + 2.0 * scale

    def draw_bottom_band(self, document: PrintedDocument, top: float) -> None:
        """The QR code with its caption at the left, the issuing office and date at the right, level with each other."""
        pdf = self.pdf
        if document.qr_text:
            _draw_qr(pdf, document.qr_text, MARGIN, top, QR_SIZE)
            if document.qr_caption:
                pdf.set_text_color(*GREY)
                self.write(document.qr_caption, MARGIN - 8, top + QR_SIZE, QR_SIZE + 16, SMALL_SIZE, align="C")
                pdf.set_text_color(*INK)
        if document.issuer_lines:
            # A long office name gets smaller type rather than running into the QR code.
            widest = max(self.text_width(line, BODY_SIZE) for line in document.issuer_lines)
            size = min(BODY_SIZE, BODY_SIZE * (ISSUER_WIDTH - 2) / widest) if widest else BODY_SIZE
            height = len(document.issuer_lines) * _line_height(size)
            y = top + (QR_SIZE - height) / 2 if document.qr_text else top
            pdf.set_font(FAMILY, size=size)
            for line in document.issuer_lines:
                pdf.set_xy(PAGE_WIDTH - MARGIN - ISSUER_WIDTH, y)
                pdf.cell(ISSUER_WIDTH, _line_height(size), line, align="C")
                y += _line_height(size)

    def draw_footer(self, document: PrintedDocument) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, FOOTER_TOP, PAGE_WIDTH - MARGIN, FOOTER_TOP)
        if document.footer:
            # Three lines fit under the rule; a longer footer gets smaller type instead of running off the page.
            size = SMALL_SIZE
            while size > 5 and self.text_height(document.footer, self.width, size) > PAGE_HEIGHT - FOOTER_TOP - 4:
                size -= 0.5
            pdf.set_text_color(*GREY)
            self.write(document.footer, MARGIN, FOOTER_TOP + 1.5, self.width, size, align="C")


def _draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector rectangles, one a run of dark modules: sharp at any zoom or printer."""
    matrix = segno.make(text, error="m", micro=False, boost_error=False).matrix
    # The size includes the quiet zone of four modules a side that scanners need to find the code.
    module = size / (len(matrix) + 8)
    x, y = x + 4 * module, y + 4 * module
    pdf.set_fill_color(*INK)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # A hair wider than the module, so no white seam shows between neighbouring rectangles.
                pdf.rect(x + start * module, y + r * module, (c - start) * module + 0.01, module + 0.01, style="F")
            else:
                c += 1
