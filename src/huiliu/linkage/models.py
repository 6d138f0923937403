from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.models import BaseModel


class RecordKind(models.TextChoices):
    """What a side of a candidate pair is: an outflow registration, an inflow registration, or a person."""

    OUTFLOW = "outflow", _("outflow registration")
    INFLOW = "inflow", _("inflow registration")
    PERSON = "person", _("person in the registry")


class Decision(models.TextChoices):
    AUTO_LINKED = "auto_linked", _("linked automatically")
    PENDING = "pending", _("awaiting review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


LINKED_DECISIONS = (Decision.AUTO_LINKED, Decision.ACCEPTED)


class LinkCandidate(BaseModel):
    """Two records the matcher judged to be one person: an outflow and an inflow, or two persons of the registry.

    Each side is known by its kind and row id, with the person it belongs to, through whom it is scoped.
    A pair is stored once: a later run never adds it again, whatever was decided about it.
    """

    left_kind = models.CharField(max_length=10, choices=RecordKind.choices)
    left_id = models.UUIDField()
    left_person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    right_kind = models.CharField(max_length=10, choices=RecordKind.choices)
    right_id = models.UUIDField()
    right_person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    # `exact_id`, or the codes of the fields that agreed joined by "+" (see linkage.model).
    reason = models.CharField(max_length=200)
    decision = models.CharField(max_length=20, choices=Decision.choices, db_index=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["left_kind", "left_id", "right_kind", "right_id"],
                                    name="linkage_candidate_once"),
        ]

    @property
    def is_linked(self) -> bool:
        return self.decision in LINKED_DECISIONS


class TaskStatus(models.TextChoices):
    OPEN = "open", _("to do")
    DONE = "done", _("done")


class ConflictSubject(models.TextChoices):
    MARITAL_STATUS = "marital_status", _("marital status")
    CHILDREN = "children", _("children")


class VerificationTask(BaseModel):
    """A check for an office: two records linked as one person disagree (marital status, children).

    The office is the one responsible for the household side (the origin township); it calls and corrects,
    and closes the task with a note. The task itself changes nothing in the registry.
    """

    candidate = models.ForeignKey(LinkCandidate, on_delete=models.CASCADE, related_name="verification_tasks")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     db_index=True)
    subject = models.CharField(max_length=20, choices=ConflictSubject.choices)
    left_value = models.CharField(max_length=50)
    right_value = models.CharField(max_length=50)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True)
    note = models.CharField(max_length=500, blank=True)
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "subject"], name="linkage_verification_once"),
        ]


class FollowUpOutcome(models.TextChoices):
    IN_TOUCH = "in_touch", _("got back in touch")
    STILL_UNKNOWN = "still_unknown", _("still unknown")


class FollowUpTask(BaseModel):
    """A task for the village contact: a person left long ago and no arrival was registered anywhere.

    It asks the village to get back in touch, nothing more: it never changes the person's status or
    the move, and is never shared with anyone else.
    """

    migration = models.ForeignKey("people.Migration", on_delete=models.CASCADE, related_name="+")
    # The household place of the move (village or township): its offices keep in touch with the family.
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     db_index=True)
    departure_date = models.DateField()
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True)
    outcome = models.CharField(max_length=20, choices=FollowUpOutcome.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "departure_date"]
        constraints = [
            # One open task per move: raising again while one is open adds nothing.
            models.UniqueConstraint(fields=["migration"], condition=models.Q(status="open"),
                                    name="linkage_one_open_follow_up"),
        ]
