"""The services API: health fields absent from the JSON for every role but the health worker over the record."""

import uuid

import pytest

from huiliu.audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

HEALTH_KEYS = {"outcome", "method_chosen", "result_kept_elsewhere"}


def test_a_village_worker_gets_the_check_up_without_its_health_fields(client, bearer, checkup,
                                                                      destination_village_worker):
    body = client.get(f"/api/services/records/{checkup.pk}", headers=bearer(destination_village_worker)).json()

    assert body["service_type"] == "health_checkup" and body["provider"] == "宝安区妇幼保健院"
    assert not HEALTH_KEYS & set(body)  # absent, not null
    assert "未见异常" not in str(body)


def test_a_health_worker_over_the_record_gets_the_result_and_the_reading_is_audited(
    client, bearer, checkup, destination_health_worker
):
    body = client.get(f"/api/services/records/{checkup.pk}", headers=bearer(destination_health_worker)).json()

    assert body["outcome"] == "未见异常"
    assert AuditEvent.objects.filter(event="view_health_result", object_id=str(checkup.person_id)).exists()


def test_the_list_by_person_leaves_the_health_fields_out_for_the_origin_officer_and_in_for_its_health_worker(
    client, bearer, checkup, origin_township_officer, origin_health_worker
):
    url = f"/api/services/records?person={checkup.person_id}"
    officer_rows = client.get(url, headers=bearer(origin_township_officer)).json()
    health_rows = client.get(url, headers=bearer(origin_health_worker)).json()

    assert [r["id"] for r in officer_rows] == [str(checkup.pk)]
    assert not HEALTH_KEYS & set(officer_rows[0]) and officer_rows[0]["recognised_at_code"] == checkup.recognised_at_code
    assert health_rows[0]["outcome"] == "未见异常"


def test_a_legal_aid_outcome_is_not_a_health_field(client, bearer, destination_village_worker, arrived_person):
    from huiliu.services import actions

    aid = actions.record_service(acting_user=destination_village_worker, person=arrived_person,
                                 service_type="legal_aid", service_date=arrived_person.created_at.date(),
                                 provider="法律援助中心", outcome="已调解")

    body = client.get(f"/api/services/records/{aid.pk}", headers=bearer(destination_village_worker)).json()
    assert body["outcome"] == "已调解" and "method_chosen" not in body


def test_a_record_out_of_scope_answers_404(client, bearer, checkup, tree):
    from huiliu.accounts.models import Role

    stranger = f.make_user(Role.HEALTH_WORKER, f.village(f.OTHER_DESTINATION_COUNTY), "stranger-health")

    assert client.get(f"/api/services/records/{checkup.pk}", headers=bearer(stranger)).status_code == 404
    assert client.get(f"/api/services/records/{uuid.uuid4()}", headers=bearer(stranger)).status_code == 404
    assert client.get(f"/api/services/records?person={checkup.person_id}", headers=bearer(stranger)).json() == []


def test_the_records_api_needs_a_token(client, checkup):
    assert client.get("/api/services/records").status_code == 401
    assert client.get(f"/api/services/records/{checkup.pk}").status_code == 401


def test_the_records_list_runs_in_a_fixed_number_of_queries(client, bearer, destination_village_worker,
                                                            arrived_person, consent, django_assert_max_num_queries):
    from huiliu.services import actions

    for _n in range(8):
        actions.record_service(acting_user=destination_village_worker, person=arrived_person,
                               service_type="counselling", service_date=consent["consent_on"], provider="服务站",
                               **consent)
    headers = bearer(destination_village_worker)

    with django_assert_max_num_queries(10):
        rows = client.get("/api/services/records", headers=headers).json()
    assert len(rows) == 8
