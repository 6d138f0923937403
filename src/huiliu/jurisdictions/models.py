from django.db import models

from . import codes


class Jurisdiction(models.Model):
    """A node of the division tree. Its code is its key: the path is in the digits."""

    code = models.BigIntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField(choices=list(codes.LEVEL_NAMES.items()))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def code_text(self) -> str:
        return f"{self.code:012d}"

    @property
    def subtree(self) -> tuple[int, int]:
        return codes.subtree_range(self.code)
