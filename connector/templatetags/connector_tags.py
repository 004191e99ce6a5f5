from django import template
from django.utils import timezone

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


@register.filter
def run_duration(run) -> str:
    """How long a run took, or has taken so far: "42 s", "3 min 5 s", "1 h 20 min"."""
    if run.started_at is None:
        return ""
    seconds = int(((run.finished_at or timezone.now()) - run.started_at).total_seconds())
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
