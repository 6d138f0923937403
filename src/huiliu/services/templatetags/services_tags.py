"""The services section of a person's page, filled by the services app (the people app cannot import it)."""

from django import template

from huiliu.accounts.scope import jurisdiction_ranges
from huiliu.jurisdictions.queries import full_names

from .. import actions, queries

register = template.Library()


@register.inclusion_tag("services/_person_services.html", takes_context=True)
def services_of_person(context, person):
    """The person's services from both sides (the page already checked the person is in scope), and open offers."""
    user = context["user"]
    records = list(queries.list_services_of(person))
    places = {r.jurisdiction_id for r in records} | {r.recognised_at_code for r in records if r.recognised_at_code}
    # Seen from the household place, a recognised service reads "counts here".
    at_home = any(low <= person.household_jurisdiction_id <= high for low, high in jurisdiction_ranges(user))
    return {"person": person, "user": user, "records": records, "names": full_names(places),
            "at_home": at_home, "offers": list(queries.list_open_offers_of(person)),
            "may_record": actions.recording_office(user, person) is not None}


