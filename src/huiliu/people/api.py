import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from huiliu.core.identity import mask_id_number, mask_phone

from . import actions, queries
from .models import MaritalStatus

router = Router(tags=["persons"])


class PersonSummary(Schema):
    id: UUID
    name: str
    id_number_masked: str
    sex: str
    phone_masked: str
    household_jurisdiction: int = Field(alias="household_jurisdiction_id")
    residence_jurisdiction: int | None = Field(alias="residence_jurisdiction_id")

    @staticmethod
    def resolve_id_number_masked(person):
        return mask_id_number(person.id_number)

    @staticmethod
    def resolve_phone_masked(person):
        return mask_phone(person.phone)


class ChildOut(Schema):
    name: str
    sex: str
    birth_date: datetime.date


class PersonOut(Schema):
    id: UUID
    id_number: str
    name: str
    sex: str
    birth_date: datetime.date
    phone: str
    ethnicity: str
    education: str
    household_jurisdiction: int
    household_address: str
    residence_jurisdiction: int | None
    residence_address: str
    marital_status: str
    spouse_name: str
    children: list[ChildOut]


class MigrationOut(Schema):
    id: UUID
    person_id: UUID
    status: str
    origin_jurisdiction: int
    destination_jurisdiction: int | None
    started_on: datetime.date
    ended_on: datetime.date | None
    departure_date: datetime.date | None = None
    arrival_date: datetime.date | None = None


class PersonIn(Schema):
    id_number: str
    name: str
    household_code: int
    sex: str | None = None
    birth_date: datetime.date | None = None
    phone: str = ""
    ethnicity: str = ""
    education: str = ""
    household_address: str = ""
    marital_status: str = MaritalStatus.UNKNOWN
    spouse_name: str = ""
    spouse_id_number: str = ""


class ArrivalIn(Schema):
    id_number: str
    name: str
    arrival_date: datetime.date
    residence_code: int
    address: str
    residence_type: str
    landlord_or_employer: str = ""
    household_code: int | None = None
    household_address: str = ""
    sex: str | None = None
    birth_date: datetime.date | None = None
    phone: str = ""
    marital_status: str = MaritalStatus.UNKNOWN


class DepartureIn(Schema):
    departure_date: datetime.date
    reason: str
    destination_code: int | None = None
    destination_address: str = ""
    work_background: str = ""
    employer: str = ""
    group_liaison: str = ""
    group_liaison_phone: str = ""
    village_contact: str = ""
    contact_phone: str = ""


class CloseIn(Schema):
    outcome: str = Field(description="moved_on, returned or lost_contact")
    ended_on: datetime.date
    note: str = ""


def _detail(person) -> dict:
    fields = {name: getattr(person, name) for name in PersonOut.model_fields if name not in {"children"}}
    fields["household_jurisdiction"] = person.household_jurisdiction_id
    fields["residence_jurisdiction"] = person.residence_jurisdiction_id
    fields["children"] = [{"name": c.name, "sex": c.sex, "birth_date": c.birth_date} for c in person.children.all()]
    return fields


def _migration(migration) -> dict:
    return {
        "id": migration.pk, "person_id": migration.person_id, "status": migration.status,
        "origin_jurisdiction": migration.origin_jurisdiction_id,
        "destination_jurisdiction": migration.destination_jurisdiction_id,
        "started_on": migration.started_on, "ended_on": migration.ended_on,
        "departure_date": migration.outflow.departure_date if hasattr(migration, "outflow") else None,
        "arrival_date": migration.inflow.arrival_date if hasattr(migration, "inflow") else None,
    }


@router.get("/persons", response=list[PersonSummary], summary="Search persons in scope (masked)")
@paginate(LimitOffsetPagination)
def list_persons(request, q: str = ""):
    return queries.list_persons(user=request.auth, query=q)


@router.get("/persons/{person_id}", response=PersonOut, summary="One person, in full (audited)")
def get_person(request, person_id: str):
    return _detail(queries.access_person(request.auth, person_id))


@router.get("/persons/{person_id}/migrations", response=list[MigrationOut], summary="A person's moves")
def get_person_migrations(request, person_id: str):
    person = queries.access_person(request.auth, person_id)
    return [_migration(m) for m in queries.list_migrations_of(person)]


@router.post("/persons", response={201: PersonOut}, summary="Register a resident at their household place")
def create_person(request, payload: PersonIn):
    person = actions.register_person(acting_user=request.auth, **payload.dict())
    return Status(201, _detail(person))


@router.post("/arrivals", response={201: MigrationOut}, summary="Register an arrival (inflow)")
def create_arrival(request, payload: ArrivalIn):
    return Status(201, _migration(actions.register_inflow(acting_user=request.auth, **payload.dict())))


@router.post("/persons/{person_id}/departures", response={201: MigrationOut}, summary="Register a departure (outflow)")
def create_departure(request, person_id: str, payload: DepartureIn):
    person = queries.access_person(request.auth, person_id)
    return Status(201, _migration(actions.register_outflow(acting_user=request.auth, person=person, **payload.dict())))


@router.post("/migrations/{migration_id}/close", response=MigrationOut, summary="Close an open move")
def close_migration(request, migration_id: str, payload: CloseIn):
    migration = queries.access_migration(request.auth, migration_id)
    return _migration(actions.close_migration(acting_user=request.auth, migration=migration, **payload.dict()))
