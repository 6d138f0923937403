"""The community's JSON API: partner units and associations in scope, phones masked, tokens required."""

import pytest

from huiliu.community import actions
from huiliu.community.models import PartnerKind

from .conftest import DESTINATION_VILLAGE, OTHER_TOWNSHIP, days_ago


def test_the_units_list_is_scoped_and_masks_the_phone(client, factory, migrant, destination_township_officer,
                                                      api_headers):
    actions.link_person_to_unit(acting_user=destination_township_officer, unit=factory, person=migrant,
                                started_on=days_ago(5))
    body = client.get("/api/community/units", headers=api_headers(destination_township_officer)).json()
    assert body["count"] == 1
    unit = body["items"][0]
    assert unit["name"] == factory.name and unit["credit_code"] == factory.credit_code
    assert unit["responsible_phone_masked"] == "139****5678" and unit["current_people"] == 1
    assert unit["jurisdiction_code"] == DESTINATION_VILLAGE
    assert "13912345678" not in str(body)


def test_the_units_list_filters_by_kind(client, factory, destination_township_officer, api_headers):
    actions.register_partner_unit(acting_user=destination_township_officer, kind=PartnerKind.LANDLORD,
                                  name="刘家出租屋", jurisdiction_code=DESTINATION_VILLAGE, responsible_person="刘")
    headers = api_headers(destination_township_officer)
    names = [u["name"] for u in client.get("/api/community/units?kind=landlord", headers=headers).json()["items"]]
    assert names == ["刘家出租屋"]


def test_another_area_lists_none_of_these_units_or_associations(client, factory, association, outsider, api_headers):
    headers = api_headers(outsider)
    assert client.get("/api/community/units", headers=headers).json()["count"] == 0
    assert client.get("/api/community/associations", headers=headers).json()["count"] == 0


def test_the_associations_list_counts_members_and_branches(client, association, destination_township_officer,
                                                           destination_county_officer, api_headers):
    actions.add_branch(acting_user=destination_township_officer, association=association, name="分会")
    actions.admit_member(acting_user=destination_township_officer, association=association, name="钱小红",
                         joined_on=days_ago(1))
    body = client.get("/api/community/associations", headers=api_headers(destination_county_officer)).json()
    assert body["items"][0]["member_count"] == 1 and body["items"][0]["branch_count"] == 1


@pytest.mark.parametrize("path", ["/api/community/units", "/api/community/associations"])
def test_every_operation_answers_401_without_a_token(client, tree, path):
    assert client.get(path).status_code == 401


def test_the_openapi_document_lists_the_community_operations(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/community/units", "/api/community/associations"} <= set(paths)


def test_other_townships_units_stay_out_even_for_a_neighbour(client, destination_township_officer, api_headers,
                                                            tree):
    from huiliu.accounts.models import Role
    from tests import factories as f

    neighbour = f.make_user(Role.TOWNSHIP_OFFICER, OTHER_TOWNSHIP, "neighbour")
    actions.register_partner_unit(acting_user=neighbour, kind=PartnerKind.LANDLORD, name="西湖出租屋",
                                  jurisdiction_code=f.village(f.OTHER_DESTINATION_COUNTY), responsible_person="周")
    assert client.get("/api/community/units", headers=api_headers(destination_township_officer)).json()["count"] == 0


def test_the_units_list_reads_in_a_fixed_number_of_queries(client, destination_township_officer, api_headers,
                                                           django_assert_max_num_queries):
    headers = api_headers(destination_township_officer)
    for n in range(5):
        actions.register_partner_unit(acting_user=destination_township_officer, kind=PartnerKind.LANDLORD,
                                      name=f"出租屋{n}", jurisdiction_code=DESTINATION_VILLAGE, responsible_person="刘")
    with django_assert_max_num_queries(8):
        assert client.get("/api/community/units", headers=headers).json()["count"] == 5
