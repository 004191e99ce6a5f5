"""How a console page answers a request to start a run; shared by the sync and logs pages."""

from django.contrib import messages
from django.shortcuts import redirect

from sync.runs import RunRefused


def start_and_show(request, store, start, *, back: str):
    """Call `start()` (one run, or several run in order); show the first new run, or go
    `back` with the reason it was refused."""
    try:
        started = start()
    except RunRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    started = started if isinstance(started, list) else [started]
    messages.success(request, _queued_message(started))
    return redirect("run_detail", store.pk, started[0].pk)


def _queued_message(started) -> str:
    first = started[0]
    if len(started) == 1:
        return f"{first.title} of {first.get_source_display().lower()} queued."
    parts = ", ".join(
        f"{_records(run)}{run.get_source_display().lower()} (run #{run.pk})" for run in started
    )
    return f"{first.title} queued, one run per object, in this order: {parts}."


def _records(run) -> str:
    return f"{len(run.source_ids)} " if run.source_ids else ""
