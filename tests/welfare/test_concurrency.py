"""Two officers approving the same application at the same moment: one approval, one payment."""

import threading

import pytest
from django.db import connection, connections

from huiliu.accounts.models import Role
from huiliu.core.errors import ValidationFailed
from huiliu.welfare import actions
from huiliu.welfare.models import ApplicationStatus, BenefitApplication, Payment
from tests import factories as f


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the test database is SQLite in memory, one writer by nature")
def test_two_officers_approving_at_once_produce_one_approval_and_one_payment(
        reviewed, origin_county_officer):
    second_officer = f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY, "origin-county-2")
    officers = [origin_county_officer, second_officer]
    start = threading.Barrier(len(officers))
    outcomes, errors = [], []

    def approve(officer):
        try:
            application = BenefitApplication.objects.select_related("programme", "person").get(pk=reviewed.pk)
            start.wait()
            actions.decide_application(acting_user=officer, application=application, approve=True)
            outcomes.append("approved")
        except ValidationFailed:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(outcomes) == ["approved", "refused"]
    assert BenefitApplication.objects.get(pk=reviewed.pk).status == ApplicationStatus.APPROVED
    assert Payment.objects.filter(application_id=reviewed.pk).count() == 1
