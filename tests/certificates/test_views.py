"""The certificate and proxy pages: what each side sees and submits, and what strangers are refused."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiliu.audit.models import AuditEvent
from huiliu.certificates import actions
from huiliu.certificates.models import CertificateStatus, ProxyApplication, ProxyStatus, StatusCertificate
from huiliu.core.identity import mask_id_number
from huiliu.exchange.models import Message, MessageType
from tests import factories as f

from .fixtures import (  # noqa: F401
    application,
    arrived,
    certificate,
    family,
    outsider_officer,
    own_signing_key,
)

RAW_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


# --- Certificates ----------------------------------------------------------------------------------------


def test_the_list_shows_masked_id_numbers_only(log_in, certificate, family, origin_village_worker):
    page = log_in(origin_village_worker).get("/certificates/").content.decode()

    assert certificate.number in page
    assert mask_id_number(family.id_number) in page
    assert not RAW_ID_NUMBER.search(page)


def test_the_list_of_one_person_is_linked_from_their_page(log_in, certificate, family, origin_township_officer):
    client = log_in(origin_township_officer)
    person_page = client.get(f"/people/{family.pk}/").content.decode()

    assert f'href="/certificates/?person={family.pk}"' in person_page
    assert f'href="/certificates/issue/{family.pk}/"' in person_page
    listing = client.get(f"/certificates/?person={family.pk}").content.decode()
    assert certificate.number in listing


def test_the_destination_sees_a_proxy_link_on_the_persons_page(log_in, arrived, destination_village_worker):
    page = log_in(destination_village_worker).get(f"/people/{arrived.pk}/").content.decode()

    assert f'href="/certificates/proxy/new/{arrived.pk}/"' in page
    assert f'href="/certificates/issue/{arrived.pk}/"' not in page


def test_the_list_page_takes_the_same_queries_for_one_row_as_for_many(log_in, family, origin_township_officer,
                                                                       origin_village_worker):
    client = log_in(origin_township_officer)
    actions.issue_certificate(acting_user=origin_township_officer, person=family, requested_by="in_person")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/certificates/").status_code == 200
    for name in ("李四", "赵五", "钱六"):
        person = f.register_resident(origin_village_worker, name=name)
        actions.issue_certificate(acting_user=origin_township_officer, person=person, requested_by="in_person")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/certificates/").content.decode().count("/certificates/") >= 4
    assert len(many) == len(one)


def test_issuing_from_the_form_needs_the_persons_request(log_in, family, origin_township_officer):
    client = log_in(origin_township_officer)

    refused = client.post(f"/certificates/issue/{family.pk}/", {"valid_days": "180"})
    assert refused.status_code == 200
    assert "asked_in_person" in refused.context["form"].errors
    assert not StatusCertificate.objects.exists()

    response = client.post(f"/certificates/issue/{family.pk}/", {"valid_days": "90", "asked_in_person": "on"})
    certificate = StatusCertificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/{certificate.pk}/"
    assert (certificate.valid_until - certificate.issued_on).days == 90


def test_a_village_worker_of_the_household_gets_the_refusal_on_the_issue_form(log_in, family, origin_village_worker):
    response = log_in(origin_village_worker).post(f"/certificates/issue/{family.pk}/",
                                                  {"valid_days": "180", "asked_in_person": "on"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not StatusCertificate.objects.exists()


def test_the_detail_page_shows_the_snapshot_and_offers_changes_to_the_issuer(log_in, certificate,
                                                                             origin_township_officer):
    page = log_in(origin_township_officer).get(f"/certificates/{certificate.pk}/").content.decode()

    assert certificate.number in page
    assert "张小明" in page
    assert f'href="/certificates/{certificate.pk}/certificate.pdf"' in page
    assert f'href="/certificates/{certificate.pk}/revoke/"' in page
    assert f'href="/certificates/{certificate.pk}/reissue/"' in page


def test_the_village_sees_the_certificate_but_may_not_change_it(log_in, certificate, origin_village_worker):
    page = log_in(origin_village_worker).get(f"/certificates/{certificate.pk}/").content.decode()

    assert certificate.number in page
    assert "/revoke/" not in page


def test_the_pdf_downloads_and_is_audited(log_in, certificate, origin_village_worker, own_signing_key):
    response = log_in(origin_village_worker).get(f"/certificates/{certificate.pk}/certificate.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert certificate.number in response["Content-Disposition"]
    assert AuditEvent.objects.filter(event="download", user_id=origin_village_worker.pk,
                                     detail__certificate=str(certificate.pk)).exists()


def test_revoking_without_a_reason_puts_the_message_beside_the_field(log_in, certificate, origin_township_officer):
    response = log_in(origin_township_officer).post(f"/certificates/{certificate.pk}/revoke/", {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_revoking_and_reissuing_from_the_pages(log_in, certificate, origin_township_officer):
    client = log_in(origin_township_officer)

    reissued = client.post(f"/certificates/{certificate.pk}/reissue/", {"reason": "更正住址"})
    new = StatusCertificate.objects.get(supersedes=certificate)
    assert reissued["Location"] == f"/certificates/{new.pk}/"
    old_page = client.get(f"/certificates/{certificate.pk}/").content.decode()
    assert f'href="/certificates/{new.pk}/"' in old_page  # the old version points on to the new

    revoked = client.post(f"/certificates/{new.pk}/revoke/", {"reason": "本人申请"})
    assert revoked.status_code == 302
    new.refresh_from_db()
    assert new.status == CertificateStatus.REVOKED


# --- Proxy applications ----------------------------------------------------------------------------------


def test_the_destination_applies_from_the_page(log_in, arrived, destination_village_worker):
    client = log_in(destination_village_worker)

    missing = client.post(f"/certificates/proxy/new/{arrived.pk}/", {"purpose": "办理居住证"})
    assert "person_asked" in missing.context["form"].errors
    response = client.post(f"/certificates/proxy/new/{arrived.pk}/", {"purpose": "办理居住证", "person_asked": "on"})

    application = ProxyApplication.objects.get()
    assert response["Location"] == f"/certificates/proxy/{application.pk}/"
    assert Message.objects.filter(message_type=MessageType.PROXY_REQUEST, person=arrived).count() == 1


def test_the_application_appears_in_the_origin_townships_queue_and_is_decided_there(
    log_in, application, arrived, origin_township_officer
):
    client = log_in(origin_township_officer)
    queue = client.get("/certificates/proxy/").content.decode()
    assert f'href="/certificates/proxy/{application.pk}/"' in queue
    assert mask_id_number(arrived.id_number) in queue

    page = client.get(f"/certificates/proxy/{application.pk}/").content.decode()
    assert 'name="decision"' in page
    refused = client.post(f"/certificates/proxy/{application.pk}/", {"decision": "refuse", "refusal_reason": "",
                                                                      "valid_days": "180"})
    assert refused.context["form"].errors["refusal_reason"]

    response = client.post(f"/certificates/proxy/{application.pk}/", {"decision": "issue", "valid_days": "180"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ProxyStatus.ISSUED


def test_the_destination_sees_the_outcome_and_downloads_the_certificate(
    log_in, application, destination_village_worker, origin_township_officer, own_signing_key
):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)
    application.refresh_from_db()
    client = log_in(destination_village_worker)

    page = client.get(f"/certificates/proxy/{application.pk}/").content.decode()
    assert application.certificate.number in page
    assert 'name="decision"' not in page
    outgoing = client.get("/certificates/proxy/").content.decode()
    assert f'href="/certificates/proxy/{application.pk}/"' in outgoing

    pdf = client.get(f"/certificates/proxy/{application.pk}/certificate.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="download", user_id=destination_village_worker.pk).exists()


def test_the_destination_sees_a_refusal_with_its_reason(log_in, application, destination_village_worker,
                                                       origin_township_officer):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=False,
                                     refusal_reason="户籍信息待核实")
    client = log_in(destination_village_worker)

    assert "户籍信息待核实" in client.get(f"/certificates/proxy/{application.pk}/").content.decode()
    assert client.get(f"/certificates/proxy/{application.pk}/certificate.pdf").status_code == 404


def test_the_applying_side_may_not_decide(log_in, application, destination_village_worker):
    response = log_in(destination_village_worker).post(f"/certificates/proxy/{application.pk}/",
                                                       {"decision": "issue", "valid_days": "180"})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ProxyStatus.PENDING
    assert AuditEvent.objects.filter(user_id=destination_village_worker.pk, outcome=AuditEvent.Outcome.DENIED,
                                     object_type="proxy_application").exists()


def test_the_proxy_list_takes_the_same_queries_for_one_row_as_for_many(log_in, application, origin_township_officer,
                                                                        destination_village_worker):
    client = log_in(origin_township_officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/certificates/proxy/?tab=incoming").status_code == 200
    for name in ("陈明", "赵丽", "孙强"):
        person = f.register_arrival(destination_village_worker, number=f.id_number(), name=name).person
        actions.apply_by_proxy(acting_user=destination_village_worker, person=person, purpose="就业")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/certificates/proxy/?tab=incoming").content.decode().count("/certificates/proxy/") >= 4
    assert len(many) == len(one)


def test_the_queue_opens_on_the_side_the_user_works(client, log_in, application, origin_township_officer,
                                                    destination_village_worker):
    assert log_in(origin_township_officer).get("/certificates/proxy/").context["tab"] == "incoming"
    client.post("/accounts/logout/")
    assert log_in(destination_village_worker).get("/certificates/proxy/").context["tab"] == "outgoing"


# --- Strangers -------------------------------------------------------------------------------------------


SCOPED_PAGES = [
    "/certificates/{certificate}/",
    "/certificates/{certificate}/certificate.pdf",
    "/certificates/{certificate}/reissue/",
    "/certificates/{certificate}/revoke/",
    "/certificates/issue/{person}/",
    "/certificates/proxy/new/{arrived}/",
    "/certificates/proxy/{application}/",
    "/certificates/proxy/{application}/certificate.pdf",
]


@pytest.mark.parametrize("path", SCOPED_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stranger_gets_404_on(log_in, certificate, family, application, arrived, origin_township_officer,
                                outsider_officer, path, method):
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)
    url = path.format(certificate=certificate.pk, person=family.pk, arrived=arrived.pk, application=application.pk)

    response = getattr(log_in(outsider_officer), method)(url, {"reason": "x", "decision": "issue"})

    assert response.status_code == 404
    assert AuditEvent.objects.filter(user_id=outsider_officer.pk, outcome=AuditEvent.Outcome.DENIED).exists()
    # The same answer as for a row that does not exist.
    missing = getattr(log_in(outsider_officer), method)(url.replace(str(certificate.pk), str(uuid.uuid4()))
                                                        .replace(str(application.pk), str(uuid.uuid4())))
    assert missing.status_code == 404


def test_strangers_lists_are_empty(log_in, certificate, application, outsider_officer):
    client = log_in(outsider_officer)
    assert certificate.number not in client.get("/certificates/").content.decode()
    for tab in ("incoming", "outgoing"):
        assert str(application.pk) not in client.get(f"/certificates/proxy/?tab={tab}").content.decode()
