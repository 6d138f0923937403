from django.core.management.base import BaseCommand, CommandError

from huiliu.demo.benchmark import run_demo_benchmark
from huiliu.demo.management.commands.demo import PHASES
from huiliu.demo.population import MAX_PERSONS, TABLE_ORDER
from huiliu.demo.tables import render_table


class Command(BaseCommand):
    help = "Time what matters at scale. `bench demo`: the demo load on a scratch SQLite database, beside raw SQLite."

    def add_arguments(self, parser):
        targets = parser.add_subparsers(dest="target", required=True, metavar="{demo}")
        demo = targets.add_parser("demo", help="time the demo load of N persons on a scratch SQLite database")
        demo.add_argument("--persons", type=int, default=1_000_000, help="how many persons (default 1000000)")
        demo.add_argument("--seed", type=int, default=1)

    def handle(self, *args, target, **options):
        if target == "demo":
            self.bench_demo(options["persons"], options["seed"])

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


def _per_second(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds else ""
