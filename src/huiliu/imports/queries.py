"""Every read of the imports app: a user's own batches, the mappings of the user and their office, the ledgers
in the user's writing scope for export, and the censuses of the user's scope.

A batch is seen only by who uploaded it (it may hold a whole file of personal data);
another's batch answers exactly as a missing one, and the attempt is audited.
"""

from django.db.models import Q, QuerySet

from huiliu.accounts.scope import jurisdiction_ranges, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.core.models import is_uuid
from huiliu.people.models import (
    OPEN_STATUSES,
    InflowRegistration,
    OutflowRegistration,
    Person,
)
from huiliu.services.models import ServiceRecord

from .models import CensusCampaign, CensusEntry, ColumnMapping, ImportBatch, ImportKind


def list_batches(*, user, limit: int = 50) -> QuerySet[ImportBatch]:
    """The user's own imports, newest first."""
    return ImportBatch.objects.filter(uploaded_by_id=user.pk).defer("content")[:limit]


def access_batch(user, batch_id) -> ImportBatch:
    """One of the user's own imports; any other (or a bad id) is not found, and the attempt is audited."""
    batch = ImportBatch.objects.filter(pk=batch_id, uploaded_by_id=user.pk).first() if is_uuid(batch_id) else None
    if batch is None:
        record_event(actor=user, event="view", object_type="import", object_id=str(batch_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(batch_id)
    return batch


def list_mappings(*, user, kind: str = "") -> QuerySet[ColumnMapping]:
    """The mappings the user saved, and those saved by others of the same office."""
    office = getattr(user, "office_code", None)
    condition = Q(owner_id=user.pk) | (Q(office_code=office) if office is not None else Q(pk__in=[]))
    mappings = ColumnMapping.objects.filter(condition)
    return mappings.filter(kind=kind) if kind else mappings


def find_mapping(*, user, kind: str, name: str) -> ColumnMapping | None:
    """A mapping by name: the user's own first, else one of their office."""
    mappings = list(list_mappings(user=user, kind=kind).filter(name=name))
    mappings.sort(key=lambda m: m.owner_id != user.pk)
    return mappings[0] if mappings else None


def _writing_condition(user, *fields: str) -> Q:
    condition = Q(pk__in=[])
    for low, high in jurisdiction_ranges(user, writing=True):
        for field in fields:
            condition |= Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return condition


def ledger_rows(*, user, kind: str):
    """The rows of a ledger that the user's writing roles hold (household place or residence; for services, the
    office that keeps the record), in order."""
    if kind == ImportKind.PERSONS:
        return (Person.objects.filter(_writing_condition(user, "household_jurisdiction_id", "residence_jurisdiction_id"))
                .order_by("household_jurisdiction_id", "id_number"))
    if kind == ImportKind.OUTFLOWS:
        return (OutflowRegistration.objects.filter(_writing_condition(user, "migration__origin_jurisdiction_id"),
                                                   migration__status__in=OPEN_STATUSES)
                .select_related("migration__person").order_by("departure_date", "id"))
    if kind == ImportKind.SERVICES:
        return (ServiceRecord.objects.filter(_writing_condition(user, "jurisdiction_id"))
                .select_related("person").order_by("service_date", "id"))
    return (InflowRegistration.objects.filter(_writing_condition(user, "residence_jurisdiction_id"),
                                              migration__status__in=OPEN_STATUSES)
            .select_related("migration__person").order_by("arrival_date", "id"))


# --- Census reconciliation ------------------------------------------------------------------------------------


def list_censuses(*, user) -> QuerySet[CensusCampaign]:
    """The censuses of jurisdictions in the user's scope, newest first."""
    return CensusCampaign.objects.filter(scope_filter(user, "jurisdiction_id")).select_related("jurisdiction")


def access_census(user, campaign_id) -> CensusCampaign:
    """One census in the user's scope; any other (or a bad id) is not found, and the attempt is audited."""
    rows = list_censuses(user=user)
    campaign = rows.filter(pk=campaign_id).first() if is_uuid(campaign_id) else None
    if campaign is None:
        record_event(actor=user, event="view", object_type="census", object_id=str(campaign_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(campaign_id)
    return campaign


def list_census_entries(*, user, campaign: CensusCampaign, kind: str = "") -> QuerySet[CensusEntry]:
    """The entries of a census the user may see (access_census first); the listing of persons is audited."""
    entries = campaign.entries.all()
    if kind:
        entries = entries.filter(kind=kind)
    record_event(actor=user, event="list", object_type="census_entry", object_id=campaign.pk, detail={"kind": kind})
    return entries


def access_census_entry(user, entry_id) -> CensusEntry:
    entry = (CensusEntry.objects.select_related("campaign").filter(pk=entry_id).first()
             if is_uuid(entry_id) else None)
    if entry is None or not list_censuses(user=user).filter(pk=entry.campaign_id).exists():
        record_event(actor=user, event="view", object_type="census_entry", object_id=str(entry_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(entry_id)
    return entry
