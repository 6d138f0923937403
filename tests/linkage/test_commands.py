import csv
import io

import pytest
from django.core.management import CommandError, call_command
from stdnum.cn import ric

from huiliu.linkage import model


def valid_id(body17):
    return body17 + ric.calc_check_digit(body17 + "0")


WANG = valid_id("37010219850307002")
ZHANG = valid_id("51010419900101001")
SUN = valid_id("41010519790312004")


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def files(tmp_path):
    # Side A: a spreadsheet saved by Excel in GBK, Chinese headers, an extra column.
    a = write(tmp_path / "a.csv", (
        "序号,姓名,身份证号,出生日期,性别,户籍县\r\n"
        f"1,王秀英,{WANG},1985-03-07,女,370102\r\n"
        "2,李建国,,1962-11-02,男,410105\r\n"
        f"3,张伟,{ZHANG},1990-01-01,男,510104\r\n"
        f"4,孙丽娟,{SUN},1979-03-12,女,410105\r\n"
        "5,周杰,,1975-01-30,男,370102\r\n"
    ), "gb18030")
    # Side B: English headers, UTF-8 with a byte-order mark, another order of rows and columns.
    zhang_transposed = ZHANG[:10] + ZHANG[11] + ZHANG[10] + ZHANG[12:]
    b = write(tmp_path / "b.csv", (
        "\ufeffid_number,name,sex,birth_date,county\n"
        f"{zhang_transposed},张伟,M,1990-01-01,510104\n"
        f"{WANG},王秀英,F,1985-03-07,370102\n"
        ",李建国,M,1962-02-11,410105\n"
        ",吴芳,F,1993-08-08,370102\n"
        f"{SUN[:7]}0{SUN[8:]},孙丽娟,F,1979-03-12,410105\n"
    ))
    return a, b, tmp_path / "pairs.csv"


def test_link_writes_each_pair_with_its_score_and_reason(files):
    a, b, out = files
    output = io.StringIO()
    call_command("link", str(a), str(b), "--out", str(out), stdout=output)
    assert "5 条与 5 条记录：自动关联 4 对，待复核 0 对" in output.getvalue()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"a_row","b_row","a_name","b_name","score","decision","reason"'
    rows = list(csv.DictReader(lines))
    assert [(r["a_row"], r["b_row"], r["a_name"], r["b_name"], r["decision"], r["reason"]) for r in rows] == [
        ("2", "3", "王秀英", "王秀英", "link", "exact_id"),
        ("3", "4", "李建国", "李建国", "link", "name+birth_date_swapped+sex+county"),
        ("4", "2", "张伟", "张伟", "link", "id_transposed+name+birth_date+sex+county"),
        ("5", "6", "孙丽娟", "孙丽娟", "link", "id_one_digit+name+birth_date+sex+county"),
    ]
    assert float(rows[0]["score"]) == round(model.exact_id_score(), 2)
    assert all(float(r["score"]) >= model.LINK_SCORE for r in rows)


def test_link_refuses_a_file_without_any_known_column(files, tmp_path):
    a, _, out = files
    other = write(tmp_path / "other.csv", "编号,地址\n1,某村\n")
    with pytest.raises(CommandError, match="没有可识别的列"):
        call_command("link", str(a), str(other), "--out", str(out))
    assert not out.exists()


def test_link_says_which_file_is_missing(files, tmp_path):
    a, _, out = files
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("link", str(a), str(tmp_path / "nowhere.csv"), "--out", str(out))
