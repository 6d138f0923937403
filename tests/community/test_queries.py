"""The community's reads: what each office sees, the missed commitments of an office, and the figures."""

import uuid

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.community import actions, queries
from huiliu.community.models import AssociationMember, PartnerKind, ServiceAgreement
from huiliu.core.errors import NotFound, ValidationFailed
from huiliu.jurisdictions import codes
from tests import factories as f

from .conftest import (
    DESTINATION_TOWNSHIP,
    DESTINATION_VILLAGE,
    OTHER_TOWNSHIP,
    days_ago,
)


def test_the_missed_commitments_of_an_office_show_at_it_and_at_every_office_above(agreement, tree):
    today = timezone.localdate()
    for code in (DESTINATION_TOWNSHIP, f.DESTINATION_COUNTY):
        missed = list(queries.missed_commitments(user=None, office_code=code, today=today))
        assert [c.description for c in missed] == ["及时办理证明材料"]
    assert not queries.missed_commitments(user=None, office_code=OTHER_TOWNSHIP, today=today).exists()


def test_a_commitment_fulfilled_on_time_leaves_the_missed_list_and_one_fulfilled_late_stays(
        agreement, destination_township_officer):
    today = timezone.localdate()
    due_past, due_later = agreement.commitments.order_by("deadline")
    actions.record_commitment_fulfilled(acting_user=destination_township_officer, commitment=due_later,
                                        fulfilled_on=today)
    actions.record_commitment_fulfilled(acting_user=destination_township_officer, commitment=due_past,
                                        fulfilled_on=today)
    missed = list(queries.missed_commitments(user=None, office_code=DESTINATION_TOWNSHIP, today=today))
    assert missed == [due_past]


def test_the_office_overview_counts_its_subtree(agreement, factory, association, destination_township_officer,
                                                migrant):
    actions.admit_member(acting_user=destination_township_officer, association=association, person=migrant,
                         joined_on=days_ago(3))
    overview = queries.office_overview(user=destination_township_officer, office_code=DESTINATION_TOWNSHIP,
                                       today=timezone.localdate())
    assert (overview["agreements"], overview["units"], overview["associations"], overview["members"]) == (1, 1, 1, 1)
    assert len(overview["missed"]) == 1 and overview["open_commitments"] == 1


def test_the_overview_of_an_office_out_of_scope_answers_not_found_and_is_audited(agreement, outsider):
    with pytest.raises(NotFound):
        queries.office_overview(user=outsider, office_code=DESTINATION_TOWNSHIP, today=timezone.localdate())
    assert AuditEvent.objects.filter(object_type="community_office", outcome=AuditEvent.Outcome.DENIED).exists()


def test_agreements_signed_are_counted_in_a_subtree_and_period(agreement, destination_county_officer, migrant):
    actions.sign_service_agreement(acting_user=destination_county_officer, office_code=DESTINATION_VILLAGE,
                                   person=migrant, signed_on=days_ago(100), term_end=days_ago(-100))
    count = queries.count_agreements_signed
    assert count(user=destination_county_officer, code=f.DESTINATION_COUNTY, start=days_ago(365),
                 end=days_ago(0)) == 2
    assert count(user=destination_county_officer, code=f.DESTINATION_COUNTY, start=days_ago(30),
                 end=days_ago(0)) == 1
    assert count(user=destination_county_officer, code=DESTINATION_VILLAGE, start=days_ago(365),
                 end=days_ago(0)) == 1
    with pytest.raises(ValidationFailed):
        count(user=destination_county_officer, code=f.DESTINATION_COUNTY, start=days_ago(0), end=days_ago(5))
    with pytest.raises(NotFound):
        count(user=destination_county_officer, code=f.ORIGIN_COUNTY, start=days_ago(30), end=days_ago(0))


def test_association_members_are_counted_in_a_subtree(association, destination_township_officer,
                                                      destination_county_officer, outsider):
    for n in range(3):
        actions.admit_member(acting_user=destination_township_officer, association=association, name=f"会员{n}",
                             joined_on=days_ago(1))
    assert queries.count_association_members(user=destination_county_officer, code=f.DESTINATION_COUNTY) == 3
    assert queries.count_association_members(user=outsider, code=OTHER_TOWNSHIP) == 0
    assert AssociationMember.objects.count() == 3


@pytest.mark.parametrize("access", ["access_service_agreement", "access_partner_unit", "access_association"])
def test_a_row_out_of_scope_answers_exactly_as_a_missing_one(agreement, factory, association, outsider, access):
    row = {"access_service_agreement": agreement, "access_partner_unit": factory,
           "access_association": association}[access]
    for row_id in (row.pk, uuid.uuid4(), "not-a-key"):
        with pytest.raises(NotFound):
            getattr(queries, access)(outsider, row_id)
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, event="view").count() == 3


def test_the_origin_sees_the_agreement_its_person_signed_at_the_destination(agreement, origin_township_officer):
    assert queries.access_service_agreement(origin_township_officer, agreement.pk) == agreement
    event = AuditEvent.objects.filter(event="view", object_type="person").latest("id")
    assert event.object_id == str(agreement.person_id)


def test_a_person_is_found_by_id_number_only_in_scope(migrant, destination_village_worker, outsider):
    assert queries.find_person_in_scope(user=destination_village_worker, id_number=migrant.id_number) == migrant
    with pytest.raises(ValidationFailed) as refusal:
        queries.find_person_in_scope(user=outsider, id_number=migrant.id_number)
    assert "id_number" in refusal.value.errors


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(county=st.sampled_from([f.ORIGIN_COUNTY, f.OTHER_ORIGIN_COUNTY, f.DESTINATION_COUNTY,
                               f.OTHER_DESTINATION_COUNTY]),
       township=st.integers(1, 2), village=st.integers(1, 2),
       role=st.sampled_from([Role.VILLAGE_WORKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR]))
def test_every_row_a_user_lists_lies_in_their_scope(tree, county, township, village, role):
    code = {Role.VILLAGE_WORKER: f.village(county, township, village),
            Role.TOWNSHIP_OFFICER: f.township(county, township)}.get(role, county)
    user = f.make_user(role, code)
    builder = f.make_user(Role.PROVINCE_OFFICER, 440000000000)
    if not ServiceAgreement.objects.exists():
        worker = f.make_user(Role.VILLAGE_WORKER, DESTINATION_VILLAGE)
        person = f.register_arrival(worker, number=f.id_number(), name="周敏").person
        actions.sign_service_agreement(acting_user=builder, office_code=DESTINATION_VILLAGE, person=person,
                                       signed_on=days_ago(3), term_end=days_ago(-30))
        actions.register_partner_unit(acting_user=builder, kind=PartnerKind.LANDLORD, name="出租屋",
                                      jurisdiction_code=f.village(f.DESTINATION_COUNTY, 2, 2),
                                      responsible_person="刘")
        actions.found_association(acting_user=builder, name="协会", jurisdiction_code=DESTINATION_TOWNSHIP,
                                  founded_on=days_ago(10), charter="章程")
    low, high = codes.subtree_range(code)
    for agreement in queries.list_service_agreements(user=user):
        assert any(low <= c <= high for c in (agreement.office_id, *agreement.person.place_codes) if c)
    for unit in queries.list_partner_units(user=user):
        assert low <= unit.jurisdiction_id <= high
    for association in queries.list_associations(user=user):
        assert low <= association.jurisdiction_id <= high


def test_the_home_page_figure_counts_the_missed_commitments_in_scope(agreement, destination_county_officer,
                                                                     outsider):
    today = timezone.localdate()
    assert queries.count_missed_commitments(user=destination_county_officer, today=today) == 1
    assert queries.count_missed_commitments(user=outsider, today=today) == 0
