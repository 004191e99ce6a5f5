"""Console pages of a store's sync: runs, the identity map, and scheduled imports.

Views only check access, validate input and call sync.runs, sync.resync or sync.schedules.
None of them calls BigCommerce or Salesforce: runs are queued for the worker.
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from connector.paging import keyset_page
from stores import access
from stores.models import Role
from sync import run_groups, run_state, schedules
from sync.filters import RunFilter
from sync.forms import (
    EverythingForm,
    ImportForm,
    RecordExportForm,
    RecordFilterForm,
    RecordImportForm,
    ScheduleForm,
)
from sync.models import (
    ImportSchedule,
    RunDirection,
    SyncLogEntry,
    SyncRun,
    kind_title,
)
from sync.objects import OBJECTS, counts
from sync.presentation import start_and_show
from sync.queries import exporting_sources
from sync.resync import export_record, resync_failed, resync_record
from sync.runs import ACTIVE, cancel_run, start_everything, start_run
from sync.tables import RunTable

RUNS_PER_PAGE = 25
# What the run page shows, and its progress endpoint refreshes, while the run is active.
RUN_COUNTERS = (
    ("created", "created"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("skipped", "skipped"),
    ("failed", "failed"),
    ("seen", "records seen"),
    ("expected", "records expected"),
    ("bigcommerce_calls", "BigCommerce calls"),
    ("salesforce_calls", "Salesforce calls"),
)


# --- Runs -------------------------------------------------------------------------------------


def run_list(request, store_id):
    store = access.get_store(request.user, store_id)
    filters = RunFilter(request.GET, queryset=store.runs.select_related("requested_by"))
    runs = filters.qs
    # The runs of one webhook batch are shown one by one; otherwise a batch is one row.
    one_batch = bool(filters.form.is_valid() and filters.form.cleaned_data.get("batch"))
    shown = runs if one_batch else run_groups.leaders(runs)
    page = Paginator(shown, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if not one_batch:
        rows = run_groups.fold_batches(rows, runs)
    context = {
        "store": store,
        "filters": filters,
        "page": page,
        "table": RunTable(rows),
        "active": any(row.status in ACTIVE for row in rows),
    }
    if request.headers.get("HX-Request"):
        return render(request, "sync/run_table.html", context)
    exports = exporting_sources(store)
    context |= {
        "can_operate": store.user_role.allows(Role.OPERATOR),
        "import_form": ImportForm(),
        "everything_form": EverythingForm(),
        "record_form": RecordImportForm(),
        "exports": exports,
        "export_kinds": _export_kinds(),
        "export_record_form": RecordExportForm(sources=exports, auto_id="id_export_%s"),
    }
    return render(request, "sync/run_list.html", context)


def _export_kinds() -> list[tuple[str, str]]:
    """The kinds of a batch run, named as exports: "Full export", "Incremental export"."""
    kinds = ImportSchedule.Kind.values
    return [(kind, kind_title(kind, RunDirection.EXPORT)) for kind in kinds]


@require_POST
def run_start(request, store_id):
    """Queue a full or incremental import or export of one object (the Runs page's buttons)."""
    return _start_from_form(
        request,
        store_id,
        ImportForm,
        lambda store, data: start_run(
            store,
            data["source"],
            data["kind"],
            trigger="manual",
            user=request.user,
            direction=data["direction"],
        ),
    )


@require_POST
def run_start_everything(request, store_id):
    """Queue "Import everything": one run per enabled object, in dependency order."""
    return _start_from_form(
        request,
        store_id,
        EverythingForm,
        lambda store, data: start_everything(
            store, data["kind"], trigger="manual", user=request.user
        ),
    )


def _start_from_form(request, store_id, form_class, start):
    """Validate the posted form, then `start(store, cleaned_data)`; refusals go back to Runs."""
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    form = form_class(request.POST)
    back = reverse("run_list", args=[store.pk])
    if not form.is_valid():
        errors = "; ".join(f"{form[name].label}: {' '.join(e)}" for name, e in form.errors.items())
        messages.error(request, f"Not started. {errors}")
        return redirect(back)
    return start_and_show(request, store, partial(start, store, form.cleaned_data), back=back)


def _run_of(request, store_id, run_id, needs=Role.VIEWER):
    store = access.get_store(request.user, store_id, needs=needs)
    return store, get_object_or_404(
        SyncRun.objects.select_related("requested_by"), pk=run_id, store=store
    )


def run_detail(request, store_id, run_id):
    store, run = _run_of(request, store_id, run_id)
    context = {
        **_progress_context(store, run),
        "can_operate": store.user_role.allows(Role.OPERATOR),
        "entries": keyset_page(
            SyncLogEntry.objects.filter(run=run).select_related("store__salesforce_org"),
            request.GET,
        ),
    }
    return render(request, "sync/run_detail.html", context)


def run_progress(request, store_id, run_id):
    """The run's progress: for the run page's htmx refresh, its progress panel (the whole page
    again once the run's status changed); otherwise its counters as JSON."""
    store, run = _run_of(request, store_id, run_id)
    if request.headers.get("HX-Request"):
        if run.status != request.GET.get("shown"):
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(request, "sync/run_progress.html", _progress_context(store, run))
    counters = {name: getattr(run, name) for name, _ in RUN_COUNTERS}
    return JsonResponse({"status": run.status, "active": run.status in ACTIVE, **counters})


def _progress_context(store, run) -> dict:
    return {
        "store": store,
        "run": run,
        "active": run.status in ACTIVE,
        "counters": [(name, label, getattr(run, name)) for name, label in RUN_COUNTERS],
        "progress": run_state.progress(run),
    }


@require_POST
def run_cancel(request, store_id, run_id):
    store, run = _run_of(request, store_id, run_id, needs=Role.OPERATOR)
    if run.status not in ACTIVE:
        status = run.get_status_display().lower()
        messages.error(request, f"This run is {status}; there is nothing to cancel.")
    else:
        run = cancel_run(run)
        if run.status == SyncRun.Status.CANCELLED:
            messages.success(request, "Run cancelled.")
        else:
            messages.success(request, "The run stops after the page it is importing.")
    return redirect("run_detail", store.pk, run.pk)


@require_POST
def run_resync_failed(request, store_id, run_id):
    store, run = _run_of(request, store_id, run_id, needs=Role.OPERATOR)
    return start_and_show(
        request,
        store,
        lambda: resync_failed(run, user=request.user),
        back=reverse("run_detail", args=[store.pk, run.pk]),
    )


# --- Records (the identity map) ---------------------------------------------------------------


@require_POST
def record_import(request, store_id):
    """Import one record by its BigCommerce id (the Records page's rows and the Runs page form)."""
    return _start_from_form(
        request,
        store_id,
        RecordImportForm,
        lambda store, data: resync_record(
            store, data["source"], data["source_id"], user=request.user
        ),
    )


@require_POST
def record_export(request, store_id):
    """Export one record by its Salesforce Id (the Records page's rows, the Runs page form)."""
    return _start_from_form(
        request,
        store_id,
        RecordExportForm,
        lambda store, data: export_record(
            store, data["source"], data["source_id"], user=request.user
        ),
    )


def record_list(request):
    """The records index: per store the user sees, how many records of each object are
    linked (each count opens that object's list), and the links found by store, object or id."""
    form = RecordFilterForm(request.GET, user=request.user)
    stores = list(form.fields["store"].queryset)
    chosen = form.cleaned_data.get("store") if form.is_valid() else None
    shown = [chosen] if chosen else stores
    linked = counts(shown)
    searched = any(request.GET.get(name) for name in form.fields)
    context = {
        "form": form,
        "stores": stores,
        "index": [
            (store, [(o, linked.get((store.pk, o.slug), 0)) for o in OBJECTS.values()])
            for store in shown
        ],
        "objects": OBJECTS.values(),
        "links": keyset_page(form.links(), request.GET) if searched else None,
    }
    return render(request, "sync/record_list.html", context)


# --- Scheduled imports ------------------------------------------------------------------------


def schedule_list(request, store_id):
    store = access.get_store(request.user, store_id)
    rows = store.schedules.select_related("last_run")
    context = {"store": store, "schedules": rows, "can_admin": store.user_role == Role.ADMIN}
    return render(request, "sync/schedule_list.html", context)


def schedule_create(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    return _schedule_form(request, store, ImportSchedule(store=store), "added")


def schedule_edit(request, store_id, schedule_id):
    store, schedule = _schedule_of(request, store_id, schedule_id)
    return _schedule_form(request, store, schedule, "saved")


@require_POST
def schedule_delete(request, store_id, schedule_id):
    store, schedule = _schedule_of(request, store_id, schedule_id)
    schedules.delete_schedule(schedule)
    messages.success(request, "Schedule deleted.")
    return redirect("schedule_list", store.pk)


def _schedule_of(request, store_id, schedule_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    return store, get_object_or_404(ImportSchedule, pk=schedule_id, store=store)


def _schedule_form(request, store, schedule, verb):
    form = ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        schedule = schedules.save_schedule(form.save(commit=False))
        messages.success(request, f"Schedule {verb}: {schedule}.")
        return redirect("schedule_list", store.pk)
    context = {"store": store, "form": form, "schedule": schedule}
    return render(request, "sync/schedule_form.html", context)
