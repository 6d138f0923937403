import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.models import BaseModel


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("valid")
    SUPERSEDED = "superseded", _("superseded")
    REVOKED = "revoked", _("revoked")
    # Never stored: a valid certificate past its validity reads as expired.
    EXPIRED = "expired", _("expired")


class RequestedBy(models.TextChoices):
    """How the person asked for the certificate: it is never issued otherwise."""

    IN_PERSON = "in_person", _("in person at the issuing office")
    PROXY = "proxy", _("through a proxy application where the person lives")


class StatusCertificate(BaseModel):
    """A 婚育情况证明 issued at the person's request; its snapshot never changes after issue."""

    # Division code of the issuing township + year + sequence, e.g. 370114001-2026-000042; a new version adds -v2.
    number = models.CharField(max_length=40, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    issuing_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    issued_on = models.DateField()
    valid_until = models.DateField()
    # Name, sex, ID number, household address, marital status, spouse, children: as they were at issue.
    snapshot = models.JSONField()
    status = models.CharField(max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_by = models.CharField(max_length=10, choices=RequestedBy.choices, default=RequestedBy.IN_PERSON)
    # Why this version replaced the one it supersedes ("" for a first version).
    reissue_reason = models.CharField(max_length=200, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-issued_on", "-number"]
        indexes = [models.Index(fields=["issuing_jurisdiction", "issued_on"], name="cert_issuer_day")]

    def __str__(self):
        return self.number

    def current_status(self, today: datetime.date | None = None) -> str:
        """The stored status, except that a valid certificate past its validity reads as expired."""
        today = today or datetime.date.today()
        if self.status == CertificateStatus.VALID and self.valid_until < today:
            return CertificateStatus.EXPIRED
        return self.status

    @property
    def current_status_label(self) -> str:
        return CertificateStatus(self.current_status()).label


class ProxyStatus(models.TextChoices):
    PENDING = "pending", _("awaiting the origin's decision")
    ISSUED = "issued", _("issued")
    REFUSED = "refused", _("refused")


class ProxyApplication(BaseModel):
    """A 代办 application: the place of residence asks the origin to issue a certificate, so the person need not travel."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The office that applied (the village or community where the person lived when it applied) and the origin
    # township that decides; the exchange message goes between their townships.
    applying_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    origin_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ProxyStatus.choices, default=ProxyStatus.PENDING)
    applied_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # Stored, so the median time to decision is a fact of the data.
    days_to_decision = models.PositiveIntegerField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)
    certificate = models.OneToOneField(StatusCertificate, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="proxy_application")
    # The number of the certificate when another deployment issued it (no certificate of ours to link).
    document_number = models.CharField(max_length=50, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-applied_at"]
        indexes = [
            models.Index(fields=["origin_jurisdiction", "status"], name="cert_proxy_origin"),
            models.Index(fields=["applying_jurisdiction", "status"], name="cert_proxy_applying"),
        ]
        constraints = [
            # One application at a time per person: a second would ask the origin the same thing twice.
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="pending"),
                                    name="cert_one_pending_proxy_per_person"),
        ]
