import io
import re

from django.core.management import call_command

from huiliu.people.models import Person


def test_bench_demo_loads_a_scratch_database_and_ends_with_a_machine_readable_line(db):
    output = io.StringIO()
    call_command("bench", "demo", "--persons", "300", stdout=output)
    lines = output.getvalue().strip().splitlines()
    assert re.fullmatch(r"demo persons=300 seconds=\d+\.\d\d reference_rows_per_second=\d+", lines[-1])
    assert any(line.startswith("参照") for line in lines)
    assert any(line.startswith("人员与流动") for line in lines)
    # The configured database is left as it was.
    assert not Person.objects.exists()
