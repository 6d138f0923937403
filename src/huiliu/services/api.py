"""The services JSON API: service records, with the health fields absent (not null) for all but health workers."""

import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema

from . import queries

router = Router(tags=["services"])


class RecordFilters(Schema):
    person: str = Field("", description="a person's id; empty for every record in your area")
    type: str = Field("", description="a service type, e.g. health_checkup; empty for all")
    start: datetime.date | None = None
    end: datetime.date | None = None


class RecordOut(Schema):
    id: UUID
    person_id: UUID
    service_type: str
    service_type_label: str
    service_date: datetime.date
    provider: str
    jurisdiction_code: int
    is_health: bool
    consent_given: bool
    consent_way: str
    consent_on: datetime.date | None
    recognised_at_code: int | None
    recognised_at: datetime.datetime | None
    reported_from_code: int | None
    reported_from_name: str
    # Health fields: present only for a health worker over the record (see queries.visible_fields).
    outcome: str = Field(None, description="absent unless you may see this record's result")
    method_chosen: str = Field(None, description="contraceptive supplies: absent unless you may see results")
    result_kept_elsewhere: bool = Field(None, description="absent unless you may see results")


LIST_LIMIT = 500


@router.get("/records", response=list[RecordOut], exclude_unset=True,
            summary="Service records in your area; health results only for health workers")
def list_records(request, filters: Query[RecordFilters]):
    rows = list(queries.list_service_records(user=request.auth, service_type=filters.type, start=filters.start,
                                             end=filters.end, person_id=filters.person or None)[:LIST_LIMIT])
    queries.audit_result_reading(request.auth, rows)
    return [queries.visible_fields(request.auth, r) for r in rows]


@router.get("/records/{record_id}", response=RecordOut, exclude_unset=True,
            summary="One service record; health fields absent unless you are a health worker over it")
def get_record(request, record_id: str):
    return queries.visible_fields(request.auth, queries.access_service_record(request.auth, record_id))
