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
    return duration((run.finished_at or timezone.now()) - run.started_at)


@register.filter
def duration(span) -> str:
    """A timedelta as people read it: "42 s", "3 min 5 s", "1 h 20 min", "2 d 5 h"."""
    if span is None:
        return ""
    minutes, seconds = divmod(max(int(span.total_seconds()), 0), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


# Names of the kinds of records the identity map and the log hold, as people read them.
RECORD_KINDS = {
    "customer": "Customer",
    "guest": "Guest customer",
    "category": "Category",
    "product": "Product",
    "variant": "Variant",
    "order": "Order",
    "order_item": "Order item",
    "refund": "Refund",
    "coupon_revenue": "Coupon revenue",
}


@register.filter
def record_kind(source_type: str) -> str:
    """customer -> Customer, order_item -> Order item, product@01s… -> Price book entry."""
    name = str(source_type)
    if "@" in name:
        return "Price book entry"
    return RECORD_KINDS.get(name, label(name))


@register.simple_tag
def salesforce_url(org, sobject: str, record_id: str) -> str:
    """Where a record opens in Salesforce (Lightning's record page; with no sObject, the
    address Salesforce redirects to the record's page), or "" with no instance."""
    instance = getattr(org, "instance_url", "") if org is not None else ""
    if not (instance and record_id):
        return ""
    if not sobject:
        return f"{instance.rstrip('/')}/{record_id}"
    return f"{instance.rstrip('/')}/lightning/r/{sobject}/{record_id}/view"
