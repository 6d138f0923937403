from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.fields import PhoneField
from huiliu.core.models import BaseModel


class ProgrammeKind(models.TextChoices):
    REWARD = "reward", _("reward for family-planning families")
    SPECIAL_ASSISTANCE = "special_assistance", _("special assistance")
    HARDSHIP = "hardship", _("hardship assistance")
    LEFT_BEHIND = "left_behind", _("left-behind family support")


class Programme(BaseModel):
    """A benefit programme of one office (county or above): its amount per payment and its eligibility rules."""

    kind = models.CharField(max_length=20, choices=ProgrammeKind.choices)
    name = models.CharField(max_length=100)
    owner_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    # Integer fen: 1 yuan = 100 fen. Never a float.
    amount_fen = models.PositiveBigIntegerField()
    # A list of rules, each {"rule": <one of welfare.eligibility.RULES>, ...its parameters}.
    eligibility_rules = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["owner_jurisdiction_id", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="welfare_programme_amount")]

    def __str__(self):
        return self.name


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    REVIEWED = "reviewed", _("reviewed by the township")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED)


class BenefitApplication(BaseModel):
    """One application for one person to one programme, made at the household village or where the person lives."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    applying_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT,
                                              related_name="+")
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    declared_hardship = models.BooleanField(default=False)
    statement = models.CharField(max_length=500, blank=True)
    # Each rule's outcome at the time of application: [{"rule": …, "met": bool, "note": "…"}].
    rule_notes = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    review_note = models.CharField(max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    refusal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"],
                                    condition=models.Q(status__in=OPEN_APPLICATION_STATUSES),
                                    name="welfare_one_open_application"),
            models.CheckConstraint(condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                                   name="welfare_refusal_has_reason"),
        ]

    @property
    def rules_met(self) -> bool:
        return all(note.get("met") for note in self.rule_notes)


class Payment(BaseModel):
    """The one payment of an approved application, paid by the programme's owner."""

    application = models.OneToOneField(BenefitApplication, on_delete=models.PROTECT, related_name="payment")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="payments")
    amount_fen = models.PositiveBigIntegerField()
    paid_on = models.DateField(db_index=True)
    paying_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-paid_on"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="welfare_payment_amount")]


class SpecialAssistanceFamily(BaseModel):
    """A family of the special-assistance programme, with its two liaison contacts."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="families")
    first_liaison_name = models.CharField(max_length=50)
    first_liaison_phone = PhoneField()
    second_liaison_name = models.CharField(max_length=50)
    second_liaison_phone = PhoneField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["person", "programme"], name="welfare_family_once")]


class AssistanceVisit(BaseModel):
    family = models.ForeignKey(SpecialAssistanceFamily, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=1000)

    class Meta:
        ordering = ["-visited_on", "-created_at"]
