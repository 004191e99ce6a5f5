"""Mappings checked against the org's describe, so problems show before any sync runs.

Unknown fields, read-only fields, conversions that do not fit the field's type, picklist values
the org does not have, and required fields that nothing fills: each is a Problem an admin can
act on. Pure functions of the rules and the describe.
"""

from dataclasses import dataclass

from mappings.transform import Rule

# The conversion of a rule -> the Salesforce field types it may fill.
FITS = {
    "money": {"currency", "double", "percent"},
    "number": {"currency", "double", "percent", "int"},
    "integer": {"int", "double", "currency"},
    "boolean": {"boolean"},
    "date": {"date"},
    "datetime": {"datetime"},
    "text": {
        "string",
        "textarea",
        "email",
        "phone",
        "url",
        "picklist",
        "multipicklist",
        "combobox",
        "encryptedstring",
    },
}

# Lookups the pipeline sets from the identity map, per target object; never mapped by hand.
PIPELINE_FIELDS = {
    "Contact": {"AccountId"},
    "Order": {"AccountId", "Pricebook2Id"},
    "OrderItem": {"OrderId", "PricebookEntryId", "Product2Id"},
    "PricebookEntry": {"Pricebook2Id", "Product2Id"},
    "Opportunity": {"AccountId", "Pricebook2Id"},
    "OpportunityLineItem": {"OpportunityId", "PricebookEntryId", "Product2Id"},
    "Case": {"AccountId", "ContactId"},
    "BigCommerce_Category__c": {"Parent__c"},
}


@dataclass(frozen=True)
class Problem:
    target_object: str
    field: str
    message: str


def check(
    target_object: str, rules: list[Rule], described: dict, *, external_id_field: str = ""
) -> list[Problem]:
    fields = {f["name"]: f for f in described.get("fields", [])}
    problems = [p for rule in rules for p in _rule_problems(target_object, rule, fields)]
    filled = {r.target for r in rules} | PIPELINE_FIELDS.get(target_object, set())
    filled |= {external_id_field, "RecordTypeId"}
    for field in fields.values():
        if _required(field) and field["name"] not in filled:
            problems.append(
                Problem(
                    target_object,
                    field["name"],
                    f"{target_object}.{field['name']} is required by Salesforce "
                    "and no mapping fills it.",
                )
            )
    return problems


def _rule_problems(target_object: str, rule: Rule, fields: dict) -> list[Problem]:
    where = f"{target_object}.{rule.target}"
    field = fields.get(rule.target)
    if field is None:
        return [Problem(target_object, rule.target, f"{where} does not exist in this org.")]
    if not (field.get("createable") or field.get("updateable")):
        return [Problem(target_object, rule.target, f"{where} is read-only in Salesforce.")]
    problems = []
    if rule.convert and field["type"] not in FITS[rule.convert]:
        problems.append(
            Problem(
                target_object,
                rule.target,
                f"{where} is a {field['type']} field; a {rule.convert} value does not fit it.",
            )
        )
    problems += _picklist_problems(target_object, rule, field)
    return problems


def _picklist_problems(target_object: str, rule: Rule, field: dict) -> list[Problem]:
    if field["type"] != "picklist" or not field.get("restrictedPicklist"):
        return []
    allowed = {v["value"] for v in field.get("picklistValues", []) if v.get("active", True)}
    offered = set(rule.lookup.values()) if rule.kind == "lookup" else set()
    if rule.kind == "constant":
        offered.add(rule.source)
    if rule.default:
        offered.add(rule.default)
    return [
        Problem(
            target_object,
            rule.target,
            f"{target_object}.{rule.target} has no picklist value {value!r}.",
        )
        for value in sorted(offered - allowed)
    ]


def _required(field: dict) -> bool:
    return (
        not field.get("nillable", True)
        and field.get("createable", False)
        and not field.get("defaultedOnCreate", False)
        and field.get("type") != "boolean"
    )
