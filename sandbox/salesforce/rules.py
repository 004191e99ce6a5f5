"""What standard objects do on save beyond field checks: derived fields, record types,
auto-numbers, and (in `commerce_rules`) the price book and order rules.

Each object may have an `ObjectRules` whose batch hooks the writer calls in this order:
derive (fill computed fields), validate (refuse records), after_write; and for deletes,
before_delete and after_delete.
"""

from collections import defaultdict

from sandbox.salesforce import ids, store
from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.models import Record


class ObjectRules:
    def derive(self, writer, changes) -> None:
        """Fill fields the org computes, before the records are checked."""

    def validate(self, writer, changes) -> None:
        """Fail the records the object's rules refuse."""

    def after_write(self, writer, changes) -> None:
        """Update other records that depend on the saved ones."""

    def before_delete(self, writer, changes) -> None:
        """Fail the deletions the object's rules refuse."""

    def after_delete(self, writer, changes) -> None:
        """Update other records that depended on the deleted ones."""


class PersonNameRules(ObjectRules):
    """Contact, Lead: Name is "FirstName LastName"."""

    def derive(self, writer, changes):
        for change in changes:
            document = change.document
            parts = [document.get("FirstName"), document.get("LastName")]
            document["Name"] = " ".join(part for part in parts if part)


class CaseRules(ObjectRules):
    def derive(self, writer, changes):
        for change in changes:
            document = change.document
            closed = document.get("Status") == "Closed"
            if closed and not document.get("IsClosed"):
                document["ClosedDate"] = writer.stamp
            if not closed:
                document.pop("ClosedDate", None)
            document["IsClosed"] = closed


def _registry() -> dict[str, ObjectRules]:
    from sandbox.salesforce import commerce_rules

    return {
        "Contact": PersonNameRules(),
        "Lead": PersonNameRules(),
        "Case": CaseRules(),
        **commerce_rules.RULES,
    }


_RULES: dict[str, ObjectRules] = {}


def rules_for(object_name: str) -> ObjectRules | None:
    if not _RULES:
        _RULES.update(_registry())
    return _RULES.get(object_name)


def _by_object(changes):
    groups = defaultdict(list)
    for change in changes:
        groups[change.schema.name].append(change)
    return groups


def _run(hook: str, writer, changes) -> None:
    for object_name, group in _by_object(changes).items():
        rules = rules_for(object_name)
        if rules is not None:
            getattr(rules, hook)(writer, [change for change in group if change.ok])


def derive(writer, changes):
    _run("derive", writer, changes)


def validate(writer, changes):
    _run("validate", writer, changes)


def after_write(writer, changes):
    _run("after_write", writer, changes)


def before_delete(writer, changes):
    _run("before_delete", writer, changes)


def after_delete(writer, changes):
    _run("after_delete", writer, changes)


def reference_error(writer, change, spec, target: dict) -> RecordError | None:
    """Rules on what a lookup may point at, beyond the object type."""
    is_record_type = spec.name == "RecordTypeId"
    if is_record_type and (
        target.get("SobjectType") != change.schema.name or not target.get("IsActive")
    ):
        return RecordError(
            "INVALID_CROSS_REFERENCE_KEY",
            f"Record Type ID: this ID value isn't valid for the user: {target.get('Id')}",
            ("RecordTypeId",),
        )
    if spec.reference_to == ("User",) and not target.get("IsActive"):
        return RecordError(
            "INACTIVE_OWNER_OR_USER", "operation performed with inactive user", (spec.name,)
        )
    return None


def default_record_type(writer, object_name: str) -> str | None:
    """The record type given to new records that name none.

    Real orgs take it from the user's profile; emulated users all default to the object's
    first active record type, or to none (the master record type) when it has none.
    """
    cache = writer.record_type_defaults
    if object_name not in cache:
        cache[object_name] = (
            Record.objects.filter(
                org=writer.org,
                object_name="RecordType",
                is_deleted=False,
                data__SobjectType=object_name,
                data__IsActive=True,
            )
            .order_by("record_id")
            .values_list("record_id", flat=True)
            .first()
        )
    return cache[object_name]


AUTO_NUMBER_WIDTH = {"OrderItemNumber": 10}


def assign_auto_numbers(writer, creates) -> None:
    groups = defaultdict(list)
    for change in creates:
        for spec in change.schema.fields.values():
            if spec.auto_number:
                groups[(change.schema.name, spec.name)].append(change)
    for (object_name, field_name), group in groups.items():
        numbers = ids.next_numbers(writer.org, f"{object_name}.{field_name}", len(group))
        width = AUTO_NUMBER_WIDTH.get(field_name, 8)
        for change, number in zip(group, numbers, strict=True):
            change.document[field_name] = str(number).zfill(width)


def roll_up(writer, child: str, link: str, parent_ids, total_field: str, extra=None) -> None:
    """Set each parent's total to the sum of its live children's TotalPrice."""
    parent_ids = {parent_id for parent_id in parent_ids if parent_id}
    if not parent_ids:
        return
    totals = dict.fromkeys(parent_ids, 0.0)
    children = Record.objects.filter(
        org=writer.org,
        object_name=child,
        is_deleted=False,
        **{f"data__{link}__in": sorted(parent_ids)},
    )
    for data in children.values_list("data", flat=True):
        totals[data[link]] += data.get("TotalPrice") or 0.0
    rows = list(store.rows(writer.org, parent_ids, is_deleted=False).values())
    for row in rows:
        row.data[total_field] = round(totals[row.record_id], 2)
        row.data.update((extra or {}).get(row.record_id, {}))
        row.data.update(writer.audit_fields())
        row.system_modstamp = writer.moment
    store.save_rows(rows, ["data", "system_modstamp"])
