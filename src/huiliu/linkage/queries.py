"""Every read of the linkage app, through the jurisdiction scope.

A candidate pair is seen by the offices that can see either of its persons (household place or
residence): each side needs the other's office to settle it. Such a reviewer learns nothing they
could not see before about the record outside their area: its name and ID number masked, and of
its other fields only whether they agree with the record they can see.
A verification task and a follow-up task are seen in the subtree of the office they are for.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huiliu.accounts.scope import in_scope, scope_filter
from huiliu.audit.actions import fetch_or_deny, record_event
from huiliu.core.identity import mask_id_number, mask_name
from huiliu.jurisdictions.queries import full_names
from huiliu.people.models import InflowRegistration, MaritalStatus, OutflowRegistration, Person, Sex

from .actions import CANDIDATE_OBJECT, FOLLOW_UP_OBJECT, VERIFICATION_OBJECT
from .models import Decision, FollowUpTask, LinkCandidate, RecordKind, TaskStatus, VerificationTask

CANDIDATE_SCOPE_FIELDS = (
    "left_person__household_jurisdiction_id", "left_person__residence_jurisdiction_id",
    "right_person__household_jurisdiction_id", "right_person__residence_jurisdiction_id",
)


def _visible_candidates(user) -> QuerySet[LinkCandidate]:
    return LinkCandidate.objects.filter(scope_filter(user, *CANDIDATE_SCOPE_FIELDS))


def list_pending_candidates(*, user) -> QuerySet[LinkCandidate]:
    """List the pairs awaiting review that have a record in the user's scope, best score first; audited."""
    record_event(actor=user, event="list", object_type=CANDIDATE_OBJECT, detail={"decision": Decision.PENDING})
    return (_visible_candidates(user).filter(decision=Decision.PENDING)
            .select_related("left_person", "right_person").order_by("-score", "created_at", "id"))


def access_candidate(user, candidate_id) -> LinkCandidate:
    """Fetch one pair with a record in the user's scope; out of scope answers exactly as missing; audited."""
    rows = _visible_candidates(user).select_related("left_person", "right_person", "decided_by")
    candidate = fetch_or_deny(user, rows, candidate_id, object_type=CANDIDATE_OBJECT)
    record_event(actor=user, event="view", object_type=CANDIDATE_OBJECT, object_id=candidate.pk,
                 subject_codes=candidate.left_person.place_codes)
    return candidate


def sees_person(user, person: Person) -> bool:
    return any(in_scope(user, code) for code in person.place_codes)


@dataclass(frozen=True)
class Field:
    label: str
    left: str
    right: str
    agrees: bool | None  # None: one side is not stated, nothing to compare


@dataclass(frozen=True)
class Comparison:
    left_visible: bool
    right_visible: bool
    left_kind: str
    right_kind: str
    fields: list[Field]
    hidden: str


def _record(kind: str, record_id):
    if kind == RecordKind.OUTFLOW:
        return OutflowRegistration.objects.select_related("migration").filter(pk=record_id).first()
    if kind == RecordKind.INFLOW:
        return InflowRegistration.objects.select_related("migration").filter(pk=record_id).first()
    return None


def _county_of(code: int | None) -> int | None:
    return None if code is None else code - code % 10**6


def _facts(person: Person, record) -> dict:
    place = person.residence_jurisdiction_id or person.household_jurisdiction_id
    date = ""
    if isinstance(record, OutflowRegistration):
        place, date = person.household_jurisdiction_id, record.departure_date.isoformat()
    elif isinstance(record, InflowRegistration):
        place, date = record.residence_jurisdiction_id, record.arrival_date.isoformat()
    return {
        "name": person.name,
        "id_number": person.id_number,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "sex": str(Sex(person.sex).label) if person.sex in Sex.values else "",
        "county": _county_of(person.household_jurisdiction_id),
        "marital_status": str(MaritalStatus(person.marital_status).label)
        if person.marital_status in MaritalStatus.values and person.marital_status != MaritalStatus.UNKNOWN else "",
        "children": str(person.children.count() or ""),
        "place": place,
        "date": date,
    }


_LABELS = {
    "name": _("Name"), "id_number": _("ID number"), "birth_date": _("Birth date"), "sex": _("Sex"),
    "county": _("Household county"), "marital_status": _("Marital status"), "children": _("Children on record"),
    "place": _("Place of the record"), "date": _("Departure or arrival date"),
}
# The two sides of one move are at two places on two dates: nothing to agree on there.
_NOT_COMPARED = ("place", "date")


def compare_candidate(user, candidate: LinkCandidate) -> Comparison:
    """The two records side by side, each field marked as agreeing or not (call after access_candidate).

    A side outside the user's area shows its name and ID number masked, its place down to the county, and of
    its other fields only whether they agree with the side the user can see.
    """
    visible = (sees_person(user, candidate.left_person), sees_person(user, candidate.right_person))
    sides = (_facts(candidate.left_person, _record(candidate.left_kind, candidate.left_id)),
             _facts(candidate.right_person, _record(candidate.right_kind, candidate.right_id)))
    names = full_names(c for facts in sides for c in (facts["county"], facts["place"], _county_of(facts["place"])))
    hidden = str(_("not shown: outside your area"))
    fields = []
    for key, label in _LABELS.items():
        values = [facts[key] for facts in sides]
        agrees = None if key in _NOT_COMPARED or not all(values) else values[0] == values[1]
        shown = []
        for seen, value in zip(visible, values):
            if key == "name":
                text = value if seen else mask_name(value)
            elif key == "id_number":
                text = mask_id_number(value)
            elif key == "place":
                text = names.get(value if seen else _county_of(value), "")
            elif key == "county":
                text = names.get(value, "") if seen or agrees else (hidden if value else "")
            else:
                text = value if seen or agrees else (hidden if value else "")
            shown.append(text or "—")
        fields.append(Field(str(label), shown[0], shown[1], agrees))
    return Comparison(visible[0], visible[1], candidate.left_kind, candidate.right_kind, fields, hidden)


# --- Tasks --------------------------------------------------------------------------------------------------


def _listed_tasks(user, model, object_type: str, status: str) -> QuerySet:
    """The tasks of the offices in the user's scope, of one status (any other value: all); the listing audited."""
    record_event(actor=user, event="list", object_type=object_type, detail={"status": status})
    tasks = model.objects.filter(scope_filter(user, "jurisdiction_id"))
    return tasks.filter(status=status) if status in TaskStatus.values else tasks


def list_verification_tasks(*, user, status: str = TaskStatus.OPEN) -> QuerySet[VerificationTask]:
    """List the verification tasks of the offices in the user's scope (open ones by default); audited."""
    tasks = _listed_tasks(user, VerificationTask, VERIFICATION_OBJECT, status)
    return tasks.select_related("jurisdiction", "candidate__left_person").order_by("status", "-created_at", "id")


def access_verification_task(user, task_id) -> VerificationTask:
    """Fetch one verification task of an office in the user's scope; out of scope answers as missing; audited."""
    rows = VerificationTask.objects.filter(scope_filter(user, "jurisdiction_id")).select_related(
        "jurisdiction", "candidate__left_person", "candidate__right_person", "closed_by")
    task = fetch_or_deny(user, rows, task_id, object_type=VERIFICATION_OBJECT)
    record_event(actor=user, event="view", object_type=VERIFICATION_OBJECT, object_id=task.pk,
                 subject_codes=task.candidate.left_person.place_codes)
    return task


def list_follow_ups(*, user, status: str = TaskStatus.OPEN) -> QuerySet[FollowUpTask]:
    """List the follow-up tasks of the household places in the user's scope (open ones by default); audited."""
    tasks = _listed_tasks(user, FollowUpTask, FOLLOW_UP_OBJECT, status)
    return (tasks.select_related("jurisdiction", "migration__person", "migration__outflow")
            .order_by("status", "departure_date", "id"))


def access_follow_up(user, task_id) -> FollowUpTask:
    """Fetch one follow-up task of a place in the user's scope; out of scope answers as missing; audited."""
    rows = FollowUpTask.objects.filter(scope_filter(user, "jurisdiction_id")).select_related(
        "jurisdiction", "migration__person", "migration__outflow", "closed_by")
    task = fetch_or_deny(user, rows, task_id, object_type=FOLLOW_UP_OBJECT)
    record_event(actor=user, event="view", object_type=FOLLOW_UP_OBJECT, object_id=task.pk,
                 subject_codes=task.migration.person.place_codes)
    return task
