"""Records from a CSV file with the standard columns, and pairs written back to CSV (for `huiliu link`).

Headers are recognised in Chinese or English (姓名/name, 身份证号/id_number, 出生日期/birth_date,
性别/sex, 户籍县/county, and a few usual variants); other columns are ignored and a missing
one counts as empty. Every value is read as text, so ID numbers and codes keep their
leading zeros. The file may be UTF-8 (with or without the byte-order mark Excel writes)
or GB18030 (GBK), which Chinese spreadsheets often save. Pure: no Django.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from .matcher import COLUMNS

HEADERS = {
    "name": ("name", "姓名", "名字"),
    "id_number": ("id_number", "id", "身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "birth_date": ("birth_date", "birthdate", "出生日期", "出生年月日", "生日"),
    "sex": ("sex", "gender", "性别"),
    "county": ("county", "county_code", "户籍县", "户籍县代码", "户籍地县", "户籍所在县"),
}
_COLUMN_OF = {header.lower(): column for column, headers in HEADERS.items() for header in headers}

PAIR_HEADER = ("a_row", "b_row", "a_name", "b_name", "score", "decision", "reason")


class UnreadableFile(Exception):
    """The file cannot be read as records (the message says why, in Chinese)."""


def read_records(path: str | Path) -> pa.Table:
    """The file's records with the standard columns (strings; an empty cell is null)."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"找不到文件：{path}")
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise UnreadableFile(f"文件为空：{path}")
    header = [h.strip().lstrip("\ufeff") for h in header]
    known = {h: _COLUMN_OF[h.lower()] for h in header if h.lower() in _COLUMN_OF}
    if not known:
        raise UnreadableFile(
            f"{path.name} 中没有可识别的列，应有 姓名/name、身份证号/id_number、出生日期/birth_date、"
            "性别/sex、户籍县/county 中的至少一列。"
        )
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf8" if encoding.startswith("utf-8") else encoding,
                                           column_names=header, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, include_columns=list(known),
                strings_can_be_null=True, null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise UnreadableFile(f"无法读取 {path.name}：{error}") from None
    columns = {}
    for column in COLUMNS:
        source = next((h for h, c in known.items() if c == column), None)
        columns[column] = table.column(source) if source else pa.nulls(table.num_rows, pa.string())
    return pa.table(columns)


def write_pairs(path: str | Path, pairs: pa.Table, left: pa.Table, right: pa.Table) -> None:
    """One line a pair: the rows as a spreadsheet numbers them (the header is row 1), both names, score, reason."""
    a_name = pc.take(left.column("name"), pairs.column("left_row"))
    b_name = pc.take(right.column("name"), pairs.column("right_row"))
    out = pa.table({
        "a_row": pc.add(pairs.column("left_row"), 2),
        "b_row": pc.add(pairs.column("right_row"), 2),
        "a_name": a_name,
        "b_name": b_name,
        "score": pc.round(pairs.column("score"), 2),
        "decision": pairs.column("decision"),
        "reason": pairs.column("reason"),
    })
    pacsv.write_csv(out, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def _encoding(path: Path) -> str:
    head = path.read_bytes()[:1 << 16]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not merely a character cut at the end of the sample
            return "gb18030"
    return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
