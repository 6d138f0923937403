"""Fixtures for the imports tests: files of persons written as CSV or XLSX, a few rows good, one bad."""

import datetime
import io

import pytest
from openpyxl import Workbook

from tests import factories as f

PERSON_HEADERS = ["姓名", "公民身份号码", "性别", "出生日期", "民族", "户籍地址", "户籍地区划代码", "婚姻状况", "联系电话"]
ORIGIN_VILLAGE = f.village(f.ORIGIN_COUNTY)
OTHER_VILLAGE = f.village(f.ORIGIN_COUNTY, 2, 1)


def person_row(name: str, *, born=datetime.date(1990, 5, 17), sex="F", code=ORIGIN_VILLAGE, number=None, **changes):
    number = number or f.id_number(f.ORIGIN_COUNTY, born=born, sex=sex)
    row = {"姓名": name, "公民身份号码": number, "性别": "女" if sex == "F" else "男", "出生日期": born.isoformat(),
           "民族": "汉族", "户籍地址": "章丘区第1镇第1村 12 号", "户籍地区划代码": str(code), "婚姻状况": "已婚",
           "联系电话": "13800001234"}
    row.update(changes)
    return row


def csv_bytes(rows: list[dict], *, headers=PERSON_HEADERS, encoding="utf-8-sig") -> bytes:
    lines = [",".join(headers)] + [",".join(str(row.get(h, "")) for h in headers) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers=PERSON_HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def good_rows():
    return [person_row("张伟", sex="M"), person_row("李娜"), person_row("王芳", born=datetime.date(1985, 2, 3))]


@pytest.fixture
def file_with_one_bad_row(good_rows):
    """Three good rows and, on line 3 of the file, an ID number whose check digit is wrong."""
    bad = person_row("赵敏")
    last = bad["公民身份号码"][-1]
    bad["公民身份号码"] = bad["公民身份号码"][:-1] + ("0" if last != "0" else "1")
    return csv_bytes([good_rows[0], bad, good_rows[1], good_rows[2]])
