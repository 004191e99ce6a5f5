"""Saving records: the one write path of the REST, Collections, Composite and Bulk resources.

A batch is checked as a whole with batched reads (existing records, referenced records,
external and unique keys), then written with bulk statements. A record that fails keeps its
error and is not written; with allOrNone, one failure makes every record fail and nothing is
written.
"""

from sandbox.salesforce import duplicates, ids, keys, rules, store
from sandbox.salesforce.changes import ENTITY_IS_DELETED, ROLLED_BACK, Change, SaveResult
from sandbox.salesforce.deletion import delete_records
from sandbox.salesforce.errors import LOCK_ERROR, RecordError
from sandbox.salesforce.models import Record
from sandbox.salesforce.schema import ObjectSchema
from sandbox.salesforce.validation import (
    InvalidRecord,
    constraint_error,
    missing_required,
    parse_values,
)
from sandbox.salesforce.values import format_datetime, now

INVALID_CROSS_REFERENCE = "INVALID_CROSS_REFERENCE_KEY"


class Writer:
    def __init__(self, ctx, *, all_or_none: bool = False):
        self.ctx = ctx
        self.org = ctx.org
        self.schema = ctx.schema
        self.all_or_none = all_or_none
        self.moment = now()
        self.stamp = format_datetime(self.moment)
        self.references: dict[str, tuple[str, dict, bool]] = {}
        self.rows: dict[str, store.Row] = {}
        self.record_type_defaults: dict[str, str | None] = {}

    # --- entry points ---------------------------------------------------------------------

    def create(self, items: list[tuple[ObjectSchema, dict]]) -> list[SaveResult]:
        changes = [Change(schema, True, raw) for schema, raw in items]
        for change in changes:
            if change.schema is None:
                change.fail(RecordError("INVALID_TYPE", "sObject type is missing or not supported"))
            elif any(key.lower() == "id" for key in change.raw):
                change.fail(
                    RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ("Id",))
                )
        return self.save(changes)

    def update(self, items: list[tuple[ObjectSchema | None, object, dict]]) -> list[SaveResult]:
        changes = []
        for schema, raw_id, raw in items:
            change = Change(schema, False, raw, record_id=ids.normalize(raw_id))
            if not raw_id:
                change.fail(RecordError("MISSING_ARGUMENT", "Id not specified in an update call"))
            elif change.record_id is None:
                change.fail(RecordError("MALFORMED_ID", f"malformed id {raw_id}", ("Id",)))
            changes.append(change)
        return self.save(changes)

    def upsert(self, schema: ObjectSchema, key_field, items: list[tuple[str | None, dict]]):
        """Create or update by the value of an external ID (or Id) field; one value per item."""
        changes = keys.upsert_changes(self, schema, key_field, items)
        return self.save(changes)

    def delete(self, raw_ids: list, *, hard: bool = False) -> list[SaveResult]:
        return delete_records(self, raw_ids, hard=hard)

    # --- the pipeline ---------------------------------------------------------------------

    def save(self, changes: list[Change]) -> list[SaveResult]:
        self._load_existing([c for c in changes if c.ok and not c.creating])
        for change in changes:
            self._parse(change)
        self._resolve_external_refs([c for c in changes if c.ok and c.refs])
        for change in self.live(changes):
            self._merge(change)
        self._load_references(self.live(changes))
        rules.derive(self, self.live(changes))
        for change in self.live(changes):
            self._check(change)
        keys.check_unique(self, self.live(changes))
        duplicates.check(self, self.live(changes))
        rules.validate(self, self.live(changes))
        self.inject_lock_errors(self.live(changes))
        if not self.finish_all_or_none(changes):
            self._write(self.live(changes))
            rules.after_write(self, self.live(changes))
        return [self.result(change) for change in changes]

    @staticmethod
    def live(changes: list[Change]) -> list[Change]:
        return [change for change in changes if change.ok]

    def inject_lock_errors(self, changes: list[Change]) -> None:
        for change in changes:
            if self.ctx.plan.lock_error():
                change.fail(LOCK_ERROR)

    def finish_all_or_none(self, changes: list[Change]) -> bool:
        """With allOrNone and a failure, fail every record; True if the batch is rolled back."""
        if not self.all_or_none or all(change.ok for change in changes):
            return False
        for change in changes:
            change.fail(ROLLED_BACK)
        return True

    def result(self, change: Change) -> SaveResult:
        if change.ok:
            return SaveResult(change.record_id, True, [], change.created)
        created = False if change.created is not None else None
        return SaveResult(change.record_id, False, [change.error], created)

    def _load_existing(self, changes: list[Change]) -> None:
        self.rows.update(store.rows(self.org, [change.record_id for change in changes]))
        for change in changes:
            row = self.rows.get(change.record_id)
            if row is None or (change.schema and change.schema.name != row.object_name):
                change.fail(RecordError(INVALID_CROSS_REFERENCE, "invalid cross reference id"))
            elif row.is_deleted:
                change.fail(ENTITY_IS_DELETED)
            else:
                change.schema = self.schema.get(row.object_name)
                change.before = row.data

    def _parse(self, change: Change) -> None:
        if not change.ok:
            return
        if (change.creating and not change.schema.createable) or (
            not change.creating and not change.schema.updateable
        ):
            change.fail(
                RecordError(
                    "INSUFFICIENT_ACCESS_OR_READONLY",
                    f"insufficient access rights on entity: {change.schema.name}",
                )
            )
            return
        try:
            change.values, change.refs = parse_values(
                change.schema, self.schema, change.raw, change.creating
            )
        except InvalidRecord as invalid:
            change.fail(invalid.error)

    def _resolve_external_refs(self, changes: list[Change]) -> None:
        found = keys.find_external_refs(self.org, [ref for c in changes for ref in c.refs])
        for change in changes:
            for ref in change.refs:
                matches = found.get((ref.target, ref.key_field, ref.value), [])
                if len(matches) == 1:
                    change.values[ref.field.name] = matches[0]
                    continue
                problem = "not found" if not matches else "matches more than one record"
                change.fail(
                    RecordError(
                        "INVALID_FIELD",
                        f"Foreign key external ID: {ref.value} {problem} for field "
                        f"{ref.key_field} in entity {ref.target}",
                        (ref.field.name,),
                    )
                )

    def _merge(self, change: Change) -> None:
        if change.creating:
            document = {
                spec.name: spec.default_value
                for spec in change.schema.fields.values()
                if spec.default_value is not None
            }
            if change.schema.field("OwnerId"):
                document["OwnerId"] = self.ctx.user_id
            if change.schema.field("RecordTypeId"):
                default_type = rules.default_record_type(self, change.schema.name)
                if default_type:
                    document["RecordTypeId"] = default_type
        else:
            document = dict(change.before)
        for name, value in change.values.items():
            if value is None:
                document.pop(name, None)
            else:
                document[name] = value
        change.document = document

    def _load_references(self, changes: list[Change]) -> None:
        wanted = set()
        for change in changes:
            document = change.document
            for name in change.schema.lookup_fields:
                if document.get(name):
                    wanted.add(document[name])
        self.load_references(wanted)

    def load_references(self, record_ids) -> None:
        missing = set(record_ids) - set(self.references)
        if missing:
            self.references.update(store.typed_documents(self.org, missing))

    def reference(self, record_id: str | None, object_name: str) -> dict | None:
        """The live record with this Id if it is of the named object, else None."""
        found = self.references.get(record_id) if record_id else None
        if found is None or found[2] or found[0] != object_name:
            return None
        return found[1]

    def _check(self, change: Change) -> None:
        schema = change.schema
        error = (
            constraint_error(schema, change.values)
            or missing_required(schema, change.document, change.values, change.creating)
            or self._reference_error(change)
        )
        if error:
            change.fail(error)

    def _reference_error(self, change: Change) -> RecordError | None:
        for name, value in change.values.items():
            spec = change.schema.fields[name]
            if not spec.is_reference or value is None:
                continue
            found = self.references.get(value)
            if found is None or found[2]:
                return RecordError(INVALID_CROSS_REFERENCE, "invalid cross reference id", (name,))
            if found[0] not in spec.reference_to:
                return RecordError(
                    INVALID_CROSS_REFERENCE,
                    f"{spec.label}: id value of incorrect type: {value}",
                    (name,),
                )
            error = rules.reference_error(self, change, spec, found[1])
            if error:
                return error
        return None

    # --- writing --------------------------------------------------------------------------

    def _write(self, changes: list[Change]) -> None:
        creates = [change for change in changes if change.creating]
        updates = [change for change in changes if not change.creating]
        if creates:
            self._insert(creates)
        if updates:
            self._update(updates)
        keys.write_keys(self, creates, updates)

    def _insert(self, creates: list[Change]) -> None:
        numbers = ids.next_numbers(self.org, "record", len(creates))
        for change, number in zip(creates, numbers, strict=True):
            change.record_id = ids.make_id(change.schema.key_prefix, self.org.pk, number)
        rules.assign_auto_numbers(self, creates)
        rows = []
        for change in creates:
            change.document.update(
                Id=change.record_id,
                IsDeleted=False,
                CreatedDate=self.stamp,
                CreatedById=self.ctx.user_id,
                **self.audit_fields(),
            )
            rows.append(
                Record(
                    org=self.org,
                    object_name=change.schema.name,
                    record_id=change.record_id,
                    data=change.document,
                    system_modstamp=self.moment,
                )
            )
        Record.objects.bulk_create(rows, batch_size=500)

    def _update(self, updates: list[Change]) -> None:
        rows = []
        for change in updates:
            change.document.update(self.audit_fields())
            row = self.rows[change.record_id]
            row.data, row.system_modstamp = change.document, self.moment
            rows.append(row)
        store.save_rows(rows, ["data", "system_modstamp"])

    def audit_fields(self) -> dict:
        return {
            "LastModifiedDate": self.stamp,
            "LastModifiedById": self.ctx.user_id,
            "SystemModstamp": self.stamp,
        }
