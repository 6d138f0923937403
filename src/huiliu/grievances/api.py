"""The grievances API: the scoped list and one grievance, read-only. Names and phones are masked."""

import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from huiliu.core.identity import mask_name, mask_phone

from . import queries

router = Router(tags=["grievances"])


class GrievanceFilters(Schema):
    kind: str = Field("", description="complaint, suggestion or rights_protection; empty for all")
    status: str = Field("", description="received, in_progress, resolved or closed_unresolved; empty for all")
    overdue: bool = Field(False, description="only those still open after their deadline")


class GrievanceSummary(Schema):
    id: UUID
    tracking_number: str
    kind: str
    topic: str
    channel: str
    status: str
    overdue: bool = Field(description="open and past its deadline: computed, never stored")
    place_code: int
    owner_code: int
    filed_at: datetime.datetime
    deadline: datetime.date
    closed_on: datetime.date | None

    @staticmethod
    def resolve_overdue(grievance):
        return grievance.is_overdue

    @staticmethod
    def resolve_place_code(grievance):
        return grievance.place_id

    @staticmethod
    def resolve_owner_code(grievance):
        return grievance.owner_id


class GrievanceOut(GrievanceSummary):
    text: str
    name_masked: str
    phone_masked: str
    forum_id: UUID | None
    resolution: str
    closure_reason: str

    @staticmethod
    def resolve_name_masked(grievance):
        return mask_name(grievance.name)

    @staticmethod
    def resolve_phone_masked(grievance):
        return mask_phone(grievance.phone)


@router.get("/", response=list[GrievanceSummary], summary="Grievances in your scope, newest first")
@paginate(LimitOffsetPagination)
def list_grievances(request, filters: Query[GrievanceFilters]):
    return queries.list_grievances(user=request.user, kind=filters.kind, status=filters.status,
                                   overdue=filters.overdue)


@router.get("/{grievance_id}", response=GrievanceOut, summary="One grievance (404 when missing or out of scope)")
def get_grievance(request, grievance_id: str):
    return queries.access_grievance(request.user, grievance_id)
