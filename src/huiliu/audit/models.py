from django.db import models


class AuditEvent(models.Model):
    """One audited event. The auto-increment key is the order of the chain."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILED = "failed", "失败"

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    user_id = models.UUIDField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    office = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Where the person the event is about is registered and lives, so the auditors
    # of those places see who (from anywhere) read or changed their records.
    subject_household = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject_residence = models.BigIntegerField(null=True, blank=True, db_index=True)
    event = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    client_address = models.CharField(max_length=45, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
