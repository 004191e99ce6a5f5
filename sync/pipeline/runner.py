"""Drive one run through its pipe (`pipe.py`): page by page in batches, with retries, the log,
progress, the checkpoint and the watermark. The same driver serves every direction."""

import logging
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.utils import timezone

from integrations import errors
from integrations.recording import recording
from integrations.retry import RetryPolicy
from mappings.defaults import ensure_default_mappings
from sync import run_log, run_state
from sync.liveness import INLINE_TRIGGERS
from sync.models import Outcome, RunDirection, SyncRun
from sync.pipeline.context import Context
from sync.pipeline.exporters import exporter_for
from sync.pipeline.importers import importer_for
from sync.pipeline.pipe import MappingProblems, Pipe
from sync.run_log import RecordOutcome
from sync.run_state import BATCH_KINDS, COMPLETED

logger = logging.getLogger(__name__)

PAGE = 250
BATCH = 1000  # records per pipeline pass: the memory bound of a run
# A batch's records that failed for a passing reason get up to three more passes.
BATCH_RETRIES = RetryPolicy(max_attempts=4)
# Salesforce's answers when a field or object the cached describes promised is not there.
SCHEMA_ERRORS = {"INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_TYPE"}


class Cancelled(Exception):
    pass


class TakenOver(Exception):
    """Another worker owns the run now (this one was taken for dead): stop, write nothing."""


class Deferred(Exception):
    """The run met a rate limit longer than a worker should wait in its slot: it is queued
    again, and its task is to be retried in `countdown` seconds."""

    def __init__(self, countdown: float):
        super().__init__(f"deferred for {countdown:.0f} s")
        self.countdown = countdown


# Deferrals of a run follow the shared policy: at least the limit's own wait, growing.
RUN_DEFERRALS = RetryPolicy(base_delay=60, max_delay=3600)


def execute(run: SyncRun, *, ctx: Context | None = None, sleep=time.sleep) -> SyncRun:
    """Run a claimed (running) run to its end; the run row says how it went."""
    if not run.store.is_active:
        run_state.finish(
            run, SyncRun.Status.CANCELLED, error="The store is paused; nothing was imported."
        )
        run.refresh_from_db()
        return run
    ensure_default_mappings(run.store)
    try:
        ctx = ctx or Context(run.store, run)
        pipe = pipe_for(ctx, run)
        pipe.check_target()
        watermark = _run_pages(run, ctx, pipe, sleep)
    except Cancelled:
        run_state.finish(run, SyncRun.Status.CANCELLED)
    except TakenOver:
        logger.warning("Run %s was taken over by another worker; this one stops", run.pk)
        return run
    except errors.RateLimited as exc:
        _defer_or_fail(run, exc)
    except (errors.APIError, MappingProblems, LookupError) as exc:
        logger.warning("Run %s failed: %s", run.pk, exc)
        if ctx is not None and getattr(exc, "code", "") in SCHEMA_ERRORS:
            ctx.sf.forget_schema()
        run_state.finish(run, SyncRun.Status.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("Run %s failed", run.pk)
        run_state.finish(run, SyncRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    else:
        run_state.finish(run, _completed(run), watermark=watermark)
    run.refresh_from_db()
    return run


def pipe_for(ctx: Context, run: SyncRun) -> Pipe:
    return pipe_of(ctx, run.source, run.direction)


def pipe_of(ctx: Context, source: str, direction: str) -> Pipe:
    if direction == RunDirection.EXPORT:
        return exporter_for(ctx, source, importer=importer_for(ctx, source))
    return importer_for(ctx, source)


def _defer_or_fail(run: SyncRun, exc: errors.RateLimited) -> None:
    """A run the queue can resume goes back to it until the limit lifts, up to
    RUN_MAX_DEFERRALS times; a webhook drain's run fails (its events are tried again)."""
    if run.trigger in INLINE_TRIGGERS or run.deferrals >= settings.RUN_MAX_DEFERRALS:
        logger.warning("Run %s failed: %s", run.pk, exc)
        run_state.finish(run, SyncRun.Status.FAILED, error=str(exc))
        return
    countdown = max(exc.retry_after, RUN_DEFERRALS.backoff(run.deferrals + 1))
    until = timezone.now() + timedelta(seconds=countdown)
    reason = f"Waiting until {until:%H:%M:%S} UTC: {exc}"
    if not run_state.defer(run, until, reason):
        raise TakenOver
    logger.warning("Run %s deferred for %.0f s: %s", run.pk, countdown, exc)
    raise Deferred(countdown)


def _completed(run) -> str:
    """Succeeded, or completed with failures when a record's latest row in the run failed."""
    return SyncRun.Status.PARTIAL if run_log.failed_records(run) else SyncRun.Status.SUCCEEDED


def _run_pages(run, ctx, pipe: Pipe, sleep):
    watermark = run.checkpoint or run.watermark_from
    batches = in_batches(_pages(run, pipe))
    while True:
        with recording() as reads:  # the calls that read a batch belong to its records
            batch = next(batches, None)
        if batch is None:
            with recording() as calls:
                removed = pipe.removals() if run.kind in BATCH_KINDS else []
            # The answer that ended the read (an empty page) is the run's call too.
            if reads or calls or removed:
                run_log.save(run.store, run, removed, reads + calls, shared=reads + calls)
            return watermark
        _check_still_wanted(run)
        outcomes, calls = _write_batch(pipe, batch, sleep)
        run_log.save(run.store, run, outcomes, reads + calls, shared=reads)
        if any(o.error is not None and o.error.code in SCHEMA_ERRORS for o in outcomes):
            ctx.sf.forget_schema()  # a field went away in Salesforce: the next run sees it
        watermark = _later(watermark, outcomes, run.source)
        run_state.save_checkpoint(run, watermark)


def _check_still_wanted(run) -> None:
    state = SyncRun.objects.filter(pk=run.pk).values("cancel_requested", "owner").first()
    if state is None or (run.owner and state["owner"] != run.owner):
        raise TakenOver
    if state["cancel_requested"]:
        raise Cancelled


def in_batches(pages):
    """Pages joined into batches of about BATCH records: Salesforce takes 200 per call, so
    four pages of 250 fill five calls where one page would half-fill its second."""
    batch = []
    for page in pages:
        batch += page
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _pages(run, pipe: Pipe):
    if run.kind not in BATCH_KINDS:
        yield from _chosen_records(run, pipe)
        return
    if run.checkpoint is not None:  # taken over: resume after the last batch written
        yield from pipe.pages(run.checkpoint)
        return
    since = run.watermark_from
    if run.kind == SyncRun.Kind.INCREMENTAL and since is None:
        since = last_watermark(run.store, run.source, run.direction)
    run_state.reads_from(run, since)
    # The expected count comes with the first page where the API gives one (v3), not from a
    # call of its own; v2 orders have none, and their runs show progress without it.
    pipe.on_total = partial(run_state.expect, run)
    yield from pipe.pages(since)


def _chosen_records(run, pipe: Pipe):
    ids = list(dict.fromkeys(run.source_ids))
    run_state.expect(run, len(ids))
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        with recording() as calls:
            found = pipe.fetch(chunk)
        missing = set(chunk) - pipe.answered(chunk, found)
        gone = [_gone(run, source_id) for source_id in sorted(missing)]
        run_log.save(run.store, run, gone, calls, shared=calls)  # counts the calls that read it
        yield found


def _gone(run, source_id) -> RecordOutcome:
    system = "Salesforce" if run.direction == RunDirection.EXPORT else "BigCommerce"
    return RecordOutcome(
        run.source,
        source_id,
        Outcome.SKIPPED,
        message=f"The record is no longer in {system}; nothing was written.",
    )


def _write_batch(pipe: Pipe, batch, sleep):
    """Import a batch; records that failed for a passing reason go again, with back-off.

    A record tried several times (an order, or the customer it needed first) ends with one
    outcome, its last, which keeps the errors of its earlier tries and all their calls."""
    outcomes: dict = {}

    def one_pass(records: list[dict]) -> list[dict]:
        _by_record(outcomes, pipe.run(records))
        return [record for record in records if _may_pass(outcomes, pipe, record)]

    with recording() as calls:
        BATCH_RETRIES.repeat_while_pending(
            one_pass, batch, what=f"{pipe.source} batch", sleep=sleep
        )
    return list(outcomes.values()), calls


def _may_pass(outcomes: dict, pipe: Pipe, record: dict) -> bool:
    outcome = outcomes.get((pipe.source, pipe.source_id(record)))
    return outcome is not None and outcome.retryable


def _by_record(outcomes: dict, tried: list[RecordOutcome]) -> dict:
    for outcome in tried:
        earlier = outcomes.get((outcome.source, outcome.source_id))
        if earlier is not None:
            outcome.earlier_tries = [*earlier.earlier_tries, earlier.summary()]
            outcome.calls = [*earlier.calls, *outcome.calls]
        outcomes[(outcome.source, outcome.source_id)] = outcome
    return outcomes


def _later(watermark, outcomes, source):
    stamps = [o.modified_at for o in outcomes if o.source == source and o.modified_at]
    latest = max(stamps, default=None)
    if latest is None:
        return watermark
    return latest if watermark is None or latest > watermark else watermark


def last_watermark(store, source, direction=RunDirection.IMPORT):
    """Where the next incremental run starts: the last successful batch run's watermark."""
    return (
        SyncRun.objects.filter(
            store=store,
            source=source,
            direction=direction,
            status__in=COMPLETED,
            kind__in=BATCH_KINDS,
            watermark_to__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("watermark_to", flat=True)
        .first()
    )
