"""The console's tables (django-tables2): the Runs page's (one row per run, or per webhook
batch), a plan's records, and a record list's (one row per BigCommerce record the connector
knows, sortable by each column but the actions)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sync.models import Outcome, RunDirection

OUTCOME_BADGES = {
    Outcome.CREATED: "ok",
    Outcome.UPDATED: "ok",
    Outcome.UNCHANGED: "muted",
    Outcome.SKIPPED: "warn",
    Outcome.FAILED: "bad",
    Outcome.DELETED: "muted",
}
DIRECTIONS = {RunDirection.IMPORT: "Import →", RunDirection.EXPORT: "← Export"}


class RecordTable(tables.Table):
    select = tables.TemplateColumn(
        template_name="sync/records/select_cell.html",
        verbose_name="Select",
        orderable=False,
        attrs={"th": {"class": "select"}},
    )
    source_id = tables.Column("BigCommerce id", order_by=("id_length", "source_id"))
    label = tables.Column("Name", empty_values=(None, ""), default="—")
    target_id = tables.TemplateColumn(
        template_name="sync/records/salesforce_cell.html", verbose_name="Salesforce record"
    )
    last_direction = tables.Column("Last sync", default="—")
    last_at = tables.DateTimeColumn(
        format="Y-m-d H:i", verbose_name="When", default="—", attrs={"td": {"class": "nowrap"}}
    )
    last_outcome = tables.Column(
        "Outcome", default=mark_safe('<span class="muted">Never synced</span>')
    )
    actions = tables.TemplateColumn(
        template_name="sync/records/actions_cell.html", verbose_name="Actions", orderable=False
    )

    # Columns a user may hide; the BigCommerce id and the actions always show.
    CHOOSABLE = ("label", "target_id", "last_direction", "last_at", "last_outcome")

    class Meta:
        attrs = {"class": "table record-table", "id": "record-table"}
        template_name = "sync/records/table.html"
        empty_text = "No records of this object are linked yet."
        order_by = "-pk"

    def render_last_outcome(self, value):
        badge = OUTCOME_BADGES.get(value, "muted")
        return format_html('<span class="badge {}">{}</span>', badge, Outcome(value).label)

    def render_last_direction(self, value):
        return DIRECTIONS.get(value, value)

    @classmethod
    def choosable(cls) -> list[tuple[str, str]]:
        """(name, header) of the columns a user may show or hide."""
        return [(name, str(cls.base_columns[name].verbose_name)) for name in cls.CHOOSABLE]


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
