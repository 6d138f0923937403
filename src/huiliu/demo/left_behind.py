"""Left-behind children and elders in the demo, recorded through the real actions by the origin's village worker.

Families of the origin village whose member lives in the destination village leave children and elders behind
(their recorded minor children, or a child and a grandparent named for the demo); the village logs visits, most of
them on time and one entry left overdue, so the roll and the destination's view of the person both have something
to show.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import F

from huiliu.jurisdictions import codes
from huiliu.people.actions import record_left_behind_relative, record_left_behind_visit
from huiliu.people.models import (
    LeftBehindRelative,
    MigrationStatus,
    Person,
    is_minor_on,
)

FAMILIES = 6
CARERS = (("祖母", "桂兰"), ("祖父", "德福"), ("外婆", "秀英"), ("外公", "建华"))
CHILD_NAMES = ("小雨", "小军", "欣怡", "浩然", "子涵", "梓萱")
ELDER_NAMES = (("父亲", "德胜"), ("母亲", "玉兰"))
WELLBEING = ("身体健康，学习认真，想念父母。", "精神不错，按时吃饭，祖母照顾周到。", "近期感冒已好，情绪稳定。",
             "老人身体硬朗，独自生活尚能自理。")
NEEDS = ("", "希望父母每周打一次电话。", "冬衣不足。", "")


def _account(username: str):
    return get_user_model().objects.get(username=username)


def _subtree(user) -> tuple[int, int]:
    return codes.subtree_range(user.role_assignments.get().jurisdiction_id)


def build_demo_left_behind(*, today: datetime.date) -> dict[str, int]:
    """Record the demo's left-behind children and elders and their visits; count what was made."""
    village, destination = _account("origin-village"), _account("dest-village")
    low, high = _subtree(village)
    dest_low, dest_high = _subtree(destination)
    made = {"left_behind_children": 0, "left_behind_elders": 0, "left_behind_visits": 0}
    away = Person.objects.filter(
        household_jurisdiction_id__gte=low, household_jurisdiction_id__lte=high,
        migrations__status__in=(MigrationStatus.AWAY, MigrationStatus.ARRIVED),
    ).exclude(residence_jurisdiction_id=F("household_jurisdiction_id"))
    # Those living in the demo's destination village first: their page there shows the visits.
    in_destination = list(away.filter(residence_jurisdiction_id__gte=dest_low, residence_jurisdiction_id__lte=dest_high)
                          .order_by("id_number")[:FAMILIES])
    others = list(away.exclude(pk__in=[p.pk for p in in_destination]).order_by("id_number")[:FAMILIES - len(in_destination)])
    for index, person in enumerate(in_destination + others):
        surname = person.name[:1]
        carer_relation, carer_given = CARERS[index % len(CARERS)]
        minors = [c for c in person.children.all() if is_minor_on(c.birth_date, today)] or [None]
        for number, child in enumerate(minors[:2]):
            born = child.birth_date if child else today.replace(year=today.year - 4 - 2 * index, day=1)
            name = child.name if child and child.name else surname + CHILD_NAMES[(index + number) % len(CHILD_NAMES)]
            relative = record_left_behind_relative(
                acting_user=village, person=person, kind="child", name=name, sex=child.sex if child else "MF"[index % 2],
                birth_date=born, school="中心小学" if born.year <= today.year - 6 else "", carer_name=surname + carer_given,
                carer_relation=carer_relation, carer_phone=f"1390000{index:02d}{number:02d}",
                school_informed=born.year <= today.year - 6, village_committee_informed=True)
            made["left_behind_children"] += 1
            made["left_behind_visits"] += _visit(village, relative, today, index)
        if index % 2 == 0:
            relation, given = ELDER_NAMES[(index // 2) % len(ELDER_NAMES)]
            relative = record_left_behind_relative(
                acting_user=village, person=person, kind="elder", name=surname + given, relation=relation,
                birth_date=today.replace(year=today.year - 70 - index, day=1), lives_alone=index % 4 == 0)
            made["left_behind_elders"] += 1
            made["left_behind_visits"] += _visit(village, relative, today, index)
    return made


def _visit(village, relative: LeftBehindRelative, today: datetime.date, index: int) -> int:
    """Log a visit or two since the relative was left behind; the last family's are long past, so overdue."""
    days_ago = (10, 40) if index < FAMILIES - 1 else (200,)
    logged = 0
    for step, back in enumerate(days_ago):
        visited = max(today - datetime.timedelta(days=back), relative.left_on)
        if visited > today:
            continue
        record_left_behind_visit(acting_user=village, relative=relative, visited_on=visited,
                                 way=("home", "phone", "school")[(index + step) % 3],
                                 wellbeing=WELLBEING[(index + step) % len(WELLBEING)],
                                 needs=NEEDS[(index + step) % len(NEEDS)])
        logged += 1
    return logged
