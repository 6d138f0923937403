"""The demo's services, made through the real actions on a small demo population."""

import datetime

import pytest

from huiliu.exchange.models import Message, MessageType
from huiliu.services.models import (
    OfferStatus,
    ServiceOffer,
    ServiceRecord,
)

pytestmark = pytest.mark.django_db


def test_the_demo_services_are_recorded_recognised_and_offered():
    from huiliu.demo.actions import load_demo
    today = datetime.date.today()
    counts = load_demo(persons=300, seed=7, today=today).counts

    assert counts["service_records"] > 0 and ServiceRecord.objects.filter(recognised_at_code__isnull=False).exists()
    assert Message.objects.filter(message_type=MessageType.SERVICE_REPORT, answered_at__isnull=False).exists()
    assert ServiceOffer.objects.filter(status=OfferStatus.DECLINED).count() == 1
    assert not ServiceRecord.objects.filter(service_type__in=["health_checkup", "counselling"],
                                            consent_given=False, report_message_id__isnull=True).exists()
