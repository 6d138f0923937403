"""An import killed mid-way leaves the database as it was: the valid rows go in as one transaction."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from huiliu.imports.benchmark import USERNAME, csv_content, person_rows

ROWS = 200_000
HUILIU = str(Path(sys.executable).with_name("huiliu"))


def run(args, env, **options):
    return subprocess.run([HUILIU, *args], env=env, check=True, capture_output=True, timeout=600, **options)


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as raw:
        return {
            "persons": raw.execute("SELECT count(*) FROM people_person").fetchone()[0],
            "created": raw.execute("SELECT count(*) FROM audit_auditevent WHERE event IN ('create', 'import')").fetchone()[0],
            "imported": raw.execute("SELECT count(*) FROM imports_importbatch WHERE status = 'imported'").fetchone()[0],
        }


def test_an_import_killed_while_writing_leaves_the_database_as_before(tmp_path):
    database = tmp_path / "huiliu.sqlite3"
    env = {**os.environ, "HUILIU_DATABASE_URL": f"sqlite:///{database}", "HUILIU_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run(["migrate", "--verbosity", "0"], env)
    run(["shell", "-c", "from huiliu.imports.benchmark import prepare_county; prepare_county()"], env)
    source = tmp_path / "persons.csv"
    source.write_bytes(csv_content(person_rows(ROWS)))
    before = counts(database)

    process = subprocess.Popen([HUILIU, "import", str(source), "--as", USERNAME], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 600
    while "写入".encode() not in seen and process.poll() is None and time.monotonic() < deadline:
        seen += os.read(process.stderr.fileno(), 256)
    process.kill()
    process.wait()

    assert "写入".encode() in seen, seen  # killed while the rows were being written, not before
    assert process.returncode == -9
    assert counts(database) == before == {"persons": 0, "created": 0, "imported": 0}

    finished = run(["import", str(source), "--as", USERNAME], env)
    assert f"已导入 {ROWS:,}".encode() in finished.stdout
    assert counts(database)["persons"] == ROWS
