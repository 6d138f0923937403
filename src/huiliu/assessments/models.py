from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huiliu.core.models import BaseModel


class PeriodKind(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    YEAR = "year", _("yearly")


class AssessmentScheme(BaseModel):
    """A scheme of weighted service indicators with targets, set by a county or higher office for its children."""

    owner = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["owner_id", "name", "created_at"]

    def __str__(self):
        return self.name


class SchemeItem(BaseModel):
    """One indicator of a scheme: its weight in points and its target in percent; below the floor it scores 0."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items")
    indicator = models.CharField(max_length=40)  # a code of reports.indicators.ASSESSABLE
    weight = models.PositiveSmallIntegerField()
    target = models.DecimalField(max_digits=4, decimal_places=1)
    floor = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="assessments_item_once"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="assessments_item_weight_positive"),
            models.CheckConstraint(condition=models.Q(target__gte=0, target__lte=100),
                                   name="assessments_item_target_percent"),
        ]


class ScoredPeriod(BaseModel):
    """One scoring of a scheme for a period: replaced whole when the period is scored again."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="scored_periods")
    period = models.CharField(max_length=10)  # the period's label: 2026-07, 2026Q3, 2026
    period_start = models.DateField()
    scored_at = models.DateTimeField()
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The owner's own figure of each item's indicator (its whole subtree), as text: "93.5", or null.
    overall = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period_start"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period"], name="assessments_scored_once")]


class AssessmentResult(BaseModel):
    """A subordinate unit's score and rank for one scored period; no score when none of its items had a figure."""

    scored_period = models.ForeignKey(ScoredPeriod, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(null=True)

    class Meta:
        ordering = ["rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["scored_period", "unit"], name="assessments_result_once")]


class ResultItem(BaseModel):
    """One item of a unit's result: the figure, and the weight, target and floor it was scored against then."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="items")
    indicator = models.CharField(max_length=40)
    weight = models.PositiveSmallIntegerField()
    target = models.DecimalField(max_digits=4, decimal_places=1)
    floor = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    value = models.DecimalField(max_digits=4, decimal_places=1, null=True)  # null: nothing to measure
    points = models.DecimalField(max_digits=5, decimal_places=2, null=True)  # null: left out of the score
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "indicator"]


class Bulletin(BaseModel):
    """The published bulletin (通报) of a scheme's period: its findings as they stood, and the office's remarks."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="bulletins")
    period = models.CharField(max_length=10)
    summary = models.JSONField(default=dict)  # best, worst and movers, as computed when published
    remarks = models.TextField(max_length=2000, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "period"], name="assessments_bulletin_once")]
