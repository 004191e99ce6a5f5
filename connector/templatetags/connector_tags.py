from django import template

from connector.crypto import mask

register = template.Library()


@register.filter
def masked(secret: str) -> str:
    return mask(secret)


@register.filter
def label(key: str) -> str:
    """daily_API_requests_allowed -> Daily API requests allowed"""
    text = str(key).replace("_", " ")
    return text[:1].upper() + text[1:]


@register.filter
def secret_rows(instance) -> list[tuple[str, str]]:
    """(label, mask) for each secret that is set on a model instance."""
    return [
        (instance._meta.get_field(name).verbose_name.capitalize(), mask(getattr(instance, name)))
        for name in instance.SECRET_FIELDS
        if getattr(instance, name)
    ]
