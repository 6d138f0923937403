"""`huiliu bench import`: a generated file of persons imported into the current database (the bench command
points it at a scratch SQLite file), beside raw sqlite3 inserting the same rows in the same run.

The file holds N persons of one county (20 townships of 50 villages), each with a valid
ID number, in the usual Chinese headers; the import acts as the county's officer. Timed
from the file's bytes to the commit: reading, checking every row, writing persons and
their audit rows. The reference is raw sqlite3 executemany of the same rows as tuples of
text into a plain table, one transaction, in a file beside it: the floor for the machine.
"""

import datetime
import io
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from huiliu.accounts.actions import create_user
from huiliu.accounts.models import Role, User
from huiliu.jurisdictions.actions import load_divisions
from huiliu.jurisdictions.models import Jurisdiction

from . import actions
from .columns import read_table
from .models import ImportKind

COUNTY = 370114000000  # 山东省 济南市 章丘区
TOWNSHIPS, VILLAGES = 20, 50
HEADERS = ["姓名", "公民身份号码", "性别", "出生日期", "民族", "户籍地址", "户籍地区划代码", "婚姻状况", "联系电话"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]
FIRST_BIRTH = datetime.date(1960, 1, 1)
BIRTH_DAYS = 14_600  # forty years: with the sequence, a million distinct numbers
USERNAME = "bench-importer"


@dataclass
class ImportTiming:
    format: str
    rows: int
    created: int
    seconds: float  # from the file's bytes to the commit
    read_seconds: float
    check_seconds: float
    write_seconds: float
    reference_seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def checked_rows_per_second(self) -> float:
        checking = self.read_seconds + self.check_seconds
        return self.rows / checking if checking else 0.0

    @property
    def reference_rows_per_second(self) -> float:
        return self.rows / self.reference_seconds if self.reference_seconds else 0.0


def person_rows(count: int, *, offset: int = 0) -> list[tuple[str, ...]]:
    """count persons as rows of text in HEADERS order, all valid, all distinct."""
    villages = [COUNTY + t * 1000 + v for t in range(1, TOWNSHIPS + 1) for v in range(1, VILLAGES + 1)]
    county = f"{COUNTY:012d}"[:6]
    rows = []
    for n in range(offset, offset + count):
        born = FIRST_BIRTH + datetime.timedelta(days=n % BIRTH_DAYS)
        sequence = n // BIRTH_DAYS
        body = f"{county}{born:%Y%m%d}{sequence:03d}"
        check = (1 - 2 * int(body, 13)) % 11
        number = body + ("X" if check == 10 else str(check))
        male = sequence % 2 == 1
        village = villages[n % len(villages)]
        rows.append((SURNAMES[n % 20] + GIVEN[(n // 20) % 20], number, "男" if male else "女", born.isoformat(), "汉族",
                     f"第{village // 1000 % 1000}镇第{village % 1000}村{n % 97 + 1}号", str(village),
                     "已婚" if n % 3 else "未婚", f"13{n % 10}{n % 100_000_000:08d}"))
    return rows


def csv_content(rows) -> bytes:
    return ("\r\n".join([",".join(HEADERS)] + [",".join(row) for row in rows]) + "\r\n").encode("utf-8")


def xlsx_content(rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def prepare_county() -> User:
    """The county's townships and villages, and its officer, in an empty database (kept if already there)."""
    if not Jurisdiction.objects.filter(code=COUNTY).exists():
        rows = [(370000000000, "山东省"), (370100000000, "济南市"), (COUNTY, "章丘区")]
        for t in range(1, TOWNSHIPS + 1):
            rows.append((COUNTY + t * 1000, f"第{t}镇"))
            rows.extend((COUNTY + t * 1000 + v, f"第{t}镇第{v}村") for v in range(1, VILLAGES + 1))
        load_divisions(acting_user=None, rows=[(line, f"{code:012d}", name) for line, (code, name) in enumerate(rows, 1)])
    user = User.objects.filter(username=USERNAME).first()
    return user or create_user(acting_user=None, username=USERNAME, display_name="基准导入", password=secrets.token_urlsafe(18),
                               role=Role.COUNTY_OFFICER, jurisdiction_code=COUNTY, must_change_password=False)


def measure_reference(rows, path: Path) -> float:
    """Seconds for raw sqlite3 to insert the rows (tuples of text) with executemany in one transaction."""
    database = sqlite3.connect(path, isolation_level=None)
    try:
        columns = ", ".join(f"c{n} TEXT" for n in range(len(HEADERS)))
        database.execute(f"CREATE TABLE reference ({columns})")
        marks = ", ".join("?" * len(HEADERS))
        started = time.perf_counter()
        database.execute("BEGIN")
        database.executemany(f"INSERT INTO reference VALUES ({marks})", rows)
        database.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        database.close()


def time_import(*, format: str, rows: int, directory: Path, offset: int = 0) -> ImportTiming:
    """Generate `rows` persons as CSV or XLSX, import them as the county officer, and time it beside the reference."""
    user = prepare_county()
    data = person_rows(rows, offset=offset)
    content = csv_content(data) if format == "csv" else xlsx_content(data)
    reference = measure_reference(data, directory / f"reference-{format}.sqlite3")
    del data
    marks = {}

    def progress(done, total, phase):
        if phase == "check" and done == total:
            marks["checked"] = time.perf_counter()

    started = time.perf_counter()
    table = read_table(content)
    read = time.perf_counter()
    batch = actions.upload_file(acting_user=user, kind=ImportKind.PERSONS, file_name=f"bench.{format}", content=content,
                                keep_content=False, table=table)
    checked = actions.import_batch(acting_user=user, batch=batch, table=table, progress=progress,
                                    after_check=False)
    ended = time.perf_counter()
    checked_at = marks.get("checked", ended)
    return ImportTiming(format=format, rows=rows, created=checked.valid, seconds=ended - started,
                        read_seconds=read - started, check_seconds=checked_at - read, write_seconds=ended - checked_at,
                        reference_seconds=reference)


def run_import_benchmark(*, csv_rows: int, xlsx_rows: int, scratch):
    """Time a CSV and an XLSX import, each into a new SQLite file opened by `scratch(path)`; yields the report lines."""
    import tempfile

    from django.core.management import call_command

    timings = []
    with tempfile.TemporaryDirectory(prefix="huiliu-bench-import-") as directory:
        for format, rows in (("csv", csv_rows), ("xlsx", xlsx_rows)):
            if rows <= 0:
                continue
            with scratch(Path(directory) / f"import-{format}.sqlite3"):
                call_command("migrate", verbosity=0, interactive=False)
                timings.append(time_import(format=format, rows=rows, directory=Path(directory)))
    yield from report_lines(timings)


def report_lines(timings: list[ImportTiming]):
    """A line per phase and format, the reference beside each, then the summary line of each format."""
    for t in timings:
        yield (f"{t.format.upper()} {t.rows:,} 行：读取 {t.read_seconds:.2f} 秒，检查 {t.check_seconds:.2f} 秒"
               f"（读取加检查 {t.checked_rows_per_second:,.0f} 行/秒），写入人员与审计 {t.write_seconds:.2f} 秒；"
               f"合计 {t.seconds:.2f} 秒，{t.rows_per_second:,.0f} 行/秒，新增 {t.created:,} 人。")
        yield (f"  参照：原生 sqlite3 executemany 同样 {t.rows:,} 行（{len(HEADERS)} 列文本，无索引，一个事务）"
               f" {t.reference_seconds:.2f} 秒，{t.reference_rows_per_second:,.0f} 行/秒。")
    for t in timings:
        yield f"import rows={t.rows} format={t.format} seconds={t.seconds:.2f} rows_per_second={t.rows_per_second:.0f}"
