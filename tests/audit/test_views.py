"""The auditor's page: only auditors read it, within their own subtree, and every reading is audited."""

import pytest

from huiliu.accounts.actions import issue_api_token
from huiliu.audit.models import AuditEvent


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
