from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.fields import PhoneField
from huiliu.core.models import BaseModel


class GrievanceKind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    SUGGESTION = "suggestion", _("suggestion")
    RIGHTS_PROTECTION = "rights_protection", _("rights-protection request")


class Topic(models.TextChoices):
    WAGES_OWED = "wages_owed", _("wages owed")
    WORK_INJURY = "work_injury", _("work injury")
    SCHOOLING = "schooling", _("children's schooling")
    SERVICE_QUALITY = "service_quality", _("service quality")
    STAFF_MISCONDUCT = "staff_misconduct", _("misconduct of staff")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    PUBLIC = "public", _("filed on the public page")
    STAFF = "staff", _("filed by staff")
    FORUM = "forum", _("raised at a forum")


class GrievanceStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    CLOSED_UNRESOLVED = "closed_unresolved", _("closed unresolved")


# Still waiting for the office: these may become overdue; the others are closed.
OPEN_STATUSES = (GrievanceStatus.RECEIVED, GrievanceStatus.IN_PROGRESS)


class Forum(BaseModel):
    """A meeting (座谈会) where migrants' views were gathered: when, where, who hosted and who came."""

    held_on = models.DateField()
    title = models.CharField(max_length=100)
    # The village or township where it was held, and the office that hosted it.
    place = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    host = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    attendance = models.PositiveIntegerField()
    # Optional, as written by the host: the officers present, and migrants who agreed to be named.
    officers_present = models.CharField(max_length=300, blank=True)
    migrants_present = models.CharField(max_length=500, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(attendance__gt=0), name="grievances_forum_attended")]

    def __str__(self):
        return self.title


class Grievance(BaseModel):
    """A complaint, suggestion or rights-protection request: its owner unit, deadline, status and resolution."""

    # Readable and given to the person: the owner township's code + year + G + sequence, e.g. 440306001-2026-G000012.
    tracking_number = models.CharField(max_length=32, unique=True)
    # A keyed hash of the check code given at filing (never the code): with the number it opens the public page.
    check_code_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=GrievanceKind.choices)
    topic = models.CharField(max_length=20, choices=Topic.choices, default=Topic.OTHER)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The township or village the grievance concerns, and the office that answers for it (its township by default).
    place = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    # Who raised it, as they chose to say: both may be empty (anonymous), except that a rights-protection
    # request needs a way to reach the person.
    name = models.CharField(max_length=50, blank=True)
    phone = PhoneField()
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, null=True, blank=True, related_name="suggestions")
    status = models.CharField(max_length=20, choices=GrievanceStatus.choices, default=GrievanceStatus.RECEIVED)
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    # The last day the office has to answer (the filing day + the days of its kind); overdue is computed from it.
    deadline = models.DateField()
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    # Resolved or closed unresolved: when (and the local day, for "on time"), by whom, and what was done or why not.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    resolution = models.CharField(max_length=1000, blank=True)
    closure_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["owner", "status"], name="grievances_owner_status"),
            models.Index(fields=["place"], name="grievances_place"),
            models.Index(fields=["deadline"], name="grievances_deadline"),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StepKind(models.TextChoices):
    FILED = "filed", _("filed")
    TAKEN = "taken", _("taken in hand")
    REASSIGNED = "reassigned", _("reassigned")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed unresolved")


class GrievanceStep(BaseModel):
    """One step in the handling of a grievance, for the staff page's history (the audit trail has the rest)."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    # For a reassignment: the owner before and after.
    from_owner = models.BigIntegerField(null=True, blank=True)
    to_owner = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "created_at"]
