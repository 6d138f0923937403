"""The benefit programmes' reads: scope, the public list, the figures."""

import datetime
import uuid

import pytest

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.welfare import actions, queries
from tests import factories as f

from .conftest import DESTINATION_VILLAGE, ORIGIN_VILLAGE, REWARD_FEN


@pytest.fixture
def approved(reviewed, origin_county_officer):
    return actions.decide_application(acting_user=origin_county_officer, application=reviewed, approve=True)


def test_a_missing_and_an_out_of_scope_application_answer_alike_and_are_audited(application, outsider_county_officer):
    for asked in (application.pk, uuid.uuid4(), "not-an-id"):
        with pytest.raises(NotFound):
            queries.access_application(outsider_county_officer, asked)
    assert AuditEvent.objects.filter(object_type="benefit_application",
                                     outcome=AuditEvent.Outcome.DENIED).count() == 3


def test_the_destination_sees_the_application_it_made(reward, migrant, destination_village_worker):
    application = actions.apply_for_benefit(acting_user=destination_village_worker, programme=reward,
                                            person=migrant)
    assert queries.access_application(destination_village_worker, application.pk) == application


def test_the_queues_hold_what_each_office_is_to_act_on(application, origin_township_officer, origin_county_officer,
                                                       destination_township_officer):
    assert list(queries.list_applications_to_review(user=origin_township_officer)) == [application]
    assert list(queries.list_applications_to_review(user=destination_township_officer)) == []
    assert list(queries.list_applications_to_decide(user=origin_county_officer)) == []
    actions.review_application(acting_user=origin_township_officer, application=application)
    assert list(queries.list_applications_to_decide(user=origin_county_officer)) == [application]
    assert list(queries.list_applications_to_review(user=origin_township_officer)) == []


def test_the_public_list_names_the_beneficiary_and_the_amount_and_nothing_else(approved, origin_village_worker):
    rows = queries.list_public_beneficiaries(user=origin_village_worker, village_code=ORIGIN_VILLAGE,
                                             programme=approved.programme)
    assert rows == [{"name": "张桂兰", "amount_fen": REWARD_FEN, "paid_on": datetime.date.today()}]


def test_the_public_list_of_a_village_out_of_scope_answers_not_found(approved, destination_village_worker):
    with pytest.raises(NotFound):
        queries.list_public_beneficiaries(user=destination_village_worker, village_code=ORIGIN_VILLAGE,
                                          programme=approved.programme)


def test_the_figures_count_beneficiaries_and_amounts_per_programme_and_county(
        approved, migrant, reward, destination_village_worker, origin_township_officer, origin_county_officer):
    second = actions.apply_for_benefit(acting_user=destination_village_worker, programme=reward, person=migrant)
    actions.review_application(acting_user=origin_township_officer, application=second)
    actions.decide_application(acting_user=origin_county_officer, application=second, approve=True)
    today = datetime.date.today()

    figures = queries.count_beneficiaries(user=origin_county_officer, start=today.replace(day=1), end=today)

    assert [(r["jurisdiction"], r["beneficiaries"], r["amount_fen"]) for r in figures] == [
        (f.ORIGIN_COUNTY, 1, REWARD_FEN), (f.DESTINATION_COUNTY, 1, REWARD_FEN)]
    assert DESTINATION_VILLAGE // 10**6 * 10**6 == f.DESTINATION_COUNTY
