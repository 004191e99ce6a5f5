"""A run's log: one row per record and attempt, the run's counters, and which records of a
run failed. Every log row is written here."""

from dataclasses import dataclass, field
from datetime import datetime

from integrations import errors
from mappings.models import SourceObject
from sync import run_state
from sync.models import Outcome, SyncLogEntry, SyncRun


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
    calls: list = field(default_factory=list)  # the calls its writes made
    earlier_tries: list = field(default_factory=list)  # summaries of earlier tries in the run
    matched_by: str = ""  # how the existing record it writes to was found (MatchedBy), and why
    match_reason: str = ""

    @property
    def retryable(self) -> bool:
        return self.error is not None and self.error.retryable

    def summary(self) -> dict:
        error = self.error
        code, message = (error.code, str(error.message)) if error else ("", self.message)
        return tried(self.outcome, code, message)


def tried(outcome: str, code: str, message: str) -> dict:
    """One earlier try of a record, as its log row lists it."""
    return {"outcome": outcome, "code": code, "message": message}


def outcome_of(source: str, source_id: str, writes: list[tuple], prepared=None, main: str = ""):
    """Fold one record's writes [(sObject, Write)] into its outcome, named after `main`."""
    if prepared is not None and not prepared.ok:
        return RecordOutcome(source, source_id, Outcome.FAILED, error=prepared.error)
    values: dict = {}
    for sobject, w in writes:
        values.setdefault(sobject, []).append(w.values)
    values = {sobject: rows[0] if len(rows) == 1 else rows for sobject, rows in values.items()}
    calls = list({id(call): call for _, w in writes for call in w.calls}.values())
    found = next((w for sobject, w in writes if sobject == main and w.matched_by), None)
    found = found or next((w for _, w in writes if w.matched_by), None)
    match = {"matched_by": found.matched_by, "match_reason": found.match_reason} if found else {}
    failed = next(((sobject, w) for sobject, w in writes if not w.ok), None)
    if failed:
        sobject, w = failed
        return RecordOutcome(
            source,
            source_id,
            Outcome.FAILED,
            sobject,
            w.target_id or "",
            values,
            w.error,
            calls=calls,
            **match,
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
        source,
        source_id,
        outcome,
        main_object,
        main_write.target_id or "",
        values,
        calls=calls,
        **match,
    )


def save(store, run: SyncRun | None, outcomes: list[RecordOutcome], calls, shared=()) -> None:
    """Write the log rows of a batch and add them to the run's counters.

    `calls` are all the batch's calls, for the counters. Each row shows the `shared` calls (those
    that read the batch) and the calls that matched and wrote it: in full (masked bodies) when
    it failed; method, path, status and timing otherwise.
    """
    shown = {}
    attempts = _attempts(store, run, outcomes)
    entries = [
        _entry(store, run, outcome, _shown(shown, [*shared, *outcome.calls], outcome), attempts)
        for outcome in outcomes
    ]
    earlier = _dependencies_logged_before(run, entries)
    SyncLogEntry.objects.bulk_create([e for e in entries if _key(e) not in earlier])
    _fold_into_earlier_rows(earlier, [e for e in entries if _key(e) in earlier])
    if run is not None:
        run_state.count(run, outcomes, calls)


def _key(entry: SyncLogEntry) -> tuple[str, str]:
    return (entry.source, entry.source_id)


def _dependencies_logged_before(run, entries) -> dict[tuple, SyncLogEntry]:
    """The rows an earlier batch of this run wrote for the records it imported first (a
    customer whose orders span several batches is tried in each of them)."""
    wanted = [e for e in entries if run is not None and e.source != run.source]
    if not wanted:
        return {}
    rows = SyncLogEntry.objects.filter(
        run=run,
        source__in={e.source for e in wanted},
        source_id__in={e.source_id for e in wanted},
    )
    return {_key(row): row for row in rows}


FOLDED = ["target_object", "target_id", "outcome", "error_code", "error_message", "error_fields"]
FOLDED += ["retryable", "values", "calls", "earlier_tries"]


def _fold_into_earlier_rows(earlier: dict, entries: list[SyncLogEntry]) -> None:
    """One row per record and run: a later try replaces the row and lists it as earlier."""
    for entry in entries:
        row = earlier[_key(entry)]
        before = tried(row.outcome, row.error_code, row.error_message)
        entry.pk, entry.attempt = row.pk, row.attempt
        entry.earlier_tries = [*row.earlier_tries, before, *entry.earlier_tries]
        entry.calls = [*row.calls, *entry.calls]
    SyncLogEntry.objects.bulk_update(entries, FOLDED)


def _shown(cache: dict, calls, outcome) -> list[dict]:
    full = outcome.error is not None
    shown = []
    for call in calls:
        key = (id(call), full)
        if key not in cache:
            cache[key] = call.as_dict() if full else _summary(call)
        shown.append(cache[key])
    return shown


def _entry(store, run, outcome: RecordOutcome, calls, attempts) -> SyncLogEntry:
    error = outcome.error
    return SyncLogEntry(
        store=store,
        run=run,
        source=outcome.source,
        direction=run.direction if run is not None else "import",
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
        earlier_tries=outcome.earlier_tries,
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


def latest_rows(run: SyncRun, **narrowed) -> dict[tuple[str, str], dict]:
    """Each record's latest log row in the run, by (source, source id); `narrowed` filters
    the rows (source=..., source_id__in=...)."""
    rows = SyncLogEntry.objects.filter(run=run, **narrowed).order_by("pk")
    fields = ("source", "source_id", "outcome", "retryable", "error_code", "error_message")
    return {(row["source"], row["source_id"]): row for row in rows.values(*fields)}


def failed_records(run: SyncRun) -> dict[str, list[str]]:
    """Per object, in dependency order, the records whose latest log row in the run failed:
    an orders run logs the customers, guests and products it imported first, too."""
    if not SyncLogEntry.objects.filter(run=run, outcome=Outcome.FAILED).exists():
        return {}
    failed_keys = [key for key, row in latest_rows(run).items() if row["outcome"] == Outcome.FAILED]
    failed = {}
    for source in SourceObject.values:
        ids = [source_id for s, source_id in failed_keys if s == source]
        if ids:
            failed[source] = ids
    return failed
