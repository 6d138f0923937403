"""Reading a file into columns, and which header fills which field.

A file is CSV (UTF-8 with or without a byte-order mark, or GB18030 as Chinese Excel
writes it; comma, tab or semicolon) or XLSX (read with python-calamine). Its first
row is the header; every cell reads as text, so a column of values is a list of str.
"""

import csv
import datetime
import gc
import io
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress
from operator import methodcaller

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    XmlError,
    ZipError,
)

from huiliu.core.errors import ValidationFailed

from .models import ImportKind

# Each field of a kind, with the headers that name it (Chinese first, then English), and whether it is required.
FIELDS: dict[str, list[tuple[str, bool, tuple[str, ...]]]] = {
    ImportKind.PERSONS: [
        ("id_number", True, ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "id_number", "id number", "id")),
        ("name", True, ("姓名", "name", "full name")),
        ("household_code", True, ("户籍地区划代码", "户籍地代码", "户籍区划代码", "household_code", "household code")),
        ("sex", False, ("性别", "sex", "gender")),
        ("birth_date", False, ("出生日期", "生日", "birth_date", "birth date", "date of birth")),
        ("ethnicity", False, ("民族", "ethnicity", "ethnic group")),
        ("household_address", False, ("户籍地址", "户籍地", "户籍所在地", "household_address", "household address")),
        ("marital_status", False, ("婚姻状况", "婚姻状态", "marital_status", "marital status")),
        ("phone", False, ("联系电话", "手机号码", "手机号", "电话", "phone", "mobile")),
        ("education", False, ("文化程度", "学历", "education")),
    ],
    ImportKind.OUTFLOWS: [
        ("id_number", True, ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "id_number", "id number")),
        ("name", True, ("姓名", "name")),
        ("departure_date", True, ("外出时间", "流出日期", "外出日期", "流出时间", "departure_date", "departure date")),
        ("reason", True, ("外出原因", "流出原因", "reason")),
        ("destination_code", False, ("流入地区划代码", "外出地区划代码", "去向区划代码", "destination_code", "destination code")),
        ("destination_address", False, ("流入地", "流入地址", "外出地址", "外出去向", "去向", "destination_address",
                                         "destination")),
        ("employer", False, ("工作单位", "务工单位", "employer")),
        ("work_background", False, ("从事职业", "职业", "work_background", "occupation")),
        ("contact_phone", False, ("联系电话", "手机号码", "电话", "contact_phone", "phone")),
        ("village_contact", False, ("村联系人", "village_contact")),
    ],
    ImportKind.INFLOWS: [
        ("id_number", True, ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "id_number", "id number")),
        ("name", True, ("姓名", "name")),
        ("arrival_date", True, ("流入时间", "流入日期", "到达日期", "来本地时间", "arrival_date", "arrival date")),
        ("residence_code", True, ("现居住地区划代码", "居住地区划代码", "现住地区划代码", "residence_code", "residence code")),
        ("address", True, ("现居住地址", "现住址", "居住地址", "address", "residence address")),
        ("residence_type", False, ("居住类型", "住所类型", "住房类型", "residence_type", "residence type")),
        ("landlord_or_employer", False, ("房东或雇主", "房东", "雇主", "用工单位", "landlord_or_employer", "landlord")),
        ("household_code", False, ("户籍地区划代码", "户籍地代码", "流出地区划代码", "household_code", "household code")),
        ("household_address", False, ("户籍地址", "户籍地", "流出地", "household_address", "household address")),
        ("sex", False, ("性别", "sex")),
        ("birth_date", False, ("出生日期", "birth_date", "birth date")),
        ("phone", False, ("联系电话", "手机号码", "电话", "phone")),
        ("marital_status", False, ("婚姻状况", "marital_status", "marital status")),
    ],
    ImportKind.SERVICES: [
        ("id_number", True, ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "id_number", "id number")),
        ("name", True, ("姓名", "name")),
        ("service_type", True, ("服务类型", "服务项目", "服务内容", "service_type", "service type", "service")),
        ("service_date", True, ("服务日期", "服务时间", "service_date", "service date")),
        ("provider", True, ("服务机构", "提供者", "服务提供者", "服务单位", "提供单位", "provider")),
        ("consent_given", False, ("知情同意", "是否知情同意", "本人同意", "consent_given", "consent", "informed consent")),
        ("consent_way", False, ("同意方式", "知情同意方式", "consent_way", "consent way")),
        ("consent_on", False, ("同意日期", "知情同意日期", "consent_on", "consent date")),
        ("method_chosen", False, ("所选方法", "选择方法", "本人选择的方法", "避孕方法", "method_chosen", "method")),
        ("outcome", False, ("备注", "服务结果", "结果", "outcome", "notes", "remarks")),
    ],
}

# The roll of a census: who was found where, on the ground.
CENSUS_FIELDS = [
    ("id_number", True, ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码", "id_number", "id number")),
    ("name", True, ("姓名", "name")),
    ("residence_code", True, ("现居住地区划代码", "居住地区划代码", "现住地区划代码", "residence_code", "residence code")),
    ("address", False, ("现居住地址", "现住址", "居住地址", "address")),
    ("phone", False, ("联系电话", "手机号码", "电话", "phone")),
    ("household_code", False, ("户籍地区划代码", "户籍地代码", "household_code", "household code")),
]
CENSUS = "census"
FIELDS[CENSUS] = CENSUS_FIELDS

FIELD_LABELS = {
    "id_number": gettext_lazy("ID number"), "name": gettext_lazy("Name"),
    "household_code": gettext_lazy("Household place code"), "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Birth date"), "ethnicity": gettext_lazy("Ethnic group"),
    "household_address": gettext_lazy("Household address"), "marital_status": gettext_lazy("Marital status"),
    "phone": gettext_lazy("Phone"), "education": gettext_lazy("Education"),
    "departure_date": gettext_lazy("Departure date"), "reason": gettext_lazy("Reason for leaving"),
    "destination_code": gettext_lazy("Destination code"), "destination_address": gettext_lazy("Destination"),
    "employer": gettext_lazy("Employer"), "work_background": gettext_lazy("Work"),
    "contact_phone": gettext_lazy("Contact phone"), "village_contact": gettext_lazy("Village contact"),
    "arrival_date": gettext_lazy("Arrival date"), "residence_code": gettext_lazy("Residence code"),
    "address": gettext_lazy("Address"), "residence_type": gettext_lazy("Residence type"),
    "landlord_or_employer": gettext_lazy("Landlord or employer"),
    "service_type": gettext_lazy("Type of service"), "service_date": gettext_lazy("Service date"),
    "provider": gettext_lazy("Provider"), "consent_given": gettext_lazy("Informed consent"),
    "consent_way": gettext_lazy("How consent was given"), "consent_on": gettext_lazy("Date of consent"),
    "method_chosen": gettext_lazy("Method chosen by the person (supplies)"),
    "outcome": gettext_lazy("Outcome or result"),
}


def field_names(kind: str) -> list[str]:
    return [name for name, _required, _headers in FIELDS[kind]]


def required_fields(kind: str) -> list[str]:
    return [name for name, required, _headers in FIELDS[kind] if required]


def _folded(header: str) -> str:
    """A header compared loosely: NFKC, no spaces, stars or bracketed notes, lower case."""
    text = unicodedata.normalize("NFKC", str(header or "")).replace("\ufeff", "")
    text = re.sub(r"\(.*?\)|\[.*?\]|[\s*:：_\-]", "", text)
    return text.lower()


def detect_columns(kind: str, headers: list[str]) -> dict[str, str]:
    """field → header, for each field whose usual header (Chinese or English) the file has."""
    folded = {}
    for header in headers:
        folded.setdefault(_folded(header), header)
    found = {}
    for name, _required, names in FIELDS[kind]:
        for candidate in names:
            header = folded.get(_folded(candidate))
            if header is not None and header not in found.values():
                found[name] = header
                break
    return found


def complete_columns(kind: str, headers: list[str], columns: dict[str, str]) -> dict[str, str]:
    """The saved or chosen mapping where it names a header of this file, the detected one elsewhere."""
    chosen = {name: header for name, header in (columns or {}).items() if header in headers and name in field_names(kind)}
    for name, header in detect_columns(kind, headers).items():
        if name not in chosen and header not in chosen.values():
            chosen[name] = header
    return chosen


def missing_required(kind: str, columns: dict[str, str]) -> list[str]:
    return [name for name in required_fields(kind) if not columns.get(name)]


@dataclass
class Table:
    """A file read as text: its headers, its columns (lists of str, one per header), and each row's line number."""

    headers: list[str]
    columns: list[list[str]]
    lines: list[int]

    @property
    def row_count(self) -> int:
        return len(self.lines)

    def column(self, header: str | None) -> list[str] | None:
        if header is None or header not in self.headers:
            return None
        return self.columns[self.headers.index(header)]


def decode(content: bytes) -> str:
    """UTF-8 (a byte-order mark dropped), else GB18030: what Chinese Excel writes as "CSV"."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": [_("The file is neither UTF-8 nor GB18030 text.")]}) from None


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


@contextmanager
def paused_gc():
    """Without the cyclic garbage collector for the duration: a file makes millions of lists and strings, none of them
    in a cycle, and the collector would walk them all again and again (a million-row CSV reads 2.5 times faster)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_table(content: bytes) -> Table:
    """The file's header row and columns; refuses an empty file or one with no header."""
    with paused_gc():
        return _read_table(content)


def _read_table(content: bytes) -> Table:
    rows = _xlsx_rows(content) if is_xlsx(content) else _csv_rows(content)
    if not rows:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    header_row, body = rows[0], rows[1:]
    headers = [str(h).strip() for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ValidationFailed({"file": [_("The first row of the file must hold the column headers.")]})
    width = len(headers)
    filled = list(map(any, body))
    if all(filled):
        kept, lines = body, list(range(2, len(body) + 2))
    else:
        kept = list(compress(body, filled))
        lines = list(compress(range(2, len(body) + 2), filled))
    if kept and set(map(len, kept)) != {width}:
        kept = [(row + [""] * width)[:width] if len(row) != width else row for row in kept]
    columns = list(map(list, zip(*kept))) if kept else [[] for _h in headers]
    return Table(headers=headers, columns=columns, lines=lines)


def _csv_rows(content: bytes) -> list[list[str]]:
    text = decode(content)
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",\t;", key=first.count)
    if '"' not in text:  # nothing quoted: plain splitting, several times faster than the csv module
        lines = text.split("\r\n") if first.endswith("\r") else text.split("\n")
        while lines and not lines[-1]:
            lines.pop()
        return list(map(methodcaller("split", delimiter), lines))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, PasswordError, XmlError, ZipError, ValueError, OSError):
        raise ValidationFailed({"file": [_("The file could not be read as an XLSX workbook.")]}) from None
    return [[_cell_text(value) for value in row] for row in rows]


def _cell_text(value) -> str:
    """A cell as text: whole numbers without ".0", dates in ISO."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)
