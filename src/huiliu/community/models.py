from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.fields import PhoneField
from huiliu.core.models import BaseModel

# --- Service agreements (管理服务合同) ---------------------------------------------------------------------


class ServiceAgreement(BaseModel):
    """An agreement between an office (township or village) and a migrant: what each side undertakes.

    The migrant's obligations are listed, never enforced: there is no fine, penalty or consequence here.
    """

    office = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(db_index=True)
    term_end = models.DateField()
    # One obligation a line, as written in the agreement.
    office_obligations = models.TextField(blank=True)
    migrant_obligations = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(term_end__gte=models.F("signed_on")),
                                              name="community_agreement_term")]

    @property
    def office_obligation_lines(self) -> list[str]:
        return [line for line in self.office_obligations.splitlines() if line.strip()]

    @property
    def migrant_obligation_lines(self) -> list[str]:
        return [line for line in self.migrant_obligations.splitlines() if line.strip()]


class Commitment(BaseModel):
    """One of the office's own commitments in an agreement, with its deadline; missed when not fulfilled by then."""

    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.CASCADE, related_name="commitments")
    description = models.CharField(max_length=200)
    deadline = models.DateField(db_index=True)
    fulfilled_on = models.DateField(null=True, blank=True)
    fulfilled_note = models.CharField(max_length=500, blank=True)
    fulfilled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["deadline", "created_at"]

    def is_missed(self, today) -> bool:
        """Not fulfilled by its deadline: still open after it, or fulfilled later than it. Derived, never stored."""
        if self.fulfilled_on is None:
            return self.deadline < today
        return self.fulfilled_on > self.deadline


# --- Partner units ----------------------------------------------------------------------------------------


class PartnerKind(models.TextChoices):
    EMPLOYER = "employer", _("employer")
    LANDLORD = "landlord", _("landlord")
    MARKET = "market", _("market")


class PartnerUnit(BaseModel):
    """An employer, landlord or market that works with the office; a private landlord may have no credit code."""

    kind = models.CharField(max_length=10, choices=PartnerKind.choices)
    name = models.CharField(max_length=100)
    credit_code = models.CharField(max_length=18, blank=True)
    address = models.CharField(max_length=200, blank=True)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    responsible_person = models.CharField(max_length=50)
    responsible_phone = PhoneField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")

    class Meta:
        ordering = ["jurisdiction_id", "name"]
        constraints = [models.UniqueConstraint(fields=["credit_code"], condition=~models.Q(credit_code=""),
                                               name="community_unit_credit_code_once")]

    def __str__(self):
        return self.name


class UnitPerson(BaseModel):
    """A migrant an employer employs or a landlord or market houses, from one date to another."""

    unit = models.ForeignKey(PartnerUnit, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "person"], condition=models.Q(ended_on__isnull=True),
                                    name="community_unit_person_open_once"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(ended_on__gte=models.F("started_on")),
                                   name="community_unit_person_dates"),
        ]


class ResponsibilityAgreement(BaseModel):
    """A partner unit's responsibility agreement (责任书) with the office: signed date, term and duties."""

    unit = models.ForeignKey(PartnerUnit, on_delete=models.CASCADE, related_name="agreements")
    signed_on = models.DateField()
    term_end = models.DateField()
    duties = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-signed_on"]
        constraints = [models.CheckConstraint(condition=models.Q(term_end__gte=models.F("signed_on")),
                                              name="community_responsibility_term")]


# --- Associations -----------------------------------------------------------------------------------------


class Association(BaseModel):
    """A self-governed association of migrants in a jurisdiction, under its charter."""

    name = models.CharField(max_length=100)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    founded_on = models.DateField()
    charter = models.TextField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")

    class Meta:
        ordering = ["jurisdiction_id", "name"]

    def __str__(self):
        return self.name


class Branch(BaseModel):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(max_length=100)
    place = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]


class AssociationOfficer(BaseModel):
    """An officer elected under the charter: a registry person or a name, a post and a term."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="officers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=50)
    post = models.CharField(max_length=50)
    elected_on = models.DateField()
    term_end = models.DateField()

    class Meta:
        ordering = ["-elected_on", "post"]
        constraints = [models.CheckConstraint(condition=models.Q(term_end__gte=models.F("elected_on")),
                                              name="community_officer_term")]


class AssociationMember(BaseModel):
    """A member: a registry person or a name; joined on a date."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=50)
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    joined_on = models.DateField()

    class Meta:
        ordering = ["-joined_on", "name"]
        constraints = [models.UniqueConstraint(fields=["association", "person"],
                                               condition=models.Q(person__isnull=False),
                                               name="community_member_once")]


class ActivityKind(models.TextChoices):
    HEALTH_TALK = "health_talk", _("health talk")
    TRAINING = "training", _("skills training")
    LEGAL_AID = "legal_aid", _("legal advice")
    MUTUAL_HELP = "mutual_help", _("mutual help")
    CULTURE = "culture", _("cultural activity")
    MEETING = "meeting", _("members' meeting")
    OTHER = "other", _("other")


class Activity(BaseModel):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField()
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    participants = models.PositiveIntegerField()
    description = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-held_on", "-created_at"]


# --- Liaison volunteers -----------------------------------------------------------------------------------


class LiaisonVolunteer(BaseModel):
    """A migrant appointed by an office to keep information flowing with a group; numbered per office."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    appointing_office = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField(max_length=40)
    appointed_on = models.DateField()
    group = models.CharField(max_length=200)
    unit = models.ForeignKey(PartnerUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-appointed_on", "certificate_number"]
        constraints = [models.UniqueConstraint(fields=["appointing_office", "certificate_number"],
                                               name="community_volunteer_number_once")]


# --- Pairings ---------------------------------------------------------------------------------------------


class Pairing(BaseModel):
    """An officer paired with migrants (persons or families) of an office's area, to keep in touch with them."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-started_on", "-created_at"]


class PairedPerson(BaseModel):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The family is the person's household as the registry knows it; a note names who else is meant.
    family_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["pairing", "person"], name="community_paired_once")]


class ContactWay(models.TextChoices):
    VISIT = "visit", _("visit")
    PHONE = "phone", _("phone call")
    MESSAGE = "message", _("message")


class Contact(BaseModel):
    """One contact made under a pairing."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    contacted_on = models.DateField()
    way = models.CharField(max_length=10, choices=ContactWay.choices)
    note = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-contacted_on", "-created_at"]
