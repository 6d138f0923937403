"""The auditor's page: only auditors read it, within their own subtree, and every reading is audited."""

import pytest

from huiliu.accounts.actions import issue_api_token
from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from tests import factories as f


def test_an_auditor_reads_the_audit_trail_and_the_reading_is_audited(auditor, log_in):
    client = log_in(auditor)

    response = client.get("/audit/")

    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0
    assert AuditEvent.objects.filter(event="read_audit", user_id=auditor.pk, outcome="success").count() == 1


@pytest.mark.parametrize("who", ["origin_county_officer", "destination_village_worker"])
def test_a_user_without_the_auditor_role_gets_not_found_and_the_denial_is_audited(who, request, log_in):
    user = request.getfixturevalue(who)
    client = log_in(user)

    response = client.get("/audit/")

    assert response.status_code == 404
    denial = AuditEvent.objects.get(event="read_audit")
    assert (denial.user_id, denial.outcome) == (user.pk, AuditEvent.Outcome.DENIED)


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_auditor_sees_the_rows_of_their_own_subtree_only(auditor, origin_county_officer, destination_county_officer,
                                                             log_in):
    issue_api_token(acting_user=origin_county_officer, user=origin_county_officer)
    issue_api_token(acting_user=destination_county_officer, user=destination_county_officer)
    client = log_in(auditor)  # an auditor of Shandong

    rows = list(client.get("/audit/", {"event": "issue_api_token"}).context["page"])

    assert [row.username for row in rows] == ["origin-county"]


def test_the_filters_narrow_the_rows(auditor, client, log_in):
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    log_in(auditor)

    failed = list(client.get("/audit/", {"outcome": "failed"}).context["page"])
    by_name = list(client.get("/audit/", {"username": "nobody"}).context["page"])

    assert [(r.event, r.username) for r in failed] == [("login_failed", "nobody")]
    assert [(r.event, r.username) for r in by_name] == [("login_failed", "nobody")]


def test_the_auditor_of_a_persons_home_sees_who_elsewhere_opened_their_record(
    client, log_in, origin_village_worker, destination_village_worker
):
    from huiliu.people import queries

    person = f.register_resident(origin_village_worker)
    f.register_arrival(destination_village_worker, number=person.id_number)
    queries.access_person(destination_village_worker, person.pk)
    home_auditor = f.make_user(Role.AUDITOR, f.ORIGIN_COUNTY, "home-auditor")
    unrelated_auditor = f.make_user(Role.AUDITOR, f.OTHER_ORIGIN_COUNTY, "unrelated-auditor")

    seen_at_home = log_in(home_auditor).get("/audit/", {"username": destination_village_worker.username})
    assert any(row.event == "view" and row.object_id == str(person.pk) for row in seen_at_home.context["page"])

    client.logout()
    seen_elsewhere = log_in(unrelated_auditor).get("/audit/", {"username": destination_village_worker.username})
    assert list(seen_elsewhere.context["page"]) == []


def test_an_attempt_to_open_a_record_out_of_scope_is_shown_to_the_auditor_of_that_persons_home(
    client, log_in, origin_village_worker, destination_village_worker
):
    from huiliu.core.errors import NotFound
    from huiliu.people import queries

    person = f.register_resident(origin_village_worker)
    with pytest.raises(NotFound):
        queries.access_person(destination_village_worker, person.pk)
    home_auditor = f.make_user(Role.AUDITOR, f.ORIGIN_COUNTY, "home-auditor")

    rows = log_in(home_auditor).get("/audit/", {"outcome": "denied"}).context["page"]

    assert [(r.username, r.object_id) for r in rows] == [(destination_village_worker.username, str(person.pk))]
