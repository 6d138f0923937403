"""Which division codes this deployment serves, and which peer serves the others.

HUILIU_EXCHANGE_PREFIXES lists the code prefixes this deployment serves ("37,41");
empty means it serves every code and never needs a peer. A message for a code it
does not serve goes to the active peer with the longest matching prefix, else to
an active hub, else it waits in the outbox without a route.
"""

from django.conf import settings

from .models import Peer


def served_prefixes() -> list[str]:
    return [p.strip() for p in settings.HUILIU_EXCHANGE_PREFIXES.split(",") if p.strip()]


def serves_locally(code: int) -> bool:
    """Whether messages for this division code are delivered on this deployment."""
    prefixes = served_prefixes()
    return not prefixes or any(f"{code:012d}".startswith(p) for p in prefixes)


def route_for(code: int) -> Peer | None:
    """The peer a message for this code goes to: the longest matching prefix, else a hub, else none."""
    text = f"{code:012d}"
    best, best_length = None, 0
    for peer in Peer.objects.filter(active=True).order_by("name"):
        for prefix in peer.prefix_list:
            if text.startswith(prefix) and len(prefix) > best_length:
                best, best_length = peer, len(prefix)
    if best is None:
        best = Peer.objects.filter(active=True, is_hub=True).order_by("name").first()
    return best
