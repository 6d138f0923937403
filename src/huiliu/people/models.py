import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.fields import IdNumberField, PhoneField
from huiliu.core.models import BaseModel


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class MaritalStatus(models.TextChoices):
    """GB/T 2261.2 codes."""

    SINGLE = "10", _("never married")
    FIRST_MARRIAGE = "21", _("first marriage")
    REMARRIED = "22", _("remarried")
    REUNITED = "23", _("remarried to former spouse")
    WIDOWED = "30", _("widowed")
    DIVORCED = "40", _("divorced")
    UNKNOWN = "90", _("not stated")


class Education(models.TextChoices):
    """GB/T 4658, grouped."""

    NONE = "90", _("no schooling")
    PRIMARY = "80", _("primary school")
    JUNIOR = "70", _("junior middle school")
    SENIOR = "60", _("senior middle or technical school")
    COLLEGE = "30", _("junior college")
    BACHELOR = "20", _("university")
    POSTGRADUATE = "10", _("postgraduate")


ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 "
    "仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()


class Person(BaseModel):
    id_number = IdNumberField(unique=True)
    name = models.CharField(max_length=50, db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    phone = PhoneField()
    ethnicity = models.CharField(max_length=10, blank=True, choices=[(e, e) for e in ETHNIC_GROUPS])
    education = models.CharField(max_length=2, blank=True, choices=Education.choices)
    household_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    household_address = models.CharField(max_length=200, blank=True)
    residence_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=True
    )
    residence_address = models.CharField(max_length=200, blank=True)
    marital_status = models.CharField(max_length=2, choices=MaritalStatus.choices, default=MaritalStatus.UNKNOWN)
    spouse_name = models.CharField(max_length=50, blank=True)
    spouse_id_number = IdNumberField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def place_codes(self) -> tuple[int | None, int | None]:
        """Household place and current residence: the offices whose auditors watch this person's records."""
        return self.household_jurisdiction_id, self.residence_jurisdiction_id


class Child(BaseModel):
    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(max_length=50, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()

    class Meta:
        ordering = ["birth_date"]


class MigrationStatus(models.TextChoices):
    AWAY = "away", _("away")
    ARRIVED = "arrived", _("arrived")
    MOVED_ON = "moved_on", _("moved on")
    RETURNED = "returned", _("returned")
    LOST_CONTACT = "lost_contact", _("lost contact")


OPEN_STATUSES = (MigrationStatus.AWAY, MigrationStatus.ARRIVED)


class Migration(BaseModel):
    """One move from the household place to a destination."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="migrations")
    status = models.CharField(max_length=20, choices=MigrationStatus.choices, db_index=True)
    origin_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    destination_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=True
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            # At most one open move per person: the invariant the linking of the two sides rests on.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status__in=OPEN_STATUSES), name="one_open_migration_per_person"
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DepartureReason(models.TextChoices):
    WORK = "work", _("work")
    BUSINESS = "business", _("business")
    FAMILY = "family", _("joining family")
    STUDY = "study", _("study")
    MARRIAGE = "marriage", _("marriage")
    OTHER = "other", _("other")


class OutflowRegistration(BaseModel):
    """The origin's record of a departure: the outflow form."""

    migration = models.OneToOneField(Migration, on_delete=models.CASCADE, related_name="outflow")
    departure_date = models.DateField()
    destination_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    destination_address = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=20, choices=DepartureReason.choices)
    work_background = models.CharField(max_length=200, blank=True)
    employer = models.CharField(max_length=100, blank=True)
    group_liaison = models.CharField(max_length=50, blank=True)
    group_liaison_phone = PhoneField()
    village_contact = models.CharField(max_length=50, blank=True)
    contact_phone = PhoneField()
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True)


class ResidenceType(models.TextChoices):
    RENTED = "rented", _("rented")
    DORMITORY = "dormitory", _("employer dormitory")
    OWN = "own", _("own home")
    RELATIVES = "relatives", _("with relatives or friends")
    OTHER = "other", _("other")


class InflowRegistration(BaseModel):
    """The destination's record of an arrival."""

    migration = models.OneToOneField(Migration, on_delete=models.CASCADE, related_name="inflow")
    arrival_date = models.DateField(db_index=True)
    residence_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=200)
    residence_type = models.CharField(max_length=20, choices=ResidenceType.choices)
    landlord_or_employer = models.CharField(max_length=100, blank=True)
    registration_date = models.DateField()
    declared_name = models.CharField(max_length=50, blank=True)
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True)


CLOSING_CHOICES = [(s.value, s.label) for s in (MigrationStatus.MOVED_ON, MigrationStatus.RETURNED, MigrationStatus.LOST_CONTACT)]


# --- Left-behind children and elders ----------------------------------------------------------------------


ADULT_AGE = 18


def latest_adult_birth_date(on: datetime.date) -> datetime.date:
    """The last birth date of someone who is 18 on this day: a person born after it is a minor that day.

    One born on 29 February comes of age on 1 March in a common year.
    """
    try:
        return on.replace(year=on.year - ADULT_AGE)
    except ValueError:  # 29 February, and the year 18 years before is common
        return on.replace(year=on.year - ADULT_AGE, day=28)


def is_minor_on(birth_date: datetime.date, on: datetime.date) -> bool:
    return birth_date > latest_adult_birth_date(on)


class LeftBehindKind(models.TextChoices):
    CHILD = "child", _("left-behind child")
    ELDER = "elder", _("left-behind elder")


class VisitInterval(models.IntegerChoices):
    """How often the village visits a left-behind relative: a setting of each entry."""

    FORTNIGHTLY = 14, _("every two weeks")
    MONTHLY = 30, _("monthly")
    QUARTERLY = 91, _("quarterly")
    HALF_YEARLY = 182, _("every six months")


class LeftBehindRelative(BaseModel):
    """A child or an elder who stays at the household place while family members are away.

    On the village's roll while one of the family away still has an open move, a child only while under 18
    (both derived from the data, never set by hand), and until the village takes them off the roll.
    """

    kind = models.CharField(max_length=10, choices=LeftBehindKind.choices, db_index=True)
    # The village (or township) where the relative lives: the household place of the family; its offices write.
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    family_away = models.ManyToManyField(Person, related_name="left_behind")
    child = models.ForeignKey(Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="left_behind")
    name = models.CharField(max_length=50)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField()
    relation = models.CharField(max_length=20, blank=True)  # of an elder to the family member away: 父亲, 祖母 …
    school = models.CharField(max_length=100, blank=True)
    lives_alone = models.BooleanField(default=False)
    carer_name = models.CharField(max_length=50, blank=True)
    carer_relation = models.CharField(max_length=20, blank=True)
    carer_phone = PhoneField()
    school_informed = models.BooleanField(default=False)
    village_committee_informed = models.BooleanField(default=False)
    visit_interval_days = models.PositiveSmallIntegerField(choices=VisitInterval.choices)
    # Kept by the actions that record a visit or change the interval, so the roll can filter and sort on them.
    last_visited_on = models.DateField(null=True, blank=True)
    next_visit_due = models.DateField(db_index=True)
    left_on = models.DateField()  # when the relative was left behind (the departure date)
    ended_on = models.DateField(null=True, blank=True)
    end_note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["next_visit_due", "name"]

    def __str__(self):
        return self.name


class VisitWay(models.TextChoices):
    HOME = "home", _("home visit")
    PHONE = "phone", _("phone call")
    SCHOOL = "school", _("at school")


class LeftBehindVisit(BaseModel):
    """One visit to a left-behind relative, logged by the village."""

    relative = models.ForeignKey(LeftBehindRelative, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    visitor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True)
    way = models.CharField(max_length=10, choices=VisitWay.choices)
    wellbeing = models.CharField(max_length=500)
    needs = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-visited_on", "-created_at"]
