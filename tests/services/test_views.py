"""The services pages: the person's section from both sides, the record form and its consent, lists, 404s."""

import datetime
import uuid

import pytest

from huiliu.services import actions
from huiliu.services.models import ServiceOffer, ServiceRecord
from tests import factories as f

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_origin_township_officer_sees_the_destination_check_up_recognised_on_the_person_page(
    log_in, checkup, origin_township_officer
):
    page = log_in(origin_township_officer).get(f"/people/{checkup.person_id}/").content.decode()

    assert "生殖健康检查" in page and "宝安区妇幼保健院" in page
    assert "本地同样有效——无需重复" in page
    assert "未见异常" not in page


def test_a_non_health_role_never_sees_the_result_on_the_record_page(log_in, checkup, origin_township_officer):
    page = log_in(origin_township_officer).get(f"/services/records/{checkup.pk}/").content.decode()

    assert "生殖健康检查" in page and "健康结果仅向卫生健康人员显示" in page
    assert "未见异常" not in page


def test_a_health_worker_over_the_record_sees_the_result(log_in, checkup, destination_health_worker):
    page = log_in(destination_health_worker).get(f"/services/records/{checkup.pk}/").content.decode()

    assert "未见异常" in page


def test_the_record_form_refuses_a_check_up_without_consent_in_chinese_and_writes_nothing(
    log_in, destination_village_worker, arrived_person
):
    response = log_in(destination_village_worker).post(f"/services/record/{arrived_person.pk}/", {
        "service_type": "health_checkup", "service_date": TODAY.isoformat(), "provider": "社区卫生服务站"})

    assert response.status_code == 200
    assert "知情同意：请记录本人自愿选择并同意接受该服务" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_the_record_form_saves_a_check_up_with_consent(log_in, destination_village_worker, arrived_person):
    response = log_in(destination_village_worker).post(f"/services/record/{arrived_person.pk}/", {
        "service_type": "health_checkup", "service_date": TODAY.isoformat(), "provider": "社区卫生服务站",
        "consent_given": "on", "consent_way": "signed", "consent_on": TODAY.isoformat()})

    record = ServiceRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/services/records/{record.pk}/"


def test_the_person_page_links_to_record_a_service(log_in, destination_village_worker, arrived_person):
    page = log_in(destination_village_worker).get(f"/people/{arrived_person.pk}/").content.decode()

    assert f"/services/record/{arrived_person.pk}/" in page and "记录服务" in page


@pytest.mark.parametrize("path", ["/services/records/{record}/", "/services/record/{person}/",
                                  "/services/offer/{person}/"])
def test_pages_of_a_person_out_of_scope_answer_404(log_in, checkup, tree, path):
    from huiliu.accounts.models import Role

    stranger = f.make_user(Role.VILLAGE_WORKER, f.village(f.OTHER_DESTINATION_COUNTY), "stranger")
    url = path.format(record=checkup.pk, person=checkup.person_id)

    assert log_in(stranger).get(url).status_code == 404
    assert log_in(stranger).get(path.format(record=uuid.uuid4(), person=uuid.uuid4())).status_code == 404


def test_an_offer_out_of_scope_answers_404(log_in, destination_village_worker, arrived_person, tree):
    from huiliu.accounts.models import Role

    offer = actions.make_offer(acting_user=destination_village_worker, person=arrived_person, kind="legal_aid",
                               due_by=TODAY + datetime.timedelta(days=5))
    stranger = f.make_user(Role.VILLAGE_WORKER, f.village(f.OTHER_DESTINATION_COUNTY), "stranger")

    assert log_in(stranger).get(f"/services/offers/{offer.pk}/").status_code == 404


def test_declining_on_the_offer_page_records_the_answer_and_its_reason(log_in, destination_village_worker,
                                                                       arrived_person):
    offer = actions.make_offer(acting_user=destination_village_worker, person=arrived_person,
                               kind="health_checkup", due_by=TODAY + datetime.timedelta(days=5))
    client = log_in(destination_village_worker)

    response = client.post(f"/services/offers/{offer.pk}/", {"answer": "decline", "reason": "近期已检查"}, follow=True)

    offer.refresh_from_db()
    assert offer.status == "declined" and offer.decline_reason == "近期已检查"
    assert "谢绝。其他一切不受影响" in response.content.decode()


def test_the_record_list_runs_in_a_fixed_number_of_queries(log_in, destination_village_worker, arrived_person,
                                                           consent, django_assert_max_num_queries):
    for _n in range(6):
        actions.record_service(acting_user=destination_village_worker, person=arrived_person,
                               service_type="counselling", service_date=TODAY, provider="服务站", **consent)
    client = log_in(destination_village_worker)

    with django_assert_max_num_queries(16):
        page = client.get("/services/?service_type=counselling").content.decode()
    assert page.count("咨询指导") >= 6


def test_the_offer_list_and_work_list_run_in_a_fixed_number_of_queries(
    log_in, destination_village_worker, destination_county_officer, django_assert_max_num_queries
):
    actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                name="全部人员", order=1, condition="everyone", services=["health_checkup"])
    for n in range(5):
        f.register_arrival(destination_village_worker, number=f.id_number(), name=f"人员{n}")
    actions.offer_yearly_checkups(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                  year=TODAY.year)
    client = log_in(destination_village_worker)

    with django_assert_max_num_queries(16):
        offers = client.get("/services/offers/").content.decode()
    with django_assert_max_num_queries(18):
        work = client.get("/services/work/").content.decode()
    assert offers.count("免费生殖健康检查") == 5
    assert "全部人员（5）" in work and ServiceOffer.objects.count() == 5


def test_the_county_officer_adds_a_group_on_the_groups_page(log_in, origin_county_officer):
    response = log_in(origin_county_officer).post("/services/groups/", {
        "form": "group", "name": "待产或新生儿父母", "order": 1, "condition": "new_parents", "parameter": 12,
        "services": ["prenatal_referral", "postpartum_visit", "childcare_subsidy"]}, follow=True)

    assert "待产或新生儿父母" in response.content.decode()


def test_a_township_officer_cannot_change_the_county_groups(log_in, origin_county_officer, origin_township_officer):
    group = actions.save_priority_group(acting_user=origin_county_officer, county_code=f.ORIGIN_COUNTY, name="单身",
                                        order=1, condition="single")

    response = log_in(origin_township_officer).post(f"/services/groups/{group.pk}/", {
        "name": "改名", "order": 1, "condition": "single"})

    group.refresh_from_db()
    assert group.name == "单身"
    assert response.status_code in (200, 404)


def test_a_group_of_another_county_answers_404(log_in, origin_county_officer, destination_county_officer):
    group = actions.save_priority_group(acting_user=origin_county_officer, county_code=f.ORIGIN_COUNTY, name="单身",
                                        order=1, condition="single")

    client = log_in(destination_county_officer)
    assert client.get(f"/services/groups/{group.pk}/").status_code == 404
    client.logout()
    assert log_in(origin_county_officer).get(f"/services/groups/{group.pk}/").status_code == 200
