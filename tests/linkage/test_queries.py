"""What the linkage queries return to whom: pairs seen from either side, tasks by their office, values withheld."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.accounts.models import Role
from huiliu.accounts.scope import in_scope
from huiliu.core.errors import NotFound
from huiliu.linkage import actions, queries
from huiliu.linkage.models import Decision, LinkCandidate
from tests import factories as f

from .conftest import arrive_as_written, depart, one_digit_off

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 5, 7)


@pytest.fixture
def pairs(origin_officer):
    """One pair awaiting review and one linked, both between the origin county and the destination county."""
    depart(origin_officer, name="王芳", born=BORN, marital_status="21")
    arrive_as_written(name="王芳", born=BORN, id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"), marital_status="10")
    move = depart(origin_officer, name="刘洋", born=BORN, sex="M")
    arrive_as_written(name="刘洋", born=BORN, sex="M", id_number=one_digit_off(move.person.id_number))
    actions.run_registry_linkage(acting_user=None)
    return LinkCandidate.objects.order_by("decision")


READERS = [(Role.PROVINCE_OFFICER, 370000000000), (Role.AUDITOR, 440000000000),
           (Role.COUNTY_OFFICER, f.ORIGIN_COUNTY), (Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY, 2)),
           (Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY)), (Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY, 2, 1)),
           (Role.COUNTY_OFFICER, f.DESTINATION_COUNTY), (Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY)),
           (Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY, 1, 2)), (Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY),
           (Role.COUNTY_OFFICER, f.OTHER_DESTINATION_COUNTY)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reader=st.sampled_from(READERS))
def test_every_pair_listed_has_a_person_in_the_readers_area_and_every_other_answers_as_missing(pairs, reader):
    reader = f.make_user(*reader)
    listed = set(queries.list_pending_candidates(user=reader).values_list("pk", flat=True))
    for candidate in LinkCandidate.objects.select_related("left_person", "right_person"):
        visible = queries.sees_person(reader, candidate.left_person) or queries.sees_person(reader,
                                                                                            candidate.right_person)
        if candidate.decision == Decision.PENDING:
            assert (candidate.pk in listed) == visible
        if visible:
            assert queries.access_candidate(reader, candidate.pk) == candidate
        else:
            with pytest.raises(NotFound):
                queries.access_candidate(reader, candidate.pk)


def test_the_comparison_withholds_the_differing_values_of_the_side_outside_the_area(pairs, destination_village_worker):
    pending = pairs.get(decision=Decision.PENDING)
    comparison = queries.compare_candidate(destination_village_worker, pending)

    assert not comparison.left_visible and comparison.right_visible
    rows = {field.label: field for field in comparison.fields}
    marital = rows["婚姻状况"]
    assert marital.agrees is False and marital.left == comparison.hidden and marital.right == "未婚"
    assert rows["出生日期"].agrees is True and rows["出生日期"].left == "1990-05-07"
    assert rows["姓名"].left == "王*" and rows["姓名"].right == "王芳"
    assert "*" in rows["身份证号码"].left and "*" in rows["身份证号码"].right
    assert not in_scope(destination_village_worker, f.village(f.ORIGIN_COUNTY))


def test_the_place_of_a_side_outside_the_area_is_named_down_to_its_county(pairs, destination_village_worker,
                                                                         origin_officer):
    pending = pairs.get(decision=Decision.PENDING)
    rows = {field.label: field for field in queries.compare_candidate(destination_village_worker, pending).fields}
    place = rows[str(queries._LABELS["place"])]
    assert place.left.endswith("章丘区") and place.right.endswith("第1村")
    # The arrival declared its household at the origin: the origin sees both records in full, as in the registry.
    rows = {field.label: field for field in queries.compare_candidate(origin_officer, pending).fields}
    assert rows["婚姻状况"].left == "初婚" and rows["婚姻状况"].right == "未婚"


def test_the_lists_are_audited(pairs, origin_officer):
    from huiliu.audit.models import AuditEvent

    queries.list_pending_candidates(user=origin_officer)
    queries.list_verification_tasks(user=origin_officer)
    queries.list_follow_ups(user=origin_officer)
    assert set(AuditEvent.objects.filter(event="list", user_id=origin_officer.pk).values_list("object_type", flat=True)) \
        == {"link_candidate", "verification_task", "follow_up_task"}
