"""Importing persons, departures and arrivals: every row checked, valid rows in one transaction, nothing twice."""

import datetime
import io

import pytest
from python_calamine import CalamineWorkbook

from huiliu.audit.models import AuditEvent
from huiliu.audit.queries import find_first_broken_event
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.imports import actions
from huiliu.imports.models import BatchStatus, ImportKind
from huiliu.imports.spreadsheets import report_bytes
from huiliu.people.models import (
    InflowRegistration,
    MigrationStatus,
    OutflowRegistration,
    Person,
)
from tests import factories as f

from .conftest import ORIGIN_VILLAGE, PERSON_HEADERS, csv_bytes, person_row, xlsx_bytes


def upload(user, content, kind=ImportKind.PERSONS, name="人员.csv", mapping=None):
    return actions.upload_file(acting_user=user, kind=kind, file_name=name, content=content, mapping=mapping)


def check_and_import(user, content, kind=ImportKind.PERSONS, name="人员.csv"):
    batch = upload(user, content, kind, name)
    actions.check_batch(acting_user=user, batch=batch)
    return batch, actions.import_batch(acting_user=user, batch=batch)


def read_xlsx(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_a_file_with_one_bad_row_is_reported_by_line_and_column_and_nothing_is_imported_until_the_user_chooses(
        origin_village_worker, file_with_one_bad_row):
    batch = upload(origin_village_worker, file_with_one_bad_row)
    checked = actions.check_batch(acting_user=origin_village_worker, batch=batch)

    assert [(p["line"], p["column"], p["message"]) for p in checked.report()] == [
        (3, "公民身份号码", "身份证号码校验位不正确，请核对。")]
    batch.refresh_from_db()
    assert (batch.status, batch.valid_count, batch.error_count) == (BatchStatus.CHECKED, 3, 1)
    assert Person.objects.count() == 0

    actions.import_batch(acting_user=origin_village_worker, batch=batch)

    assert sorted(Person.objects.values_list("name", flat=True)) == ["张伟", "李娜", "王芳"]
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.content) == (BatchStatus.IMPORTED, 3, b"")


def test_the_page_import_needs_the_check_first(origin_village_worker, file_with_one_bad_row):
    batch = upload(origin_village_worker, file_with_one_bad_row)

    with pytest.raises(ValidationFailed, match="请先检查"):
        actions.import_batch(acting_user=origin_village_worker, batch=batch)
    assert Person.objects.count() == 0


def test_importing_the_same_file_a_second_time_adds_nothing(origin_village_worker, good_rows):
    content = csv_bytes(good_rows)
    check_and_import(origin_village_worker, content)
    persons = set(Person.objects.values_list("pk", "updated_at"))

    second, checked = check_and_import(origin_village_worker, content)

    assert (checked.valid, checked.unchanged, checked.bad_rows) == (0, 3, 0)
    assert set(Person.objects.values_list("pk", "updated_at")) == persons and len(persons) == 3
    second_event = AuditEvent.objects.get(event="import", object_id=str(second.pk)).detail
    assert second_event["created"] == 0 and "persons" not in second_event
    assert actions.earlier_import(second) is not None


def test_a_person_registered_with_the_same_number_and_name_is_unchanged_and_another_name_is_refused(
        origin_village_worker):
    registered = f.register_resident(origin_village_worker, name="孙丽")
    same = person_row("孙丽", number=registered.id_number)
    other = person_row("孙莉", number=registered.id_number)

    checked = actions.check_batch(acting_user=origin_village_worker,
                                  batch=upload(origin_village_worker, csv_bytes([same])))
    assert (checked.valid, checked.unchanged, checked.problems) == (0, 1, [])

    checked = actions.check_batch(acting_user=origin_village_worker,
                                  batch=upload(origin_village_worker, csv_bytes([other])))
    assert checked.report()[0]["column"] == "姓名"
    assert checked.report()[0]["message"] == "姓名与该身份证号码登记的姓名不一致，请核对身份证件。"


def test_every_rule_is_reported_with_its_row(origin_village_worker):
    rows = [
        person_row("甲", sex="M", 性别="女"),
        person_row("乙", 出生日期="1991-01-01"),
        person_row("丙", 户籍地区划代码="370114999999"),
        person_row("丁", 户籍地区划代码="12345"),
        person_row("", ),
        person_row("戊", 民族="火星族"),
        person_row("己", 联系电话="12345"),
        person_row("庚", 婚姻状况="很好"),
        person_row("辛", 公民身份号码="37011419900517"),
    ]
    dup = person_row("壬")
    rows += [dup, dict(dup, 姓名="癸")]
    checked = actions.check_batch(acting_user=origin_village_worker,
                                  batch=upload(origin_village_worker, csv_bytes(rows)))

    found = {(p["line"], p["column"]) for p in checked.report()}
    assert found == {(2, "性别"), (3, "出生日期"), (4, "户籍地区划代码"), (5, "户籍地区划代码"), (6, "姓名"),
                     (7, "民族"), (8, "联系电话"), (9, "婚姻状况"), (10, "公民身份号码"), (12, "公民身份号码")}
    messages = {p["line"]: p["message"] for p in checked.report()}
    assert messages[2] == "性别与身份证号码第 17 位不符。"
    assert messages[4] == "没有这个行政区划。"
    assert "第 11 行" in messages[12]
    assert checked.valid == 1


def test_rows_whose_household_place_is_outside_the_writing_scope_are_refused_row_by_row(origin_village_worker):
    inside = person_row("张伟")
    outside = person_row("李娜", code=f.village(f.ORIGIN_COUNTY, 2, 1))
    batch = upload(origin_village_worker, csv_bytes([inside, outside]))
    checked = actions.check_batch(acting_user=origin_village_worker, batch=batch)

    assert [(p["line"], p["column"], p["message"]) for p in checked.report()] == [
        (3, "户籍地区划代码", "该行政区划不在您的管辖范围内。")]
    actions.import_batch(acting_user=origin_village_worker, batch=batch)
    assert list(Person.objects.values_list("name", flat=True)) == ["张伟"]
    assert AuditEvent.objects.filter(event="write", outcome="denied", object_type="person").exists()


def test_an_auditor_may_not_import(auditor, good_rows):
    with pytest.raises(PermissionDenied):
        upload(auditor, csv_bytes(good_rows))


def test_the_import_is_one_chained_audit_event_with_its_counts_naming_every_person_it_created(
        origin_village_worker, file_with_one_bad_row):
    batch, _checked = check_and_import(origin_village_worker, file_with_one_bad_row)

    event = AuditEvent.objects.get(event="import", object_id=str(batch.pk))
    assert (event.detail["rows"], event.detail["created"], event.detail["refused"]) == (4, 3, 1)
    assert event.username == "origin-worker"
    first, last = event.detail["persons"]["first"], event.detail["persons"]["last"]
    created = sorted(str(pk) for pk in Person.objects.values_list("pk", flat=True))
    assert len(created) == 3 and (created[0], created[-1]) == (first, last)
    assert not AuditEvent.objects.filter(event="create", object_type="person").exists()
    assert find_first_broken_event()[0] is None
    assert not any(p.id_number in str(e.detail) for e in AuditEvent.objects.all() for p in Person.objects.all())


def test_a_gb18030_csv_as_chinese_excel_writes_it_is_read(origin_village_worker, good_rows):
    content = csv_bytes(good_rows, encoding="gb18030")
    assert content.decode("gb18030") and not content.startswith(b"\xef\xbb\xbf")

    _batch, checked = check_and_import(origin_village_worker, content)

    assert checked.valid == 3
    assert Person.objects.get(name="张伟").household_address == "章丘区第1镇第1村 12 号"


def test_an_xlsx_file_is_imported_and_the_export_reads_back_as_the_same_file(origin_village_worker, good_rows):
    _batch, checked = check_and_import(origin_village_worker, xlsx_bytes(good_rows), name="人员.xlsx")
    assert checked.valid == 3

    content, count = actions.export_ledger(acting_user=origin_village_worker, kind=ImportKind.PERSONS)
    sheet = read_xlsx(content)
    assert count == 3 and sheet[0][:3] == ["身份证号", "姓名", "户籍地区划代码"]
    assert sorted(row[1] for row in sheet[1:]) == ["张伟", "李娜", "王芳"]
    assert {row[0] for row in sheet[1:]} == {row["公民身份号码"] for row in good_rows}
    assert AuditEvent.objects.get(event="export").detail["rows"] == 3

    _again, checked = check_and_import(origin_village_worker, content, name="导出.xlsx")
    assert (checked.valid, checked.unchanged, checked.bad_rows) == (0, 3, 0)


def test_the_export_needs_a_writing_role_and_holds_only_its_subtree(origin_village_worker, auditor,
                                                                   destination_village_worker, good_rows):
    check_and_import(origin_village_worker, csv_bytes(good_rows))
    content, count = actions.export_ledger(acting_user=destination_village_worker, kind=ImportKind.PERSONS)
    assert count == 0 and len(read_xlsx(content)) == 1
    with pytest.raises(PermissionDenied):
        actions.export_ledger(acting_user=auditor, kind=ImportKind.PERSONS)


def test_the_report_downloads_as_xlsx_with_line_column_value_and_message(origin_village_worker,
                                                                          file_with_one_bad_row):
    batch = upload(origin_village_worker, file_with_one_bad_row)
    actions.check_batch(acting_user=origin_village_worker, batch=batch)
    batch.refresh_from_db()

    sheet = read_xlsx(report_bytes(batch.problems))

    assert sheet[0] == ["行号", "列", "值", "问题"]
    assert sheet[1][:2] == ["3", "公民身份号码"] and sheet[1][3] == "身份证号码校验位不正确，请核对。"


def test_a_saved_mapping_is_reused_for_a_file_with_other_headers(origin_village_worker, good_rows):
    headers = ["名字", "证件", "村代码"]
    rows = [{"名字": r["姓名"], "证件": r["公民身份号码"], "村代码": r["户籍地区划代码"]} for r in good_rows]
    content = csv_bytes(rows, headers=headers)
    batch = upload(origin_village_worker, content)
    with pytest.raises(ValidationFailed):
        actions.check_batch(acting_user=origin_village_worker, batch=batch)
    columns = {"name": "名字", "id_number": "证件", "household_code": "村代码"}
    actions.choose_columns(acting_user=origin_village_worker, batch=batch, columns=columns)
    mapping = actions.save_mapping(acting_user=origin_village_worker, kind=ImportKind.PERSONS, name="乡里的表",
                                   columns=columns)

    again = upload(origin_village_worker, content, mapping=mapping)

    assert again.columns == columns
    assert actions.check_batch(acting_user=origin_village_worker, batch=again).valid == 3


def test_departures_are_imported_through_the_outflow_rules_and_a_second_import_adds_nothing(origin_village_worker):
    person = f.register_resident(origin_village_worker, name="周强")
    headers = ["姓名", "身份证号", "外出时间", "外出原因", "流入地", "联系电话"]
    row = {"姓名": "周强", "身份证号": person.id_number, "外出时间": "2026/3/1", "外出原因": "务工",
           "流入地": "广东省深圳市宝安区", "联系电话": "13900001111"}
    stranger = {**row, "身份证号": f.id_number(), "姓名": "钱多"}
    content = csv_bytes([row, stranger], headers=headers)

    _batch, checked = check_and_import(origin_village_worker, content, ImportKind.OUTFLOWS)

    assert checked.valid == 1
    assert checked.report()[0]["message"] == "没有以该身份证号码登记的人员。"
    outflow = OutflowRegistration.objects.get(migration__person=person)
    assert (outflow.departure_date, outflow.reason, outflow.migration.status) == (
        datetime.date(2026, 3, 1), "work", MigrationStatus.AWAY)

    _batch, checked = check_and_import(origin_village_worker, content, ImportKind.OUTFLOWS)
    assert (checked.valid, checked.unchanged) == (0, 1)
    assert OutflowRegistration.objects.count() == 1


def test_the_check_of_departures_changes_nothing(origin_village_worker):
    person = f.register_resident(origin_village_worker, name="周强")
    content = csv_bytes([{"姓名": "周强", "身份证号": person.id_number, "外出时间": "2026-03-01", "外出原因": "务工"}],
                        headers=["姓名", "身份证号", "外出时间", "外出原因"])
    checked = actions.check_batch(acting_user=origin_village_worker,
                                  batch=upload(origin_village_worker, content, ImportKind.OUTFLOWS))
    assert checked.valid == 1
    assert OutflowRegistration.objects.count() == 0


def test_arrivals_are_imported_with_the_arrival_under_another_name_refused(destination_village_worker,
                                                                          origin_village_worker):
    known = f.register_resident(origin_village_worker, name="吴刚")
    headers = ["姓名", "公民身份号码", "流入时间", "现居住地区划代码", "现居住地址", "居住类型", "户籍地区划代码"]
    village = str(f.village(f.DESTINATION_COUNTY))
    newcomer = {"姓名": "郑洁", "公民身份号码": f.id_number(), "流入时间": "2026-02-01", "现居住地区划代码": village,
                "现居住地址": "宝安大道 1 号", "居住类型": "租赁", "户籍地区划代码": str(ORIGIN_VILLAGE)}
    impostor = {**newcomer, "姓名": "吴钢", "公民身份号码": known.id_number}
    content = csv_bytes([newcomer, impostor], headers=headers)

    _batch, checked = check_and_import(destination_village_worker, content, ImportKind.INFLOWS)

    assert checked.valid == 1
    assert checked.report()[0]["line"] == 3 and checked.report()[0]["column"] == "姓名"
    inflow = InflowRegistration.objects.get()
    assert (inflow.migration.person.name, inflow.residence_type) == ("郑洁", "rented")
    _batch, checked = check_and_import(destination_village_worker, content, ImportKind.INFLOWS)
    assert (checked.valid, checked.unchanged) == (0, 1)


def test_headers_are_recognised_in_english_too(origin_village_worker, good_rows):
    headers = ["Name", "ID number", "Household code", "Sex"]
    rows = [{"Name": r["姓名"], "ID number": r["公民身份号码"], "Household code": r["户籍地区划代码"],
             "Sex": "M" if r["性别"] == "男" else "F"} for r in good_rows]
    batch = upload(origin_village_worker, csv_bytes(rows, headers=headers))
    assert batch.columns == {"name": "Name", "id_number": "ID number", "household_code": "Household code", "sex": "Sex"}
    assert PERSON_HEADERS
