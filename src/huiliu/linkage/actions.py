"""Every write of the linkage app: the registry's linkage run, the reviewers' decisions, and the offices' tasks."""

import datetime
import time
from dataclasses import dataclass

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core import events
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.models import user_or_none
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import MaritalStatus, Migration, MigrationStatus, Person

from . import model, registry
from .matcher import find_duplicates, link_tables
from .models import (
    LINKED_DECISIONS,
    ConflictSubject,
    Decision,
    FollowUpOutcome,
    FollowUpTask,
    LinkCandidate,
    RecordKind,
    TaskStatus,
    VerificationTask,
)

CANDIDATE_OBJECT = "link_candidate"
VERIFICATION_OBJECT = "verification_task"
FOLLOW_UP_OBJECT = "follow_up_task"

# Published when a verification task is raised, with acting_user and task. A higher app may act on it: when
# the task's office is served by another deployment, the exchange can send it a joint inquiry (协查).
VERIFICATION_RAISED = events.VERIFICATION_RAISED


def lost_contact_days() -> int:
    """Days after a departure with no arrival anywhere before the village is asked to get back in touch."""
    return settings.HUILIU_LOST_CONTACT_DAYS


# --- The registry's linkage run -----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkageRun:
    outflows: int
    inflows: int
    persons: int
    auto_linked: int
    pending: int
    already_known: int
    verification_tasks: int
    seconds: float


@dataclass(frozen=True)
class _Side:
    kind: str
    record_id: str
    person_id: str
    marital_status: str
    codes: tuple[int | None, int | None]


def _sides(table: pa.Table, kind: str) -> list[_Side]:
    columns = {name: table.column(name).to_pylist() for name in
               ("record_id", "person_id", "marital_status", "household_code", "residence_code")}
    return [_Side(kind, r, p, m, (h, s)) for r, p, m, h, s in zip(
        columns["record_id"], columns["person_id"], columns["marital_status"], columns["household_code"],
        columns["residence_code"])]


def _touches(side: _Side, code: int | None) -> bool:
    return code is None or any(c is not None and codes.contains(code, c) for c in side.codes)


def run_registry_linkage(*, acting_user, jurisdiction_code: int | None = None,
                         link_score: float = model.LINK_SCORE, review_score: float = model.REVIEW_SCORE) -> LinkageRun:
    """Link open departures to unmatched arrivals and find duplicate persons; store the new pairs, once each.

    Pairs at or above the link score are linked at once (and any conflict between the two records raises a
    verification task); pairs between the review and link scores wait for review; lower ones are not stored.
    With a jurisdiction, only pairs with a record in its subtree are kept (the others are matched alike).
    """
    started = time.perf_counter()
    errors = FieldErrors()
    if jurisdiction_code is not None and not Jurisdiction.objects.filter(code=jurisdiction_code).exists():
        errors.add("jurisdiction", _("No such jurisdiction."))
    if acting_user is not None and jurisdiction_code is None:
        errors.add("jurisdiction", _("Choose the jurisdiction to link."))
    if review_score > link_score:
        errors.add("review_score", _("The review score cannot be above the link score."))
    errors.raise_if_any()
    if acting_user is not None:
        require_write_scope(acting_user, jurisdiction_code, object_type=CANDIDATE_OBJECT,
                            object_id=str(jurisdiction_code))

    outflows, inflows, persons = registry.read_open_outflows(), registry.read_unmatched_inflows(), registry.read_persons()
    found: list[tuple[_Side, _Side, float, str, str]] = []
    left, right = _sides(outflows, RecordKind.OUTFLOW), _sides(inflows, RecordKind.INFLOW)
    moves = link_tables(outflows, inflows, link_score=link_score, review_score=review_score)
    for row in moves.to_pylist():
        found.append((left[row["left_row"]], right[row["right_row"]], row["score"], row["reason"], row["decision"]))
    paired_persons = {frozenset((a.person_id, b.person_id)) for a, b, *_rest in found}
    paired_persons |= {frozenset((a.hex, b.hex)) for a, b in LinkCandidate.objects.filter(
        left_kind=RecordKind.OUTFLOW).values_list("left_person_id", "right_person_id")}
    people = _sides(persons, RecordKind.PERSON)
    for row in find_duplicates(persons, link_score=link_score, review_score=review_score).to_pylist():
        a, b = people[row["left_row"]], people[row["right_row"]]
        # Two persons already paired as one move are one review, not two.
        if frozenset((a.person_id, b.person_id)) not in paired_persons:
            found.append((a, b, row["score"], row["reason"], row["decision"]))
    found = [f for f in found if _touches(f[0], jurisdiction_code) or _touches(f[1], jurisdiction_code)]

    with transaction.atomic():
        known = {(k1, a.hex, k2, b.hex) for k1, a, k2, b in LinkCandidate.objects.values_list(
            "left_kind", "left_id", "right_kind", "right_id")}
        new = [LinkCandidate(
            left_kind=a.kind, left_id=a.record_id, left_person_id=a.person_id,
            right_kind=b.kind, right_id=b.record_id, right_person_id=b.person_id,
            score=score, reason=reason[:200],
            decision=Decision.AUTO_LINKED if decision == "link" else Decision.PENDING,
        ) for a, b, score, reason, decision in found if (a.kind, a.record_id, b.kind, b.record_id) not in known]
        LinkCandidate.objects.bulk_create(new, batch_size=2_000)
        linked = [c for c in new if c.decision == Decision.AUTO_LINKED]
        tasks = _raise_verification_tasks(acting_user, linked)
        counts = {"auto_linked": len(linked), "pending": len(new) - len(linked), "already_known": len(found) - len(new),
                  "verification_tasks": tasks}
        record_event(actor=acting_user, username="" if acting_user else "command:link_registry",
                     event="run_registry_linkage", object_type=CANDIDATE_OBJECT,
                     object_id=str(jurisdiction_code or ""),
                     detail={"outflows": outflows.num_rows, "inflows": inflows.num_rows, "persons": persons.num_rows,
                             **counts})
    return LinkageRun(outflows=outflows.num_rows, inflows=inflows.num_rows, persons=persons.num_rows,
                      seconds=round(time.perf_counter() - started, 3), **counts)


def _conflicts(left: Person, right: Person, children: dict) -> list[tuple[str, str, str]]:
    """What two records of one person disagree on, as (subject, left value, right value).

    A value not stated (marital status 90, no child on record) is no conflict: only two stated values differ.
    """
    found = []
    unknown = MaritalStatus.UNKNOWN
    if unknown not in (left.marital_status, right.marital_status) and left.marital_status != right.marital_status:
        found.append((ConflictSubject.MARITAL_STATUS, left.marital_status, right.marital_status))
    left_children, right_children = children.get(left.pk.hex, 0), children.get(right.pk.hex, 0)
    if left_children and right_children and left_children != right_children:
        found.append((ConflictSubject.CHILDREN, str(left_children), str(right_children)))
    return found


def _responsible_office(person: Person, existing: set[int]) -> int:
    """The township of the household place (the office that keeps the household side), or the place itself."""
    township = codes.township_of(person.household_jurisdiction_id)
    return township if township in existing else person.household_jurisdiction_id


def _raise_verification_tasks(acting_user, candidates: list[LinkCandidate]) -> int:
    """A verification task for each conflict between the two records of each linked pair (inside the caller's
    transaction); a pair's conflict on one subject is raised once."""
    if not candidates:
        return 0
    person_ids = {c.left_person_id for c in candidates} | {c.right_person_id for c in candidates}
    persons = Person.objects.in_bulk([str(p) for p in person_ids])
    persons = {p.pk.hex: p for p in persons.values()}
    children = registry.children_counts(set(persons))
    townships = {codes.township_of(p.household_jurisdiction_id) for p in persons.values()}
    existing = set(Jurisdiction.objects.filter(code__in=townships).values_list("code", flat=True))
    raised = 0
    for candidate in candidates:
        left = persons[_hex(candidate.left_person_id)]
        right = persons[_hex(candidate.right_person_id)]
        for subject, left_value, right_value in _conflicts(left, right, children):
            task, created = VerificationTask.objects.get_or_create(
                candidate=candidate, subject=subject,
                defaults={"jurisdiction_id": _responsible_office(left, existing), "left_value": left_value,
                          "right_value": right_value})
            if created:
                raised += 1
                record_event(actor=acting_user, username="" if acting_user else "command:link_registry",
                             event="raise_verification_task", object_type=VERIFICATION_OBJECT, object_id=task.pk,
                             subject_codes=left.place_codes,
                             detail={"candidate": str(candidate.pk), "subject": subject})
                events.publish(VERIFICATION_RAISED, acting_user=acting_user, task=task)
    return raised


def _hex(value) -> str:
    return value.hex if hasattr(value, "hex") and not isinstance(value, str) else str(value).replace("-", "")


# --- Review: accept or reject a pending pair ---------------------------------------------------------------


def _candidate_codes(candidate: LinkCandidate) -> tuple:
    return (*candidate.left_person.place_codes, *candidate.right_person.place_codes)


def _decide(acting_user, candidate: LinkCandidate, decision: str) -> LinkCandidate:
    require_write_scope(acting_user, *_candidate_codes(candidate), object_type=CANDIDATE_OBJECT,
                        object_id=candidate.pk, message=_("Neither record is in your area of responsibility."))
    with transaction.atomic():
        candidate = (LinkCandidate.objects.select_for_update(of=("self",))
                     .select_related("left_person", "right_person").get(pk=candidate.pk))
        if candidate.decision != Decision.PENDING:
            raise ValidationFailed({"__all__": [_("This pair has already been decided.")]})
        candidate.decision = decision
        candidate.decided_by = user_or_none(acting_user)
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
        record_event(actor=acting_user, event=f"{'accept' if decision == Decision.ACCEPTED else 'reject'}_link",
                     object_type=CANDIDATE_OBJECT, object_id=candidate.pk,
                     subject_codes=candidate.left_person.place_codes,
                     detail={"left": f"{candidate.left_kind}:{candidate.left_id}",
                             "right": f"{candidate.right_kind}:{candidate.right_id}",
                             "persons": [str(candidate.left_person_id), str(candidate.right_person_id)]})
        if decision == Decision.ACCEPTED:
            _raise_verification_tasks(acting_user, [candidate])
    return candidate


def accept_link(*, acting_user, candidate: LinkCandidate) -> LinkCandidate:
    """Accept a pair awaiting review as the same person; any conflict between the two records becomes a task."""
    return _decide(acting_user, candidate, Decision.ACCEPTED)


def reject_link(*, acting_user, candidate: LinkCandidate) -> LinkCandidate:
    """Reject a pair awaiting review: two different people; it is never proposed again."""
    return _decide(acting_user, candidate, Decision.REJECTED)


# --- Verification tasks -------------------------------------------------------------------------------------


def _close_note(errors: FieldErrors, note: str) -> str:
    return errors.text("note", note, 500, required=True, missing=_("Say in a few words what was found."))


def close_verification_task(*, acting_user, task: VerificationTask, note: str) -> VerificationTask:
    """Close a verification task with a note of what the check found."""
    require_write_scope(acting_user, task.jurisdiction_id, object_type=VERIFICATION_OBJECT, object_id=task.pk,
                        message=_("This task is for another office."))
    errors = FieldErrors()
    note = _close_note(errors, note)
    errors.raise_if_any()
    with transaction.atomic():
        task = VerificationTask.objects.select_for_update().get(pk=task.pk)
        if task.status != TaskStatus.OPEN:
            raise ValidationFailed({"__all__": [_("This task is already done.")]})
        task.status, task.note = TaskStatus.DONE, note
        task.closed_by, task.closed_at = user_or_none(acting_user), timezone.now()
        task.save(update_fields=["status", "note", "closed_by", "closed_at", "updated_at"])
        record_event(actor=acting_user, event="close_verification_task", object_type=VERIFICATION_OBJECT,
                     object_id=task.pk, subject_codes=(task.jurisdiction_id, None), detail={"subject": task.subject})
    return task


# --- Lost contact: follow-up tasks for the village ------------------------------------------------------------


def raise_follow_ups(*, acting_user, today: datetime.date | None = None, jurisdiction_code: int | None = None) -> int:
    """Give the village one follow-up task per departure with no arrival anywhere after the configured days.

    Not again while a task for that move is open, nor within the same number of days after one was closed.
    The task asks to get back in touch, nothing more: no status changes, nothing is sent anywhere.
    """
    if acting_user is not None:
        if jurisdiction_code is None:
            raise ValidationFailed({"jurisdiction": [_("Choose a jurisdiction.")]})
        require_write_scope(acting_user, jurisdiction_code, object_type=FOLLOW_UP_OBJECT,
                            object_id=str(jurisdiction_code))
    today = today or timezone.localdate()
    days = lost_contact_days()
    cutoff = today - datetime.timedelta(days=days)
    recently_closed = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    linked_outflows = LinkCandidate.objects.filter(left_kind=RecordKind.OUTFLOW, decision__in=LINKED_DECISIONS)
    moves = (Migration.objects.filter(status=MigrationStatus.AWAY, inflow__isnull=True,
                                      outflow__departure_date__lte=cutoff)
             .exclude(Exists(linked_outflows.filter(left_id=OuterRef("outflow__id"))))
             .exclude(Exists(FollowUpTask.objects.filter(
                 Q(status=TaskStatus.OPEN) | Q(closed_at__gte=recently_closed), migration=OuterRef("pk")))))
    if jurisdiction_code is not None:
        low, high = codes.subtree_range(jurisdiction_code)
        moves = moves.filter(origin_jurisdiction_id__gte=low, origin_jurisdiction_id__lte=high)
    with transaction.atomic():
        rows = list(moves.values_list("pk", "origin_jurisdiction_id", "outflow__departure_date"))
        FollowUpTask.objects.bulk_create(
            [FollowUpTask(migration_id=pk, jurisdiction_id=code, departure_date=departed)
             for pk, code, departed in rows], batch_size=2_000, ignore_conflicts=True)
        record_event(actor=acting_user, username="" if acting_user else "command:raise_follow_ups",
                     event="raise_follow_ups", object_type=FOLLOW_UP_OBJECT, object_id=str(jurisdiction_code or ""),
                     detail={"raised": len(rows), "days": days, "on": today.isoformat()})
    return len(rows)


def close_follow_up(*, acting_user, task: FollowUpTask, outcome: str, note: str) -> FollowUpTask:
    """Close a follow-up task: back in touch, or still unknown, with a note; the person's record is not changed."""
    require_write_scope(acting_user, task.jurisdiction_id, object_type=FOLLOW_UP_OBJECT, object_id=task.pk,
                        message=_("This task is for another office."))
    errors = FieldErrors()
    if outcome not in FollowUpOutcome.values:
        errors.add("outcome", _("Choose how the follow-up ended."))
    note = _close_note(errors, note)
    errors.raise_if_any()
    with transaction.atomic():
        task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
        if task.status != TaskStatus.OPEN:
            raise ValidationFailed({"__all__": [_("This task is already done.")]})
        task.status, task.outcome, task.note = TaskStatus.DONE, outcome, note
        task.closed_by, task.closed_at = user_or_none(acting_user), timezone.now()
        task.save(update_fields=["status", "outcome", "note", "closed_by", "closed_at", "updated_at"])
        record_event(actor=acting_user, event="close_follow_up", object_type=FOLLOW_UP_OBJECT, object_id=task.pk,
                     subject_codes=(task.jurisdiction_id, None), detail={"outcome": outcome})
    return task
