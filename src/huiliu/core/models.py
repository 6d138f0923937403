import uuid

from django.db import models


def is_uuid(value) -> bool:
    """Whether the value reads as a row key; a malformed key is then answered as not found, never as an error."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def user_or_none(user):
    """The user to store as who did something: None for a command or the public, who act without an account."""
    return user if getattr(user, "is_authenticated", False) else None


class BaseModel(models.Model):
    """A row with a UUID key and its creation and last-change times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DocumentSequence(models.Model):
    """The last sequence number used per office, kind of document and year: numbers are readable and never reused."""

    jurisdiction_code = models.BigIntegerField()
    kind = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction_code", "kind", "year"], name="core_sequence_once")]


class PublicRequestCount(models.Model):
    """Requests from one client address to a public page in one minute: the rate limit, shared by every server process."""

    client = models.CharField(max_length=64)
    page = models.CharField(max_length=20)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "page", "minute"], name="core_public_rate_once")]
