import datetime
import time
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from huiliu.accounts.actions import create_user
from huiliu.accounts.models import Role, RoleAssignment
from huiliu.audit.actions import record_event
from huiliu.core.errors import ValidationFailed
from huiliu.exchange.actions import answer_days
from huiliu.exchange.models import MessageType
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.actions import load_standard_divisions
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.jurisdictions.queries import full_names
from huiliu.people.models import Person

from . import bulk, pipeline
from .assessments import build_demo_assessments
from .community import build_demo_community
from .documents import issue_demo_documents
from .fund import build_demo_fund
from .grievances import build_demo_grievances
from .left_behind import build_demo_left_behind
from .places import JURISDICTION_LAYOUT, build_tree
from .population import TABLE_ORDER, TABLES, Plan
from .services import build_demo_services

# Meets the password rules (length, three character classes, not a common password).
DEMO_PASSWORD = "Huiliu-demo-2026"
NOT_EMPTY = "登记库中已有人员记录：演示数据只装入空的登记库（或使用 --if-empty）。"
# Below this many persons the generator runs in this process: starting a second one costs more than it saves.
CHILD_PROCESS_FROM = 20_000


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    side: str  # "origin" or "destination"
    level: int  # where on that side's branch of the tree the role sits
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("origin-village", Role.VILLAGE_WORKER, "origin", codes.VILLAGE, "王秀兰"),
    DemoAccount("origin-township", Role.TOWNSHIP_OFFICER, "origin", codes.TOWNSHIP, "李建军"),
    DemoAccount("origin-county", Role.COUNTY_OFFICER, "origin", codes.COUNTY, "张丽"),
    DemoAccount("origin-city", Role.CITY_OFFICER, "origin", codes.CITY, "刘洋"),
    DemoAccount("origin-province", Role.PROVINCE_OFFICER, "origin", codes.PROVINCE, "陈静"),
    DemoAccount("origin-auditor", Role.AUDITOR, "origin", codes.COUNTY, "赵敏"),
    DemoAccount("dest-village", Role.VILLAGE_WORKER, "destination", codes.VILLAGE, "黄丽娟"),
    DemoAccount("dest-township", Role.TOWNSHIP_OFFICER, "destination", codes.TOWNSHIP, "周志强"),
    DemoAccount("dest-county", Role.COUNTY_OFFICER, "destination", codes.COUNTY, "吴海燕"),
    DemoAccount("dest-city", Role.CITY_OFFICER, "destination", codes.CITY, "徐明"),
    DemoAccount("dest-province", Role.PROVINCE_OFFICER, "destination", codes.PROVINCE, "孙红梅"),
    DemoAccount("dest-auditor", Role.AUDITOR, "destination", codes.COUNTY, "马俊"),
    DemoAccount("dest-health", Role.HEALTH_WORKER, "destination", codes.TOWNSHIP, "林晓梅"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    jurisdiction: str
    password: str


@dataclass
class DemoLoad:
    loaded: bool
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # by phase, see load_demo
    in_child: bool = False  # whether the rows were generated in a second process


def load_demo(*, acting_user=None, persons: int, seed: int, if_empty: bool = False,
              today: datetime.date | None = None, in_child: bool | None = None) -> DemoLoad:
    """Fill an empty registry with a synthetic population, the demo villages and the demo accounts.

    With the population come the inflow and outflow notices its registrations sent, and
    the feedback that answered most of them; then a few certificates, proxy applications
    and birth registrations made through the real actions (`documents`).

    The same size, seed and day give the same rows. Everything is written in one
    transaction, with one audit row for the load. Phases timed in `seconds`: divisions,
    places, accounts, population (of which writing and waiting for the generator),
    generation (the generator's own time, overlapping), indexes (built after the rows),
    commit, documents, total.
    """
    started = time.perf_counter()
    if Person.objects.exists():
        if if_empty:
            return DemoLoad(loaded=False, logins=demo_logins())
        raise ValidationFailed({"persons": [NOT_EMPTY]})
    today = today or datetime.date.today()  # as the people actions date things
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    tree = build_tree(persons, seed)
    layouts = {"jurisdictions_jurisdiction": JURISDICTION_LAYOUT, **TABLES}
    writer = bulk.writer_for_database(layouts)
    with translation.override(settings.LANGUAGE_CODE):
        moved_on_note = translation.gettext("registered at a new place of residence")
    plan = Plan(
        persons=persons, seed=seed, today=today, tree=tree, moved_on_note=moved_on_note,
        null=writer.null, time_suffix=writer.time_suffix,
        utc_offset_seconds=int(local_midnight(today).utcoffset().total_seconds()),
        inflow_answer_days=answer_days(MessageType.INFLOW_NOTICE),
        outflow_answer_days=answer_days(MessageType.OUTFLOW_NOTICE),
    )
    if in_child is None:
        in_child = pipeline.can_fork() and persons >= CHILD_PROCESS_FROM
    production = pipeline.Production(plan, in_child=in_child).start()
    seconds["places"] = time.perf_counter() - clock
    counts = dict.fromkeys(TABLE_ORDER, 0)
    try:
        with bulk.sqlite_load_settings(persons), transaction.atomic():
            if Person.objects.exists():  # registered meanwhile, by another process
                raise ValidationFailed({"persons": [NOT_EMPTY]})
            clock = time.perf_counter()
            counties = [c.code for c in tree.sending + tree.receiving]
            if Jurisdiction.objects.filter(code__in=counties).count() < len(counties):
                load_standard_divisions(acting_user=acting_user)
            seconds["divisions"] = time.perf_counter() - clock

            clock = time.perf_counter()
            new_places = _missing_places(tree)
            writer.write("jurisdictions_jurisdiction", "\n".join("\t".join(map(str, row)) for row in new_places))
            counts["jurisdictions_jurisdiction"] = len(new_places)
            seconds["places"] += time.perf_counter() - clock

            clock = time.perf_counter()
            counts["accounts"] = _create_demo_accounts(acting_user, tree)
            seconds["accounts"] = time.perf_counter() - clock

            _write_population(writer, production, counts, seconds)
            record_event(actor=acting_user, event="demo_load", object_type="demo",
                         detail={"seed": seed, "persons": counts["people_person"],
                                 "migrations": counts["people_migration"],
                                 "outflows": counts["people_outflowregistration"],
                                 "inflows": counts["people_inflowregistration"],
                                 "children": counts["people_child"],
                                 "messages": counts["exchange_message"],
                                 "jurisdictions": counts["jurisdictions_jurisdiction"],
                                 "accounts": counts["accounts"]})
            clock = time.perf_counter()
        bulk.checkpoint()
        seconds["commit"] = time.perf_counter() - clock
    finally:
        production.stop()
    clock = time.perf_counter()
    counts.update(issue_demo_documents(today=today))
    counts.update(build_demo_fund(today=today))
    for build in (build_demo_services, build_demo_left_behind, build_demo_community, build_demo_grievances,
                  build_demo_assessments):
        counts.update(build(today=today))
    seconds["documents"] = time.perf_counter() - clock
    seconds["total"] = time.perf_counter() - started
    return DemoLoad(loaded=True, logins=demo_logins(), counts=counts, seconds=seconds, in_child=in_child)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, with their role, jurisdiction and the demo password."""
    wanted = {account.username: account for account in DEMO_ACCOUNTS}
    assignments = {
        a.user.username: a
        for a in RoleAssignment.objects.filter(user__username__in=wanted).select_related("user")
    }
    paths = full_names(a.jurisdiction_id for a in assignments.values())
    return [
        DemoLogin(username=name, role_label=Role(assignments[name].role).label,
                  jurisdiction=paths[assignments[name].jurisdiction_id].replace(" ", ""), password=DEMO_PASSWORD)
        for name in wanted
        if name in assignments
    ]


def _write_population(writer, production, counts: dict[str, int], seconds: dict[str, float]) -> None:
    clock = time.perf_counter()
    writing = 0.0
    with bulk.deferred_indexes():
        for chunk in production.chunks():
            write_started = time.perf_counter()
            for table in TABLE_ORDER:
                counts[table] += bulk.count_lines(chunk[table])
                writer.write(table, chunk[table])
            writing += time.perf_counter() - write_started
        seconds["population"] = time.perf_counter() - clock
        clock = time.perf_counter()
    seconds["indexes"] = time.perf_counter() - clock
    seconds["writing"] = writing
    seconds["waiting"] = production.times.waited_seconds
    seconds["generation"] = production.times.cpu_seconds


def _create_demo_accounts(acting_user, tree) -> int:
    branches = {"origin": tree.origin_village, "destination": tree.destination_village}
    existing = set(
        RoleAssignment.objects.filter(user__username__in=[a.username for a in DEMO_ACCOUNTS])
        .values_list("user__username", flat=True)
    )
    created = 0
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue  # kept from an earlier load, password and all
        create_user(acting_user=acting_user, username=account.username, display_name=account.display_name,
                    password=DEMO_PASSWORD, role=account.role,
                    jurisdiction_code=_ancestor_at(branches[account.side], account.level),
                    must_change_password=False)
        created += 1
    return created


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The moment the day begins where the offices are."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _ancestor_at(code: int, level: int) -> int:
    width = 10 ** (12 - codes.SIGNIFICANT_DIGITS[level])
    return code // width * width


def _missing_places(tree) -> list[tuple]:
    counties = Q()
    for county in tree.sending + tree.receiving:
        low, high = codes.subtree_range(county.code)
        counties |= Q(code__gte=low, code__lte=high)
    existing = set(Jurisdiction.objects.filter(counties).values_list("code", flat=True))
    return [row for row in tree.rows if row[0] not in existing]
