"""Mappings checked against the org's describe, so problems show before any sync runs.

Unknown fields, read-only fields, conversions that do not fit the field's type, picklist values
the org does not have, required fields that nothing fills, and source paths that name nothing a
BigCommerce record has: each is a Problem an admin can act on. A path to a field the store
defines for itself (a form field, a custom field, a metafield) that none of a sample of the
store's records has is a warning: the field may exist and be empty today. So is what the export
plan notes of a mapping (imported only, a lookup that reads backwards with a loss). Pure
functions of the rules, the describe, the known BigCommerce fields, the sampled records and the
export plan.
"""

from dataclasses import dataclass

from mappings.models import SourceObject
from mappings.paths import MISSING, get_path
from mappings.source_fields import KNOWN, LINE_ITEM, LINE_ITEM_OBJECTS, STORE_DEFINED
from mappings.transform import TEMPLATE_FIELD, Rule

PROBLEM = "problem"
WARNING = "warning"

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
    severity: str = PROBLEM  # a warning is shown beside the problems, not counted with them

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING


def check(
    target_object: str, rules: list[Rule], described: dict, *, external_id_field: str = ""
) -> list[Problem]:
    fields = {f["name"]: f for f in described.get("fields", [])}
    problems = [p for rule in rules for p in _rule_problems(target_object, rule, fields)]
    filled = {r.target for r in rules} | PIPELINE_FIELDS.get(target_object, set())
    filled |= {external_id_field, "RecordTypeId"}
    for field in fields.values():
        if required_by_salesforce(field) and field["name"] not in filled:
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


def campaign_field_problems(field_name: str, described: dict) -> list[Problem]:
    """Problems of the Campaign field that coupon revenue writes: it must exist, be
    updateable and take an amount. Campaigns are only updated, so nothing else is needed."""
    where = f"Campaign.{field_name}"
    field = {f["name"]: f for f in described.get("fields", [])}.get(field_name)
    if field is None:
        why = (
            f"{where} does not exist in this org: add it in Salesforce, or choose another "
            "Campaign field for coupon revenue."
        )
    elif not field.get("updateable"):
        why = f"{where} is read-only in Salesforce; coupon revenue cannot be written to it."
    elif field.get("type") not in FITS["money"]:
        why = f"{where} is a {field.get('type')} field; a revenue amount does not fit it."
    else:
        return []
    return [Problem("Campaign", field_name, why)]


def required_by_salesforce(field: dict) -> bool:
    return (
        not field.get("nillable", True)
        and field.get("createable", False)
        and not field.get("defaultedOnCreate", False)
        and field.get("type") != "boolean"
    )


def source_problems(source: str, target_object: str, rules: list[Rule]) -> list[Problem]:
    """Source paths that name nothing a BigCommerce record of `source` has (by its official
    schema). Names below the fields each store defines (form fields, attributes, custom
    fields, metafields) are the store's own and are not checked here."""
    known = LINE_ITEM if target_object in LINE_ITEM_OBJECTS else KNOWN[source]
    what = "order line" if target_object in LINE_ITEM_OBJECTS else SourceObject(source).label
    problems = []
    for rule in rules:
        for path in _source_paths(rule):
            head = path.split(".")[0]
            if head not in known and head not in STORE_DEFINED:
                problems.append(
                    Problem(
                        target_object,
                        rule.target,
                        f"{target_object}.{rule.target}: {path!r} names nothing that "
                        f"BigCommerce {what.lower()} have.",
                    )
                )
    return problems


def _source_paths(rule: Rule) -> list[str]:
    if rule.kind in ("field", "lookup"):
        return [rule.source] if rule.source else []
    if rule.kind == "template":
        return [match.strip() for match in TEMPLATE_FIELD.findall(rule.source)]
    return []


def store_defined_name(path: str) -> str | None:
    """The part of a path that names a field the store defines for itself: `custom_fields.0`
    of `custom_fields.0.value`, `metafields.ns.key` of a metafield path; None for others."""
    parts = path.split(".")
    if parts[0] not in STORE_DEFINED or len(parts) < 2:
        return None
    return ".".join(parts[: 3 if parts[0] == "metafields" else 2])


def store_defined_paths(rules: list[Rule]) -> list[str]:
    return [path for rule in rules for path in _source_paths(rule) if store_defined_name(path)]


def sample_warnings(
    target_object: str, rules: list[Rule], records: list[dict], noun: str, *, latest: bool = True
) -> list[Problem]:
    """Warnings for the paths to a store's own fields that none of `records` has.

    `records` are a sample of the store's records as the pipeline reads and derives them, and
    `noun` names them ("customers"); `latest` says the sample is the latest modified."""
    sample = f"the {len(records)} {'latest ' if latest else ''}{noun}"
    warnings = []
    for rule in rules:
        for path in _source_paths(rule):
            name = store_defined_name(path)
            if name is None or any(get_path(r, name, MISSING) is not MISSING for r in records):
                continue
            head, entry = name.split(".")[0], name.split(".")[1]
            where = f"{target_object}.{rule.target}: {path!r}"
            if not records:
                why = f"{where} cannot be checked: the store has no {noun} to check against."
            elif not any(head in record for record in records):
                why = f"{where} is in none of {sample}: the connector reads them without {head}."
            elif any(_named_entry(record.get(head), entry) for record in records):
                why = (
                    f"{where} is in none of {sample}: {head} is a list, and a path names its "
                    "entries by position, not by name."
                )
            else:
                why = f"{where} is in none of {sample}; it may be a field that is empty today."
            warnings.append(Problem(target_object, rule.target, why, WARNING))
    return warnings


def _named_entry(value, name: str) -> bool:
    return isinstance(value, list) and any(
        isinstance(item, dict) and item.get("name") == name for item in value
    )


def export_warnings(notes: dict[str, str]) -> list[Problem]:
    """An export plan's notes ({"Contact.MailingStreet": why}) as warnings on their mappings."""
    warnings = []
    for name, note in notes.items():
        target_object, _, field = name.partition(".")
        warnings.append(Problem(target_object, field, f"{name} on export: {note}", WARNING))
    return warnings


def value_problems(target_object: str, values: dict, described: dict) -> dict[str, str]:
    """What Salesforce would refuse in one record's values, by field: fields the org lacks or
    does not let the connector write, text longer than its field, values a restricted picklist
    lacks."""
    fields = {f["name"]: f for f in described.get("fields", [])}
    found = {}
    for name, value in values.items():
        field, where = fields.get(name), f"{target_object}.{name}"
        if field is None:
            found[name] = f"{where} does not exist in this org."
        elif not (field.get("createable") or field.get("updateable")):
            found[name] = f"{where} is read-only in Salesforce."
        elif value is None:
            continue
        elif isinstance(value, str) and field.get("length") and len(value) > field["length"]:
            found[name] = (
                f"{where} takes {field['length']} characters; this value has {len(value)}."
            )
        elif field["type"] == "picklist" and field.get("restrictedPicklist"):
            allowed = {v["value"] for v in field.get("picklistValues", []) if v.get("active", True)}
            if str(value) not in allowed:
                found[name] = f"{where} has no picklist value {value!r}."
    return found
