"""The grievances API: scoped list and detail, overdue computed, names and phones masked, 404 out of scope."""

import uuid

import pytest

from huiliu.accounts.actions import issue_api_token

from .conftest import COMPLAINT_TEXT, NAME, PHONE, days_ago, file_public

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_api_token(acting_user=None, user=user)}"}


def test_the_api_needs_a_token(client, grievance):
    assert client.get("/api/grievances/").status_code == 401
    assert client.get(f"/api/grievances/{grievance.pk}").status_code == 401


def test_the_owner_lists_its_grievances_with_overdue_computed(client, tree, destination_township_officer):
    late = file_public(now=days_ago(20)).grievance
    file_public()

    body = client.get("/api/grievances/?overdue=true", headers=bearer(destination_township_officer)).json()

    assert body["count"] == 1
    item = body["items"][0]
    assert item["tracking_number"] == late.tracking_number and item["overdue"] is True
    assert item["status"] == "received" and item["deadline"] == late.deadline.isoformat()
    assert "text" not in item and "phone_masked" not in item


def test_the_detail_masks_the_name_and_phone(client, grievance, destination_township_officer):
    body = client.get(f"/api/grievances/{grievance.pk}", headers=bearer(destination_township_officer)).json()

    assert body["text"] == COMPLAINT_TEXT
    assert body["name_masked"] == "刘*生" and body["phone_masked"] == "139****5678"
    assert NAME not in str(body) and PHONE not in str(body)


def test_out_of_scope_and_missing_answer_alike_404(client, grievance, neighbour_township_officer):
    headers = bearer(neighbour_township_officer)

    assert client.get("/api/grievances/", headers=headers).json()["count"] == 0
    out_of_scope = client.get(f"/api/grievances/{grievance.pk}", headers=headers)
    missing = client.get(f"/api/grievances/{uuid.uuid4()}", headers=headers)
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


def test_the_api_list_takes_a_fixed_number_of_queries(client, tree, destination_township_officer,
                                                      django_assert_max_num_queries):
    for index in range(20):
        file_public(now=days_ago(index))
    headers = bearer(destination_township_officer)

    with django_assert_max_num_queries(12):
        assert client.get("/api/grievances/?limit=50", headers=headers).json()["count"] == 20
