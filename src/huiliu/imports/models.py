from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.models import BaseModel


class ImportKind(models.TextChoices):
    PERSONS = "persons", _("persons")
    OUTFLOWS = "outflows", _("outflow registrations")
    INFLOWS = "inflows", _("inflow registrations")
    SERVICES = "services", _("service records")


class ColumnMapping(BaseModel):
    """A saved column mapping: which header of a file fills which field, kept for reuse by its owner and office."""

    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    office_code = models.BigIntegerField(null=True, blank=True, db_index=True)
    # field name → the header as written in the file
    columns = models.JSONField(default=dict)

    class Meta:
        ordering = ("name",)
        constraints = (models.UniqueConstraint(fields=["owner", "kind", "name"], name="imports_mapping_name_once"),)

    def __str__(self):
        return self.name


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    CHECKED = "checked", _("checked")
    IMPORTED = "imported", _("imported")
    DISCARDED = "discarded", _("discarded")


class ImportBatch(BaseModel):
    """One file brought in: its hash, its mapping, the check's figures and report, and what the import did.

    The file itself is kept only until it is imported or discarded.
    """

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.UPLOADED, db_index=True)
    file_name = models.CharField(max_length=200)
    file_hash = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField(blank=True, default=b"")
    headers = models.JSONField(default=list)
    columns = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    office_code = models.BigIntegerField(null=True, blank=True, db_index=True)
    row_count = models.PositiveIntegerField(default=0)
    valid_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    # [{"line": 3, "column": "身份证号", "value": "…", "message": "…"}, …], the first REPORT_LIMIT problems
    problems = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)


# --- Census reconciliation (清查) -------------------------------------------------------------------------


class CensusCampaign(BaseModel):
    """A census of one jurisdiction on one date: its roll, taken on the ground, reconciled with the registry."""

    name = models.CharField(max_length=100)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    census_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    roll_rows = models.PositiveIntegerField(default=0)
    roll_imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-census_date", "name")

    def __str__(self):
        return self.name


class EntryKind(models.TextChoices):
    MATCHED = "matched", _("matched")
    NEW = "new", _("new: proposed arrival")
    CHANGED = "changed", _("changed: proposed update")
    NOT_FOUND = "not_found", _("registered but not found: proposed follow-up")


class Decision(models.TextChoices):
    NONE = "none", _("nothing to decide")
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class CensusEntry(BaseModel):
    """One person of the reconciliation: a line of the roll against the registry, or a registered person not found.

    Nothing in the registry changes until an officer accepts the entry's proposal.
    """

    campaign = models.ForeignKey(CensusCampaign, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices, db_index=True)
    line = models.PositiveIntegerField(null=True, blank=True)  # of the roll; none for a person not found
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    id_number = models.CharField(max_length=18)
    name = models.CharField(max_length=50)
    residence_code = models.BigIntegerField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    household_code = models.BigIntegerField(null=True, blank=True)
    # field → [as registered, as found]
    changes = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("kind", "line", "name")
