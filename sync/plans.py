"""Plans: what a full or incremental import or export would do, before it runs; and *Apply*.

A plan is a dry run. The worker reads both sides exactly as a run would (the same pipes, pages
and batches, `runner.pipe_of`) and lets the pipeline make every decision (conditions, matching,
the unchanged check, conflicts), with the context's `dry_run` stopping each write stage before
it writes (`pipeline/load.py`, `exporters/base.py`). So nothing is written to Salesforce,
BigCommerce, the identity map or the log; each record's decision is kept in `PlanRecord`.

*Apply* runs exactly the records the plan would write: one run of kind "records" per object,
in dependency order (`runs.start_runs`). A plan older than PLAN_MAX_AGE, or made before the
store's mappings changed, is stale and not applied: the admin plans again.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrations.errors import APIError
from mappings.defaults import ensure_default_mappings
from mappings.models import SourceObject
from mappings.services import mappings_version
from sync import enqueue
from sync.models import Outcome, PlanDecision, PlanRecord, RunDirection, SyncPlan, SyncRun
from sync.pipeline.context import Context
from sync.pipeline.pipe import MappingProblems
from sync.pipeline.runner import in_batches, last_watermark, pipe_of
from sync.preview import PREVIEWED
from sync.runs import EVERYTHING, RunRefused, check_exports, everything_of, start_runs

logger = logging.getLogger(__name__)

PLAN_MAX_AGE = timedelta(hours=1)
# What Apply runs: the records the plan would write.
WRITES = (PlanDecision.CREATED, PlanDecision.UPDATED, PlanDecision.CONFLICT)
ACTIVE = (SyncPlan.Status.QUEUED, SyncPlan.Status.RUNNING)


class PlanRefused(Exception):
    """A plan that cannot be made or applied; the message says why."""


# --- Making a plan ----------------------------------------------------------------------------


def start_plan(store, kind: str, *, direction=RunDirection.IMPORT, source="", user=None):
    """Queue a plan of one object (`source`), or of every enabled object (imports); the
    worker makes it."""
    if store.salesforce_org is None:
        raise PlanRefused(f"{store.name} has no Salesforce org to plan against.")
    if kind not in (SyncRun.Kind.FULL, SyncRun.Kind.INCREMENTAL):
        raise PlanRefused("A plan is of a full or an incremental run.")
    try:
        if not source:
            if direction == RunDirection.EXPORT:
                raise PlanRefused("Plan the export of one object at a time.")
            sources = everything_of(store)
        elif source not in PREVIEWED:
            raise PlanRefused(f"{SourceObject(source).label} cannot be planned: it has no records.")
        else:
            if direction == RunDirection.EXPORT:
                check_exports(store, source)
            sources = [source]
    except RunRefused as refused:
        raise PlanRefused(str(refused)) from None
    plan = SyncPlan.objects.create(
        store=store,
        direction=direction,
        kind=kind,
        sources=sources,
        mappings_version=mappings_version(store),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    enqueue.build_plan_on_commit(plan.pk)
    return plan


def build(plan_id: int) -> None:
    """Make a queued plan (the task's body). Makes HTTP calls: no transaction is held."""
    claimed = SyncPlan.objects.filter(pk=plan_id, status=SyncPlan.Status.QUEUED).update(
        status=SyncPlan.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    plan = SyncPlan.objects.select_related("store__salesforce_org").get(pk=plan_id)
    ensure_default_mappings(plan.store)
    try:
        ctx = Context(plan.store, dry_run=True)
        for source in plan.sources:
            _plan_object(plan, ctx, source)
    except (APIError, MappingProblems, LookupError) as exc:
        logger.warning("Plan %s failed: %s", plan.pk, exc)
        _finish(plan, SyncPlan.Status.FAILED, str(exc))
    except Exception as exc:
        logger.exception("Plan %s failed", plan.pk)
        _finish(plan, SyncPlan.Status.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(plan, SyncPlan.Status.READY)


def _plan_object(plan: SyncPlan, ctx: Context, source: str) -> None:
    """One object's pages, as its run would read them, through its pipe in dry-run mode."""
    pipe = pipe_of(ctx, source, plan.direction)
    pipe.check_target()
    since = None
    if plan.kind == SyncRun.Kind.INCREMENTAL:
        since = last_watermark(plan.store, source, plan.direction)
    pipe.on_total = partial(_expect, plan)
    for batch in in_batches(pipe.pages(since)):
        _keep(plan, pipe.run(batch))
        SyncPlan.objects.filter(pk=plan.pk).update(seen=F("seen") + len(batch))


def _expect(plan: SyncPlan, total: int) -> None:
    SyncPlan.objects.filter(pk=plan.pk).update(expected=Coalesce(F("expected"), Value(0)) + total)


def _keep(plan: SyncPlan, outcomes) -> None:
    """The decisions of a batch; a record decided twice (a customer its order needed first,
    then in its own batch) keeps the last."""
    rows = {
        (o.source, o.source_id): PlanRecord(
            plan=plan,
            source=o.source,
            source_id=o.source_id,
            decision=decision_of(o),
            matched_by=o.matched_by,
            match_reason=o.match_reason,
            target_object=o.target_object,
            target_id=o.target_id,
            message=str(o.error) if o.error is not None else o.message,
        )
        for o in outcomes
    }
    PlanRecord.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["plan", "source", "source_id"],
        update_fields=[
            "decision",
            "matched_by",
            "match_reason",
            "target_object",
            "target_id",
            "message",
        ],
    )


def decision_of(outcome) -> str:
    if outcome.outcome == Outcome.FAILED:
        return PlanDecision.FAILED
    if outcome.values.get("conflicts"):
        return PlanDecision.CONFLICT
    return PlanDecision(outcome.outcome)


def _finish(plan: SyncPlan, status: str, error: str = "") -> None:
    SyncPlan.objects.filter(pk=plan.pk).update(
        status=status, error=error, finished_at=timezone.now()
    )


# --- Reading a plan ---------------------------------------------------------------------------


def counts(plan: SyncPlan) -> dict:
    """Per object and in all: records per decision, and those matched per way (one query)."""
    rows = plan.records.values("source", "decision", "matched_by").annotate(n=Count("id"))
    by_source: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for source in (row["source"], ""):
            by_source[source][row["decision"]] += row["n"]
            if row["matched_by"]:
                by_source[source][f"matched:{row['matched_by']}"] += row["n"]
                by_source[source]["matched"] += row["n"]
    return by_source


def stale_reason(plan: SyncPlan) -> str:
    """Why the plan no longer says what a run would do; "" while it does."""
    if timezone.now() - plan.created_at > PLAN_MAX_AGE:
        minutes = int(PLAN_MAX_AGE.total_seconds() // 60)
        return f"it was made more than {minutes} minutes ago"
    if plan.mappings_version != mappings_version(plan.store):
        return "the store's mappings changed since it was made"
    return ""


# --- Applying it ------------------------------------------------------------------------------


def apply(plan: SyncPlan, user=None) -> list[SyncRun]:
    """Queue runs of exactly the records the plan would write, one per object in dependency
    order; refused for a plan not ready, applied already, or stale."""
    if plan.status != SyncPlan.Status.READY:
        raise PlanRefused(f"This plan is {plan.get_status_display().lower()}; nothing to apply.")
    if plan.applied_at is not None:
        raise PlanRefused(f"This plan was applied already (run #{plan.applied_run_id}).")
    why = stale_reason(plan)
    if why:
        raise PlanRefused(f"This plan is stale: {why}. Plan again, then apply the new plan.")
    planned = plan.records.filter(decision__in=WRITES).order_by("pk")
    ids = defaultdict(list)
    for source, source_id in planned.values_list("source", "source_id"):
        ids[source].append(source_id)
    batches = [(source, ids[source]) for source in EVERYTHING if ids.get(source)]
    if not batches:
        raise PlanRefused("This plan writes nothing: no record would be created or updated.")
    user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        taken = SyncPlan.objects.filter(pk=plan.pk, applied_at__isnull=True).update(
            applied_at=timezone.now(), applied_by=user
        )
        if not taken:
            raise PlanRefused("This plan was applied already.")
        try:
            runs = start_runs(
                plan.store,
                batches,
                SyncRun.Kind.RECORDS,
                trigger="manual",
                user=user,
                direction=plan.direction,
            )
        except RunRefused as refused:
            raise PlanRefused(str(refused)) from None
        SyncPlan.objects.filter(pk=plan.pk).update(applied_run=runs[0])
    return runs
