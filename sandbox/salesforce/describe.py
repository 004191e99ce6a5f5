"""Describe answers: the global list of objects, one object's metadata, and field metadata."""

from sandbox.salesforce import ids
from sandbox.salesforce.models import Record
from sandbox.salesforce.schema import SYSTEM_FIELDS, FieldSpec, ObjectSchema, OrgSchema

SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}
UNSORTABLE = frozenset({"textarea"})


def object_urls(name: str, version: str) -> dict:
    base = f"/services/data/v{version}/sobjects/{name}"
    return {"rowTemplate": f"{base}/{{ID}}", "describe": f"{base}/describe", "sobject": base}


def global_entry(schema: ObjectSchema, version: str) -> dict:
    return {
        "name": schema.name,
        "label": schema.label,
        "labelPlural": schema.label_plural,
        "keyPrefix": schema.key_prefix,
        "custom": schema.custom,
        "createable": schema.createable,
        "updateable": schema.updateable,
        "deletable": schema.deletable,
        "queryable": True,
        "retrieveable": True,
        "searchable": True,
        "layoutable": True,
        "replicateable": True,
        "triggerable": True,
        "undeletable": schema.deletable,
        "urls": object_urls(schema.name, version),
    }


def describe_global(org_schema: OrgSchema, version: str) -> dict:
    objects = sorted(org_schema.objects.values(), key=lambda schema: schema.name)
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [global_entry(schema, version) for schema in objects],
    }


def describe_field(spec: FieldSpec) -> dict:
    is_text = spec.type not in SOAP_TYPES
    return {
        "autoNumber": spec.auto_number,
        "byteLength": spec.length * 3 if is_text else 0,
        "calculated": spec.calculated,
        "cascadeDelete": spec.cascade_delete,
        "caseSensitive": False,
        "createable": spec.createable,
        "custom": spec.custom,
        "defaultValue": spec.default_value,
        "defaultedOnCreate": spec.defaulted_on_create,
        "digits": spec.precision if spec.type == "int" else 0,
        "externalId": spec.external_id,
        "filterable": True,
        "groupable": spec.type not in ("textarea", "double", "currency", "percent", "datetime"),
        "idLookup": spec.name == "Id" or spec.is_indexed_key,
        "label": spec.label,
        "length": spec.length if is_text else 0,
        "name": spec.name,
        "nameField": spec.name_field,
        "nillable": spec.nillable,
        "picklistValues": [
            {
                "active": True,
                "defaultValue": value == spec.default_value,
                "label": value,
                "validFor": None,
                "value": value,
            }
            for value in spec.picklist
        ],
        "precision": spec.precision if spec.type != "int" else 0,
        "referenceTo": list(spec.reference_to),
        "relationshipName": spec.relationship_name,
        "restrictedPicklist": spec.restricted,
        "scale": spec.scale or 0,
        "soapType": SOAP_TYPES.get(spec.type, "xsd:string"),
        "sortable": spec.type not in UNSORTABLE,
        "type": spec.type,
        "unique": spec.unique,
        "updateable": spec.updateable,
    }


def _plural(name: str) -> str:
    return name[:-1] + "ies" if name.endswith("y") else name + "s"


def child_relationships(org_schema: OrgSchema, parent: ObjectSchema) -> list[dict]:
    relationships = []
    for child, spec in org_schema.child_relationships(parent.name):
        if spec.name in SYSTEM_FIELDS or spec.name == "OwnerId":
            continue
        if spec.custom:
            name = _plural(spec.relationship_name.removesuffix("__r")) + "__r"
        elif child.name == parent.name:
            name = "Child" + _plural(child.name)
        else:
            name = _plural(child.name)
        relationships.append(
            {
                "cascadeDelete": spec.cascade_delete,
                "childSObject": child.name,
                "deprecatedAndHidden": False,
                "field": spec.name,
                "relationshipName": name,
            }
        )
    return relationships


def record_type_infos(org, schema: ObjectSchema, version: str) -> list[dict]:
    rows = Record.objects.filter(
        org=org, object_name="RecordType", is_deleted=False, data__SobjectType=schema.name
    ).order_by("record_id")
    types = list(rows.values_list("data", flat=True))
    default = next((data["Id"] for data in types if data.get("IsActive")), None)
    layout = f"/services/data/v{version}/sobjects/{schema.name}/describe/layouts/"
    infos = [
        {
            "active": bool(data.get("IsActive")),
            "available": bool(data.get("IsActive")),
            "defaultRecordTypeMapping": data["Id"] == default,
            "developerName": data.get("DeveloperName"),
            "master": False,
            "name": data.get("Name"),
            "recordTypeId": data["Id"],
            "urls": {"layout": layout + data["Id"]},
        }
        for data in types
    ]
    master = ids.MASTER_RECORD_TYPE_ID
    infos.append(
        {
            "active": True,
            "available": default is None,
            "defaultRecordTypeMapping": default is None,
            "developerName": "Master",
            "master": True,
            "name": "Master",
            "recordTypeId": master,
            "urls": {"layout": layout + master},
        }
    )
    return infos


def describe_object(org, org_schema: OrgSchema, schema: ObjectSchema, version: str) -> dict:
    return {
        **global_entry(schema, version),
        "activateable": False,
        "childRelationships": child_relationships(org_schema, schema),
        "customSetting": False,
        "feedEnabled": False,
        "fields": [describe_field(spec) for spec in schema.fields.values()],
        "mergeable": False,
        "recordTypeInfos": record_type_infos(org, schema, version),
    }


def basic_info(org, schema: ObjectSchema, version: str) -> dict:
    """GET /sobjects/{Object}/: the object's summary and the records changed most recently."""
    recent = (
        Record.objects.filter(org=org, object_name=schema.name, is_deleted=False)
        .order_by("-system_modstamp")
        .values_list("data", flat=True)[:10]
    )
    name_field = next((spec.name for spec in schema.fields.values() if spec.name_field), None)
    items = []
    for data in recent:
        item = {
            "attributes": {
                "type": schema.name,
                "url": f"/services/data/v{version}/sobjects/{schema.name}/{data['Id']}",
            },
            "Id": data["Id"],
        }
        if name_field:
            item[name_field] = data.get(name_field)
        items.append(item)
    return {"objectDescribe": global_entry(schema, version), "recentItems": items}
