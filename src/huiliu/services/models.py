import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.models import BaseModel


class ServiceType(models.TextChoices):
    HEALTH_CHECKUP = "health_checkup", _("reproductive-health check-up")
    CONTRACEPTIVE_SUPPLY = "contraceptive_supply", _("contraceptive supplies")
    COUNSELLING = "counselling", _("counselling")
    PRENATAL_REFERRAL = "prenatal_referral", _("prenatal-care referral")
    POSTPARTUM_VISIT = "postpartum_visit", _("postpartum visit")
    LEGAL_AID = "legal_aid", _("legal aid")
    JOB_REFERRAL = "job_referral", _("job or training referral")
    SCHOOL_HELP = "school_help", _("school enrolment help for a child")
    FAMILY_VISIT = "family_visit", _("left-behind family visit")


# The health services: recorded only with the person's informed choice and consent; their results are for
# health workers only.
HEALTH_TYPES = frozenset({
    ServiceType.HEALTH_CHECKUP, ServiceType.CONTRACEPTIVE_SUPPLY, ServiceType.COUNSELLING,
    ServiceType.PRENATAL_REFERRAL, ServiceType.POSTPARTUM_VISIT,
})


def is_health_service(service_type: str) -> bool:
    return service_type in HEALTH_TYPES


class ConsentWay(models.TextChoices):
    SPOKEN = "spoken", _("told the worker in person")
    SIGNED = "signed", _("signed a consent form")
    ONLINE = "online", _("confirmed online or by phone")


class ServiceRecord(BaseModel):
    """One service given to a person, kept by the office that recorded it (or, for a report from a peer, by the
    household township that recognised it)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(max_length=30, choices=ServiceType.choices, db_index=True)
    service_date = models.DateField(db_index=True)
    provider = models.CharField(max_length=100)
    # The office that keeps the record: the village or township that recorded it.
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     db_index=True)
    # What came of it. For a health service this is its result: seen by health workers only.
    outcome = models.CharField(max_length=500, blank=True)
    # The person's informed choice and consent (required for a health service).
    consent_given = models.BooleanField(default=False)
    consent_way = models.CharField(max_length=10, choices=ConsentWay.choices, blank=True)
    consent_on = models.DateField(null=True, blank=True)
    method_chosen = models.CharField(max_length=100, blank=True)  # contraceptive supplies: the person's own choice
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    # Mutual recognition: the household township where the service counts too, and when it was recognised there.
    recognised_at_code = models.BigIntegerField(null=True, blank=True, db_index=True)
    recognised_at = models.DateTimeField(null=True, blank=True)
    # A service reported by a peer deployment: the reporting township and the name of the place it was given.
    reported_from_code = models.BigIntegerField(null=True, blank=True)
    reported_from_name = models.CharField(max_length=200, blank=True)
    report_message_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-service_date", "-created_at"]

    @property
    def is_health(self) -> bool:
        return is_health_service(self.service_type)

    @property
    def is_reported(self) -> bool:
        return self.report_message_id is not None


class OfferKind(models.TextChoices):
    HEALTH_CHECKUP = "health_checkup", _("free reproductive-health check-up")
    PRENATAL_CARE = "prenatal_referral", _("prenatal care")
    POSTPARTUM_VISIT = "postpartum_visit", _("postpartum visit")
    CHILDCARE_SUBSIDY = "childcare_subsidy", _("childcare subsidy reminder")
    LEGAL_AID = "legal_aid", _("legal aid")
    JOB_REFERRAL = "job_referral", _("job or training referral")
    SCHOOL_HELP = "school_help", _("school enrolment help for a child")
    FAMILY_VISIT = "family_visit", _("left-behind family visit")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("open")
    TAKEN_UP = "taken_up", _("taken up")
    DECLINED = "declined", _("declined")
    # Never stored: an open offer past its due date reads as lapsed (queries.with_outcome).
    LAPSED = "lapsed", _("lapsed")


class ServiceOffer(BaseModel):
    """A service offered to a person; taking it up, declining it or letting it lapse are all valid answers."""

    kind = models.CharField(max_length=30, choices=OfferKind.choices, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    offered_on = models.DateField()
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     db_index=True)  # the offering unit
    due_by = models.DateField(db_index=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN, db_index=True)
    record = models.ForeignKey(ServiceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers")
    decline_reason = models.CharField(max_length=200, blank=True)  # only what the person chose to say
    answered_on = models.DateField(null=True, blank=True)
    # What raised the offer, so that raising it again adds nothing: "yearly:2026" or "birth:<registration id>".
    source = models.CharField(max_length=60, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["due_by", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "source"], condition=~models.Q(source=""),
                                    name="one_offer_per_person_kind_source"),
        ]

    def is_lapsed_on(self, day: datetime.date) -> bool:
        return self.status == OfferStatus.OPEN and self.due_by < day


class GroupCondition(models.TextChoices):
    NEW_PARENTS = "new_parents", _("expecting or new parents (a confirmed birth registration, or a child under N months)")
    SETTLED = "settled", _("settled (lives in an own home, or has lived here N years or more)")
    SINGLE = "single", _("never married")
    EVERYONE = "everyone", _("everyone else")


class PriorityGroup(BaseModel):
    """A service-priority group (分类管理) of a county: a person falls into the first group whose condition holds."""

    county = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=50)
    order = models.PositiveSmallIntegerField()
    condition = models.CharField(max_length=20, choices=GroupCondition.choices)
    parameter = models.PositiveSmallIntegerField(null=True, blank=True)  # N months or N years, per condition
    services = models.JSONField(default=list)  # the OfferKind values the group calls for
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["county", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "order"], name="one_group_per_county_order")]

    def __str__(self):
        return self.name
