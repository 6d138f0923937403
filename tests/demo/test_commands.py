import io
import re

from django.core.management import call_command

from huiliu.demo.benchmark import run_demo_benchmark
from huiliu.people.models import Person


def test_bench_demo_loads_a_scratch_database_and_ends_with_a_machine_readable_line(db):
    output = io.StringIO()
    call_command("bench", "demo", "--persons", "300", stdout=output)
    lines = output.getvalue().strip().splitlines()
    assert re.fullmatch(r"demo persons=300 seconds=\d+\.\d\d reference_rows_per_second=\d+", lines[-1])
    assert any(line.startswith("参照") for line in lines)
    assert any(line.startswith("人员与流动") for line in lines)
    assert any(re.match(r"交换率：省 37 一年\s+\d+\.\d{3}\s+[\d,]+", line) for line in lines)
    # The configured database is left as it was.
    assert not Person.objects.exists()


def test_the_rates_benchmark_times_raw_sql_counting_the_same_notices(db):
    result = run_demo_benchmark(persons=300)
    assert result.rates.messages == result.rates.reference_messages > 0
    assert result.rates.seconds > 0


def test_bench_reports_builds_a_demo_database_once_and_ends_with_one_line_a_size(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = io.StringIO(), io.StringIO()

    call_command("bench", "reports", "--sizes", "300", stdout=first)
    call_command("bench", "reports", "--sizes", "300", stdout=second)

    assert (tmp_path / "bench" / "demo-300.sqlite3").exists()
    assert "新建" in first.getvalue() and "沿用" in second.getvalue()
    for output in (first, second):
        last = output.getvalue().strip().splitlines()[-1]
        assert re.fullmatch(r"reports persons=300 seconds=\d+\.\d\d floor_seconds=\d+\.\d{3} ratio=\d+\.\d", last)
    assert not Person.objects.exists()  # the configured database is left as it was
