"""The import pages: upload, columns and preview, the report, the choice to import, downloads, and strangers."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from huiliu.imports import actions
from huiliu.imports.models import BatchStatus, ImportBatch
from huiliu.imports.progress import run_reporting_progress
from huiliu.people.models import Person

from .conftest import csv_bytes


def upload(client, content, kind="persons", name="人员.csv"):
    return client.post("/imports/", {"file": SimpleUploadedFile(name, content), "kind": kind, "mapping": ""})


def test_a_worker_uploads_sees_the_preview_checks_reads_the_report_and_imports_the_valid_rows(
        log_in, origin_village_worker, file_with_one_bad_row):
    client = log_in(origin_village_worker)
    response = upload(client, file_with_one_bad_row)
    batch = ImportBatch.objects.get()
    assert response.url == f"/imports/{batch.pk}/"

    page = client.get(response.url).content.decode()
    assert "按列对应预览前几行" in page and "张伟" in page and "公民身份号码" in page

    columns = {"id_number": "公民身份号码", "name": "姓名", "household_code": "户籍地区划代码", "sex": "性别",
               "mapping_name": "村里的人员表"}
    checked = client.post(f"/imports/{batch.pk}/", columns)
    assert checked.status_code == 302
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "身份证号码校验位不正确，请核对。" in page and "下载检查报告（XLSX）" in page
    assert "导入 3 行有效数据" in page
    assert Person.objects.count() == 0

    report = client.get(f"/imports/{batch.pk}/report.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0).to_python()
    assert sheet[1][:2] == ["3", "公民身份号码"]

    done = client.post(f"/imports/{batch.pk}/import/")
    page = b"".join(done.streaming_content).decode()
    assert "已导入：新增 3 行" in page and f'href="/imports/{batch.pk}/"' in page
    assert Person.objects.count() == 3
    assert ImportBatch.objects.get().status == BatchStatus.IMPORTED
    assert "村里的人员表" in client.get("/imports/").content.decode()


def test_a_missing_required_column_is_named_beside_its_choice(log_in, origin_village_worker, good_rows):
    client = log_in(origin_village_worker)
    upload(client, csv_bytes(good_rows))
    batch = ImportBatch.objects.get()
    response = client.post(f"/imports/{batch.pk}/", {"id_number": "公民身份号码", "name": "姓名"})
    assert response.status_code == 200
    assert "请选择填写此项的列。" in response.content.decode()


def test_a_file_that_is_not_text_is_refused_on_the_upload_form(log_in, origin_village_worker):
    response = upload(log_in(origin_village_worker), "姓名\n张三".encode("utf-16"))
    assert ImportBatch.objects.count() == 0
    assert response.status_code == 200


def test_another_users_import_answers_not_found(log_in, origin_village_worker, origin_township_officer, good_rows):
    batch = actions.upload_file(acting_user=origin_village_worker, kind="persons", file_name="a.csv",
                                content=csv_bytes(good_rows))
    client = log_in(origin_township_officer)
    for url in (f"/imports/{batch.pk}/", f"/imports/{batch.pk}/report.xlsx", f"/imports/{uuid.uuid4()}/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/{batch.pk}/import/").status_code == 404
    assert Person.objects.count() == 0


def test_the_import_page_lists_imports_in_a_few_queries(log_in, origin_village_worker, good_rows,
                                                        django_assert_max_num_queries):
    for _ in range(5):
        actions.upload_file(acting_user=origin_village_worker, kind="persons", file_name="a.csv",
                            content=csv_bytes(good_rows))
    client = log_in(origin_village_worker)
    with django_assert_max_num_queries(12):
        page = client.get("/imports/").content.decode()
    assert page.count("a.csv") == 5


def test_the_export_downloads_an_xlsx_and_the_auditor_is_refused(log_in, client, origin_village_worker, auditor):
    response = log_in(origin_village_worker).get("/imports/export/persons.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    client.logout()
    refused = log_in(auditor).get("/imports/export/persons.xlsx", follow=True)
    assert "只有负责人员登记的角色才能导入或导出。" in refused.content.decode()


def checked_batch(client, rows):
    upload(client, csv_bytes(rows))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/", {"id_number": "公民身份号码", "name": "姓名",
                                          "household_code": "户籍地区划代码", "sex": "性别"})
    batch.refresh_from_db()
    return batch


def test_the_import_page_streams_a_moving_bar_then_the_result(log_in, origin_village_worker, good_rows):
    client = log_in(origin_village_worker)
    batch = checked_batch(client, good_rows)

    response = client.post(f"/imports/{batch.pk}/import/")

    assert response.streaming and response["Cache-Control"] == "no-store"
    chunks = [chunk.decode() for chunk in response.streaming_content]
    bars = [n for n, chunk in enumerate(chunks) if "<progress" in chunk]
    result = next(n for n, chunk in enumerate(chunks) if 'id="import-result"' in chunk)
    assert len(bars) >= 2 and max(bars) < result
    assert 'value="0"' in chunks[bars[0]] and f'value="{batch.row_count}"' in chunks[bars[-1]]
    assert chunks[-1].rstrip().endswith("</html>")
    assert Person.objects.count() == batch.row_count


def test_a_browser_that_leaves_mid_way_still_gets_the_whole_import_or_none(log_in, origin_village_worker, good_rows):
    batch = checked_batch(log_in(origin_village_worker), good_rows)

    # What the page's stream does, and what closing it does when the browser goes away after the first bar.
    steps = run_reporting_progress(
        lambda report: actions.import_batch(acting_user=origin_village_worker, batch=batch, progress=report))
    assert next(steps)[0] == "progress"
    steps.close()

    assert Person.objects.count() == batch.row_count
    assert ImportBatch.objects.get().status == BatchStatus.IMPORTED


def test_importing_a_file_not_yet_checked_or_already_imported_goes_back_to_the_file(
        log_in, origin_village_worker, good_rows):
    client = log_in(origin_village_worker)
    upload(client, csv_bytes(good_rows))
    batch = ImportBatch.objects.get()

    response = client.post(f"/imports/{batch.pk}/import/", follow=True)

    assert response.redirect_chain[-1][0] == f"/imports/{batch.pk}/"
    assert "请先检查文件并查看检查报告，再导入。" in response.content.decode()
    assert Person.objects.count() == 0
