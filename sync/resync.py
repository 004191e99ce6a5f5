"""Re-sync from the log: one record from its log row, every failed record of a run, or a
record by its BigCommerce id (import) or Salesforce Id (export). The console (Logs and Runs
pages) and the REST API call these."""

from sync.models import RunDirection, SyncLogEntry, SyncRun
from sync.run_log import failed_records
from sync.runs import EVERYTHING, RunRefused, start_run, start_runs


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


# A mass re-sync from the log takes at most this many records per object and direction.
RESYNC_LIMIT = 5000


def resync_entries(store, entries, user=None) -> list[SyncRun]:
    """The records of these log rows of one store, again: one re-sync per direction and
    object, imports in dependency order (a record named by several rows is synced once)."""
    wanted: dict[str, dict[str, dict[str, None]]] = {}
    for direction, source, source_id in entries:
        ids = wanted.setdefault(direction, {}).setdefault(source, {})
        if len(ids) < RESYNC_LIMIT:
            ids[source_id] = None
    if not wanted:
        raise RunRefused("Choose at least one log row.")
    started = []
    for direction, by_source in wanted.items():
        order = sorted(by_source, key=_dependency_rank)
        batches = [(source, list(by_source[source])) for source in order]
        started += start_runs(
            store, batches, SyncRun.Kind.RESYNC, trigger="resync", user=user, direction=direction
        )
    return started


def _dependency_rank(source: str) -> int:
    return EVERYTHING.index(source) if source in EVERYTHING else len(EVERYTHING)
