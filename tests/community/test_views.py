"""The community pages: what an office sees and submits, in Chinese, and what strangers are refused."""

import re
import uuid

import pytest

from huiliu.community import actions
from huiliu.community.models import (
    ActivityKind,
    Commitment,
    Contact,
    LiaisonVolunteer,
    Pairing,
    PartnerKind,
    PartnerUnit,
    ServiceAgreement,
)
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, DESTINATION_VILLAGE, credit_code, days_ago

RAW_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


def test_the_office_page_shows_the_missed_commitment_and_its_count(log_in, agreement,
                                                                   destination_township_officer):
    page = log_in(destination_township_officer).get("/community/").content.decode()
    assert "未按期履行的承诺（1）" in page
    assert "及时办理证明材料" in page and "尚未履行，已超过期限 15 天" in page
    assert "按承诺时限答复" not in page


def test_a_county_chooses_one_of_its_offices_on_the_office_page(log_in, agreement, destination_county_officer):
    client = log_in(destination_county_officer)
    assert "未按期履行的承诺（1）" in client.get("/community/").content.decode()
    other = f.township(f.DESTINATION_COUNTY, 2)
    assert "未按期履行的承诺（0）" in client.get(f"/community/?office={other}").content.decode()


@pytest.mark.parametrize("office", [f.township(f.ORIGIN_COUNTY), 999999999999, "abc"])
def test_the_office_page_of_an_office_out_of_scope_is_404(log_in, destination_township_officer, office):
    assert log_in(destination_township_officer).get(f"/community/?office={office}").status_code == 404


def test_a_township_officer_records_an_agreement_with_the_standard_commitments(log_in, migrant,
                                                                              destination_township_officer):
    client = log_in(destination_township_officer)
    form = client.get("/community/agreements/new/").content.decode()
    assert "及时为本人办理所需证明材料" in form
    response = client.post("/community/agreements/new/", {
        "office_code": DESTINATION_TOWNSHIP, "id_number": migrant.id_number, "signed_on": days_ago(2).isoformat(),
        "term_end": days_ago(-363).isoformat(), "office_obligations": "同等服务", "migrant_obligations": "",
        "commitment_1": "及时为本人办理所需证明材料", "commitment_1_days": "5",
        "commitment_2": "保存外地反馈的检查结果", "commitment_2_days": "30", "commitment_3": "", "commitment_3_days": ""})
    agreement = ServiceAgreement.objects.get()
    assert response.url == f"/community/agreements/{agreement.pk}/"
    assert sorted(c.deadline for c in agreement.commitments.all()) == [days_ago(-3), days_ago(-28)]
    page = client.get(response.url).content.decode()
    assert "不因此产生任何罚款、处罚或其他后果" in page and not RAW_ID.search(page)


def test_an_unknown_id_number_is_refused_beside_the_field_in_chinese(log_in, destination_township_officer, tree):
    response = log_in(destination_township_officer).post("/community/agreements/new/", {
        "office_code": DESTINATION_TOWNSHIP, "id_number": f.id_number(), "signed_on": days_ago(2).isoformat(),
        "term_end": days_ago(-10).isoformat()})
    assert "您的辖区内没有登记此身份证号码的人员。" in response.context["form"].errors["id_number"]
    assert not ServiceAgreement.objects.exists()


def test_a_commitment_is_recorded_fulfilled_on_the_agreement_page(log_in, agreement, destination_township_officer):
    commitment = agreement.commitments.order_by("deadline").first()
    client = log_in(destination_township_officer)
    client.post(f"/community/agreements/{agreement.pk}/", {"step": "fulfil", "commitment": str(commitment.pk),
                                                           "fulfilled_on": days_ago(0).isoformat(), "note": "已补办"})
    commitment.refresh_from_db()
    assert commitment.fulfilled_on == days_ago(0)
    assert "逾期履行" in client.get("/community/").content.decode()


def test_an_invalid_credit_code_is_refused_with_a_chinese_message_naming_the_field(log_in,
                                                                                   destination_township_officer):
    response = log_in(destination_township_officer).post("/community/units/new/", {
        "kind": PartnerKind.EMPLOYER, "name": "宝安电子厂", "credit_code": credit_code()[:-1] + "0",
        "jurisdiction_code": DESTINATION_VILLAGE, "responsible_person": "陈国栋"})
    assert response.context["form"].errors["credit_code"] == ["统一社会信用代码的校验码不正确。"]
    page = response.content.decode()
    assert "统一社会信用代码" in page and "统一社会信用代码的校验码不正确。" in page
    assert not PartnerUnit.objects.exists()


def test_the_unit_list_masks_the_phone_and_the_unit_page_shows_it(log_in, factory, destination_township_officer):
    client = log_in(destination_township_officer)
    listing = client.get("/community/units/").content.decode()
    assert "139****5678" in listing and "13912345678" not in listing
    assert "13912345678" in client.get(f"/community/units/{factory.pk}/").content.decode()


def test_a_migrant_is_added_to_a_unit_and_a_responsibility_agreement_recorded(log_in, factory, migrant,
                                                                               destination_township_officer):
    client = log_in(destination_township_officer)
    client.post(f"/community/units/{factory.pk}/", {"step": "person", "id_number": migrant.id_number,
                                                    "started_on": days_ago(10).isoformat()})
    client.post(f"/community/units/{factory.pk}/", {"step": "agreement", "signed_on": days_ago(5).isoformat(),
                                                    "term_end": days_ago(-360).isoformat(),
                                                    "duties": "组织员工参加免费健康检查"})
    page = client.get(f"/community/units/{factory.pk}/").content.decode()
    assert migrant.name in page and "组织员工参加免费健康检查" in page and not RAW_ID.search(page)


def test_the_association_page_records_members_and_activities(log_in, association, migrant,
                                                             destination_township_officer):
    client = log_in(destination_township_officer)
    client.post(f"/community/associations/{association.pk}/", {"step": "branch", "name": "电子厂分会", "place": "宝安"})
    branch = association.branches.get()
    client.post(f"/community/associations/{association.pk}/", {
        "step": "member", "id_number": migrant.id_number, "name": "", "branch": str(branch.pk),
        "joined_on": days_ago(3).isoformat()})
    client.post(f"/community/associations/{association.pk}/", {
        "step": "activity", "held_on": days_ago(1).isoformat(), "kind": ActivityKind.HEALTH_TALK,
        "participants": "60", "description": "孕产期保健讲座"})
    page = client.get(f"/community/associations/{association.pk}/").content.decode()
    assert migrant.name in page and "健康讲座" in page and "活动 1 次，共 60 人次参加。" in page


def test_a_volunteer_is_appointed_and_the_certificate_number_shown(log_in, migrant, destination_township_officer):
    client = log_in(destination_township_officer)
    response = client.post("/community/volunteers/new/", {
        "office_code": DESTINATION_TOWNSHIP, "id_number": migrant.id_number, "appointed_on": days_ago(1).isoformat(),
        "group": "电子厂三号车间的老乡", "unit": ""})
    assert response.status_code == 302
    number = LiaisonVolunteer.objects.get().certificate_number
    page = client.get("/community/volunteers/").content.decode()
    assert number in page and "证书编号" in page and not RAW_ID.search(page)


def test_a_pairing_is_made_and_a_contact_logged(log_in, migrant, destination_township_officer,
                                                destination_village_worker):
    client = log_in(destination_township_officer)
    response = client.post("/community/pairings/new/", {
        "officer": str(destination_village_worker.pk), "started_on": days_ago(20).isoformat(),
        "id_numbers": migrant.id_number + "\n", "note": ""})
    pairing = Pairing.objects.get()
    assert response.url == f"/community/pairings/{pairing.pk}/"
    client.post(response.url, {"step": "contact", "person": str(migrant.pk), "contacted_on": days_ago(1).isoformat(),
                               "way": "visit", "note": "了解子女入学"})
    assert Contact.objects.get().note == "了解子女入学"
    assert "了解子女入学" in client.get(response.url).content.decode()


@pytest.mark.parametrize("page", ["agreements/{agreement}/", "units/{unit}/", "associations/{association}/",
                                  "pairings/{pairing}/"])
def test_detail_pages_answer_404_alike_for_missing_and_out_of_scope(log_in, agreement, factory, association,
                                                                    migrant, destination_township_officer,
                                                                    destination_village_worker, outsider, page):
    pairing = actions.pair_officer(acting_user=destination_township_officer, officer=destination_village_worker,
                                   started_on=days_ago(2), persons=[migrant])
    client = log_in(outsider)
    theirs = client.get("/community/" + page.format(agreement=agreement.pk, unit=factory.pk,
                                                    association=association.pk, pairing=pairing.pk))
    missing = client.get("/community/" + page.format(agreement=uuid.uuid4(), unit=uuid.uuid4(),
                                                     association=uuid.uuid4(), pairing=uuid.uuid4()))
    assert theirs.status_code == missing.status_code == 404


def test_a_post_from_outside_the_scope_changes_nothing(log_in, agreement, outsider):
    response = log_in(outsider).post(f"/community/agreements/{agreement.pk}/", {
        "step": "commitment", "description": "伪造", "deadline": days_ago(0).isoformat()})
    assert response.status_code == 404
    assert Commitment.objects.count() == 2


def test_the_lists_show_nothing_of_other_areas(log_in, agreement, factory, association, outsider):
    client = log_in(outsider)
    for page in ("agreements/", "units/", "associations/", "volunteers/", "pairings/"):
        content = client.get("/community/" + page).content.decode()
        assert agreement.person.name not in content and factory.name not in content
        assert association.name not in content


def _fill(destination_township_officer, destination_village_worker, association, count: int):
    for n in range(count):
        person = f.register_arrival(destination_village_worker, number=f.id_number(), name=f"流动{n}").person
        actions.sign_service_agreement(
            acting_user=destination_township_officer, office_code=DESTINATION_TOWNSHIP, person=person,
            signed_on=days_ago(20), term_end=days_ago(-300),
            commitments=[{"description": f"承诺{n}", "deadline": days_ago(5)}])
        unit = actions.register_partner_unit(
            acting_user=destination_township_officer, kind=PartnerKind.LANDLORD, name=f"出租屋{n}",
            jurisdiction_code=DESTINATION_VILLAGE, responsible_person="刘", responsible_phone="13800000000")
        actions.link_person_to_unit(acting_user=destination_township_officer, unit=unit, person=person,
                                    started_on=days_ago(3))
        actions.admit_member(acting_user=destination_township_officer, association=association, person=person,
                             joined_on=days_ago(2))
        actions.appoint_liaison_volunteer(acting_user=destination_township_officer, office_code=DESTINATION_TOWNSHIP,
                                          person=person, appointed_on=days_ago(1), group="老乡")
        actions.pair_officer(acting_user=destination_township_officer, officer=destination_village_worker,
                             started_on=days_ago(4), persons=[person])
        actions.record_activity(acting_user=destination_township_officer, association=association,
                                held_on=days_ago(1), kind=ActivityKind.MEETING, participants=n)


@pytest.mark.parametrize("page", ["", "agreements/", "units/", "associations/", "volunteers/", "pairings/"])
def test_each_list_reads_in_a_fixed_number_of_queries(log_in, association, destination_township_officer,
                                                      destination_village_worker, django_assert_max_num_queries,
                                                      page):
    client = log_in(destination_township_officer)
    _fill(destination_township_officer, destination_village_worker, association, 2)
    with django_assert_max_num_queries(25) as few:
        client.get("/community/" + page)
    _fill(destination_township_officer, destination_village_worker, association, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/community/" + page)
    assert response.status_code == 200


def test_the_agreement_list_narrows_to_one_office(log_in, agreement, destination_county_officer):
    client = log_in(destination_county_officer)
    other = f.township(f.DESTINATION_COUNTY, 2)
    assert agreement.person.name in client.get(f"/community/agreements/?office={DESTINATION_TOWNSHIP:012d}").content.decode()
    assert agreement.person.name not in client.get(f"/community/agreements/?office={other:012d}").content.decode()
