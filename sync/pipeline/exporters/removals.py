"""Records deleted in Salesforce: what the object's setting says happens to their BigCommerce
record (`ObjectSetting.export_on_delete`): nothing, its mapped fields cleared, or deleted.

An incremental export asks Salesforce's delete log (getDeleted) for the window it read changes
in. Where the log no longer reaches that far back, the Recycle Bin (queryAll, `IsDeleted`) is
asked instead. Only records linked to a BigCommerce record matter; their links are forgotten
once the action is done, so a window read twice acts once.
"""

from django.utils import timezone

from integrations.bigcommerce import fields
from integrations.salesforce.errors import ReplicationGap
from mappings.models import ExportDeleteAction
from sync.models import IdentityLink, Outcome
from sync.pipeline.exporters.stamps import soql_stamp
from sync.run_log import RecordOutcome

MESSAGES = {
    ExportDeleteAction.NOTHING: "Deleted in Salesforce; the {resource} stays in BigCommerce as "
    "it is (the object's delete setting).",
    ExportDeleteAction.CLEAR: "Deleted in Salesforce; the {resource}'s mapped fields were cleared "
    "in BigCommerce.",
    ExportDeleteAction.DELETE: "Deleted in Salesforce; the {resource} was deleted in BigCommerce.",
}


def removals(exporter, since) -> list[RecordOutcome]:
    deleted = _deleted_ids(exporter, since)
    links = _links(exporter, deleted)
    if not links:
        return []
    action = exporter.setting.export_on_delete
    failed = {}
    if action == ExportDeleteAction.DELETE:
        failed = exporter.delete([link.source_id for link in links.values()])
    elif action == ExportDeleteAction.CLEAR:
        failed = _clear(exporter, [link.source_id for link in links.values()])
    done = [sf_id for sf_id, link in links.items() if link.source_id not in failed]
    _forget(exporter, done)
    return [
        _outcome(exporter, action, sf_id, link, failed.get(link.source_id))
        for sf_id, link in links.items()
    ]


def _deleted_ids(exporter, since) -> list[str]:
    sf = exporter.ctx.sf
    try:
        found = sf.deleted(exporter.main_object, since, timezone.now())
        return [record.id for record in found.records]
    except ReplicationGap:
        stamp = soql_stamp(since)
        soql = (
            f"SELECT Id FROM {exporter.main_object} "  # noqa: S608
            f"WHERE IsDeleted = true AND SystemModstamp >= {stamp}"
        )
        return [row["Id"] for row in sf.query(soql, include_deleted=True)]


def _links(exporter, sf_ids) -> dict[str, IdentityLink]:
    if not sf_ids:
        return {}
    rows = IdentityLink.objects.filter(
        store=exporter.ctx.store,
        org_id=exporter.ctx.store.salesforce_org_id,
        source_type=exporter.source_type,
        target_object=exporter.main_object,
        target_id__in=sf_ids,
    )
    return {link.target_id: link for link in rows}


def _clear(exporter, bc_ids: list[str]) -> dict:
    """Empty every exported field BigCommerce lets be empty; {bc id: error} of those refused."""
    empty = {rule.path: "" for rule in exporter.plan.rules}
    allowed = {
        path: value
        for path, value in empty.items()
        if not fields.problems(exporter.resource, {"id": 1, path: value}, creating=False)
    }
    if not allowed:
        return {}
    return exporter.clear(bc_ids, allowed)


def _forget(exporter, sf_ids: list[str]) -> None:
    IdentityLink.objects.filter(
        store=exporter.ctx.store,
        org_id=exporter.ctx.store.salesforce_org_id,
        source_type=exporter.source_type,
        target_id__in=sf_ids,
    ).delete()


def _outcome(exporter, action, sf_id, link, error) -> RecordOutcome:
    if error is not None:
        outcome = Outcome.FAILED
    else:
        outcome = {
            ExportDeleteAction.NOTHING: Outcome.SKIPPED,
            ExportDeleteAction.CLEAR: Outcome.UPDATED,
            ExportDeleteAction.DELETE: Outcome.DELETED,
        }[action]
    return RecordOutcome(
        exporter.source,
        sf_id,
        outcome,
        exporter.resource,
        link.source_id,
        error=error,
        message=MESSAGES[action].format(resource=exporter.resource),
    )
