"""Deleting records, with cascades.

A delete keeps the record as deleted (the Recycle Bin: queryAll and getDeleted still see it); a
hard delete (Bulk API hardDelete) removes it. Deleting a parent deletes the children whose
lookup is marked cascade_delete: the items of an Order or an Opportunity, and the Contacts and
Opportunities of an Account.
"""

from sandbox.salesforce import ids, rules, store
from sandbox.salesforce.changes import ENTITY_IS_DELETED, Change
from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.models import Record, RecordKey

NOT_FOUND = RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")


def delete_records(writer, raw_ids: list, *, hard: bool = False) -> list:
    changes = [Change(None, False, {}, record_id=ids.normalize(raw_id)) for raw_id in raw_ids]
    for change, raw_id in zip(changes, raw_ids, strict=True):
        if change.record_id is None:
            change.fail(RecordError("MALFORMED_ID", f"malformed id {raw_id}"))
    found = store.typed_documents(writer.org, [c.record_id for c in changes if c.ok])
    for change in writer.live(changes):
        object_name, data, deleted = found.get(change.record_id, (None, None, False))
        schema = writer.schema.get(object_name) if object_name else None
        if schema is None:
            change.fail(NOT_FOUND)
        elif deleted:
            change.fail(ENTITY_IS_DELETED)
        elif not schema.deletable:
            change.fail(
                RecordError(
                    "INSUFFICIENT_ACCESS_OR_READONLY",
                    f"insufficient access rights on object id: {change.record_id}",
                )
            )
        else:
            change.schema, change.before, change.document = schema, data, data
    _load_parent_references(writer, writer.live(changes))
    rules.before_delete(writer, writer.live(changes))
    writer.inject_lock_errors(writer.live(changes))
    if not writer.finish_all_or_none(changes):
        live = writer.live(changes)
        doomed = _with_cascades(writer, live)
        if hard:
            _remove(writer, doomed)
        else:
            _mark_deleted(writer, doomed)
        rules.after_delete(writer, live)
    return [writer.result(change) for change in changes]


def _load_parent_references(writer, changes) -> None:
    wanted = set()
    for change in changes:
        for spec in change.schema.fields.values():
            if spec.is_reference and change.before.get(spec.name):
                wanted.add(change.before[spec.name])
    writer.load_references(wanted)


def _with_cascades(writer, changes) -> list[str]:
    """The Ids to delete: the records asked for and, level by level, their cascading children."""
    doomed = [change.record_id for change in changes]
    frontier = {change.schema.name: [change.record_id] for change in changes}
    while frontier:
        following = {}
        for parent_name, parent_ids in frontier.items():
            for child, spec in writer.schema.child_relationships(parent_name):
                if not spec.cascade_delete:
                    continue
                rows = Record.objects.filter(
                    org=writer.org,
                    object_name=child.name,
                    is_deleted=False,
                    **{f"data__{spec.name}__in": parent_ids},
                ).values_list("record_id", flat=True)
                children = [record_id for record_id in rows if record_id not in doomed]
                if children:
                    doomed.extend(children)
                    following.setdefault(child.name, []).extend(children)
        frontier = following
    return doomed


def _mark_deleted(writer, record_ids: list[str]) -> None:
    rows = list(store.rows(writer.org, record_ids).values())
    for row in rows:
        row.data.update(IsDeleted=True, **writer.audit_fields())
        row.is_deleted, row.deleted_at, row.system_modstamp = True, writer.moment, writer.moment
    store.save_rows(rows, ["data", "is_deleted", "deleted_at", "system_modstamp"])
    for part in store.chunks(record_ids):
        RecordKey.objects.filter(record_id__in=part).delete()


def _remove(writer, record_ids: list[str]) -> None:
    for part in store.chunks(record_ids):
        Record.objects.filter(org=writer.org, record_id__in=part).delete()
