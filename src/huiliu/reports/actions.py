"""Writes of the reports app: storing the figures of a closed period."""

from decimal import Decimal

from django.db import transaction

from huiliu.audit.actions import record_event

from .engine import COUNTS, MEDIANS, Figures
from .models import StoredFigure, StoredPeriod

BATCH = 5000


def store_period_figures(*, acting_user, figures: Figures) -> StoredPeriod:
    """Store the figures of a closed period in place of any stored before, in one transaction, audited."""
    label = figures.period.label
    stored_codes = COUNTS + MEDIANS
    rows = [
        StoredFigure(period_id=label, code=code, own=own, indicator=indicator, value=Decimal(value))
        for own, nodes in ((False, figures.tree), (True, figures.own))
        for code, values in nodes.items()
        for indicator in stored_codes
        if (value := values.get(indicator))
    ]
    with transaction.atomic():
        StoredPeriod.objects.filter(pk=label).delete()
        stored = StoredPeriod.objects.create(period=label, computed_at=figures.computed_at, nodes=len(figures.tree))
        StoredFigure.objects.bulk_create(rows, batch_size=BATCH)
        record_event(actor=acting_user, event="write", object_type="report_period", object_id=label,
                     detail={"figures": len(rows)})
    return stored
