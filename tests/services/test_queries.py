"""Reads through the scope, the groups computed by one query, the figures for the reports."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.core.errors import NotFound
from huiliu.services import actions, queries
from huiliu.services.models import ServiceOffer
from tests import factories as f

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_records_are_seen_from_the_household_place_the_residence_and_the_keeping_office(
    checkup, origin_village_worker, destination_township_officer, tree
):
    from huiliu.accounts.models import Role

    stranger = f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "stranger")

    assert list(queries.list_service_records(user=origin_village_worker)) == [checkup]
    assert list(queries.list_service_records(user=destination_township_officer)) == [checkup]
    assert list(queries.list_service_records(user=stranger)) == []
    with pytest.raises(NotFound):
        queries.access_service_record(stranger, checkup.pk)


def test_the_health_fields_are_absent_for_every_role_but_the_health_worker(
    checkup, destination_village_worker, destination_county_officer, auditor, destination_health_worker
):
    for user in (destination_village_worker, destination_county_officer, auditor):
        assert "outcome" not in queries.visible_fields(user, checkup)
    assert queries.visible_fields(destination_health_worker, checkup)["outcome"] == "未见异常"


def test_an_open_offer_past_its_date_reads_as_lapsed(destination_village_worker, arrived_person):
    offer = actions.make_offer(acting_user=destination_village_worker, person=arrived_person, kind="legal_aid",
                               due_by=TODAY, offered_on=TODAY - datetime.timedelta(days=10))

    later = TODAY + datetime.timedelta(days=1)
    assert queries.access_offer(destination_village_worker, offer.pk, today=later).outcome == "lapsed"
    assert queries.access_offer(destination_village_worker, offer.pk, today=TODAY).outcome == "open"


def test_each_person_falls_into_the_first_group_whose_condition_holds(
    destination_county_officer, destination_village_worker
):
    new_mother = f.register_arrival(destination_village_worker, number=f.id_number(), name="新妈妈",
                                    marital_status="10").person
    from huiliu.people.actions import record_child

    record_child(acting_user=destination_village_worker, person=new_mother, name="小宝", sex="F",
              birth_date=TODAY - datetime.timedelta(days=60))
    single = f.register_arrival(destination_village_worker, number=f.id_number(), name="单身",
                                marital_status="10").person
    other = f.register_arrival(destination_village_worker, number=f.id_number(), name="其他",
                               marital_status="21").person
    for order, (name, condition, parameter) in enumerate(
            [("新手父母", "new_parents", 12), ("单身", "single", None), ("其他", "everyone", None)], 1):
        actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                    name=name, order=order, condition=condition, parameter=parameter)
    groups = queries.list_priority_groups(county_code=f.DESTINATION_COUNTY)

    placed = dict(queries.with_group(queries.registered_persons_of(f.DESTINATION_COUNTY), groups, TODAY)
                  .values_list("pk", "group_order"))
    assert placed == {new_mother.pk: 1, single.pk: 2, other.pk: 3}


def test_settled_persons_are_those_in_their_own_home_or_here_for_long(destination_county_officer,
                                                                      destination_village_worker):
    owner = f.register_arrival(destination_village_worker, number=f.id_number(), name="有房").person
    from huiliu.people.models import InflowRegistration

    InflowRegistration.objects.filter(migration__person=owner).update(residence_type="own")
    newcomer = f.register_arrival(destination_village_worker, number=f.id_number(), name="新来").person
    actions.save_priority_group(acting_user=destination_county_officer, county_code=f.DESTINATION_COUNTY,
                                name="稳定居住", order=1, condition="settled", parameter=5)

    placed = dict(queries.with_group(queries.registered_persons_of(f.DESTINATION_COUNTY),
                                     queries.list_priority_groups(county_code=f.DESTINATION_COUNTY), TODAY)
                  .values_list("pk", "group_order"))
    assert placed == {owner.pk: 1, newcomer.pk: None}


def test_equal_service_coverage_counts_the_arrivals_served_in_the_period(
    destination_village_worker, destination_county_officer, consent
):
    served = [f.register_arrival(destination_village_worker, number=f.id_number(), name=f"甲{n}").person
              for n in range(2)]
    for _n in range(3):
        f.register_arrival(destination_village_worker, number=f.id_number(), name="乙")
    for person in served:
        actions.record_service(acting_user=destination_village_worker, person=person, service_type="legal_aid",
                               service_date=TODAY, provider="法律援助中心")
    actions.record_service(acting_user=destination_village_worker, person=served[0], service_type="counselling",
                           service_date=TODAY, provider="服务站", **consent)

    figures = queries.count_equal_service_coverage(user=destination_county_officer, code=f.DESTINATION_COUNTY,
                                                   start=TODAY.replace(day=1), end=TODAY)
    before = queries.count_equal_service_coverage(user=destination_county_officer, code=f.DESTINATION_COUNTY,
                                                  start=TODAY - datetime.timedelta(days=400),
                                                  end=TODAY - datetime.timedelta(days=200))

    assert figures == {"arrivals": 5, "served": 2}
    assert before == {"arrivals": 5, "served": 0}


def test_the_figures_of_a_subtree_out_of_scope_answer_not_found(destination_village_worker):
    with pytest.raises(NotFound):
        queries.count_equal_service_coverage(user=destination_village_worker, code=f.ORIGIN_COUNTY,
                                             start=TODAY, end=TODAY)


def test_take_up_counts_offered_taken_up_declined_and_lapsed(destination_village_worker, destination_county_officer,
                                                            arrived_person, consent):
    def offer(kind, due=TODAY + datetime.timedelta(days=10)):
        return actions.make_offer(acting_user=destination_village_worker, person=arrived_person, kind=kind,
                                  due_by=due, offered_on=TODAY - datetime.timedelta(days=5))

    taken, declined, _open = offer("health_checkup"), offer("legal_aid"), offer("job_referral")
    offer("school_help", due=TODAY - datetime.timedelta(days=1))  # lapsed
    actions.record_service(acting_user=destination_village_worker, person=arrived_person,
                           service_type="health_checkup", service_date=TODAY, provider="站", offer=taken, **consent)
    actions.decline_offer(acting_user=destination_village_worker, offer=declined)

    figures = queries.count_offer_take_up(user=destination_county_officer, code=f.DESTINATION_COUNTY,
                                          start=TODAY - datetime.timedelta(days=30), end=TODAY)

    assert figures == {"offered": 4, "taken_up": 1, "declined": 1, "lapsed": 1, "open": 1}
    assert ServiceOffer.objects.count() == 4


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from([f.village(f.ORIGIN_COUNTY), f.township(f.ORIGIN_COUNTY), f.ORIGIN_COUNTY,
                              f.village(f.DESTINATION_COUNTY, 2, 2), f.township(f.DESTINATION_COUNTY, 2),
                              f.DESTINATION_COUNTY, f.OTHER_ORIGIN_COUNTY, 440000000000]))
def test_every_record_listed_lies_inside_the_callers_subtree(checkup, where):
    from huiliu.accounts.models import Role
    from huiliu.jurisdictions import codes

    user = f.make_user(Role.HEALTH_WORKER, where)
    low, high = codes.subtree_range(where)
    for record in queries.list_service_records(user=user):
        places = (record.person.household_jurisdiction_id, record.person.residence_jurisdiction_id,
                  record.jurisdiction_id)
        assert any(code is not None and low <= code <= high for code in places)
