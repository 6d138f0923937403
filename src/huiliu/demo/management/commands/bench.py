from django.core.management.base import BaseCommand, CommandError

from huiliu.demo.benchmark import run_demo_benchmark
from huiliu.demo.management.commands.demo import PHASES
from huiliu.demo.names import GIVEN_NAMES, SURNAME_POOL
from huiliu.demo.population import MAX_PERSONS, TABLE_ORDER
from huiliu.demo.tables import render_table
from huiliu.linkage.benchmark import NamePools, run_linkage_benchmark


class Command(BaseCommand):
    help = ("Time what matters at scale. `bench demo`: the demo load on a scratch SQLite database, beside raw SQLite. "
            "`bench linkage`: the record-linkage matcher on synthetic outflow and inflow records, beside Splink. "
            "`bench import`: checking and importing a generated CSV and XLSX, beside raw SQLite. "
            "`bench reports`: the whole indicator catalogue for every node for one quarter, beside DuckDB's floor.")

    def add_arguments(self, parser):
        targets = parser.add_subparsers(dest="target", required=True, metavar="{demo,linkage,import,reports}")
        demo = targets.add_parser("demo", help="time the demo load of N persons on a scratch SQLite database")
        demo.add_argument("--persons", type=int, default=1_000_000, help="how many persons (default 1000000)")
        demo.add_argument("--seed", type=int, default=1)
        linkage = targets.add_parser("linkage", help="link N outflow and N inflow records with known truth")
        linkage.add_argument("--records", type=int, default=1_000_000,
                             help="outflow records, and as many inflow records (default 1000000)")
        linkage.add_argument("--seed", type=int, default=1)
        linkage.add_argument("--no-splink", action="store_true", help="skip the Splink reference")
        imports = targets.add_parser("import", help="time the import of a generated CSV and XLSX of persons")
        imports.add_argument("--rows", type=int, default=1_000_000, help="CSV rows (default 1000000)")
        imports.add_argument("--xlsx-rows", type=int, default=100_000, help="XLSX rows (default 100000)")
        reports = targets.add_parser(
            "reports", help="the whole catalogue for every node for one quarter, on demo databases kept in var/bench/")
        reports.add_argument("--sizes", type=int, nargs="+", default=None, metavar="N",
                             help="persons in each demo database (default 1000000 10000000)")

    def handle(self, *args, target, **options):
        if target == "demo":
            self.bench_demo(options["persons"], options["seed"])
        elif target == "linkage":
            self.bench_linkage(options["records"], options["seed"], splink=not options["no_splink"])
        elif target == "import":
            self.bench_import(options["rows"], options["xlsx_rows"])
        elif target == "reports":
            self.bench_reports(options["sizes"])

    def bench_reports(self, sizes: list[int] | None) -> None:
        from huiliu.demo.actions import load_demo
        from huiliu.demo.benchmark import scratch_sqlite_database
        from huiliu.reports.benchmark import SIZES, database_path, run_reports_benchmark

        sizes = sizes or list(SIZES)
        if any(not 0 < size <= MAX_PERSONS for size in sizes):
            raise CommandError(f"--sizes 的每个值须在 1 到 {MAX_PERSONS} 之间。")
        results = []
        for persons in sizes:
            path = database_path(persons)
            self.stdout.write(f"基准：{persons:,} 人的演示数据库 {path}"
                              f"{'（沿用）' if path.exists() else '（新建，可能需要较长时间）'}……")
            result = run_reports_benchmark(persons=persons, scratch=scratch_sqlite_database, load_demo=load_demo)
            results.append(result)
            built = f"建库 {result.built_seconds:.1f} 秒；" if result.built_seconds else ""
            self.stdout.write(
                f"  {built}季度 {result.period}：全部指标、{result.nodes:,} 个辖区，读入 {result.rows_read:,} 行，"
                f"共 {result.seconds:.2f} 秒（其中读表 {result.read_seconds:.2f} 秒）；"
                f"下限（DuckDB 内存中同样行数按村计数再逐级汇总）{result.floor_seconds:.3f} 秒。")
        for result in results:
            self.stdout.write(f"reports persons={result.persons} seconds={result.seconds:.2f} "
                              f"floor_seconds={result.floor_seconds:.3f} ratio={result.ratio:.1f}")

    def bench_import(self, rows: int, xlsx_rows: int) -> None:
        from huiliu.demo.benchmark import scratch_sqlite_database
        from huiliu.imports.benchmark import run_import_benchmark

        self.stdout.write(f"基准：导入 {rows:,} 行 CSV 与 {xlsx_rows:,} 行 XLSX 的人员到临时 SQLite 数据库……")
        for line in run_import_benchmark(csv_rows=rows, xlsx_rows=xlsx_rows, scratch=scratch_sqlite_database):
            self.stdout.write(line)

    def bench_demo(self, persons: int, seed: int) -> None:
        if not 0 < persons <= MAX_PERSONS:
            raise CommandError(f"--persons 须在 1 到 {MAX_PERSONS} 之间。")
        self.stdout.write(f"基准：装入 {persons:,} 人的演示数据（种子 {seed}）到临时 SQLite 数据库……")
        result = run_demo_benchmark(persons=persons, seed=seed)
        seconds, counts, reference = result.load.seconds, result.load.counts, result.reference
        rows = sum(counts[t] for t in TABLE_ORDER)
        table = [[label, f"{seconds.get(key, 0.0):.2f}", "", ""] for key, label in PHASES]
        for line in table:
            if line[0] == "人员与流动":
                line[2:] = [f"{rows:,}", f"{rows / seconds['population']:,.0f}" if seconds["population"] else ""]
            if line[0] == "合计":
                line[2:] = [f"{rows:,}", f"{rows / seconds['total']:,.0f}"]
        table.append(["参照：原生 sqlite3 插入（3 列）", f"{reference.seconds:.2f}", f"{reference.rows:,}",
                      f"{reference.rows_per_second:,.0f}"])
        rates = result.rates
        table.append([f"交换率：省 {rates.code // 10**10} 一年", f"{rates.seconds:.3f}", f"{rates.messages:,}",
                      _per_second(rates.messages, rates.seconds)])
        table.append(["参照：原生 sqlite3 同条件计数", f"{rates.reference_seconds:.3f}", f"{rates.messages:,}",
                      _per_second(rates.messages, rates.reference_seconds)])
        self.stdout.write(render_table(["阶段", "秒", "行", "行/秒"], table, right=frozenset({1, 2, 3})))
        self.stdout.write(
            f"生成在{'另一进程，与写入并行' if result.load.in_child else '本进程'}：生成 {seconds['generation']:.2f} 秒，"
            f"写入 {seconds['writing']:.2f} 秒，等待生成 {seconds['waiting']:.2f} 秒。"
        )
        self.stdout.write(
            "交换率为 compute_rates 三次中最快一次（含中位数与审计记录）；"
            "参照为同一文件上一条手写 SQL 的计数，不含中位数。"
        )
        self.stdout.write(
            f"demo persons={persons} seconds={seconds['total']:.2f} "
            f"reference_rows_per_second={reference.rows_per_second:.0f}"
        )

    def bench_linkage(self, records: int, seed: int, *, splink: bool) -> None:
        if not 0 < records <= 10_000_000:
            raise CommandError("--records 须在 1 到 10000000 之间。")
        if splink:
            try:
                import splink as _splink  # noqa: F401
            except ImportError:
                raise CommandError("未安装 Splink：pip install 'huiliu[bench]'，或加 --no-splink。") from None
        self.stdout.write(f"基准：记录关联，流出 {records:,} 条、流入 {records:,} 条（90% 为同一人；种子 {seed}）……")
        result = run_linkage_benchmark(records, names=NamePools(SURNAME_POOL, GIVEN_NAMES), seed=seed, splink=splink)
        rows = [["汇流匹配器（DuckDB）", result.matcher, result.records]]
        if result.splink:
            rows.append([f"Splink {result.splink_version}（DuckDB，精确匹配后余下的记录）", result.splink,
                         result.leftovers])
        table = [
            [label, f"{s.seconds:.2f}", f"{count:,}", _per_second(count, s.seconds), f"{s.precision:.5f}",
             f"{s.recall:.5f}", f"{s.f1:.5f}", f"{s.links:,}", f"{s.reviews:,}"]
            for label, s, count in rows
        ]
        self.stdout.write(render_table(
            ["匹配", "秒", "处理记录", "记录/秒", "精确率", "召回率", "F1", "自动关联", "待复核"], table,
            right=frozenset(range(1, 9)),
        ))
        self.stdout.write(
            f"生成 {result.generation_seconds:.2f} 秒（不计入）；身份证号精确匹配 {result.exact_pairs:,} 对，"
            f"余下 {result.leftovers:,} 条记录，分块后比较 {result.candidates:,} 对。"
            "精确率、召回率与 F1 只计自动关联；Splink 用同一模型（splink_settings），其结果并上精确匹配计算。"
        )
        splink_part = (f"splink_seconds={result.splink.seconds:.2f} splink_f1={result.splink.f1:.5f}"
                       if result.splink else "splink_seconds=NA splink_f1=NA")
        self.stdout.write(
            f"linkage records={result.records} seconds={result.matcher.seconds:.2f} f1={result.matcher.f1:.5f} "
            + splink_part
        )


def _per_second(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds else ""
