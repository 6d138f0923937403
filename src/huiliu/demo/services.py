"""Services in the demo, made through the services app's real actions.

The destination county's officer sets its service-priority groups (new parents, settled, single, everyone else)
and offers the yearly free check-up; the destination village worker records services for people who arrived
there — check-ups and counselling with the person's consent, supplies with the method the person chose, legal aid,
job referrals and school help — so that their household townships recognise them; one offer is taken up with its
check-up, one is declined (no consequence) and one has a reminder noted. Everything is dated from `today`.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from huiliu.jurisdictions import codes
from huiliu.people.models import MigrationStatus, Person
from huiliu.services import actions
from huiliu.services.models import OfferStatus, ServiceOffer

GROUPS = (
    ("待产或新生儿父母", "new_parents", 12, ["prenatal_referral", "postpartum_visit", "childcare_subsidy",
                                        "health_checkup"]),
    ("稳定居住", "settled", 5, ["health_checkup"]),
    ("未婚青年", "single", None, ["job_referral"]),
    ("其他流动人口", "everyone", None, ["health_checkup", "legal_aid"]),
)
# (type, provider, outcome, extra fields) for the services recorded, one person each, in turn.
SERVICES = (
    ("health_checkup", "宝安区妇幼保健院", "未见异常", {}),
    ("counselling", "社区卫生服务站", "已讲解常用避孕方法，本人自行选择", {}),
    ("contraceptive_supply", "社区计生服务室", "", {"method_chosen": "避孕套"}),
    ("legal_aid", "宝安区法律援助中心", "协助追回欠薪 4200 元", {}),
    ("job_referral", "街道就业服务站", "推荐至电子厂普工岗位，已入职", {}),
    ("school_help", "街道教育办", "子女已入读社区小学一年级", {}),
    ("health_checkup", "宝安区妇幼保健院", "建议三个月后复查", {}),
    ("postpartum_visit", "社区卫生服务站", "母婴情况良好", {}),
)


def _account(username: str):
    return get_user_model().objects.get(username=username)


def build_demo_services(*, today: datetime.date) -> dict[str, int]:
    """Set the groups, make the yearly offers and record the demo's services; count what was made."""
    worker, county_officer = _account("dest-village"), _account("dest-county")
    county = county_officer.role_assignments.get().jurisdiction_id
    village = worker.role_assignments.get().jurisdiction_id
    made = {"service_groups": 0, "service_offers": 0, "service_records": 0}
    for order, (name, condition, parameter, services) in enumerate(GROUPS, 1):
        actions.save_priority_group(acting_user=county_officer, county_code=county, name=name, order=order,
                                    condition=condition, parameter=parameter, services=services)
        made["service_groups"] += 1
    made["service_offers"] += actions.offer_yearly_checkups(acting_user=county_officer, county_code=county,
                                                            year=today.year)
    # Dated no later than the real day: the actions refuse services in the future.
    day = min(today, timezone.localdate())
    low, high = codes.subtree_range(village)
    arrived = list(Person.objects.filter(residence_jurisdiction_id__gte=low, residence_jurisdiction_id__lte=high,
                                         migrations__status=MigrationStatus.ARRIVED).order_by("id_number")
                   [:len(SERVICES)])
    for index, (person, (service_type, provider, outcome, extra)) in enumerate(zip(arrived, SERVICES, strict=False)):
        served_on = day - datetime.timedelta(days=3 + 9 * index)
        consent = {"consent_given": True, "consent_way": "signed" if index % 2 else "spoken", "consent_on": served_on}
        offer = (ServiceOffer.objects.filter(person=person, kind=service_type, status=OfferStatus.OPEN).first()
                 if service_type == "health_checkup" else None)
        actions.record_service(acting_user=worker, person=person, service_type=service_type, service_date=served_on,
                               provider=provider, outcome=outcome, offer=offer, **consent, **extra)
        made["service_records"] += 1
    still_open = list(ServiceOffer.objects.filter(jurisdiction_id=county, status=OfferStatus.OPEN,
                                                  person__residence_jurisdiction_id__gte=low,
                                                  person__residence_jurisdiction_id__lte=high)
                      .select_related("person").order_by("person__id_number")[:2])
    if still_open:
        actions.decline_offer(acting_user=worker, offer=still_open[0], reason="已在单位体检中检查过")
    if len(still_open) > 1:
        actions.record_reminder_sent(acting_user=worker, offer=still_open[1], sent_on=day)
    return made
