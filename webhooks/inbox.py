"""What a store's inbox holds, as the status page and the hooks' health check read it."""

from django.db.models import Count, Max

from stores.models import Store
from webhooks.models import WebhookEvent

Status = WebhookEvent.Status


def counts_by_status(store: Store) -> dict[str, int]:
    rows = WebhookEvent.objects.filter(store=store).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows.order_by()})
    return counts


def last_received(store: Store, source: str | None = None):
    events = WebhookEvent.objects.filter(store=store)
    if source is not None:
        events = events.filter(source=source)
    return events.aggregate(at=Max("received_at"))["at"]
