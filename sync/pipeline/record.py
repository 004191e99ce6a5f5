"""The record stage: one log row per record and attempt, and the run's counters."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F

from integrations import errors
from logs.models import Outcome, SyncLogEntry
from sync.models import SyncRun

COUNTERS = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.SKIPPED: "skipped",
    Outcome.FAILED: "failed",
    Outcome.DELETED: "updated",
}


@dataclass
class RecordOutcome:
    source: str
    source_id: str
    outcome: str
    target_object: str = ""
    target_id: str = ""
    values: dict = field(default_factory=dict)
    error: errors.APIError | None = None
    modified_at: datetime | None = None
    message: str = ""

    @property
    def retryable(self) -> bool:
        return self.error is not None and self.error.retryable


def outcome_of(source: str, source_id: str, writes: list[tuple], prepared=None, main: str = ""):
    """Fold one record's writes [(sObject, Write)] into its outcome, named after `main`."""
    if prepared is not None and not prepared.ok:
        return RecordOutcome(source, source_id, Outcome.FAILED, error=prepared.error)
    values: dict = {}
    for sobject, w in writes:
        values.setdefault(sobject, []).append(w.values)
    values = {sobject: rows[0] if len(rows) == 1 else rows for sobject, rows in values.items()}
    failed = next(((sobject, w) for sobject, w in writes if not w.ok), None)
    if failed:
        sobject, w = failed
        return RecordOutcome(
            source, source_id, Outcome.FAILED, sobject, w.target_id or "", values, w.error
        )
    main_object, main_write = next(
        ((sobject, w) for sobject, w in writes if sobject == main), writes[-1]
    )
    if all(w.unchanged for _, w in writes):
        outcome = Outcome.UNCHANGED
    elif main_write.created:
        outcome = Outcome.CREATED
    else:
        outcome = Outcome.UPDATED
    return RecordOutcome(
        source, source_id, outcome, main_object, main_write.target_id or "", values
    )


def failed(source: str, source_id: str, error: errors.APIError) -> RecordOutcome:
    return RecordOutcome(source, source_id, Outcome.FAILED, error=error)


def save(store, run: SyncRun | None, outcomes: list[RecordOutcome], calls) -> None:
    """Write the log rows of a page and add them to the run's counters."""
    summary = [_summary(call) for call in calls]
    full = [call.as_dict() for call in calls]
    attempts = _attempts(store, run, outcomes)
    SyncLogEntry.objects.bulk_create(
        [
            _entry(store, run, outcome, full if outcome.error else summary, attempts)
            for outcome in outcomes
        ]
    )
    if run is not None:
        _count(run, outcomes, calls)


def _entry(store, run, outcome: RecordOutcome, calls, attempts) -> SyncLogEntry:
    error = outcome.error
    return SyncLogEntry(
        store=store,
        run=run,
        source=outcome.source,
        source_id=outcome.source_id,
        target_object=outcome.target_object,
        target_id=outcome.target_id or "",
        outcome=outcome.outcome,
        error_code=(error.code if error else "")[:80],
        error_message=str(error.message) if error else outcome.message,
        error_fields=list(error.fields) if error else [],
        retryable=outcome.retryable,
        values=outcome.values,
        calls=calls,
        attempt=attempts.get((outcome.source, outcome.source_id), 1),
    )


def _attempts(store, run, outcomes) -> dict[tuple, int]:
    """A record's attempt number: one more than its previous row's, if that row failed.

    Only asked for records that may have failed before (re-syncs, chosen records, failures),
    so a batch import of healthy records costs no extra query.
    """
    retrying = run is not None and run.kind in (SyncRun.Kind.RESYNC, SyncRun.Kind.RECORDS)
    wanted = {(o.source, o.source_id) for o in outcomes if retrying or o.error is not None}
    if not wanted:
        return {}
    previous = {}
    rows = SyncLogEntry.objects.filter(
        store=store,
        source__in={source for source, _ in wanted},
        source_id__in={source_id for _, source_id in wanted},
    ).order_by("pk")
    for source, source_id, outcome, attempt in rows.values_list(
        "source", "source_id", "outcome", "attempt"
    ):
        previous[(source, source_id)] = attempt + 1 if outcome == Outcome.FAILED else 1
    return {key: previous.get(key, 1) for key in wanted}


def _summary(call) -> dict:
    data = call.as_dict()
    data.pop("request_body", None)
    data.pop("response_body", None)
    return data


def _count(run: SyncRun, outcomes, calls) -> None:
    """Counters count the run's own object; records imported first (an order's customer) are
    logged under the run but not counted."""
    own = [outcome for outcome in outcomes if outcome.source == run.source]
    changes = {"seen": F("seen") + len(own)}
    for outcome in own:
        name = COUNTERS[outcome.outcome]
        changes[name] = changes.get(name, F(name)) + 1
    by_system = {"bigcommerce": 0, "salesforce": 0}
    for call in calls:
        system = call.system.lower()
        by_system[system] = by_system.get(system, 0) + 1
    if by_system["bigcommerce"]:
        changes["bigcommerce_calls"] = F("bigcommerce_calls") + by_system["bigcommerce"]
    if by_system["salesforce"]:
        changes["salesforce_calls"] = F("salesforce_calls") + by_system["salesforce"]
    SyncRun.objects.filter(pk=run.pk).update(**changes)
