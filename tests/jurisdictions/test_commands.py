"""`huiliu load_divisions`: a CSV of code,name rows, all of it or none, with line numbers for what is wrong."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huiliu.jurisdictions.models import Jurisdiction


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, encoding: str = "utf-8"):
        path = tmp_path / "divisions.csv"
        path.write_text(text, encoding=encoding)
        return str(path)

    return write


def load(path: str) -> str:
    out = StringIO()
    call_command("load_divisions", path, stdout=out)
    return out.getvalue()


def mentions_line(message: str, line: int) -> bool:
    return re.search(rf"(?<!\d){line}(?!\d)", message) is not None


GOOD = "370000000000,山东省\n370100000000,济南市\n370114000000,章丘区\n370114001000,明水街道\n"


def test_a_good_file_is_loaded_with_its_parents(csv_file, db):
    load(csv_file(GOOD))

    assert dict(Jurisdiction.objects.values_list("code", "parent_id")) == {
        370000000000: None,
        370100000000: 370000000000,
        370114000000: 370100000000,
        370114001000: 370114000000,
    }
    assert Jurisdiction.objects.get(code=370114001000).name == "明水街道"


def test_a_header_row_and_a_byte_order_mark_are_allowed(csv_file, db):
    load(csv_file("代码,名称\n" + GOOD, encoding="utf-8-sig"))

    assert Jurisdiction.objects.count() == 4


def test_blank_lines_are_skipped(csv_file, db):
    load(csv_file("370000000000,山东省\n\n370100000000,济南市\n\n"))

    assert Jurisdiction.objects.count() == 2


def test_a_file_with_one_bad_code_is_refused_naming_its_line_and_nothing_is_written(csv_file, db):
    path = csv_file("代码,名称\n370000000000,山东省\n370100000000,济南市\n37011400000,章丘区\n370114001000,明水街道\n")

    with pytest.raises(CommandError) as refused:
        load(path)

    message = str(refused.value)
    assert mentions_line(message, 4)
    assert not any(mentions_line(message, n) for n in (1, 2, 3, 5))
    assert Jurisdiction.objects.count() == 0


def test_a_row_without_a_name_is_refused_naming_its_line(csv_file, db):
    with pytest.raises(CommandError) as refused:
        load(csv_file("370000000000,山东省\n370100000000\n"))

    assert mentions_line(str(refused.value), 2)
    assert Jurisdiction.objects.count() == 0


def test_a_code_that_appears_twice_is_refused_naming_both_lines(csv_file, db):
    path = csv_file("370000000000,山东省\n370100000000,济南市\n370114000000,章丘区\n370100,济南\n")

    with pytest.raises(CommandError) as refused:
        load(path)

    message = str(refused.value)
    assert mentions_line(message, 2) and mentions_line(message, 4)
    assert Jurisdiction.objects.count() == 0


def test_a_six_digit_code_in_a_file_is_padded(csv_file, db):
    load(csv_file("440306,宝安区\n"))

    assert Jurisdiction.objects.filter(code=440306000000, name="宝安区").exists()


def test_the_standard_option_loads_the_counties(db):
    out = StringIO()
    call_command("load_divisions", "--standard", stdout=out)

    assert Jurisdiction.objects.filter(code=440306000000, parent_id=440300000000).exists()
    assert str(Jurisdiction.objects.count()) in out.getvalue()


def test_without_a_file_or_the_standard_option_the_command_refuses(db):
    with pytest.raises(CommandError):
        call_command("load_divisions")


def test_a_file_that_is_not_utf8_is_refused_with_a_message_not_a_traceback(csv_file, db):
    path = csv_file("370000000000,山东省\n", encoding="gbk")

    with pytest.raises(CommandError):
        load(path)
    assert Jurisdiction.objects.count() == 0


def test_a_missing_file_is_refused_with_a_message_not_a_traceback(tmp_path, db):
    with pytest.raises(CommandError):
        load(str(tmp_path / "missing.csv"))
