from django.db import models


class StoredPeriod(models.Model):
    """A closed period whose figures are stored: computed once, read back after, recomputed only when asked."""

    period = models.CharField(max_length=10, primary_key=True)  # its label: 2026-07, 2026Q3, 2026
    computed_at = models.DateTimeField()
    nodes = models.PositiveIntegerField(default=0)


class StoredFigure(models.Model):
    """One count or median of one node for a stored period; zeros and empty medians are not stored.

    `own`: the records held at the node itself (本级), otherwise the node's whole subtree. Rates are not stored:
    they are computed from the stored counts of the same row.
    """

    period = models.ForeignKey(StoredPeriod, on_delete=models.CASCADE, related_name="figures", db_column="period")
    code = models.BigIntegerField()
    own = models.BooleanField()
    indicator = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=16, decimal_places=1)

    class Meta:
        indexes = [models.Index(fields=["period", "code"], name="reports_figure_node")]
