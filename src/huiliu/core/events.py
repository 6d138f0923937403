"""Named domain events: how a lower app causes an effect in a higher one without importing it.

An action publishes a fact ("an arrival was registered") by name; apps higher in
the layers subscribe to the names they care about when Django starts them. The
handlers run at once, inside the publisher's transaction, so the effect (a notice
to the origin) is written with the fact or not at all.

The names and what each carries:

- ``people.inflow_registered``: acting_user, migration
- ``people.outflow_registered``: acting_user, migration
- ``people.status_changed``: acting_user, person, change, effective_date, details
  (change is one of "marriage", "birth", "moved_on", "returned", "lost_contact")
- ``births.registration_confirmed``: acting_user, registration
- ``certificates.proxy_applied``: acting_user, application
- ``certificates.proxy_decided``: acting_user, application (issued, with its certificate, or refused)
- ``services.service_recorded``: acting_user, record (a services.ServiceRecord; its result is never to be sent)
- ``linkage.verification_raised``: acting_user, task (a linkage.VerificationTask: linked records disagree)
"""

from collections import defaultdict
from collections.abc import Callable

INFLOW_REGISTERED = "people.inflow_registered"
OUTFLOW_REGISTERED = "people.outflow_registered"
STATUS_CHANGED = "people.status_changed"
BIRTH_REGISTRATION_CONFIRMED = "births.registration_confirmed"
PROXY_APPLIED = "certificates.proxy_applied"
PROXY_DECIDED = "certificates.proxy_decided"
SERVICE_RECORDED = "services.service_recorded"
VERIFICATION_RAISED = "linkage.verification_raised"

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(event_name: str):
    """Register the decorated function as a handler of the named event (once, however often imported)."""

    def register(handler: Callable) -> Callable:
        if handler not in _subscribers[event_name]:
            _subscribers[event_name].append(handler)
        return handler

    return register


def publish(event_name: str, **facts) -> None:
    """Run every handler of the named event with these facts, in the caller's transaction."""
    for handler in _subscribers[event_name]:
        handler(**facts)
