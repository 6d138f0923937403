"""Plain-text tables for the console, aligned for Chinese characters (two columns wide each)."""

import unicodedata


def text_width(text: str) -> int:
    """Columns the text takes on a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(header: list[str], rows: list[list[str]], *, right: frozenset[int] = frozenset()) -> str:
    """Columns padded to their widest cell; the columns numbered in `right` are right-aligned."""
    widths = [max(text_width(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells) -> str:
        padded = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            gap = " " * (width - text_width(str(cell)))
            padded.append(gap + str(cell) if i in right else str(cell) + gap)
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
