import csv

from django.core.management.base import BaseCommand, CommandError

from huiliu.core.errors import ValidationFailed
from huiliu.jurisdictions.actions import load_divisions, load_standard_divisions


class Command(BaseCommand):
    help = "Load division codes: the standard provinces, cities and counties, or a CSV file of code,name rows."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV file, one code,name per row (a header row is allowed)")
        parser.add_argument("--standard", action="store_true", help="load the GB/T 2260 provinces, cities and counties")

    def handle(self, *args, file=None, standard=False, **options):
        if not file and not standard:
            raise CommandError("请给出 CSV 文件，或使用 --standard。")
        try:
            if standard:
                summary = load_standard_divisions(acting_user=None)
                self.stdout.write(f"标准区划：新增 {summary['created']}，更新 {summary['updated']}。")
            if file:
                try:
                    with open(file, encoding="utf-8-sig", newline="") as handle:
                        rows = [
                            (n, row[0] if row else "", row[1] if len(row) > 1 else "")
                            for n, row in enumerate(csv.reader(handle), 1)
                            if any(cell.strip() for cell in row)  # blank lines
                            and not (n == 1 and not row[0].strip().isdigit())  # a header
                        ]
                except (OSError, UnicodeDecodeError) as error:
                    raise CommandError(f"无法读取 {file}（须为 UTF-8 编码的 CSV 文件）：{error}") from None
                summary = load_divisions(acting_user=None, rows=rows)
                self.stdout.write(f"{file}：新增 {summary['created']}，更新 {summary['updated']}。")
        except ValidationFailed as failure:
            raise CommandError("未导入任何区划：\n" + "\n".join(m for ms in failure.errors.values() for m in ms)) from None
