"""A per-client-address limit on the public pages, counted in the database so every server process shares it."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import PublicRequestCount

# Rows older than this are deleted now and then; a minute's window needs none of them.
KEEP = datetime.timedelta(hours=1)


def allow_public_request(*, client: str, page: str, per_minute: int, now: datetime.datetime | None = None) -> bool:
    """Count one request of this client to this page; False once it has made more than `per_minute` this minute."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    client = (client or "unknown")[:64]
    with transaction.atomic():
        updated = PublicRequestCount.objects.filter(client=client, page=page, minute=minute).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    PublicRequestCount.objects.create(client=client, page=page, minute=minute, count=1)
            except IntegrityError:  # another process counted this client's first request of the minute
                PublicRequestCount.objects.filter(client=client, page=page, minute=minute).update(count=F("count") + 1)
            if now.minute % 10 == 0:
                PublicRequestCount.objects.filter(minute__lt=now - KEEP).delete()
        count = PublicRequestCount.objects.filter(client=client, page=page, minute=minute).values_list("count", flat=True).first()
    return count is not None and count <= per_minute
