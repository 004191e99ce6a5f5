"""The listed objects, for pages of lower layers that link to their lists (the store page)."""

from django import template

from sync.objects import OBJECTS

register = template.Library()


@register.simple_tag
def record_objects():
    return list(OBJECTS.values())
