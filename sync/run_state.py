"""A run's row after it is created: its expected count, counters, checkpoint, deferral, cancel
and end are written only here. Who owns a running run (claim, heartbeat, take-over of a dead
worker's run) is `sync/liveness.py`'s."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from sync.models import Outcome, SyncRun

BATCH_KINDS = (SyncRun.Kind.FULL, SyncRun.Kind.INCREMENTAL)
# A run that completed moves the watermark on, with failures too: its failed records are in
# the log, and "Re-sync failed records" repairs them.
COMPLETED = (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL)

COUNTERS = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.SKIPPED: "skipped",
    Outcome.FAILED: "failed",
    Outcome.DELETED: "updated",
}


def reads_from(run: SyncRun, since) -> None:
    """Where a batch run reads from, shown on its page and kept for a take-over."""
    _row(run).update(watermark_from=since)


def expect(run: SyncRun, total: int) -> None:
    _row(run).update(expected=total)


def count(run: SyncRun, outcomes, calls) -> None:
    """Counters count the run's own object; records imported first (an order's customer) are
    logged under the run but not counted."""
    own = [outcome for outcome in outcomes if outcome.source == run.source]
    counts = Counter(COUNTERS[outcome.outcome] for outcome in own)
    counts["seen"] = len(own)
    systems = Counter(call.system.lower() for call in calls)
    counts["bigcommerce_calls"] = systems["bigcommerce"]
    counts["salesforce_calls"] = systems["salesforce"]
    changes = {name: F(name) + n for name, n in counts.items() if n}
    if changes:
        _row(run).update(**changes)


def save_checkpoint(run: SyncRun, watermark) -> None:
    """The watermark of what a batch run has written, where a take-over resumes."""
    if watermark is not None and run.kind in BATCH_KINDS:
        _row(run).update(checkpoint=watermark)


def finish(run: SyncRun, status: str, *, error: str = "", watermark=None) -> None:
    changes = {"status": status, "finished_at": timezone.now(), "error": error}
    if status in COMPLETED and run.kind in BATCH_KINDS:
        changes["watermark_to"] = watermark
    mine = _row(run)
    if run.owner:  # a run taken over in between is the new owner's to finish
        mine = mine.filter(owner=run.owner)
    mine.update(**changes)


def defer(run: SyncRun, until, reason: str) -> bool:
    """Put a running run back in the queue until `until`, keeping its checkpoint; False when
    another worker owns it now."""
    mine = _row(run).filter(status=SyncRun.Status.RUNNING)
    if run.owner:
        mine = mine.filter(owner=run.owner)
    return bool(
        mine.update(
            status=SyncRun.Status.QUEUED,
            owner="",
            heartbeat_at=None,
            resume_at=until,
            deferrals=F("deferrals") + 1,
            error=reason,
        )
    )


def cancel_queued(run: SyncRun) -> bool:
    """Cancel a run no worker has taken; False when it is not queued."""
    queued = _row(run).filter(status=SyncRun.Status.QUEUED)
    return bool(
        queued.update(
            status=SyncRun.Status.CANCELLED, finished_at=timezone.now(), cancel_requested=True
        )
    )


def request_cancel(run: SyncRun) -> None:
    """Ask a running run to stop: it looks before each batch."""
    _row(run).filter(status=SyncRun.Status.RUNNING).update(cancel_requested=True)


def _row(run: SyncRun):
    return SyncRun.objects.filter(pk=run.pk)


@dataclass(frozen=True)
class Progress:
    """How far a run is: records done of those expected, its rate and what remains."""

    done: int
    expected: int | None
    per_second: float | None
    time_left: timedelta | None

    @property
    def percent(self) -> int | None:
        if not self.expected:
            return None
        return min(100, round(100 * self.done / self.expected))


def progress(run: SyncRun, now=None) -> Progress:
    done = run.seen
    # A finished run that never knew its total did all it found.
    expected = done if run.status in COMPLETED and run.expected is None else run.expected
    per_second = time_left = None
    if run.started_at is not None:
        elapsed = ((run.finished_at or now or timezone.now()) - run.started_at).total_seconds()
        if elapsed > 0 and done:
            per_second = done / elapsed
    if per_second and expected is not None and run.status == SyncRun.Status.RUNNING:
        time_left = timedelta(seconds=max(0, expected - done) / per_second)
    return Progress(done, expected, per_second, time_left)
