from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.fields import IdNumberField, PhoneField
from huiliu.core.models import BaseModel
from huiliu.people.models import MaritalStatus


class Channel(models.TextChoices):
    ONLINE = "online", _("filed online by the family")
    WORKER = "worker", _("filed by a worker")


class FiledAt(models.TextChoices):
    RESIDENCE = "residence", _("place of residence")
    HOUSEHOLD = "household", _("household place")


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    CONFIRMED = "confirmed", _("confirmed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class BirthRegistration(BaseModel):
    """A family's declaration of a birth, expected or born; taken as declared."""

    # Readable and given to the family: division code of the place + year + sequence, e.g. 440306001-2026-000123.
    tracking_number = models.CharField(max_length=32, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    filed_at = models.CharField(max_length=10, choices=FiledAt.choices)
    # The village or township where it was filed and is confirmed.
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.SUBMITTED)
    # The declaring parent and the spouse, as declared.
    mother_name = models.CharField(max_length=50)
    mother_id_number = IdNumberField()
    father_name = models.CharField(max_length=50, blank=True)
    father_id_number = IdNumberField(blank=True)
    marital_status = models.CharField(max_length=2, choices=MaritalStatus.choices)
    household_code = models.BigIntegerField()
    residence_code = models.BigIntegerField(null=True, blank=True)
    residence_address = models.CharField(max_length=200, blank=True)
    phone = PhoneField()
    existing_children = models.PositiveSmallIntegerField(default=0)
    expected_birth_date = models.DateField(null=True, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    # Where the declaration and the registry differ: for the worker to know, never a reason to refuse.
    registry_notes = models.JSONField(default=list, blank=True)
    mother = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    voucher_number = models.CharField(max_length=32, blank=True)
    # Stored at confirmation, so the median time to confirmation is a fact of the data.
    days_to_confirmation = models.PositiveIntegerField(null=True, blank=True)
    # The family changed its mind, or it was filed twice: why, when and by whom.
    withdrawal_reason = models.CharField(max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["jurisdiction", "status"], name="births_reg_place"),
            # Both places the family names see the registration: scoped lists filter by these codes too.
            models.Index(fields=["household_code"], name="births_reg_household"),
            models.Index(fields=["residence_code"], name="births_reg_residence"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["voucher_number"], condition=~models.Q(voucher_number=""),
                                    name="births_voucher_once"),
        ]

    def __str__(self):
        return self.tracking_number
