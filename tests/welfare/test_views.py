"""The benefit programme pages: what each office sees and submits, and what strangers are refused."""

import datetime
import re
import uuid

import pytest
from django.test import Client

from huiliu.core.identity import mask_id_number
from huiliu.welfare import actions
from huiliu.welfare.models import (
    ApplicationStatus,
    BenefitApplication,
    Payment,
    Programme,
    ProgrammeKind,
)
from tests import factories as f

from .conftest import ORIGIN_VILLAGE

RAW_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


@pytest.fixture
def approved(reviewed, origin_county_officer):
    return actions.decide_application(acting_user=origin_county_officer, application=reviewed, approve=True)


def test_the_programme_page_shows_the_rules_in_words(log_in, reward, origin_village_worker):
    page = log_in(origin_village_worker).get(f"/welfare/programmes/{reward.pk}/").content.decode()
    assert "18" in page and reward.name in page
    assert "age_range" not in page


def test_the_owner_sets_the_rules_on_the_programme_page(log_in, reward, origin_county_officer):
    response = log_in(origin_county_officer).post(f"/welfare/programmes/{reward.pk}/",
                                                  {"min_age": "60", "declared_hardship": "on"})
    assert response.status_code == 302
    reward.refresh_from_db()
    assert reward.eligibility_rules == [{"rule": "age_range", "min": 60, "max": None}, {"rule": "declared_hardship"}]


def test_a_worker_applies_from_the_person_and_the_township_and_county_act_in_the_queue(
        log_in, client, reward, resident, origin_village_worker, origin_township_officer, origin_county_officer):
    response = log_in(origin_village_worker).post(f"/welfare/apply/{resident.pk}/",
                                                  {"programme": str(reward.pk), "statement": "老两口务农"})
    application = BenefitApplication.objects.get()
    assert response.url == f"/welfare/applications/{application.pk}/"

    client.logout()
    log_in(origin_township_officer)
    assert resident.name in client.get("/welfare/applications/?tab=review").content.decode()
    client.post(f"/welfare/applications/{application.pk}/", {"step": "review", "note": "属实"})
    client.logout()
    log_in(origin_county_officer)
    refused = client.post(f"/welfare/applications/{application.pk}/", {"step": "decide", "decision": "refuse"})
    assert "reason" in refused.context["decision_form"].errors
    client.post(f"/welfare/applications/{application.pk}/", {"step": "decide", "decision": "approve"})

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert Payment.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("page", ["applications/{application}/", "apply/{person}/", "families/new/{person}/"])
def test_scoped_pages_answer_404_alike_for_missing_and_out_of_scope(log_in, application, resident,
                                                                    outsider_village_worker, page):
    client = log_in(outsider_village_worker)
    theirs = client.get("/welfare/" + page.format(application=application.pk, person=resident.pk))
    missing = client.get("/welfare/" + page.format(application=uuid.uuid4(), person=uuid.uuid4()))
    assert theirs.status_code == missing.status_code == 404


def test_the_family_page_is_404_out_of_scope(log_in, special, resident, origin_village_worker,
                                             outsider_village_worker):
    family = actions.register_special_assistance_family(
        acting_user=origin_village_worker, programme=special, person=resident,
        first_liaison_name="刘书记", first_liaison_phone="13800000001",
        second_liaison_name="陈医生", second_liaison_phone="13800000002")
    assert log_in(origin_village_worker).get(f"/welfare/families/{family.pk}/").status_code == 200
    stranger = Client()
    stranger.post("/accounts/login/", {"username": outsider_village_worker.username, "password": f.PASSWORD})
    assert stranger.get(f"/welfare/families/{family.pk}/").status_code == 404
    assert stranger.get(f"/welfare/families/{uuid.uuid4()}/").status_code == 404


def test_the_beneficiary_list_has_no_id_numbers(log_in, approved, resident, origin_village_worker):
    page = log_in(origin_village_worker).get(
        f"/welfare/beneficiaries/?programme={approved.programme_id}&village={ORIGIN_VILLAGE}").content.decode()
    assert resident.name in page
    assert "960" in page
    assert not RAW_ID_NUMBER.search(page)
    assert mask_id_number(resident.id_number) not in page
    assert resident.id_number[-4:] not in page


def test_the_beneficiary_list_of_a_special_assistance_programme_masks_names(
        log_in, special, resident, origin_village_worker, origin_township_officer, origin_county_officer):
    application = actions.apply_for_benefit(acting_user=origin_village_worker, programme=special, person=resident)
    actions.review_application(acting_user=origin_township_officer, application=application)
    actions.decide_application(acting_user=origin_county_officer, application=application, approve=True)
    page = log_in(origin_village_worker).get(
        f"/welfare/beneficiaries/?programme={special.pk}&village={ORIGIN_VILLAGE}").content.decode()
    assert "张*兰" in page and "张桂兰" not in page


def test_the_beneficiary_list_of_another_village_is_404(log_in, approved, destination_village_worker):
    response = log_in(destination_village_worker).get(
        f"/welfare/beneficiaries/?programme={approved.programme_id}&village={ORIGIN_VILLAGE}")
    assert response.status_code == 404


def test_the_queue_shows_masked_id_numbers_only(log_in, application, resident, origin_township_officer):
    page = log_in(origin_township_officer).get("/welfare/applications/").content.decode()
    assert mask_id_number(resident.id_number) in page
    assert not RAW_ID_NUMBER.search(page)


def test_the_queue_reads_in_a_fixed_number_of_queries(log_in, reward, origin_village_worker,
                                                      origin_township_officer, django_assert_max_num_queries):
    for n in range(6):
        person = f.register_resident(origin_village_worker, name=f"居民{n}")
        actions.apply_for_benefit(acting_user=origin_village_worker, programme=reward, person=person)
    client = log_in(origin_township_officer)
    with django_assert_max_num_queries(15):
        page = client.get("/welfare/applications/?tab=review").content.decode()
    assert page.count("居民") == 6


def test_the_programme_list_reads_in_a_fixed_number_of_queries(log_in, reward, special, origin_county_officer,
                                                               django_assert_max_num_queries):
    for n in range(5):
        actions.create_programme(acting_user=origin_county_officer, kind=ProgrammeKind.HARDSHIP, name=f"帮扶{n}",
                                 owner_code=f.ORIGIN_COUNTY, amount_fen=100)
    client = log_in(origin_county_officer)
    with django_assert_max_num_queries(10):
        response = client.get("/welfare/")
    assert response.status_code == 200


def test_every_page_opens_for_an_office_in_scope(log_in, approved, special, resident, origin_village_worker,
                                                 origin_county_officer, client):
    family = actions.register_special_assistance_family(
        acting_user=origin_village_worker, programme=special, person=resident,
        first_liaison_name="刘书记", first_liaison_phone="13800000001",
        second_liaison_name="陈医生", second_liaison_phone="13800000002")
    log_in(origin_village_worker)
    for page in ("/welfare/", f"/welfare/programmes/{special.pk}/", f"/welfare/apply/{resident.pk}/",
                 "/welfare/applications/?tab=all", f"/welfare/applications/{approved.pk}/", "/welfare/families/",
                 f"/welfare/families/new/{resident.pk}/", f"/welfare/families/{family.pk}/"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert not RAW_ID_NUMBER.search(response.content.decode()), page
    visit = client.post(f"/welfare/families/{family.pk}/", {"visited_on": datetime.date.today().isoformat(), "note": "探访"})
    assert visit.status_code == 302
    client.logout()
    log_in(origin_county_officer)
    assert client.get("/welfare/programmes/new/").status_code == 200
    created = client.post("/welfare/programmes/new/", {"kind": "hardship", "name": "困难家庭帮扶",
                                                       "owner_code": str(f.ORIGIN_COUNTY), "amount_yuan": "300.50"})
    assert created.status_code == 302
    assert Programme.objects.get(name="困难家庭帮扶").amount_fen == 30050


def test_each_office_lands_on_the_list_that_waits_for_it(log_in, client, reviewed, application,
                                                         origin_township_officer, origin_county_officer):
    assert log_in(origin_county_officer).get("/welfare/applications/").context["tab"] == "decide"
    client.logout()
    assert log_in(origin_township_officer).get("/welfare/applications/").context["tab"] == "review"
