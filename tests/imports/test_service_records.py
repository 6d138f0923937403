"""Importing service records: each row through the services action, a health service only with consent as written."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from huiliu.audit.models import AuditEvent
from huiliu.audit.queries import find_first_broken_event
from huiliu.core.errors import ValidationFailed
from huiliu.exchange.models import Message, MessageType
from huiliu.imports import actions
from huiliu.imports.checking import service_type_words
from huiliu.imports.models import BatchStatus, ImportBatch, ImportKind
from huiliu.imports.spreadsheets import report_bytes
from huiliu.services.models import ServiceRecord, ServiceType
from tests import factories as f

from .conftest import csv_bytes, xlsx_bytes

HEADERS = ["姓名", "身份证号", "服务项目", "服务日期", "服务机构", "知情同意", "同意方式", "所选方法", "备注"]
NOT_HERE = "Not registered in your area: register the person first, or check the ID number."
NO_CONSENT_STATED = ("A health service is recorded only with the person's informed consent, and this row does not "
                     "state it: write 是 in the consent column if the person consented.")
CONSENT_REFUSED = ("The person did not consent: a health service is not recorded without the person's informed "
                   "consent.")


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def service_row(person, service="法律援助", *, date=None, provider="宝安区法律援助中心", **cells):
    row = {"姓名": person.name, "身份证号": person.id_number, "服务项目": service, "服务日期": date or days_ago(10),
           "服务机构": provider}
    row.update(cells)
    return row


def checkup_row(person, **cells):
    return service_row(person, "生殖健康检查", provider="宝安区妇幼保健院", **{"知情同意": "是", "同意方式": "签字", **cells})


def upload(user, content, name="服务记录.csv"):
    return actions.upload_file(acting_user=user, kind=ImportKind.SERVICES, file_name=name, content=content)


def check(user, content):
    return actions.check_batch(acting_user=user, batch=upload(user, content))


def check_and_import(user, content, name="服务记录.csv"):
    batch = upload(user, content, name)
    actions.check_batch(acting_user=user, batch=batch)
    return batch, actions.import_batch(acting_user=user, batch=batch)


def problems(checked) -> list[tuple[int, str, str]]:
    return [(p["line"], p["column"], p["message"]) for p in checked.report()]


@pytest.fixture
def arrived(destination_village_worker):
    """Two people who came from the origin and live in the destination village."""
    return [f.register_arrival(destination_village_worker, number=f.id_number(), name=name).person
            for name in ("陈静", "林红")]


@pytest.fixture
def good_file(arrived):
    first, second = arrived
    return csv_bytes([
        checkup_row(first, 备注="未见异常"),
        service_row(first, "就业或培训推荐", provider="宝安区人力资源服务中心"),
        service_row(second, "避孕药具发放", provider="新安街道计生服务室", 知情同意="是", 同意方式="当面口头告知",
                    所选方法="避孕套"),
    ], headers=HEADERS)


def test_the_usual_headers_are_recognised(destination_village_worker, good_file):
    batch = upload(destination_village_worker, good_file)
    assert batch.columns == {"name": "姓名", "id_number": "身份证号", "service_type": "服务项目",
                             "service_date": "服务日期", "provider": "服务机构", "consent_given": "知情同意",
                             "consent_way": "同意方式", "method_chosen": "所选方法", "outcome": "备注"}


def test_every_type_of_service_is_read_from_its_chinese_label():
    words = service_type_words()
    assert {words[label] for label in ("生殖健康检查", "避孕药具发放", "咨询指导", "孕产期保健转介", "产后访视",
                                       "法律援助", "就业或培训推荐", "子女入学帮助", "留守家庭走访")} == set(ServiceType.values)


def test_a_good_file_is_imported_through_the_services_rules_with_one_audit_event_for_the_import(
        destination_village_worker, arrived, good_file):
    batch, checked = check_and_import(destination_village_worker, good_file)

    assert (checked.valid, checked.unchanged, checked.bad_rows) == (3, 0, 0)
    first, second = arrived
    checkup = ServiceRecord.objects.get(person=first, service_type=ServiceType.HEALTH_CHECKUP)
    assert (checkup.consent_given, checkup.consent_way, checkup.consent_on, checkup.outcome) == (
        True, "signed", checkup.service_date, "未见异常")
    assert checkup.jurisdiction_id == f.village(f.DESTINATION_COUNTY)  # the recording office
    supply = ServiceRecord.objects.get(person=second)
    assert (supply.service_type, supply.consent_way, supply.method_chosen) == ("contraceptive_supply", "spoken", "避孕套")
    job = ServiceRecord.objects.get(person=first, service_type=ServiceType.JOB_REFERRAL)
    assert (job.consent_given, job.provider) == (False, "宝安区人力资源服务中心")

    event = AuditEvent.objects.get(event="import", object_id=str(batch.pk))
    assert (event.detail["kind"], event.detail["created"], event.detail["refused"]) == ("services", 3, 0)
    assert find_first_broken_event()[0] is None
    assert not any(p.id_number in str(e.detail) for e in AuditEvent.objects.all() for p in arrived)


def test_a_service_imported_at_the_destination_counts_at_the_household_place(destination_village_worker, arrived,
                                                                             good_file):
    reports = Message.objects.filter(message_type=MessageType.SERVICE_REPORT)
    batch = upload(destination_village_worker, good_file)
    actions.check_batch(acting_user=destination_village_worker, batch=batch)
    assert not reports.exists()  # the check tried the rows and undid them, reports included

    actions.import_batch(acting_user=destination_village_worker, batch=batch)

    assert set(ServiceRecord.objects.values_list("recognised_at_code", flat=True)) == {f.township(f.ORIGIN_COUNTY)}
    assert reports.count() == 3


def test_one_bad_row_is_reported_by_line_and_column_and_nothing_is_imported_until_the_user_chooses(
        destination_village_worker, arrived):
    first, second = arrived
    rows = [service_row(first), service_row(second, date="2099-01-01"), checkup_row(second)]
    batch = upload(destination_village_worker, csv_bytes(rows, headers=HEADERS))

    checked = actions.check_batch(acting_user=destination_village_worker, batch=batch)

    assert problems(checked) == [(3, "服务日期", "日期不能晚于今天。")]
    assert checked.report()[0]["value"] == "2099-01-01"
    batch.refresh_from_db()
    assert (batch.status, batch.valid_count, batch.error_count) == (BatchStatus.CHECKED, 2, 1)
    assert ServiceRecord.objects.count() == 0
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report_bytes(batch.problems))).get_sheet_by_index(0).to_python()
    assert sheet[1][:3] == ["3", "服务日期", "2099-01-01"]

    actions.import_batch(acting_user=destination_village_worker, batch=batch)

    assert sorted(ServiceRecord.objects.values_list("service_type", flat=True)) == ["health_checkup", "legal_aid"]


def test_importing_the_same_file_a_second_time_adds_nothing(destination_village_worker, good_file):
    check_and_import(destination_village_worker, good_file)
    records = set(ServiceRecord.objects.values_list("pk", "updated_at"))
    messages = Message.objects.count()

    second, checked = check_and_import(destination_village_worker, good_file)

    assert (checked.valid, checked.unchanged, checked.bad_rows) == (0, 3, 0)
    assert set(ServiceRecord.objects.values_list("pk", "updated_at")) == records and len(records) == 3
    assert Message.objects.count() == messages
    assert AuditEvent.objects.get(event="import", object_id=str(second.pk)).detail["created"] == 0
    assert actions.earlier_import(second) is not None


def test_the_same_service_twice_in_a_file_is_refused_on_its_second_line(destination_village_worker, arrived):
    row = service_row(arrived[0])
    checked = check(destination_village_worker, csv_bytes([row, service_row(arrived[1]), row], headers=HEADERS))
    assert problems(checked) == [
        (4, "服务项目", _("This service appears more than once in the file (first on line %(line)d).") % {"line": 2})]
    assert checked.valid == 2


def test_a_health_service_without_consent_is_refused_for_its_row_and_never_assumed(destination_village_worker,
                                                                                   arrived):
    first, second = arrived
    rows = [
        checkup_row(first, 知情同意=""),  # consent not stated
        checkup_row(second, 知情同意="否"),  # the person did not consent
        checkup_row(first, 同意方式="", 服务日期=days_ago(3)),  # consented, but how is not written
        service_row(second, "避孕药具发放", 知情同意="是", 同意方式="签字"),  # no method chosen
        service_row(second, "法律援助"),  # not a health service: no consent asked
    ]
    _batch, checked = check_and_import(destination_village_worker, csv_bytes(rows, headers=HEADERS))

    assert problems(checked) == [
        (2, "知情同意", _(NO_CONSENT_STATED)),
        (3, "知情同意", _(CONSENT_REFUSED)),
        (4, "同意方式", _("How consent was given: write one of %(ways)s.")
         % {"ways": "当面口头告知、签署知情同意书、网上或电话确认"}),
        (5, "所选方法", "本人选择的方法：请记录本人自主选择的方法。"),
    ]
    assert list(ServiceRecord.objects.values_list("service_type", flat=True)) == ["legal_aid"]


def test_a_file_without_a_consent_column_has_its_health_rows_refused_naming_the_missing_column(
        destination_village_worker, arrived):
    headers = ["姓名", "身份证号", "服务类型", "服务日期", "提供者"]
    rows = [{"姓名": p.name, "身份证号": p.id_number, "服务类型": service, "服务日期": days_ago(5),
             "提供者": "宝安区妇幼保健院"} for p, service in zip(arrived, ("产后访视", "子女入学帮助"))]

    checked = check(destination_village_worker, csv_bytes(rows, headers=headers))

    assert problems(checked) == [(2, "知情同意", _(NO_CONSENT_STATED))]
    assert checked.valid == 1


def test_a_person_out_of_scope_is_refused_in_the_same_words_as_one_never_registered(
        destination_village_worker, origin_village_worker, arrived):
    elsewhere = f.register_resident(origin_village_worker, name="黄梅")  # registered and living at the origin
    nobody = type("Nobody", (), {"name": "何平", "id_number": f.id_number()})()
    rows = [service_row(arrived[0]), service_row(elsewhere), service_row(nobody),
            service_row(elsewhere, 姓名="另一个名字")]

    checked = check(destination_village_worker, csv_bytes(rows, headers=HEADERS))

    assert problems(checked) == [(3, "身份证号", _(NOT_HERE)), (4, "身份证号", _(NOT_HERE)),
                                 (5, "身份证号", _(NOT_HERE))]
    assert [p["value"] for p in checked.report()] == [elsewhere.id_number, nobody.id_number, elsewhere.id_number]
    denied = AuditEvent.objects.get(event="write", outcome="denied", object_type="person")
    assert denied.detail["rows"] == 2
    assert ServiceRecord.objects.count() == 0


def test_a_person_registered_under_another_name_is_refused(destination_village_worker, arrived):
    checked = check(destination_village_worker, csv_bytes([service_row(arrived[0], 姓名="陈晶")], headers=HEADERS))
    assert problems(checked) == [(2, "姓名", "姓名与该身份证号码登记的姓名不一致，请核对身份证件。")]


def test_each_cell_rule_is_reported_with_its_row(destination_village_worker, arrived):
    person = arrived[0]
    rows = [
        service_row(person, "理发"),
        service_row(person, date="2025-13-40"),
        service_row(person, provider=""),
        service_row(person, 身份证号=person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")),
        checkup_row(person, 知情同意="也许"),
        checkup_row(person, 同意日期="2099-01-01"),
    ]
    checked = check(destination_village_worker, csv_bytes(rows, headers=[*HEADERS, "同意日期"]))

    found = {(line, column) for line, column, _m in problems(checked)}
    assert found == {(2, "服务项目"), (3, "服务日期"), (4, "服务机构"), (5, "身份证号"), (6, "知情同意"), (7, "同意日期")}
    messages = {line: message for line, _c, message in problems(checked)}
    assert "生殖健康检查" in messages[2] and "留守家庭走访" in messages[2]
    assert messages[3] == "日期请写作 2024-03-01。"
    assert messages[4] == "请填写提供服务的单位。"
    assert messages[5] == "身份证号码校验位不正确，请核对。"


def test_an_xlsx_file_is_imported_and_the_export_leaves_out_the_health_results_and_reads_back_unchanged(
        destination_village_worker, arrived):
    first, second = arrived
    rows = [checkup_row(first, 备注="未见异常"), service_row(second, "留守家庭走访", provider="新安街道")]
    _batch, checked = check_and_import(destination_village_worker, xlsx_bytes(rows, headers=HEADERS), "服务.xlsx")
    assert checked.valid == 2

    content, count = actions.export_ledger(acting_user=destination_village_worker, kind=ImportKind.SERVICES)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert count == 2 and sheet[0] == ["身份证号", "姓名", "服务类型", "服务日期", "服务机构", "知情同意", "同意方式",
                                       "同意日期"]
    assert not any("未见异常" in str(cell) for row in sheet for cell in row)
    assert {row[2] for row in sheet[1:]} == {"生殖健康检查", "留守家庭走访"}

    _again, checked = check_and_import(destination_village_worker, content, "导出.xlsx")
    assert (checked.valid, checked.unchanged, checked.bad_rows) == (0, 2, 0)


def test_the_web_path_uploads_maps_previews_checks_and_imports_the_valid_rows(log_in, destination_village_worker,
                                                                                arrived):
    first, second = arrived
    headers = ["姓名", "证件", "项目", "日期", "机构", "知情同意", "同意方式"]
    rows = [{"姓名": first.name, "证件": first.id_number, "项目": "产后访视", "日期": days_ago(2),
             "机构": "宝安区妇幼保健院", "知情同意": "是", "同意方式": "网上或电话确认"},
            {"姓名": second.name, "证件": second.id_number, "项目": "产后访视", "日期": days_ago(2),
             "机构": "宝安区妇幼保健院", "知情同意": "", "同意方式": ""}]
    client = log_in(destination_village_worker)

    response = client.post("/imports/", {"file": SimpleUploadedFile("服务.csv", csv_bytes(rows, headers=headers)),
                                         "kind": "services", "mapping": ""})
    batch = ImportBatch.objects.get()
    assert response.url == f"/imports/{batch.pk}/" and batch.kind == "services"
    page = client.get(response.url).content.decode()
    assert "按列对应预览前几行" in page and "网上或电话确认" in page and "陈静" in page

    columns = {"id_number": "证件", "name": "姓名", "service_type": "项目", "service_date": "日期",
               "provider": "机构", "consent_given": "知情同意", "consent_way": "同意方式",
               "mapping_name": "社区服务台账"}
    assert client.post(f"/imports/{batch.pk}/", columns).status_code == 302
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "下载检查报告（XLSX）" in page and "导入 1 行有效数据" in page and "宝安区妇幼保健院" in page
    assert ServiceRecord.objects.count() == 0
    report = client.get(f"/imports/{batch.pk}/report.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0).to_python()
    assert sheet[1][:2] == ["3", "知情同意"]

    done = client.post(f"/imports/{batch.pk}/import/")
    assert "已导入：新增 1 行" in b"".join(done.streaming_content).decode()
    record = ServiceRecord.objects.get()
    assert (record.person, record.consent_way) == (first, "online")
    assert "社区服务台账" in client.get("/imports/").content.decode()
    assert client.get("/imports/export/services.xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_command_imports_service_records_with_a_progress_bar(tmp_path, destination_village_worker, arrived,
                                                                 good_file, capsys):
    source = tmp_path / "服务记录.csv"
    source.write_bytes(good_file)

    call_command("import", str(source), "--kind", "services", "--as", "dest-worker", "--dry-run")
    out, err = capsys.readouterr()
    assert "试运行，未写入。" in out and "可导入 3" in out and "\r检查 [" in err
    assert ServiceRecord.objects.count() == 0

    call_command("import", str(source), "--kind", "services", "--as", "dest-worker")
    out, _err = capsys.readouterr()
    assert "已导入 3，未变 0，有问题 0" in out
    call_command("import", str(source), "--kind", "services", "--as", "dest-worker")
    out, _err = capsys.readouterr()
    assert "已导入 0，未变 3，有问题 0" in out and "此文件已于" in out
    assert ServiceRecord.objects.count() == 3


def test_the_page_takes_fewer_rows_of_service_records_than_of_persons(destination_village_worker, arrived,
                                                                      monkeypatch):
    monkeypatch.setattr(actions, "WEB_SERVICE_ROW_LIMIT", 2)
    three_rows = csv_bytes([service_row(person, date=days_ago(days)) for person, days in
                            ((arrived[0], 3), (arrived[0], 4), (arrived[1], 5))])

    with pytest.raises(ValidationFailed) as refused:
        upload(destination_village_worker, three_rows)

    assert refused.value.errors["file"] == [
        _("The file has more than %(rows)d rows: import it with the huiliu import command.") % {"rows": 2}]
    assert not ImportBatch.objects.exists()
    assert actions.web_row_limit(ImportKind.PERSONS) == actions.WEB_ROW_LIMIT
