# noqa: N999 - the command is `huiliu import`, as the issue names it
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from huiliu.core.errors import DomainError, ValidationFailed
from huiliu.imports import actions, queries
from huiliu.imports.columns import FIELD_LABELS, read_table
from huiliu.imports.models import ImportKind

PHASES = {"check": "检查", "write": "写入"}


class Progress:
    """A plain-text progress bar on one line of the terminal (\\r updates), at most ten times a second."""

    def __init__(self, stream):
        self.stream = stream
        self.shown = 0.0

    def __call__(self, done: int, total: int, phase: str) -> None:
        now = time.monotonic()
        if done < total and now - self.shown < 0.1:
            return
        self.shown = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        self.stream.write(f"\r{PHASES.get(phase, phase)} [{bar:<30}] {done:,}/{total:,} {share:6.1%}")
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Import persons, departures, arrivals or service records from a CSV or XLSX file: every row checked, "
            "valid rows in one transaction.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.PERSONS)
        parser.add_argument("--mapping", default="", help="a saved column mapping, by name")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--as", dest="username", required=True, help="the user the import acts as (their scope)")

    def handle(self, *args, file, kind, mapping, dry_run, username, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的在用账号。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        saved = None
        if mapping:
            saved = queries.find_mapping(user=user, kind=kind, name=mapping)
            if saved is None:
                raise CommandError(f"没有名为 {mapping} 的列对应方案。")
        started = time.perf_counter()
        content = path.read_bytes()
        try:
            table = read_table(content)
            batch = actions.upload_file(acting_user=user, kind=kind, file_name=path.name, content=content,
                                        mapping=saved, keep_content=False, table=table)
            earlier = actions.earlier_import(batch)
            if earlier is not None:
                self.stdout.write(f"此文件已于 {earlier.imported_at:%Y-%m-%d %H:%M} 导入过；已登记的行计为未变。")
            progress = Progress(sys.stderr)
            checked = actions.import_batch(acting_user=user, batch=batch, table=table, dry_run=dry_run,
                                           progress=progress, after_check=False)
            progress.end()
        except ValidationFailed as failure:
            raise CommandError("；".join(f"{FIELD_LABELS.get(f, f)}：{'，'.join(m)}" if f in FIELD_LABELS else "，".join(m)
                                        for f, m in failure.errors.items())) from None
        except DomainError as failure:
            raise CommandError(str(failure)) from None
        seconds = time.perf_counter() - started
        for problem in checked.report(limit=20):
            self.stdout.write(f"第 {problem['line']} 行 {problem['column']}「{problem['value']}」：{problem['message']}")
        if checked.bad_rows > 20:
            self.stdout.write(f"……共 {checked.bad_rows:,} 行有问题。")
        verb = "可导入" if dry_run else "已导入"
        self.stdout.write(
            f"{'试运行，未写入。' if dry_run else ''}共 {checked.table.row_count:,} 行：{verb} {checked.valid:,}，"
            f"未变 {checked.unchanged:,}，有问题 {checked.bad_rows:,}；用时 {seconds:.2f} 秒。"
        )
