"""The services section of a person's page, filled by the services app (the people app cannot import it)."""

from django import template

register = template.Library()


@register.inclusion_tag("services/_person_services.html", takes_context=True)
def services_of_person(context, person):
    return {"person": person, "user": context["user"]}
