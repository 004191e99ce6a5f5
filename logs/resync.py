"""Re-sync from the log: one record from its log row, every failed record of a run, or a
record by its BigCommerce id. The console, the REST API and the webhooks all call these."""

from logs.models import Outcome, SyncLogEntry
from sync.models import SyncRun
from sync.runs import RunRefused, start_run


def resync_entry(entry: SyncLogEntry, user=None) -> SyncRun:
    return start_run(
        entry.store,
        entry.source,
        SyncRun.Kind.RESYNC,
        trigger="resync",
        user=user,
        source_ids=[entry.source_id],
    )


def resync_failed(run: SyncRun, user=None) -> SyncRun:
    """Every record whose latest log row in this run failed."""
    failed = failed_source_ids(run)
    if not failed:
        raise RunRefused("No record of this run failed.")
    return start_run(
        run.store, run.source, SyncRun.Kind.RESYNC, trigger="resync", user=user, source_ids=failed
    )


def resync_record(store, source: str, source_id, user=None, *, trigger="manual") -> SyncRun:
    return start_run(
        store, source, SyncRun.Kind.RECORDS, trigger=trigger, user=user, source_ids=[source_id]
    )


def failed_source_ids(run: SyncRun) -> list[str]:
    latest = {}
    for source_id, outcome in (
        SyncLogEntry.objects.filter(run=run).order_by("pk").values_list("source_id", "outcome")
    ):
        latest[source_id] = outcome
    return [source_id for source_id, outcome in latest.items() if outcome == Outcome.FAILED]
