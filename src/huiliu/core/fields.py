"""The one field type for ID numbers and the one for phones.

Every model stores personal identifiers through these, so that encryption at rest
with a keyed lookup index (shared/SECURITY.md 19) can be switched on here without
touching any caller.
"""

from django.db import models


class IdNumberField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)


class PhoneField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
