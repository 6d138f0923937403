"""Grievances in the demo, filed and handled through the real actions, as the public and the demo accounts would.

At the destination village: complaints and a suggestion sent on the public page (one
resolved on time, one taken in hand, one left past its deadline so the overdue list has
something to show), a rights-protection request a village worker files for a migrant of
the registry, and a forum hosted by the township whose suggestions become grievances.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from huiliu.grievances.actions import (
    file_grievance,
    record_forum,
    resolve_grievance,
    take_grievance_in_hand,
)
from huiliu.people.models import MigrationStatus, Person

from .documents import _subtree

PUBLIC = (
    # kind, topic, text, name, phone, days ago
    ("complaint", "wages_owed", "在工业园一家电子厂做了三个月，老板拖欠工资一直不发，找了几次都说再等等。", "刘春生",
     "13912345678", 12),
    ("complaint", "service_quality", "社区服务站办居住证要跑三次，每次说缺的材料都不一样，希望一次告知清楚。", "", "", 25),
    ("complaint", "schooling", "孩子转学到这里上小学，学校说名额已满，不知道还能找哪里。", "张桂芳", "13712340000", 4),
    ("suggestion", "other", "希望社区卫生服务站周末也开门，平时上班没时间去。", "", "", 2),
)
FORUM_SUGGESTIONS = (
    "建议在工业园设流动人口服务点，办事不用请假。",
    "希望开设普通话和电脑技能夜校。",
    "子女入学政策请提前在园区公告栏张贴。",
)


def _account(username: str):
    return get_user_model().objects.get(username=username)


def _at(today: datetime.date, days_ago: int) -> datetime.datetime:
    now = timezone.localtime()
    return now.replace(year=today.year, month=today.month, day=today.day) - datetime.timedelta(days=days_ago)


def build_demo_grievances(*, today: datetime.date) -> dict[str, int]:
    """File and handle the demo's grievances and its forum; count what was made."""
    worker, township = _account("dest-village"), _account("dest-township")
    village_low, village_high = _subtree(worker)
    village = village_low
    made = {"grievances": 0, "resolved": 0, "forums": 0}

    filed = []
    for kind, topic, text, name, phone, days_ago in PUBLIC:
        filed.append(file_grievance(acting_user=None, kind=kind, topic=topic, place_code=village, text=text,
                                    name=name, phone=phone, now=_at(today, days_ago)).grievance)
        made["grievances"] += 1
    wages, _late, schooling, _suggestion = filed  # the service-quality complaint stays open past its deadline
    take_grievance_in_hand(acting_user=township, grievance=wages, now=_at(today, 10))
    resolve_grievance(acting_user=township, grievance=wages, now=_at(today, 3),
                      resolution="已会同劳动监察大队约谈企业负责人，拖欠工资已于本周全部补发，已电话告知本人。")
    made["resolved"] += 1
    take_grievance_in_hand(acting_user=township, grievance=schooling, now=_at(today, 2))

    migrant = Person.objects.filter(
        residence_jurisdiction_id__gte=village_low, residence_jurisdiction_id__lte=village_high,
        migrations__status=MigrationStatus.ARRIVED,
    ).order_by("id_number").first()
    if migrant is not None:
        file_grievance(acting_user=worker, kind="rights_protection", topic="work_injury", place_code=village,
                       text="在建筑工地摔伤右腿，用工单位不愿申报工伤，请求帮助认定工伤。",
                       person_id_number=migrant.id_number, now=_at(today, 6))
        made["grievances"] += 1

    record_forum(acting_user=township, held_on=today - datetime.timedelta(days=8), title="外来务工人员座谈会",
                 place_code=village, host_code=township.role_assignments.get().jurisdiction_id, attendance=46,
                 officers_present="周志强, 黄丽娟", suggestions=list(FORUM_SUGGESTIONS), now=_at(today, 8),
                 notes="在工业园职工之家召开，参加者为园区企业务工人员代表。")
    made["forums"] += 1
    made["grievances"] += len(FORUM_SUGGESTIONS)
    return made
