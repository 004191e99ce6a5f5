"""How a console page answers a request to start a run; shared by the sync and logs pages."""

from django.contrib import messages
from django.shortcuts import redirect

from sync.runs import RunRefused


def start_and_show(request, store, start, *, back: str):
    """Call `start()`; show the new run, or go `back` with the reason it was refused."""
    try:
        run = start()
    except RunRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    what = run.get_source_display().lower()
    messages.success(request, f"{run.get_kind_display()} of {what} queued.")
    return redirect("run_detail", store.pk, run.pk)
