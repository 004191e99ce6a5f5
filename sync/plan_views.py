"""Console pages of plans (dry runs): make one, read it while the worker makes it, apply it.

Views only check access, validate input and call `sync.plans`; none calls BigCommerce or
Salesforce: the worker reads them. Every member reads a plan; operators and admins plan and
apply.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mappings.models import SourceObject
from stores import access
from stores.models import Role
from sync import plans
from sync.filters import PlanRecordFilter
from sync.forms import PlanForm
from sync.models import MatchedBy, PlanDecision, SyncPlan
from sync.tables import PlanRecordTable

RECORDS_PER_PAGE = 50


@require_POST
def plan_create(request, store_id):
    """Queue a plan: the Runs page's "Plan" buttons, beside Import, Export and Import
    everything (which posts no object)."""
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    form = PlanForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form[name].label}: {' '.join(e)}" for name, e in form.errors.items())
        messages.error(request, f"Not planned. {errors}")
        return redirect("run_list", store.pk)
    data = form.cleaned_data
    try:
        plan = plans.start_plan(
            store,
            data["kind"],
            direction=data["direction"],
            source=data["source"],
            user=request.user,
        )
    except plans.PlanRefused as refused:
        messages.error(request, f"Not planned. {refused}")
        return redirect("run_list", store.pk)
    return redirect("plan_detail", store.pk, plan.pk)


def _plan_of(request, store_id, plan_id, needs=Role.VIEWER):
    store = access.get_store(request.user, store_id, needs=needs)
    queryset = SyncPlan.objects.select_related("created_by", "applied_by")
    return store, get_object_or_404(queryset, pk=plan_id, store=store)


def plan_detail(request, store_id, plan_id):
    store, plan = _plan_of(request, store_id, plan_id)
    filters = PlanRecordFilter(request.GET, queryset=plan.records.order_by("source", "pk"))
    page = Paginator(filters.qs, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    ready = plan.status == SyncPlan.Status.READY
    context = {
        **_progress_context(store, plan),
        "filters": filters,
        "page": page,
        "table": PlanRecordTable(page.object_list),
        "counts": _count_rows(plan),
        "decisions": PlanDecision.choices,
        "ways": MatchedBy.choices,
        "can_operate": store.user_role.allows(Role.OPERATOR),
        "stale": plans.stale_reason(plan) if ready and plan.applied_at is None else "",
    }
    return render(request, "sync/plan_detail.html", context)


def plan_progress(request, store_id, plan_id):
    """The plan page's htmx refresh while the worker makes it: its progress panel, or the
    whole page again once its status changed."""
    store, plan = _plan_of(request, store_id, plan_id)
    if plan.status != request.GET.get("shown"):
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(request, "sync/plan_progress.html", _progress_context(store, plan))


def _progress_context(store, plan) -> dict:
    expected = plan.expected
    percent = min(100, plan.seen * 100 // expected) if expected else None
    return {
        "store": store,
        "plan": plan,
        "active": plan.status in plans.ACTIVE,
        "percent": percent,
    }


def _count_rows(plan) -> list[dict]:
    """One row per object planned (and its records' parents), then the total, each count
    with the filter that lists its records."""
    counted = plans.counts(plan)
    sources = [s for s in SourceObject.values if s in counted and s != ""]
    rows = []
    for source in [*sources, ""] if len(sources) > 1 else sources:
        numbers = counted[source]
        rows.append(
            {
                "source": source,
                "label": SourceObject(source).label if source else "All objects",
                "decisions": [(value, numbers.get(value, 0)) for value in PlanDecision.values],
                "matched": numbers.get("matched", 0),
                "ways": [(value, numbers.get(f"matched:{value}", 0)) for value in MatchedBy.values],
            }
        )
    return rows


@require_POST
def plan_apply(request, store_id, plan_id):
    """Run exactly what the plan would write: one run of its records per object."""
    store, plan = _plan_of(request, store_id, plan_id, needs=Role.OPERATOR)
    try:
        runs = plans.apply(plan, request.user)
    except plans.PlanRefused as refused:
        messages.error(request, str(refused))
        return redirect("plan_detail", store.pk, plan.pk)
    records = sum(len(run.source_ids) for run in runs)
    chain = ", ".join(f"#{run.pk} ({run.get_source_display().lower()})" for run in runs)
    messages.success(request, f"Plan applied: {records} records in run {chain}.")
    return redirect("run_detail", store.pk, runs[0].pk)
