"""The community work of the demo's destination township, made through the community's real actions.

The destination township's officer registers an electronics factory, a wholesale market and a
private landlord, lists the migrants each employs or houses and signs their responsibility
agreements; founds the township's migrants' association with two branches, elected officers,
members and activities; appoints two liaison volunteers; pairs the village worker with three
migrant families, who are contacted by visit, phone and message; and signs service agreements
with migrants, whose commitments are fulfilled on time, fulfilled late, open, or missed (one is
left unfulfilled past its deadline, so the office page shows it). Everything is dated from `today`.
"""

import datetime

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from huiliu.community import actions
from huiliu.community.models import ActivityKind, ContactWay, PartnerKind
from huiliu.jurisdictions import codes
from huiliu.people.models import MigrationStatus, Person

CHARTER = (
    "第一条 本会是在本镇居住的流动人口自愿组成的群众组织，实行自我管理、自我服务、自我教育。\n"
    "第二条 本会宣传婚育新风和健康知识，组织会员参加免费的生殖健康检查和技能培训，帮助会员解决生活中的困难。\n"
    "第三条 会员大会每年召开一次，选举会长、副会长和秘书长，任期三年。\n"
    "第四条 会员自愿入会、自愿退会。"
)
OFFICE_DUTIES = "与户籍人口同等提供宣传、服务和管理\n免费提供基本公共卫生和计划生育技术服务\n对本人信息保密"
MIGRANT_DUTIES = "搬家或离开时告知\n提供的信息真实"
# The office's three usual commitments and the days each is due after signing.
STANDARD_COMMITMENTS = {"及时为本人办理所需证明材料": 5, "保存外地反馈的检查结果，不让任何人重复检查": 30,
                        "在承诺时限内答复本人的诉求": 15}
UNIT_DUTIES = ("告知员工和租户可享受的免费服务项目\n为工作人员上门服务提供便利\n配合开展健康知识宣传\n"
               "员工、租户变动时告知社区")


def _credit_code(county: int, organisation: str) -> str:
    body = f"9144{county // 10**6 % 10_000:04d}{organisation}"[:17]
    return body + uscc.calc_check_digit(body)


def _days(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def build_demo_community(*, today: datetime.date) -> dict[str, int]:
    """Build the destination township's community work; count what was made."""
    users = get_user_model().objects
    officer, worker = users.get(username="dest-township"), users.get(username="dest-village")
    township = officer.role_assignments.get().jurisdiction_id
    village = worker.role_assignments.get().jurisdiction_id
    low, high = codes.subtree_range(village)
    migrants = list(Person.objects.filter(residence_jurisdiction_id__gte=low, residence_jurisdiction_id__lte=high,
                                          migrations__status=MigrationStatus.ARRIVED)
                    .exclude(household_jurisdiction_id__gte=low, household_jurisdiction_id__lte=high)
                    .order_by("id_number").distinct()[:24])
    made = {"partner_units": 0, "association_members": 0, "liaison_volunteers": 0, "pairings": 0,
            "service_agreements": 0}
    if len(migrants) < 12:
        return made
    county = codes.parent_code(township)

    factory = actions.register_partner_unit(
        acting_user=officer, kind=PartnerKind.EMPLOYER, name="鸿达精密电子有限公司", jurisdiction_code=village,
        responsible_person="陈国栋", responsible_phone="13912345678", credit_code=_credit_code(county, "MA5D1K2L3"),
        address="工业大道 88 号")
    market = actions.register_partner_unit(
        acting_user=officer, kind=PartnerKind.MARKET, name="城南农副产品批发市场", jurisdiction_code=village,
        responsible_person="林美华", responsible_phone="0755-27781234", credit_code=_credit_code(county, "MA5F7H8J9"),
        address="南环路 12 号")
    landlord = actions.register_partner_unit(
        acting_user=officer, kind=PartnerKind.LANDLORD, name="刘家出租屋", jurisdiction_code=village,
        responsible_person="刘桂芳", responsible_phone="13600001111", address="新村二巷 7 号")
    for unit in (factory, market):
        actions.sign_responsibility_agreement(acting_user=officer, unit=unit, signed_on=_days(today, 200),
                                              term_end=_days(today, 200 - 365 * 3), duties=UNIT_DUTIES)
    for index, person in enumerate(migrants[:6]):
        actions.link_person_to_unit(acting_user=officer, unit=factory, person=person,
                                    started_on=_days(today, 300 - 20 * index))
    for person in migrants[6:9]:
        actions.link_person_to_unit(acting_user=officer, unit=landlord, person=person, started_on=_days(today, 150))
    for person in migrants[16:18]:  # stallholders of the market, where the demo has enough migrants
        actions.link_person_to_unit(acting_user=officer, unit=market, person=person, started_on=_days(today, 60))
    made["partner_units"] = 3

    association = actions.found_association(acting_user=officer, name="流动人口计生协会", jurisdiction_code=township,
                                            founded_on=_days(today, 700), charter=CHARTER)
    branches = [actions.add_branch(acting_user=officer, association=association, name="鸿达电子分会",
                                   place="鸿达精密电子有限公司职工之家"),
                actions.add_branch(acting_user=officer, association=association, name="批发市场分会",
                                   place="城南农副产品批发市场管理处")]
    actions.elect_officer(acting_user=officer, association=association, person=migrants[0], post="会长",
                          elected_on=_days(today, 690), term_end=_days(today, 690 - 365 * 3))
    actions.elect_officer(acting_user=officer, association=association, name="赵大成", post="副会长",
                          elected_on=_days(today, 690), term_end=_days(today, 690 - 365 * 3))
    for index, person in enumerate(migrants[:12]):
        actions.admit_member(acting_user=officer, association=association, person=person,
                             joined_on=_days(today, 680 - 30 * index), branch=branches[index % 2])
    for name in ("钱小红", "孙建华", "李秀珍"):
        actions.admit_member(acting_user=officer, association=association, name=name, joined_on=_days(today, 90))
    for days, kind, count, text in ((240, ActivityKind.HEALTH_TALK, 86, "生殖健康知识讲座，现场预约免费检查"),
                                    (120, ActivityKind.TRAINING, 40, "电工技能培训，结业后推荐就业"),
                                    (30, ActivityKind.LEGAL_AID, 25, "讨薪和工伤维权法律咨询")):
        actions.record_activity(acting_user=officer, association=association, held_on=_days(today, days),
                                kind=kind, participants=count, description=text)
    made["association_members"] = 15

    actions.appoint_liaison_volunteer(acting_user=officer, office_code=township, person=migrants[1],
                                      appointed_on=_days(today, 180), group="鸿达电子三号车间的老乡", unit=factory)
    actions.appoint_liaison_volunteer(acting_user=officer, office_code=township, person=migrants[7],
                                      appointed_on=_days(today, 90), group="新村出租屋的住户", unit=landlord)
    made["liaison_volunteers"] = 2

    pairing = actions.pair_officer(acting_user=officer, officer=worker, started_on=_days(today, 120),
                                   persons=migrants[9:12], note="联系新到的有孩子的家庭")
    for index, person in enumerate(migrants[9:12]):
        actions.log_contact(acting_user=worker, pairing=pairing, person=person, contacted_on=_days(today, 100 - index),
                            way=ContactWay.VISIT, note="上门了解居住和孩子入学情况")
        actions.log_contact(acting_user=worker, pairing=pairing, person=person, contacted_on=_days(today, 20 + index),
                            way=(ContactWay.PHONE, ContactWay.MESSAGE)[index % 2], note="提醒免费健康检查的时间")
    made["pairings"] = 1

    # (signed days ago, fulfilled days after signing for each standard commitment; None: not yet)
    plans = ((90, (3, 20, 10)), (60, (4, 45, None)), (40, (9, None, 12)), (2, (None, None, None)))
    for person, (signed, fulfilled) in zip(migrants[12:16], plans, strict=False):
        signed_on = _days(today, signed)
        agreement = actions.sign_service_agreement(
            acting_user=officer, office_code=township, person=person, signed_on=signed_on,
            term_end=signed_on + datetime.timedelta(days=365), office_obligations=OFFICE_DUTIES,
            migrant_obligations=MIGRANT_DUTIES, commitments=[
                {"description": text, "deadline": signed_on + datetime.timedelta(days=days)}
                for text, days in STANDARD_COMMITMENTS.items()])
        days_after = dict(zip(STANDARD_COMMITMENTS, fulfilled, strict=True))
        for commitment in agreement.commitments.all():
            after = days_after[commitment.description]
            if after is not None:
                actions.record_commitment_fulfilled(acting_user=officer, commitment=commitment,
                                                    fulfilled_on=signed_on + datetime.timedelta(days=after))
        made["service_agreements"] += 1
    return made
