"""Re-sync from the log: one record from its log row, every failed record of a run, or a
record by its BigCommerce id (import) or Salesforce Id (export). The console (Logs and Runs
pages) and the REST API call these."""

from sync.models import RunDirection, SyncLogEntry, SyncRun
from sync.run_log import failed_records
from sync.runs import RunRefused, start_run, start_runs


def resync_entry(entry: SyncLogEntry, user=None) -> SyncRun:
    return start_run(
        entry.store,
        entry.source,
        SyncRun.Kind.RESYNC,
        trigger="resync",
        user=user,
        source_ids=[entry.source_id],
        direction=entry.direction,
    )


def resync_failed(run: SyncRun, user=None) -> list[SyncRun]:
    """Every record whose latest log row in this run failed: one re-sync per object, run one
    after the other in dependency order (customers and products before the orders)."""
    failed = failed_records(run)
    if not failed:
        raise RunRefused("No record of this run failed.")
    return start_runs(
        run.store,
        failed.items(),
        SyncRun.Kind.RESYNC,
        trigger="resync",
        user=user,
        direction=run.direction,
    )


def resync_record(store, source: str, source_id, user=None, *, trigger="manual") -> SyncRun:
    return import_chosen(store, source, [source_id], user, trigger=trigger)


def import_chosen(store, source: str, source_ids, user=None, *, trigger="manual") -> SyncRun:
    """Import these records now, by their BigCommerce ids: one run."""
    return start_run(
        store,
        source,
        SyncRun.Kind.RECORDS,
        trigger=trigger,
        user=user,
        source_ids=list(source_ids),
    )


def sync_again(entry: SyncLogEntry, user=None) -> SyncRun:
    """The row's record again, whatever its outcome was, in the row's direction."""
    if entry.direction == RunDirection.EXPORT:
        return export_record(entry.store, entry.source, entry.source_id, user)
    return resync_record(entry.store, entry.source, entry.source_id, user)


def export_record(store, source: str, salesforce_id, user=None, *, trigger="manual") -> SyncRun:
    """Export one record now, by its Salesforce Id."""
    return export_records(store, source, [salesforce_id], user, trigger=trigger)


def export_records(store, source: str, salesforce_ids, user=None, *, trigger="manual") -> SyncRun:
    return start_run(
        store,
        source,
        SyncRun.Kind.RECORDS,
        trigger=trigger,
        user=user,
        source_ids=list(salesforce_ids),
        direction=RunDirection.EXPORT,
    )
