"""Issuing, changing and revoking status certificates, and proxy applications, through the actions."""

import datetime

import pytest
from django.utils import timezone

from huiliu.accounts.models import Role
from huiliu.audit.actions import holds_raw_identifier
from huiliu.audit.models import AuditEvent
from huiliu.certificates import actions
from huiliu.certificates.models import (
    CertificateStatus,
    ProxyApplication,
    ProxyStatus,
    RequestedBy,
    StatusCertificate,
)
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.people import actions as people
from tests import factories as f

from .fixtures import (  # noqa: F401
    DESTINATION_VILLAGE,
    ORIGIN_TOWNSHIP,
    application,
    arrived,
    certificate,
    days_ago,
    family,
    other_origin_township_officer,
    outsider_officer,
)


def _year() -> int:
    return timezone.localdate().year


# --- Issuing ---------------------------------------------------------------------------------------------


def test_the_household_township_issues_a_certificate_with_a_readable_number(family, origin_township_officer):
    certificate = actions.issue_certificate(acting_user=origin_township_officer, person=family,
                                            requested_by="in_person")

    assert certificate.number == f"370114001-{_year()}-Z000001"
    assert certificate.issuing_jurisdiction_id == ORIGIN_TOWNSHIP
    assert certificate.status == CertificateStatus.VALID
    assert certificate.requested_by == RequestedBy.IN_PERSON
    assert certificate.valid_until - certificate.issued_on == datetime.timedelta(days=actions.DEFAULT_VALID_DAYS)
    assert certificate.issued_by == origin_township_officer
    second = actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person",
                                       valid_days=30)
    assert second.number == f"370114001-{_year()}-Z000002"
    assert second.valid_until - second.issued_on == datetime.timedelta(days=30)


def test_the_snapshot_holds_the_registered_facts(certificate, family):
    snapshot = certificate.snapshot

    assert snapshot["name"] == "王秀英"
    assert snapshot["id_number"] == family.id_number
    assert (snapshot["sex"], snapshot["sex_label"]) == ("F", "女")
    assert snapshot["birth_date"] == family.birth_date.isoformat()
    assert snapshot["household_code"] == f.village(f.ORIGIN_COUNTY)
    assert snapshot["household_place"] == "山东省 济南市 章丘区 章丘区第1镇 章丘区第1镇第1村"
    assert snapshot["household_address"] == "明水街道 8 号"
    assert (snapshot["marital_status"], snapshot["marital_status_label"]) == ("21", "初婚")
    assert (snapshot["spouse_name"], snapshot["spouse_id_number"]) == ("张建国", family.spouse_id_number)
    assert snapshot["children"] == [{"name": "张小明", "sex": "M", "sex_label": "男", "birth_date": "2015-03-09"}]


def test_a_county_officer_above_the_household_township_may_issue(family, origin_county_officer):
    certificate = actions.issue_certificate(acting_user=origin_county_officer, person=family, requested_by="in_person")

    # The issuing office is the household township, whoever above it signs.
    assert certificate.issuing_jurisdiction_id == ORIGIN_TOWNSHIP


def test_issuing_outside_ones_subtree_is_refused_and_audited(family, destination_county_officer):
    with pytest.raises(PermissionDenied):
        actions.issue_certificate(acting_user=destination_county_officer, person=family, requested_by="in_person")

    assert not StatusCertificate.objects.exists()
    denial = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED, user_id=destination_county_officer.pk)
    assert denial.object_type == "certificate"
    assert denial.detail["jurisdictions"] == [ORIGIN_TOWNSHIP]


@pytest.mark.parametrize("who", ["origin_village_worker", "other_origin_township_officer", "auditor"])
def test_a_worker_below_or_beside_the_household_township_may_not_issue(request, family, who):
    with pytest.raises(PermissionDenied):
        actions.issue_certificate(acting_user=request.getfixturevalue(who), person=family, requested_by="in_person")
    assert not StatusCertificate.objects.exists()


def test_a_certificate_is_issued_only_at_the_persons_request(family, origin_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="employer")
    assert "requested_by" in refusal.value.errors


@pytest.mark.parametrize("days", [0, 366, "30", True])
def test_a_validity_out_of_range_names_the_field(family, origin_township_officer, days):
    with pytest.raises(ValidationFailed) as refusal:
        actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person",
                                  valid_days=days)
    assert list(refusal.value.errors) == ["valid_days"]


def test_a_frozen_snapshot_survives_a_person_edit(certificate, family, origin_village_worker):
    before = dict(certificate.snapshot)

    people.update_person(acting_user=origin_village_worker, person=family, name="王秀兰", marital_status="40",
                         spouse_name="", spouse_id_number="", household_address="另一条街 1 号")
    people.record_child(acting_user=origin_village_worker, person=family, sex="F", name="张小红",
                        birth_date=datetime.date(2020, 1, 1))

    certificate.refresh_from_db()
    assert certificate.snapshot == before
    assert certificate.snapshot["name"] == "王秀英"
    assert len(certificate.snapshot["children"]) == 1


def test_issuing_is_audited_without_the_raw_id_number(certificate, family):
    row = AuditEvent.objects.get(event="issue_certificate")
    assert row.object_id == str(family.pk)
    assert row.detail["number"] == certificate.number
    assert not any(holds_raw_identifier(str(event.detail)) for event in AuditEvent.objects.all())


# --- New versions and revocation -------------------------------------------------------------------------


def test_a_new_version_supersedes_the_old_and_points_to_it(certificate, family, origin_village_worker,
                                                            origin_township_officer):
    people.update_person(acting_user=origin_village_worker, person=family, marital_status="40")

    new = actions.reissue_certificate(acting_user=origin_township_officer, certificate=certificate,
                                      reason="婚姻状况变更")

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert new.supersedes == certificate
    assert new.number == f"{certificate.number}-v2"
    assert new.version == 2
    assert new.status == CertificateStatus.VALID
    assert new.reissue_reason == "婚姻状况变更"
    assert new.snapshot["marital_status"] == "40"
    assert certificate.snapshot["marital_status"] == "21"  # the old version still says what it said
    third = actions.reissue_certificate(acting_user=origin_township_officer, certificate=new, reason="更正")
    assert third.number == f"{certificate.number}-v3"


def test_only_a_valid_certificate_is_reissued(certificate, origin_township_officer):
    actions.reissue_certificate(acting_user=origin_township_officer, certificate=certificate, reason="更正")

    with pytest.raises(ValidationFailed):
        actions.reissue_certificate(acting_user=origin_township_officer, certificate=certificate, reason="再次")
    assert StatusCertificate.objects.count() == 2


def test_a_reissue_without_a_reason_names_the_field(certificate, origin_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.reissue_certificate(acting_user=origin_township_officer, certificate=certificate, reason="  ")
    assert list(refusal.value.errors) == ["reason"]


def test_a_revoked_certificate_has_that_status_with_its_reason(certificate, origin_township_officer):
    revoked = actions.revoke_certificate(acting_user=origin_township_officer, certificate=certificate,
                                         reason="本人申请作废")

    revoked.refresh_from_db()
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_at is not None
    assert revoked.revocation_reason == "本人申请作废"
    assert revoked.revoked_by == origin_township_officer
    assert AuditEvent.objects.filter(event="revoke_certificate").count() == 1
    with pytest.raises(ValidationFailed):
        actions.reissue_certificate(acting_user=origin_township_officer, certificate=revoked, reason="更正")
    with pytest.raises(ValidationFailed):
        actions.revoke_certificate(acting_user=origin_township_officer, certificate=revoked, reason="再次")


def test_revoking_without_a_reason_names_the_field(certificate, origin_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.revoke_certificate(acting_user=origin_township_officer, certificate=certificate, reason="")

    assert list(refusal.value.errors) == ["reason"]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_only_the_issuing_side_revokes(certificate, destination_county_officer, origin_village_worker):
    for stranger in (destination_county_officer, origin_village_worker):
        with pytest.raises(PermissionDenied):
            actions.revoke_certificate(acting_user=stranger, certificate=certificate, reason="无")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_a_valid_certificate_past_its_validity_reads_as_expired(certificate):
    later = certificate.valid_until + datetime.timedelta(days=1)
    assert certificate.current_status(later) == CertificateStatus.EXPIRED
    assert certificate.current_status(certificate.valid_until) == CertificateStatus.VALID


# --- Proxy applications ----------------------------------------------------------------------------------


def test_the_destination_applies_for_a_person_who_lives_there(application, arrived, destination_village_worker):
    assert application.status == ProxyStatus.PENDING
    assert application.applying_jurisdiction_id == DESTINATION_VILLAGE
    assert application.origin_jurisdiction_id == ORIGIN_TOWNSHIP
    assert application.purpose == "办理居住证"
    assert application.applied_by == destination_village_worker
    assert AuditEvent.objects.filter(event="apply_by_proxy", object_id=str(arrived.pk)).exists()


def test_a_second_pending_application_for_the_same_person_is_refused(application, arrived,
                                                                      destination_village_worker):
    with pytest.raises(ValidationFailed):
        actions.apply_by_proxy(acting_user=destination_village_worker, person=arrived, purpose="再次申请")
    assert ProxyApplication.objects.count() == 1


def test_after_a_decision_the_person_may_apply_again(application, arrived, destination_village_worker,
                                                     origin_township_officer):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=False,
                                     refusal_reason="户籍信息待核实")
    again = actions.apply_by_proxy(acting_user=destination_village_worker, person=arrived, purpose="再次申请")
    assert again.status == ProxyStatus.PENDING


def test_an_application_needs_a_purpose(arrived, destination_village_worker):
    with pytest.raises(ValidationFailed) as refusal:
        actions.apply_by_proxy(acting_user=destination_village_worker, person=arrived, purpose=" ")
    assert list(refusal.value.errors) == ["purpose"]


def test_only_the_place_where_the_person_lives_applies(arrived, origin_village_worker, outsider_officer):
    for stranger in (origin_village_worker, outsider_officer):
        with pytest.raises(PermissionDenied):
            actions.apply_by_proxy(acting_user=stranger, person=arrived, purpose="办理居住证")
    assert not ProxyApplication.objects.exists()


def test_nobody_applies_by_proxy_for_a_person_living_in_their_household_township(family, origin_village_worker):
    with pytest.raises(ValidationFailed):
        actions.apply_by_proxy(acting_user=origin_village_worker, person=family, purpose="办理居住证")


def test_the_origin_township_issues_on_an_application(application, origin_township_officer):
    days_ago(application, 3)

    decided = actions.decide_proxy_application(acting_user=origin_township_officer, application=application,
                                               issue=True)

    decided.refresh_from_db()
    assert decided.status == ProxyStatus.ISSUED
    assert decided.decided_by == origin_township_officer
    assert decided.decided_at is not None
    assert decided.days_to_decision == 3
    certificate = decided.certificate
    assert certificate.requested_by == RequestedBy.PROXY
    assert certificate.person_id == application.person_id
    assert certificate.issuing_jurisdiction_id == ORIGIN_TOWNSHIP


def test_the_origin_refuses_with_a_reason(application, origin_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=False)
    assert list(refusal.value.errors) == ["refusal_reason"]

    decided = actions.decide_proxy_application(acting_user=origin_township_officer, application=application,
                                               issue=False, refusal_reason="户籍信息待核实")
    assert decided.status == ProxyStatus.REFUSED
    assert decided.refusal_reason == "户籍信息待核实"
    assert decided.certificate is None
    assert decided.days_to_decision == 0
    assert not StatusCertificate.objects.exists()


@pytest.mark.parametrize("who", ["destination_township_officer", "origin_village_worker", "outsider_officer"])
def test_only_the_origin_township_or_above_decides(request, application, who):
    with pytest.raises(PermissionDenied):
        actions.decide_proxy_application(acting_user=request.getfixturevalue(who), application=application,
                                         issue=True)
    application.refresh_from_db()
    assert application.status == ProxyStatus.PENDING


def test_an_application_is_decided_once(application, origin_township_officer, origin_county_officer):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)

    with pytest.raises(ValidationFailed):
        actions.decide_proxy_application(acting_user=origin_county_officer, application=application, issue=False,
                                         refusal_reason="重复")
    assert StatusCertificate.objects.count() == 1


def test_a_new_role_for_a_village_worker_does_not_make_them_an_issuer(family, origin_village_worker):
    # A second village role still reaches no township code: issuing stays with the township and above.
    f.add_role(origin_village_worker, Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY, 1, 2))
    with pytest.raises(PermissionDenied):
        actions.issue_certificate(acting_user=origin_village_worker, person=family, requested_by="in_person")


def test_no_audit_row_of_the_proxy_flow_holds_a_raw_id_number(application, origin_township_officer):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)
    assert not any(holds_raw_identifier(f"{e.detail} {e.object_id}") for e in AuditEvent.objects.all())


# --- Decisions made on a peer deployment -----------------------------------------------------------------


def test_a_decision_a_peer_sent_issues_the_application_keeping_the_number_issued_there(application):
    application = days_ago(application, 4)

    decided = actions.record_peer_decision(application=application, issued=True, reason="",
                                           document_number="370114001-2026-000042", decided_at=timezone.now(),
                                           peer_name="shandong")

    decided.refresh_from_db()
    assert (decided.status, decided.document_number, decided.certificate, decided.decided_by) == (
        ProxyStatus.ISSUED, "370114001-2026-000042", None, None)
    assert decided.days_to_decision == 4
    row = AuditEvent.objects.get(event="decide_proxy_application")
    assert (row.user_id, row.username, row.detail["decision"]) == (None, "peer:shandong", "issued")


def test_a_refusal_a_peer_sent_keeps_its_reason_and_no_number(application):
    decided = actions.record_peer_decision(application=application, issued=False, reason="户籍信息待核实",
                                           document_number="ignored", decided_at=timezone.now(), peer_name="shandong")

    assert (decided.status, decided.refusal_reason, decided.document_number) == (
        ProxyStatus.REFUSED, "户籍信息待核实", "")


@pytest.mark.parametrize("offset", [datetime.timedelta(days=-400), datetime.timedelta(days=30)])
def test_a_peers_decision_dated_before_the_application_or_in_the_future_is_held_between_the_two(application, offset):
    application = days_ago(application, 2)

    decided = actions.record_peer_decision(application=application, issued=False, reason="不符合条件",
                                           document_number="", decided_at=timezone.now() + offset,
                                           peer_name="shandong")

    assert application.applied_at <= decided.decided_at <= timezone.now()
    assert decided.days_to_decision == (0 if offset.days < 0 else 2)


def test_a_peers_decision_leaves_an_application_decided_already_as_it_was(application, origin_township_officer):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)

    decided = actions.record_peer_decision(application=application, issued=False, reason="迟到的答复",
                                           document_number="", decided_at=timezone.now(), peer_name="shandong")

    assert (decided.status, decided.refusal_reason) == (ProxyStatus.ISSUED, "")
    assert AuditEvent.objects.filter(event="decide_proxy_application").count() == 1


# --- A new issue supersedes the valid certificate the person holds -------------------------------------


def test_a_second_issue_supersedes_the_valid_certificate_so_one_person_never_holds_two_with_different_facts(
    family, certificate, origin_township_officer, origin_village_worker
):
    people.update_person(acting_user=origin_village_worker, person=family, marital_status="40")

    second = actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person")

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert list(StatusCertificate.objects.filter(person=family, status=CertificateStatus.VALID)) == [second]
    # A new request takes a fresh number as a first version; "-vN" stays for corrections of one certificate.
    assert (second.version, second.supersedes) == (1, certificate)
    assert second.number != certificate.number and "-v" not in second.number
    assert (certificate.snapshot["marital_status"], second.snapshot["marital_status"]) == ("21", "40")
    issued = AuditEvent.objects.filter(event="issue_certificate").latest("id")
    assert issued.detail["supersedes"] == str(certificate.pk)
    assert issued.detail["superseded_number"] == certificate.number


def test_the_superseded_paper_verifies_as_superseded_and_the_new_one_as_valid(family, certificate,
                                                                              origin_township_officer):
    from huiliu.certificates.verification import find_documents

    second = actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person")

    last_four = family.id_number[-4:]
    assert [v.status for v in find_documents(certificate.number, last_four)] == [CertificateStatus.SUPERSEDED]
    assert [v.status for v in find_documents(second.number, last_four)] == [CertificateStatus.VALID]


def test_an_expired_or_revoked_certificate_is_left_as_it_is_by_a_new_issue(family, certificate,
                                                                           origin_township_officer):
    StatusCertificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1))

    second = actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person")

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and second.supersedes is None  # it verifies as expired


def test_a_proxy_decision_supersedes_the_valid_certificate_the_person_already_holds(
    application, arrived, origin_township_officer
):
    earlier = actions.issue_certificate(acting_user=origin_township_officer, person=arrived, requested_by="in_person")

    decided = actions.decide_proxy_application(acting_user=origin_township_officer, application=application,
                                               issue=True)

    earlier.refresh_from_db()
    assert earlier.status == CertificateStatus.SUPERSEDED
    assert decided.certificate.supersedes == earlier and decided.certificate.requested_by == RequestedBy.PROXY
    assert list(StatusCertificate.objects.filter(person=arrived, status=CertificateStatus.VALID)) == [
        decided.certificate]
