"""Reading certificates and proxy applications: scoped to the person's places, audited, and the figures."""

import datetime

import pytest
from django.utils import timezone

from huiliu.audit.models import AuditEvent
from huiliu.certificates import actions, queries
from huiliu.certificates.models import CertificateStatus, ProxyApplication, StatusCertificate
from huiliu.core.errors import NotFound

from .fixtures import (  # noqa: F401
    ORIGIN_TOWNSHIP,
    application,
    arrived,
    certificate,
    days_ago,
    family,
    other_origin_township_officer,
    outsider_officer,
)


def test_a_certificate_is_listed_where_its_person_is(certificate, origin_village_worker, origin_county_officer,
                                                      destination_county_officer, outsider_officer):
    assert list(queries.list_certificates(user=origin_village_worker)) == [certificate]
    assert list(queries.list_certificates(user=origin_county_officer)) == [certificate]
    assert list(queries.list_certificates(user=destination_county_officer)) == []
    assert list(queries.list_certificates(user=outsider_officer)) == []


def test_the_place_where_the_person_lives_sees_their_certificates(application, origin_township_officer,
                                                                  destination_village_worker):
    decided = actions.decide_proxy_application(acting_user=origin_township_officer, application=application,
                                               issue=True)
    assert list(queries.list_certificates(user=destination_village_worker)) == [decided.certificate]


def test_the_list_finds_by_name_number_and_person(certificate, family, origin_village_worker):
    user = origin_village_worker
    assert list(queries.list_certificates(user=user, query="王秀")) == [certificate]
    assert list(queries.list_certificates(user=user, query=family.id_number)) == [certificate]
    assert list(queries.list_certificates(user=user, query=certificate.number[:12])) == [certificate]
    assert list(queries.list_certificates(user=user, person_id=family.pk)) == [certificate]
    assert list(queries.list_certificates(user=user, person_id="not-a-uuid")) == []
    assert list(queries.list_certificates(user=user, query="李")) == []


def test_the_list_filters_by_status_with_expired_read_from_the_dates(certificate, origin_township_officer):
    user = origin_township_officer
    assert list(queries.list_certificates(user=user, status="valid")) == [certificate]
    StatusCertificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert list(queries.list_certificates(user=user, status="valid")) == []
    assert list(queries.list_certificates(user=user, status="expired")) == [certificate]
    assert list(queries.list_certificates(user=user, status="revoked")) == []


def test_listing_is_audited(certificate, origin_village_worker):
    queries.list_certificates(user=origin_village_worker, query="王")
    assert AuditEvent.objects.filter(event="search", object_type="certificate", user_id=origin_village_worker.pk).exists()


def test_access_to_a_certificate_out_of_scope_answers_as_missing_and_is_audited(certificate, outsider_officer):
    with pytest.raises(NotFound):
        queries.access_certificate(outsider_officer, certificate.pk)
    with pytest.raises(NotFound):
        queries.access_certificate(outsider_officer, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFound):
        queries.access_certificate(outsider_officer, "nonsense")
    assert AuditEvent.objects.filter(user_id=outsider_officer.pk, outcome=AuditEvent.Outcome.DENIED,
                                     object_type="certificate").count() == 3


def test_access_to_a_certificate_is_audited_as_a_read_of_the_person(certificate, family, origin_village_worker):
    found = queries.access_certificate(origin_village_worker, certificate.pk, event="download")

    assert found == certificate
    row = AuditEvent.objects.get(event="download", user_id=origin_village_worker.pk)
    assert (row.object_type, row.object_id) == ("person", str(family.pk))
    assert row.detail["certificate"] == str(certificate.pk)


def test_the_newer_version_is_found(certificate, origin_township_officer):
    new = actions.reissue_certificate(acting_user=origin_township_officer, certificate=certificate, reason="更正")
    assert queries.find_newer_version(certificate) == new
    assert queries.find_newer_version(new) is None


# --- Proxy queues ----------------------------------------------------------------------------------------


def test_an_application_is_in_the_origin_townships_incoming_queue(application, origin_township_officer,
                                                                  origin_county_officer, origin_village_worker,
                                                                  destination_township_officer):
    assert list(queries.list_incoming_proxy_applications(user=origin_township_officer)) == [application]
    assert list(queries.list_incoming_proxy_applications(user=origin_county_officer, status="pending")) == [application]
    assert list(queries.list_incoming_proxy_applications(user=origin_township_officer, status="issued")) == []
    # A village of the origin decides nothing; the destination's incoming queue is its own.
    assert list(queries.list_incoming_proxy_applications(user=origin_village_worker)) == []
    assert list(queries.list_incoming_proxy_applications(user=destination_township_officer)) == []


def test_an_application_is_in_the_applying_sides_outgoing_list(application, destination_village_worker,
                                                               destination_township_officer, origin_township_officer):
    assert list(queries.list_outgoing_proxy_applications(user=destination_village_worker)) == [application]
    assert list(queries.list_outgoing_proxy_applications(user=destination_township_officer)) == [application]
    assert list(queries.list_outgoing_proxy_applications(user=origin_township_officer)) == []
    assert queries.count_pending_proxy_applications(user=destination_township_officer) == {"incoming": 0, "outgoing": 1}
    assert queries.count_pending_proxy_applications(user=origin_township_officer) == {"incoming": 1, "outgoing": 0}


def test_both_sides_open_an_application_and_nobody_else(application, destination_village_worker,
                                                        origin_township_officer, outsider_officer,
                                                        other_origin_township_officer):
    assert queries.access_proxy_application(destination_village_worker, application.pk) == application
    assert queries.access_proxy_application(origin_township_officer, application.pk) == application
    for stranger in (outsider_officer, other_origin_township_officer):
        with pytest.raises(NotFound):
            queries.access_proxy_application(stranger, application.pk)
    assert AuditEvent.objects.filter(object_type="proxy_application", outcome=AuditEvent.Outcome.DENIED).count() == 2


def test_every_listed_row_lies_in_the_callers_scope(application, certificate, origin_township_officer,
                                                    destination_village_worker, outsider_officer):
    from huiliu.accounts.scope import in_scope

    for user in (origin_township_officer, destination_village_worker, outsider_officer):
        for row in queries.list_certificates(user=user):
            assert in_scope(user, row.person.household_jurisdiction_id) or in_scope(user, row.person.residence_jurisdiction_id)
        for row in queries.list_incoming_proxy_applications(user=user):
            assert in_scope(user, row.origin_jurisdiction_id)
        for row in queries.list_outgoing_proxy_applications(user=user):
            assert in_scope(user, row.applying_jurisdiction_id)


# --- Figures ---------------------------------------------------------------------------------------------


def test_the_figures_match_the_rows(family, certificate, application, arrived, origin_township_officer,
                                    origin_county_officer, destination_village_worker, destination_county_officer):
    from huiliu.people.models import Person
    from tests import factories as f

    # Another arrival, refused after five days; a third still pending; the first issued after two.
    others = [f.register_arrival(destination_village_worker, number=f.id_number(), name=name).person
              for name in ("陈明", "赵丽")]
    refused = actions.apply_by_proxy(acting_user=destination_village_worker, person=others[0], purpose="入学")
    actions.apply_by_proxy(acting_user=destination_village_worker, person=others[1], purpose="就业")
    days_ago(application, 2)
    days_ago(refused, 5)
    actions.decide_proxy_application(acting_user=origin_township_officer, application=application, issue=True)
    actions.decide_proxy_application(acting_user=origin_township_officer, application=refused, issue=False,
                                     refusal_reason="待核实")
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=1)

    figures = queries.count_certificate_figures(user=origin_county_officer, code=f.ORIGIN_COUNTY, start=start, end=end)

    assert figures == {
        "issued": 2, "issued_in_person": 1, "issued_by_proxy": 1,
        "proxy_applications": 3, "proxy_decided": 2, "proxy_issued": 1, "proxy_refused": 1, "proxy_pending": 1,
        "median_days_to_decision": 3.5, "proxy_applications_sent": 0,
    }
    assert figures["issued"] == StatusCertificate.objects.count()
    assert figures["proxy_applications"] == ProxyApplication.objects.count()
    destination = queries.count_certificate_figures(user=destination_county_officer, code=f.DESTINATION_COUNTY,
                                                    start=start, end=end)
    assert (destination["proxy_applications_sent"], destination["issued"]) == (3, 0)
    # A period before any of it counts nothing.
    empty = queries.count_certificate_figures(user=origin_county_officer, code=f.ORIGIN_COUNTY,
                                              start=start - datetime.timedelta(days=60), end=start)
    assert (empty["issued"], empty["proxy_applications"], empty["median_days_to_decision"]) == (0, 0, None)
    assert Person.objects.count() == 4


def test_the_figures_accept_datetimes_like_the_exchange_rates(certificate, origin_township_officer):
    now = timezone.now()
    figures = queries.count_certificate_figures(user=origin_township_officer, code=ORIGIN_TOWNSHIP,
                                                start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=1))
    assert figures["issued"] == 1


def test_figures_of_a_subtree_out_of_scope_answer_as_missing(certificate, destination_county_officer):
    from tests import factories as f

    with pytest.raises(NotFound):
        queries.count_certificate_figures(user=destination_county_officer, code=f.ORIGIN_COUNTY,
                                          start=timezone.localdate(), end=timezone.localdate())
    assert AuditEvent.objects.filter(object_type="certificate_figures", outcome=AuditEvent.Outcome.DENIED).exists()


def test_a_superseded_certificate_stays_counted_as_issued(certificate, origin_township_officer):
    actions.reissue_certificate(acting_user=origin_township_officer, certificate=certificate, reason="更正")
    today = timezone.localdate()
    figures = queries.count_certificate_figures(user=origin_township_officer, code=ORIGIN_TOWNSHIP, start=today,
                                                end=today + datetime.timedelta(days=1))
    assert figures["issued"] == 2
    assert StatusCertificate.objects.filter(status=CertificateStatus.SUPERSEDED).count() == 1
