"""What the coupon revenue page reads of runs and the log: the last run that covered a whole
day, and the codes it found no Campaign for (its skipped rows, named `<day>:<code>`)."""

from dataclasses import dataclass

from mappings.models import SourceObject, coupon_key
from sync.models import ImportSchedule, Outcome, RunDirection, SyncLogEntry, SyncRun
from sync.run_state import BATCH_KINDS, COMPLETED

SOURCE = SourceObject.COUPON_REVENUE


@dataclass(frozen=True)
class UnknownCode:
    code: str
    day: str
    message: str
    entry_id: int


def last_run(store) -> SyncRun | None:
    """The last full or incremental run of coupon revenue that ran to its end."""
    runs = SyncRun.objects.filter(
        store=store, source=SOURCE, kind__in=BATCH_KINDS, status__in=COMPLETED
    )
    return runs.order_by("-finished_at", "-pk").first()


def unknown_codes(run: SyncRun | None, mapped: set[str]) -> list[UnknownCode]:
    """The codes the run skipped for want of a Campaign, less those `mapped` since."""
    if run is None:
        return []
    rows = SyncLogEntry.objects.filter(run=run, source=SOURCE, outcome=Outcome.SKIPPED)
    found = []
    for entry in rows.order_by("source_id"):
        day, _, code = entry.source_id.partition(":")
        if code and coupon_key(code) not in mapped:
            found.append(UnknownCode(code, day, entry.error_message, entry.pk))
    return found


def daily_schedule(store) -> ImportSchedule | None:
    schedules = store.schedules.filter(source=SOURCE, direction=RunDirection.IMPORT)
    return schedules.order_by("pk").first()
