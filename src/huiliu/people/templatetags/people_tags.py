from django import template

register = template.Library()


@register.filter
def get_name(names: dict, code):
    """The full name of a division code from a prepared mapping."""
    return names.get(code, "")
