"""Offers that follow a confirmed birth registration: prenatal care, a postpartum visit, the childcare subsidy.

Runs inside the confirming action's transaction (`core.events`): the offers exist exactly when the confirmation does.
"""

from huiliu.core import events

from . import actions


@events.subscribe(events.BIRTH_REGISTRATION_CONFIRMED)
def offer_after_birth_registration(*, acting_user, registration) -> None:
    actions.offer_services_after_birth(acting_user=acting_user, registration=registration)
