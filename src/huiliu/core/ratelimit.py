"""Limits on the public pages, counted in the database so every server process shares them.

Two counters: requests per client a minute (an IPv6 client counts per /64, the
block one subscriber usually holds), and failed guesses per document or tracking
number over the last hour, whoever makes them, so that spreading guesses over
many addresses gains nothing.
"""

import datetime
import hashlib
import ipaddress

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import PublicRequestCount

# Rows older than this are deleted now and then; the longest window (failed guesses) is this long.
KEEP = datetime.timedelta(hours=1)
# Failed guesses of the last four characters that one number may take an hour, from all clients together.
GUESS_WINDOW = KEEP
MAX_FAILED_GUESSES = 10


def client_key(client: str) -> str:
    """The counter key of a client address: an IPv6 address counts as its /64, an IPv4-mapped one as the IPv4."""
    client = (client or "").strip()
    try:
        address = ipaddress.ip_address(client.split("%", 1)[0])
    except ValueError:
        return (client or "unknown")[:64]
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _count(*, client: str, page: str, minute: datetime.datetime, now: datetime.datetime) -> None:
    updated = PublicRequestCount.objects.filter(client=client, page=page, minute=minute).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                PublicRequestCount.objects.create(client=client, page=page, minute=minute, count=1)
        except IntegrityError:  # another process counted the first one of this minute
            PublicRequestCount.objects.filter(client=client, page=page, minute=minute).update(count=F("count") + 1)
        if now.minute % 10 == 0:
            PublicRequestCount.objects.filter(minute__lt=now - KEEP).delete()


def allow_public_request(*, client: str, page: str, per_minute: int, now: datetime.datetime | None = None) -> bool:
    """Count one request of this client to this page; False once it has made more than `per_minute` this minute."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    client = client_key(client)
    with transaction.atomic():
        _count(client=client, page=page, minute=minute, now=now)
        count = PublicRequestCount.objects.filter(client=client, page=page, minute=minute).values_list("count", flat=True).first()
    return count is not None and count <= per_minute


def _number_key(number: str) -> str:
    # The number is hashed: the table says how often a number was missed, not which numbers people typed.
    return hashlib.sha256(" ".join((number or "").split()).upper().encode("utf-8")).hexdigest()


def _failed_guesses(key: str, page: str, now: datetime.datetime) -> int:
    return PublicRequestCount.objects.filter(client=key, page=page, minute__gt=now - GUESS_WINDOW).aggregate(
        total=Sum("count"))["total"] or 0


def guesses_exhausted(*, number: str, page: str, now: datetime.datetime | None = None) -> bool:
    """Whether this number has taken MAX_FAILED_GUESSES failed guesses in the last hour: then it is not checked."""
    return _failed_guesses(_number_key(number), page, now or timezone.now()) >= MAX_FAILED_GUESSES


def count_failed_guess(*, number: str, page: str, now: datetime.datetime | None = None) -> bool:
    """Count one failed guess at this number; True when this one used up the number's guesses (audit it then)."""
    now = now or timezone.now()
    key = _number_key(number)
    with transaction.atomic():
        _count(client=key, page=page, minute=now.replace(second=0, microsecond=0), now=now)
        return _failed_guesses(key, page, now) == MAX_FAILED_GUESSES
