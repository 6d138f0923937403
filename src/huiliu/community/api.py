"""The community's JSON API: partner units and associations in the caller's scope (read only, phones masked)."""

import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from huiliu.core.identity import mask_phone

from . import queries
from .models import PartnerKind

router = Router(tags=["community"])


class UnitFilters(Schema):
    kind: str = Field("", description="employer, landlord or market; empty for all")


class PartnerUnitOut(Schema):
    id: UUID
    kind: str
    name: str
    credit_code: str
    jurisdiction_code: int = Field(alias="jurisdiction_id")
    address: str
    responsible_person: str
    responsible_phone_masked: str
    current_people: int = Field(description="migrants the unit employs or houses now")

    @staticmethod
    def resolve_responsible_phone_masked(unit):
        return mask_phone(unit.responsible_phone)


class AssociationOut(Schema):
    id: UUID
    name: str
    jurisdiction_code: int = Field(alias="jurisdiction_id")
    founded_on: datetime.date
    member_count: int
    branch_count: int


@router.get("/units", response=list[PartnerUnitOut], summary="Partner units in scope (phones masked)")
@paginate(LimitOffsetPagination)
def list_units(request, filters: Query[UnitFilters]):
    kind = filters.kind if filters.kind in PartnerKind.values else ""
    return queries.list_partner_units(user=request.user, kind=kind)


@router.get("/associations", response=list[AssociationOut], summary="Migrants' associations in scope")
@paginate(LimitOffsetPagination)
def list_associations(request):
    return queries.list_associations(user=request.user)
