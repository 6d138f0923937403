"""The demo's grievances: filed and handled through the actions, one overdue, one forum."""

import datetime

import pytest
from django.utils import timezone

from huiliu.demo.actions import load_demo
from huiliu.grievances.models import Forum, Grievance, GrievanceStatus

pytestmark = pytest.mark.django_db


def test_the_demo_grievances_include_a_resolved_an_overdue_and_a_forum(db):
    today = datetime.date.today()
    made = load_demo(persons=300, seed=7, today=today).counts

    assert made["grievances"] == Grievance.objects.count() >= 7
    assert made["forums"] == Forum.objects.count() == 1
    assert Grievance.objects.filter(status=GrievanceStatus.RESOLVED).count() == made["resolved"] == 1
    assert Grievance.objects.filter(status__in=["received", "in_progress"],
                                    deadline__lt=timezone.localdate()).count() == 1
    assert Grievance.objects.filter(forum__isnull=False, kind="suggestion").count() == 3
