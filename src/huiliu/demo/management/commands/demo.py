from django.core.management.base import BaseCommand, CommandError

from huiliu.core.errors import ValidationFailed
from huiliu.demo.actions import DemoLoad, load_demo
from huiliu.demo.population import MAX_PERSONS
from huiliu.demo.tables import render_table

PHASES = (
    ("divisions", "标准区划"),
    ("places", "演示乡镇、村"),
    ("accounts", "演示账号"),
    ("population", "人员与流动"),
    ("indexes", "重建索引"),
    ("commit", "提交"),
    ("documents", "证明与登记"),
    ("total", "合计"),
)
COUNTS = (
    ("people_person", "人员"),
    ("people_migration", "流动"),
    ("people_outflowregistration", "流出登记"),
    ("people_inflowregistration", "流入登记"),
    ("people_child", "子女"),
    ("exchange_message", "交换消息"),
    ("certificates", "婚育情况证明"),
    ("proxy_applications", "代办申请"),
    ("birth_registrations", "生育登记"),
    ("fund_loans", "幸福工程借款"),
    ("jurisdictions_jurisdiction", "乡镇、村"),
    ("accounts", "账号"),
)


class Command(BaseCommand):
    help = "Fill an empty registry with a deterministic synthetic population and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=20_000, help="how many persons (default 20000)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same rows (default 1)")
        parser.add_argument("--if-empty", action="store_true",
                            help="when persons are already registered, only print the demo logins")

    def handle(self, *args, persons, seed, if_empty, **options):
        if not 0 < persons <= MAX_PERSONS:
            raise CommandError(f"--persons 须在 1 到 {MAX_PERSONS} 之间。")
        try:
            result = load_demo(acting_user=None, persons=persons, seed=seed, if_empty=if_empty)
        except ValidationFailed as failure:
            raise CommandError("；".join(m for ms in failure.errors.values() for m in ms)) from None
        if result.loaded:
            self.stdout.write(loaded_summary(result, seed))
        else:
            self.stdout.write("登记库中已有人员记录，未再装入演示数据。")
        self.stdout.write("")
        self.stdout.write(logins_table(result))


def loaded_summary(result: DemoLoad, seed: int) -> str:
    """What was written, and how long each phase took."""
    counts = "，".join(f"{label} {result.counts.get(key, 0):,}" for key, label in COUNTS)
    seconds = result.seconds
    rows = [[label, f"{seconds.get(key, 0.0):.2f}"] for key, label in PHASES]
    population = next(row for row in rows if row[0] == "人员与流动")
    population.append(
        f"写入 {seconds.get('writing', 0.0):.2f}，等待生成 {seconds.get('waiting', 0.0):.2f}；"
        f"生成 {seconds.get('generation', 0.0):.2f}（{'另一进程，与写入并行' if result.in_child else '本进程'}）"
    )
    for row in rows:
        row.extend([""] * (3 - len(row)))
    return "\n".join([
        f"已装入演示数据（种子 {seed}）：{counts}。",
        "",
        render_table(["阶段", "秒", "说明"], rows, right=frozenset({1})),
    ])


def logins_table(result: DemoLoad) -> str:
    """The demo accounts, one a line, with the shared password."""
    if not result.logins:
        return "没有演示账号。"
    rows = [[login.username, login.role_label, login.jurisdiction, login.password] for login in result.logins]
    return "演示账号（首次登录无须改密码）：\n" + render_table(["用户名", "角色", "辖区", "密码"], rows)
