"""The dashboard's figures, for one store or every store a user sees.

Each function answers plain data from one query (or from the cache), however many stores and
days it covers: the database counts, Python only arranges the counts.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from integrations.bigcommerce.client import rate_limit_window
from integrations.bigcommerce.ratelimit import Window
from integrations.salesforce.client import ApiUsage, last_api_usage
from stores.models import SalesforceOrg, Store
from sync.models import ImportSchedule, Outcome, SyncLogEntry, SyncRun
from webhooks.models import RegisteredHook, WebhookEvent

WINDOW_DAYS = 30
# Bottom to top in each day's bar: what went well first, failures on top where they show.
OUTCOMES = [
    Outcome.CREATED,
    Outcome.UPDATED,
    Outcome.UNCHANGED,
    Outcome.DELETED,
    Outcome.SKIPPED,
    Outcome.FAILED,
]
# The statuses of the runs table: what is under way, and how the last day's runs ended.
RUN_STATUSES = [
    SyncRun.Status.QUEUED,
    SyncRun.Status.RUNNING,
    SyncRun.Status.SUCCEEDED,
    SyncRun.Status.PARTIAL,
    SyncRun.Status.FAILED,
    SyncRun.Status.CANCELLED,
]
ACTIVE_RUNS = [SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]


def window_days(today: date | None = None) -> list[date]:
    """The last WINDOW_DAYS days in the current time zone, today last."""
    today = today or timezone.localdate()
    return [today - timedelta(days=back) for back in range(WINDOW_DAYS - 1, -1, -1)]


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class History:
    """Log rows per day, object and outcome over the window."""

    days: list[date]
    counts: dict[tuple[date, str, str], int]  # (day, source, outcome) -> rows

    def per_day(self, source: str = "") -> list[dict[str, int]]:
        """Per day of the window, rows by outcome (of one object, or of all)."""
        days = {day: dict.fromkeys(OUTCOMES, 0) for day in self.days}
        for (day, row_source, outcome), n in self.counts.items():
            if (not source or row_source == source) and outcome in days[day]:
                days[day][outcome] += n
        return [days[day] for day in self.days]

    def by_source(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for (_, source, _), n in self.counts.items():
            totals[source] = totals.get(source, 0) + n
        return totals

    def by_outcome(self, source: str = "") -> dict[str, int]:
        totals = dict.fromkeys(OUTCOMES, 0)
        for day in self.per_day(source):
            for outcome, n in day.items():
                totals[outcome] += n
        return totals


def sync_history(store_ids: list[int], direction: str = "", today: date | None = None) -> History:
    days = window_days(today)
    rows = SyncLogEntry.objects.filter(store_id__in=store_ids, created_at__gte=start_of(days[0]))
    if direction:
        rows = rows.filter(direction=direction)
    grouped = (
        rows.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", "source", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(day, source, outcome): n for day, source, outcome, n in grouped if day in days}
    return History(days=days, counts=counts)


@dataclass
class FailureCount:
    code: str
    in_window: int
    last_day: int


def failures_by_code(
    store_ids: list[int], direction: str = "", source: str = "", now: datetime | None = None
) -> list[FailureCount]:
    """Failed log rows per error code, over the window and over the last 24 hours."""
    now = now or timezone.now()
    rows = SyncLogEntry.objects.filter(
        store_id__in=store_ids,
        outcome=Outcome.FAILED,
        created_at__gte=start_of(window_days(timezone.localdate(now))[0]),
    )
    if direction:
        rows = rows.filter(direction=direction)
    if source:
        rows = rows.filter(source=source)
    grouped = (
        rows.values_list("error_code")
        .annotate(
            in_window=Count("id"),
            last_day=Count("id", filter=Q(created_at__gte=now - timedelta(hours=24))),
        )
        .order_by("-in_window", "error_code")
    )
    return [FailureCount(code, in_window, last_day) for code, in_window, last_day in grouped]


def runs_by_status(
    store_ids: list[int], direction: str = "", source: str = "", now: datetime | None = None
) -> dict[int, dict[str, int]]:
    """Per store, its runs queued or running now and those created in the last 24 hours, by
    status."""
    since = (now or timezone.now()) - timedelta(hours=24)
    runs = SyncRun.objects.filter(store_id__in=store_ids)
    if direction:
        runs = runs.filter(direction=direction)
    if source:
        runs = runs.filter(source=source)
    grouped = (
        runs.filter(Q(created_at__gte=since) | Q(status__in=ACTIVE_RUNS))
        .values_list("store_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {store_id: dict.fromkeys(RUN_STATUSES, 0) for store_id in store_ids}
    for store_id, status, n in grouped:
        counts[store_id][status] = n
    return counts


@dataclass
class OrgUsage:
    org: SalesforceOrg
    usage: ApiUsage | None
    guard_share: float = field(default_factory=lambda: settings.SALESFORCE_USAGE_GUARD_SHARE)

    @property
    def guard_calls(self) -> int | None:
        """Where syncing stops for the day: the guard's share of the limit."""
        return int(self.usage.limit * self.guard_share) if self.usage else None

    @property
    def percent(self) -> float | None:
        return self.usage.share * 100 if self.usage else None


def salesforce_usage(stores: list[Store]) -> list[OrgUsage]:
    """The daily API usage of each org the stores sync with, as the last answer said it."""
    orgs = {store.salesforce_org_id: store.salesforce_org for store in stores}
    orgs.pop(None, None)
    ordered = sorted(orgs.values(), key=lambda org: org.name)
    return [OrgUsage(org, last_api_usage(org.pk)) for org in ordered]


@dataclass
class StoreHeadroom:
    store: Store
    window: Window | None

    @property
    def resets_in(self) -> timedelta | None:
        if self.window is None or self.window.has_reset:
            return None
        return self.window.resets_at - timezone.now()

    @property
    def low_mark(self) -> int | None:
        """Below this many requests left, the meter warns: a fifth of the quota."""
        quota = self.window.quota if self.window else None
        return quota // 5 if quota else None


def bigcommerce_headroom(stores: list[Store]) -> list[StoreHeadroom]:
    return [StoreHeadroom(store, rate_limit_window(store)) for store in stores]


@dataclass
class InboxHealth:
    store: Store
    pending: int
    oldest_pending_at: datetime | None
    last_received_at: datetime | None
    last_drained_lag: timedelta | None
    hooks: int
    inactive_hooks: int

    @property
    def oldest_pending_age(self) -> timedelta | None:
        if self.oldest_pending_at is None:
            return None
        return timezone.now() - self.oldest_pending_at


def webhook_health(store_ids: list[int]) -> list[InboxHealth]:
    """Per store: events waiting in the inbox and the oldest one's arrival, how long the
    newest drained event waited, and its hooks as BigCommerce last reported them."""
    events = WebhookEvent.objects.filter(store=OuterRef("pk")).order_by()
    pending = events.filter(status=WebhookEvent.Status.PENDING)
    drained = events.filter(status=WebhookEvent.Status.PROCESSED).order_by("-id")
    hooks = RegisteredHook.objects.filter(store=OuterRef("pk")).order_by()

    def count(rows):
        counted = rows.values("store").annotate(n=Count("id")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    def first(rows, column, function=None):
        if function is not None:
            rows = rows.values("store").annotate(value=function(column)).values("value")
        else:
            rows = rows.values(column)[:1]
        return Subquery(rows)

    stores = (
        Store.objects.filter(pk__in=store_ids)
        .order_by("name")
        .annotate(
            pending=count(pending),
            oldest_pending_at=first(pending, "received_at", Min),
            last_received_at=first(events.order_by("-received_at"), "received_at"),
            drained_received_at=first(drained, "received_at"),
            drained_processed_at=first(drained, "processed_at"),
            hook_count=count(hooks),
            inactive_hooks=count(hooks.filter(is_active=False)),
        )
    )
    return [
        InboxHealth(
            store=store,
            pending=store.pending,
            oldest_pending_at=store.oldest_pending_at,
            last_received_at=store.last_received_at,
            last_drained_lag=_lag(store.drained_received_at, store.drained_processed_at),
            hooks=store.hook_count,
            inactive_hooks=store.inactive_hooks,
        )
        for store in stores
    ]


def _lag(received_at, processed_at) -> timedelta | None:
    if received_at is None or processed_at is None:
        return None
    return max(processed_at - received_at, timedelta(0))


def schedules(store_ids: list[int]) -> list[ImportSchedule]:
    """Every schedule of the stores with its last run."""
    return list(
        ImportSchedule.objects.filter(store_id__in=store_ids)
        .select_related("store", "last_run")
        .order_by("store__name", "source", "direction", "kind")
    )
