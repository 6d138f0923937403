"""The JSON API: bearer tokens, scope, masking and refusals."""

import datetime
import json
import re
import uuid

import pytest

from huiliu.accounts.actions import deactivate_user, issue_api_token
from huiliu.accounts.models import ApiToken
from huiliu.audit.models import AuditEvent
from huiliu.people.models import Child, InflowRegistration, Migration, OutflowRegistration, Person
from tests import factories as f

from .conftest import DESTINATION_VILLAGE, ORIGIN_VILLAGE, OTHER_DESTINATION_VILLAGE, days_ago

pytestmark = pytest.mark.django_db

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
RAW_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


def row_counts() -> dict[str, int]:
    """Rows of every kind a write could leave; audit rows of refusals are not counted here."""
    counts = {m.__name__: m.objects.count() for m in (Person, Migration, OutflowRegistration, InflowRegistration, Child)}
    counts["AuditEvent"] = AuditEvent.objects.exclude(outcome=AuditEvent.Outcome.DENIED).count()
    return counts


def arrival_payload(number: str, **overrides) -> dict:
    payload = {
        "id_number": number, "name": f.registered_name(number) or "陈明", "arrival_date": days_ago(3).isoformat(), "residence_code": DESTINATION_VILLAGE,
        "address": "宝安大道 100 号", "residence_type": "rented", "household_code": ORIGIN_VILLAGE,
        "phone": "13912345678",
    }
    payload.update(overrides)
    return payload


def post_json(client, path, payload, headers):
    return client.post(path, json.dumps(payload), content_type="application/json", headers=headers)


def operations(client):
    """(method, path) for every operation of the OpenAPI document, path parameters filled with a random UUID."""
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


# --- The document -------------------------------------------------------------------------


def test_the_openapi_document_is_served_and_lists_every_path(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert set(schema["paths"]) >= {
        "/api/persons", "/api/persons/{person_id}", "/api/persons/{person_id}/migrations", "/api/arrivals",
        "/api/persons/{person_id}/departures", "/api/migrations/{migration_id}/close",
    }
    assert schema["components"]["securitySchemes"]


def test_there_is_no_interactive_docs_page_that_would_load_scripts_from_a_cdn(client, db):
    assert client.get("/api/docs").status_code == 404


# --- Authentication ----------------------------------------------------------------------------


def test_every_operation_answers_401_without_a_token(client, resident):
    seen = list(operations(client))
    assert len(seen) >= 7
    for method, path in seen:
        response = client.generic(method.upper(), path, "{}", content_type="application/json")
        assert response.status_code == 401, (method, path)
    assert row_counts()["Person"] == 1


@pytest.mark.parametrize("authorization", ["Bearer hl_not-a-token", "Bearer ", "Basic b3JpZ2luOnB3", "hl_x"])
def test_every_operation_answers_401_with_a_bad_authorization_header(client, resident, authorization):
    for method, path in operations(client):
        response = client.generic(method.upper(), path, "{}", content_type="application/json",
                                  headers={"Authorization": authorization})
        assert response.status_code == 401, (method, path)


def test_an_issued_token_works_as_a_bearer_token(client, origin_village_worker, resident):
    token = issue_api_token(acting_user=None, user=origin_village_worker)

    response = client.get("/api/persons", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == [resident.name]
    assert token not in json.dumps([e.detail for e in AuditEvent.objects.all()])
    assert not ApiToken.objects.filter(key_hash=token).exists(), "only the hash is stored"


def test_an_expired_token_gets_401(client, origin_village_worker, resident):
    token = issue_api_token(acting_user=None, user=origin_village_worker, days=-1)

    assert client.get("/api/persons", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_revoked_token_gets_401(client, origin_village_worker, resident):
    token = issue_api_token(acting_user=None, user=origin_village_worker)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/persons", headers=headers).status_code == 200

    ApiToken.objects.filter(user=origin_village_worker).update(revoked_at=datetime.datetime.now(datetime.UTC))

    assert client.get("/api/persons", headers=headers).status_code == 401


def test_the_token_of_a_deactivated_account_gets_401(client, origin_village_worker, resident):
    token = issue_api_token(acting_user=None, user=origin_village_worker)

    deactivate_user(acting_user=None, user=origin_village_worker)

    assert client.get("/api/persons", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_session_login_does_not_open_the_api(client, log_in, origin_village_worker, resident):
    log_in(origin_village_worker)

    assert client.get("/api/persons").status_code == 401


# --- Reading ---------------------------------------------------------------------------------


def test_the_list_shows_masked_id_numbers_and_phones_only(client, bearer, origin_village_worker, resident):
    response = client.get("/api/persons", headers=bearer(origin_village_worker))

    [row] = response.json()["items"]
    assert MASKED_ID.match(row["id_number_masked"])
    assert row["id_number_masked"] == f"{resident.id_number[:4]}**********{resident.id_number[-4:]}"
    assert row["phone_masked"] == "138****5678"
    assert resident.id_number not in response.content.decode()
    assert not RAW_ID.search(response.content.decode())
    assert resident.phone not in response.content.decode()
    assert row["household_jurisdiction"] == ORIGIN_VILLAGE


def test_the_detail_shows_the_full_id_number_and_is_audited(client, bearer, origin_village_worker, resident):
    response = client.get(f"/api/persons/{resident.pk}", headers=bearer(origin_village_worker))

    assert response.status_code == 200
    body = response.json()
    assert (body["id_number"], body["phone"], body["name"]) == (resident.id_number, resident.phone, resident.name)
    assert AuditEvent.objects.filter(event="view", object_id=str(resident.pk), user_id=origin_village_worker.pk,
                                     outcome="success").exists()


def test_a_persons_moves_are_listed_with_both_sides(client, bearer, origin_village_worker, destination_village_worker,
                                                   leaver):
    f.register_arrival(destination_village_worker, number=leaver.id_number)

    response = client.get(f"/api/persons/{leaver.pk}/migrations", headers=bearer(destination_village_worker))

    [move] = response.json()
    assert move["status"] == "arrived"
    assert move["departure_date"] == days_ago(30).isoformat()
    assert move["arrival_date"] == days_ago(3).isoformat()
    assert (move["origin_jurisdiction"], move["destination_jurisdiction"]) == (ORIGIN_VILLAGE, DESTINATION_VILLAGE)


def test_the_list_pages_with_limit_and_offset(client, bearer, origin_village_worker):
    for n in range(5):
        f.register_resident(origin_village_worker, name=f"王{n}")

    body = client.get("/api/persons", {"limit": 2, "offset": 2}, headers=bearer(origin_village_worker)).json()

    assert body["count"] == 5
    assert [p["name"] for p in body["items"]] == ["王2", "王3"]


# --- Scope --------------------------------------------------------------------------------------


def test_a_village_worker_gets_404_for_a_person_outside_their_village_and_the_attempt_is_audited(
    client, bearer, origin_village_worker, outsider
):
    response = client.get(f"/api/persons/{outsider.pk}", headers=bearer(origin_village_worker))

    assert response.status_code == 404
    assert outsider.name not in response.content.decode()
    denial = AuditEvent.objects.get(event="view", outcome="denied")
    assert (denial.user_id, denial.object_type, denial.object_id) == (origin_village_worker.pk, "person",
                                                                      str(outsider.pk))


@pytest.mark.parametrize("suffix", ["", "/migrations"])
def test_a_person_out_of_scope_and_a_missing_one_get_the_same_404(client, bearer, origin_village_worker, outsider,
                                                                   suffix):
    headers = bearer(origin_village_worker)

    out_of_scope = client.get(f"/api/persons/{outsider.pk}{suffix}", headers=headers)
    missing = client.get(f"/api/persons/{uuid.uuid4()}{suffix}", headers=headers)
    malformed = client.get(f"/api/persons/not-a-uuid{suffix}", headers=headers)

    assert out_of_scope.status_code == missing.status_code == malformed.status_code == 404
    assert out_of_scope.json() == missing.json() == malformed.json()
    assert out_of_scope["Content-Type"] == missing["Content-Type"]


def test_writes_to_a_person_or_move_out_of_scope_are_404_and_change_nothing(
    client, bearer, arrival, outsider, other_destination_village_worker
):
    headers = bearer(other_destination_village_worker)
    before = row_counts()

    departure = post_json(client, f"/api/persons/{outsider.pk}/departures",
                          {"departure_date": days_ago(1).isoformat(), "reason": "work"}, headers)
    close = post_json(client, f"/api/migrations/{arrival.pk}/close",
                      {"outcome": "returned", "ended_on": days_ago(1).isoformat()}, headers)

    assert departure.status_code == close.status_code == 404
    assert departure.json() == close.json()
    denied = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, user_id=other_destination_village_worker.pk)
    assert denied.count() == 2, "both attempts are audited as denials"
    after = row_counts()
    assert after == before
    assert Migration.objects.get(pk=arrival.pk).status == "arrived"


def test_the_list_and_search_never_return_persons_outside_the_scope(client, bearer, origin_village_worker,
                                                                     destination_village_worker, outsider):
    f.register_resident(origin_village_worker, name="赵本村")
    f.register_arrival(destination_village_worker, number=f.id_number(f.OTHER_ORIGIN_COUNTY), name="赵宝安",
                       household_code=f.village(f.OTHER_ORIGIN_COUNTY))
    headers = bearer(origin_village_worker)

    def names(**params):
        return [p["name"] for p in client.get("/api/persons", params, headers=headers).json()["items"]]

    assert names() == ["赵本村"]
    assert names(q="赵") == ["赵本村"]
    assert names(q=outsider.id_number) == []


def test_a_county_officer_lists_the_whole_county_and_nothing_else(client, bearer, origin_county_officer,
                                                                  origin_village_worker, outsider):
    f.register_resident(origin_village_worker, name="甲")
    f.register_resident(origin_county_officer, name="乙", household_code=f.village(f.ORIGIN_COUNTY, 2, 2))

    body = client.get("/api/persons", headers=bearer(origin_county_officer)).json()

    assert body["count"] == 2
    assert {p["name"] for p in body["items"]} == {"甲", "乙"}


def test_a_user_without_a_role_sees_nothing_and_gets_404s(client, bearer, roleless_user, resident):
    headers = bearer(roleless_user)

    assert client.get("/api/persons", headers=headers).json() == {"items": [], "count": 0}
    assert client.get(f"/api/persons/{resident.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/persons/{resident.pk}/migrations", headers=headers).status_code == 404


def test_the_old_destination_gets_404_after_the_person_moved_on(client, bearer, origin_village_worker,
                                                               destination_village_worker,
                                                               other_destination_village_worker):
    person = f.register_resident(origin_village_worker)
    f.register_arrival(destination_village_worker, number=person.id_number, arrival_date=days_ago(20))
    headers = bearer(destination_village_worker)
    assert client.get(f"/api/persons/{person.pk}", headers=headers).status_code == 200

    response = post_json(client, "/api/arrivals",
                         arrival_payload(person.id_number, residence_code=OTHER_DESTINATION_VILLAGE),
                         bearer(other_destination_village_worker))

    assert response.status_code == 201
    assert client.get(f"/api/persons/{person.pk}", headers=headers).status_code == 404
    assert client.get("/api/persons", headers=headers).json()["count"] == 0


# --- Writing ------------------------------------------------------------------------------


def test_a_good_arrival_is_created_with_201(client, bearer, destination_village_worker):
    number = f.id_number(sex="M")
    headers = bearer(destination_village_worker)

    response = post_json(client, "/api/arrivals", arrival_payload(number, sex="M"), headers)

    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(id_number=number)
    assert (body["person_id"], body["status"], body["destination_jurisdiction"]) == (str(person.pk), "arrived",
                                                                                    DESTINATION_VILLAGE)
    found = client.get("/api/persons", {"q": number}, headers=headers).json()["items"]
    assert [p["id"] for p in found] == [str(person.pk)]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id_number": "CHECK"}, "id_number"),
        ({"birth_date": "1970-01-01"}, "birth_date"),
        ({"sex": "F"}, "sex"),
        ({"phone": "12345"}, "phone"),
        ({"residence_type": "castle"}, "residence_type"),
        ({"residence_code": 999999999999}, "residence_code"),
        ({"household_code": None}, "household_code"),
        ({"name": "  "}, "name"),
    ],
    ids=["check-digit", "birth-date", "sex", "phone", "residence-type", "no-such-village", "no-household", "no-name"],
)
def test_a_bad_arrival_is_refused_with_422_naming_the_field_and_nothing_is_written(
    client, bearer, destination_village_worker, overrides, field
):
    number = f.id_number(sex="M")
    if overrides.get("id_number") == "CHECK":
        overrides = {"id_number": number[:17] + ("1" if number[17] != "1" else "2")}
    headers = bearer(destination_village_worker)
    before = row_counts()

    response = post_json(client, "/api/arrivals", arrival_payload(number, **{"sex": "M", **overrides}), headers)

    assert response.status_code == 422
    assert response.json()["errors"][field]
    assert row_counts() == before


def test_an_arrival_with_a_malformed_body_is_refused_with_422_and_nothing_is_written(client, bearer,
                                                                                     destination_village_worker):
    headers = bearer(destination_village_worker)
    before = row_counts()

    response = post_json(client, "/api/arrivals", {"id_number": f.id_number(), "arrival_date": "yesterday"}, headers)

    assert response.status_code == 422
    assert "arrival_date" in json.dumps(response.json())
    assert row_counts() == before


def test_an_arrival_outside_the_users_scope_is_refused_with_403(client, bearer, destination_village_worker):
    headers = bearer(destination_village_worker)
    before = row_counts()

    response = post_json(client, "/api/arrivals",
                         arrival_payload(f.id_number(), residence_code=OTHER_DESTINATION_VILLAGE), headers)

    assert response.status_code == 403
    assert response.json()["detail"]
    assert row_counts() == before


def test_an_auditor_reads_but_every_write_is_refused_with_403(client, bearer, auditor, leaver):
    headers = bearer(auditor)
    migration = leaver.migrations.get()
    assert client.get(f"/api/persons/{leaver.pk}", headers=headers).status_code == 200
    before = row_counts()

    responses = [
        post_json(client, "/api/persons", {"id_number": f.id_number(), "name": "新人", "household_code": ORIGIN_VILLAGE},
                  headers),
        post_json(client, "/api/arrivals", arrival_payload(f.id_number()), headers),
        post_json(client, f"/api/persons/{leaver.pk}/departures",
                  {"departure_date": days_ago(1).isoformat(), "reason": "work"}, headers),
        post_json(client, f"/api/migrations/{migration.pk}/close",
                  {"outcome": "returned", "ended_on": days_ago(1).isoformat()}, headers),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert all(r.json()["detail"] for r in responses)
    after = row_counts()
    new_events = AuditEvent.objects.exclude(outcome=AuditEvent.Outcome.DENIED).order_by("-id")[
        : after.pop("AuditEvent") - before.pop("AuditEvent")
    ]
    assert {e.event for e in new_events} <= {"view"}, "the reads are audited, and nothing was written"
    refusals = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, event="write", user_id=auditor.pk)
    assert refusals.count() == 4, "each refused write is audited"
    assert after == before


def test_a_resident_registered_through_the_api_is_created_with_201(client, bearer, origin_village_worker):
    number = f.id_number(sex="F")

    response = post_json(client, "/api/persons", {"id_number": number, "name": "孙丽", "household_code": ORIGIN_VILLAGE},
                         bearer(origin_village_worker))

    assert response.status_code == 201
    assert response.json()["id_number"] == number
    assert Person.objects.get(id_number=number).residence_jurisdiction_id == ORIGIN_VILLAGE


def test_a_departure_and_its_closing_through_the_api(client, bearer, origin_village_worker, resident):
    headers = bearer(origin_village_worker)

    departed = post_json(client, f"/api/persons/{resident.pk}/departures",
                         {"departure_date": days_ago(10).isoformat(), "reason": "work"}, headers)
    closed = post_json(client, f"/api/migrations/{departed.json()['id']}/close",
                       {"outcome": "returned", "ended_on": days_ago(1).isoformat()}, headers)
    closed_again = post_json(client, f"/api/migrations/{departed.json()['id']}/close",
                             {"outcome": "returned", "ended_on": days_ago(1).isoformat()}, headers)

    assert departed.status_code == 201 and departed.json()["status"] == "away"
    assert closed.status_code == 200 and closed.json()["status"] == "returned"
    assert closed_again.status_code == 422 and closed_again.json()["errors"]["__all__"]


def test_a_malformed_payload_gets_chinese_messages_naming_the_fields(client, bearer, destination_village_worker):
    headers = bearer(destination_village_worker)
    before = row_counts()
    payload = arrival_payload(f.id_number(), arrival_date="2025-13-01")
    del payload["address"]

    response = post_json(client, "/api/arrivals", payload, headers)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"arrival_date", "address"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for messages in errors.values() for message in messages)
    assert row_counts() == before


def test_an_overlong_name_is_refused_with_422_not_a_server_error(client, bearer, origin_village_worker):
    response = post_json(client, "/api/persons",
                         {"id_number": f.id_number(), "name": "名" * 80, "household_code": ORIGIN_VILLAGE},
                         bearer(origin_village_worker))

    assert response.status_code == 422
    assert "name" in response.json()["errors"]


def test_a_page_of_the_person_list_is_capped(client, bearer, origin_county_officer):
    response = client.get("/api/persons", {"limit": 100000}, headers=bearer(origin_county_officer))

    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert len(response.json()["items"]) <= 200
