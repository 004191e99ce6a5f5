"""The console's tables (django-tables2): the Runs page's (one row per run, or per webhook
batch), and a plan's records."""

import django_tables2 as tables


def _cell(template: str, **kwargs) -> tables.TemplateColumn:
    return tables.TemplateColumn(template_name=template, orderable=False, **kwargs)


class RunTable(tables.Table):
    run = _cell("sync/cells/run.html", verbose_name="Run", accessor="pk")
    source = _cell("sync/cells/source.html", verbose_name="Object")
    direction = _cell("sync/cells/direction.html", verbose_name="Direction")
    title = tables.Column(verbose_name="Kind", orderable=False)
    trigger = tables.Column(verbose_name="Trigger", orderable=False, accessor="get_trigger_display")
    status = _cell("sync/cells/status.html", verbose_name="Status")
    counts = _cell(
        "sync/cells/counts.html",
        verbose_name="Created · updated · unchanged · skipped · failed",
        accessor="pk",
    )
    progress = _cell("sync/cells/progress.html", verbose_name="Progress", accessor="pk")
    calls = _cell("sync/cells/calls.html", verbose_name="Calls BC · SF", accessor="pk")
    started_at = tables.DateTimeColumn(
        verbose_name="Started",
        format="Y-m-d H:i:s",
        orderable=False,
        attrs={"td": {"class": "when"}},
    )
    finished_at = tables.DateTimeColumn(
        verbose_name="Finished",
        format="Y-m-d H:i:s",
        orderable=False,
        attrs={"td": {"class": "when"}},
    )
    duration = _cell("sync/cells/duration.html", verbose_name="Duration", accessor="pk")
    by = _cell("sync/cells/by.html", verbose_name="By", accessor="pk")

    class Meta:
        attrs = {"class": "table small", "id": "run-table"}
        row_attrs = {
            "class": lambda record: (
                "run-row batch-row" if getattr(record, "is_batch", False) else "run-row"
            )
        }
        empty_text = "No run matches."


class PlanRecordTable(tables.Table):
    source = tables.Column(verbose_name="Object", orderable=False, accessor="get_source_display")
    source_id = _cell("sync/cells/plan_record.html", verbose_name="Record")
    decision = tables.Column(
        verbose_name="Decision", orderable=False, accessor="get_decision_display"
    )
    matched_by = _cell("sync/cells/plan_match.html", verbose_name="Matched")
    target_id = _cell("sync/cells/plan_target.html", verbose_name="Writes to")
    message = tables.Column(verbose_name="Why", orderable=False, default="")

    class Meta:
        attrs = {"class": "table small", "id": "plan-records"}
        empty_text = "No record of this plan matches."
