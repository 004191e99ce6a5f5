"""The Runs page's rows: runs, with each webhook drain batch folded into one row.

A drain imports what its claimed events name, one run per object and chunk; shown one by one,
a busy store's webhooks would bury every other run. A batch's row sums its runs' counters and
links to the batch's runs (the page filtered by `batch`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Sum

from mappings.models import SourceObject
from sync.models import RunTrigger, SyncRun, all_failed, outcome_label

COUNTERS = (
    "created",
    "updated",
    "unchanged",
    "skipped",
    "failed",
    "seen",
    "bigcommerce_calls",
    "salesforce_calls",
)
# A batch shows the status of its runs that most needs attention.
STATUS_WEIGHT = {
    SyncRun.Status.FAILED: 5,
    SyncRun.Status.PARTIAL: 4,
    SyncRun.Status.RUNNING: 3,
    SyncRun.Status.QUEUED: 2,
    SyncRun.Status.CANCELLED: 1,
    SyncRun.Status.SUCCEEDED: 0,
}


@dataclass
class BatchRow:
    """A webhook drain batch, with what the Runs table reads of a run."""

    pk: int
    batch: str
    store_id: int
    runs: int = 0
    sources: list[str] = field(default_factory=list)
    status: str = SyncRun.Status.SUCCEEDED
    started_at: datetime | None = None
    finished_at: datetime | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    seen: int = 0
    bigcommerce_calls: int = 0
    salesforce_calls: int = 0
    expected: None = None
    next_run_id: None = None
    requested_by: None = None
    direction: str = "import"
    trigger: str = RunTrigger.WEBHOOK
    is_batch: bool = True

    def get_source_display(self) -> str:
        return ", ".join(SourceObject(source).label for source in self.sources)

    def get_trigger_display(self) -> str:
        return RunTrigger(self.trigger).label

    @property
    def title(self) -> str:
        return f"Webhook batch of {self.runs} run{'s' if self.runs != 1 else ''}"

    @property
    def outcome_label(self) -> str:
        return outcome_label(self)

    @property
    def all_failed(self) -> bool:
        return all_failed(self)


def leaders(runs):
    """Of these runs, those that stand for themselves and the first of each batch."""
    first_of_batch = runs.filter(batch=OuterRef("batch")).order_by("pk").values("pk")[:1]
    return runs.filter(Q(batch="") | Q(pk=Subquery(first_of_batch)))


def fold_batches(page_runs, runs) -> list:
    """The page's runs, each batch's first run replaced by its batch's row (one query)."""
    batches = {run.batch for run in page_runs if run.batch}
    if not batches:
        return list(page_runs)
    rows = {}
    per_status = (
        runs.filter(batch__in=batches)
        .values("batch", "store_id", "status", "source")
        .annotate(
            n=Count("pk"),
            first=Min("pk"),
            started=Min("started_at"),
            finished=Max("finished_at"),
            **{name: Sum(name) for name in COUNTERS},
        )
        .order_by()
    )
    for part in per_status:
        row = rows.setdefault(
            part["batch"],
            BatchRow(pk=part["first"], batch=part["batch"], store_id=part["store_id"]),
        )
        _add(row, part)
    return [rows[run.batch] if run.batch else run for run in page_runs]


def _add(row: BatchRow, part: dict) -> None:
    row.pk = min(row.pk, part["first"])
    row.runs += part["n"]
    if part["source"] not in row.sources:
        row.sources.append(part["source"])
    if STATUS_WEIGHT[part["status"]] > STATUS_WEIGHT[row.status]:
        row.status = part["status"]
    row.started_at = _earliest(row.started_at, part["started"])
    row.finished_at = _latest(row.finished_at, part["finished"])
    for name in COUNTERS:
        setattr(row, name, getattr(row, name) + (part[name] or 0))


def _earliest(a, b):
    return min(t for t in (a, b) if t) if (a or b) else None


def _latest(a, b):
    return max(t for t in (a, b) if t) if (a or b) else None
