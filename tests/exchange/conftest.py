"""Fixtures for the exchange tests: an arrival that sent its notice (the township officers are in tests/conftest.py)."""

import pytest

from huiliu.accounts.models import Role
from tests import factories as f

ORIGIN_TOWNSHIP = f.township(f.ORIGIN_COUNTY)  # household township of the factories' default person
DESTINATION_TOWNSHIP = f.township(f.DESTINATION_COUNTY)  # township of the destination village worker


@pytest.fixture
def arrival(destination_village_worker):
    """A person of the origin village registered as arrived in the destination village."""
    return f.register_arrival(destination_village_worker, number=f.id_number(), name="刘洋")


@pytest.fixture
def inflow_notice(arrival):
    from huiliu.exchange.models import Message, MessageType

    return Message.objects.get(message_type=MessageType.INFLOW_NOTICE, person=arrival.person)


# --- Added for the pages and the API ------------------------------------------------------


@pytest.fixture
def outsider_township_officer(tree):
    """A township officer of another origin county: neither side of the factories' notices."""
    return f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.OTHER_ORIGIN_COUNTY), "outsider-township")


@pytest.fixture
def overdue_notice(inflow_notice):
    """The inflow notice with its deadline moved a day into the past, still unanswered."""
    import datetime

    from django.utils import timezone

    from huiliu.exchange.models import Message

    Message.objects.filter(pk=inflow_notice.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    inflow_notice.refresh_from_db()
    return inflow_notice


@pytest.fixture
def bearer():
    """Authorization headers carrying a fresh API token of the user."""
    from huiliu.accounts.actions import issue_api_token

    def bearer(user):
        return {"Authorization": f"Bearer {issue_api_token(acting_user=None, user=user)}"}

    return bearer
