"""`huiliu import` in the terminal, and the bench function on a few rows."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from huiliu.imports import benchmark
from huiliu.people.models import Person

from .conftest import csv_bytes


def test_the_command_imports_a_file_with_a_progress_bar_and_a_dry_run_writes_nothing(
        tmp_path, origin_village_worker, file_with_one_bad_row, capsys):
    source = tmp_path / "人员.csv"
    source.write_bytes(file_with_one_bad_row)

    call_command("import", str(source), "--as", "origin-worker", "--dry-run")
    out, err = capsys.readouterr()
    assert "试运行，未写入。" in out and "第 3 行 公民身份号码" in out
    assert "\r检查 [" in err
    assert Person.objects.count() == 0

    call_command("import", str(source), "--kind", "persons", "--as", "origin-worker")
    out, _err = capsys.readouterr()
    assert "已导入 3，未变 0，有问题 1" in out
    call_command("import", str(source), "--as", "origin-worker")
    out, _err = capsys.readouterr()
    assert "已导入 0，未变 3，有问题 1" in out and "此文件已于" in out
    assert Person.objects.count() == 3


def test_the_command_needs_a_user_and_a_known_mapping(tmp_path, origin_village_worker, good_rows):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_bytes(good_rows))
    with pytest.raises(CommandError, match="没有名为 nobody"):
        call_command("import", str(source), "--as", "nobody")
    with pytest.raises(CommandError, match="列对应方案"):
        call_command("import", str(source), "--as", "origin-worker", "--mapping", "无此方案")


def test_generated_bench_rows_are_all_valid_and_distinct():
    rows = benchmark.person_rows(30_000)
    assert len({row[1] for row in rows}) == 30_000


@pytest.mark.django_db(transaction=True)
def test_the_bench_times_a_small_csv_and_xlsx_beside_the_raw_reference():
    with tempfile.TemporaryDirectory() as directory:
        timings = [benchmark.time_import(format=format, rows=300, directory=Path(directory), offset=n * 300)
                   for n, format in enumerate(("csv", "xlsx"))]
    assert [(t.format, t.rows, t.created) for t in timings] == [("csv", 300, 300), ("xlsx", 300, 300)]
    assert Person.objects.count() == 600
    lines = list(benchmark.report_lines(timings))
    assert lines[-2].startswith("import rows=300 format=csv seconds=")
    assert lines[-1].startswith("import rows=300 format=xlsx seconds=") and "rows_per_second=" in lines[-1]
