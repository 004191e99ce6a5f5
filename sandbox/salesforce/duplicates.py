"""Duplicate rules of an org, e.g. a Contact with the email of another Contact.

A rule is `{"object": "Contact", "fields": ["Email"], "action": "block" | "alert"}`; values
match when equal ignoring case and surrounding spaces. A blocking rule always refuses the save;
an alerting one refuses it unless the call sends `Sforce-Duplicate-Rule-Header: allowSave=true`.
The error carries a `duplicateResult` as described for DuplicateError.
"""

from collections import defaultdict

from django.db.models.fields.json import KT

from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.models import Record
from sandbox.salesforce.soql.evaluate import attributes

MESSAGE = "Use one of these records?"


def check(writer, changes) -> None:
    rules_by_object = defaultdict(list)
    for rule in writer.org.duplicate_rules or []:
        rules_by_object[str(rule.get("object", "")).lower()].append(rule)
    for object_name, rules in rules_by_object.items():
        group = [change for change in changes if change.schema.name.lower() == object_name]
        for rule in rules:
            if group:
                _apply(writer, rule, group)


def _signature(document: dict, fields: list[str]):
    values = tuple(str(document.get(name) or "").strip().lower() for name in fields)
    return values if all(values) else None


def _apply(writer, rule: dict, changes) -> None:
    fields = list(rule.get("fields") or [])
    wanted = [(change, _signature(change.document, fields)) for change in changes if change.ok]
    wanted = [(change, signature) for change, signature in wanted if signature]
    if not wanted:
        return
    object_name = changes[0].schema.name
    index = _existing_signatures(writer.org, object_name, fields)
    alert_only = rule.get("action", "block") == "alert"
    for change, signature in wanted:
        matches = [
            record_id for record_id in index.get(signature, []) if record_id != change.record_id
        ]
        if matches and not (alert_only and writer.ctx.allows_duplicate_save):
            change.fail(_error(writer, rule, object_name, matches, alert_only))


def _existing_signatures(org, object_name: str, fields: list[str]) -> dict[tuple, list[str]]:
    rows = Record.objects.filter(org=org, object_name=object_name, is_deleted=False)
    columns = [KT(f"data__{name}") for name in fields]
    index = defaultdict(list)
    for record_id, *values in rows.values_list("record_id", *columns):
        signature = tuple(str(value or "").strip().lower() for value in values)
        if all(signature):
            index[signature].append(record_id)
    return index


def _error(writer, rule, object_name, matches, alert_only) -> RecordError:
    rule_name = rule.get("name") or f"{object_name}_Duplicate_Rule"
    match_records = [
        {
            "additionalInformation": [],
            "fieldDiffs": [],
            "matchConfidence": 100.0,
            "record": {
                "attributes": attributes(object_name, record_id, writer.ctx.version),
                "Id": record_id,
            },
        }
        for record_id in matches
    ]
    result = {
        "allowSave": alert_only,
        "duplicateRule": rule_name,
        "duplicateRuleEntityType": object_name,
        "errorMessage": MESSAGE,
        "matchResults": [
            {
                "entityType": object_name,
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": match_records,
                "rule": f"{object_name}_Match_Rule",
                "size": len(match_records),
                "success": True,
            }
        ],
    }
    return RecordError("DUPLICATES_DETECTED", MESSAGE, (), {"duplicateResult": result})
