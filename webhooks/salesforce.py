"""Salesforce asks for an export now: a Flow HTTP callout or quick action (JSON), or an
Outbound Message (SOAP), naming records by Id.

The caller proves itself with the store's trigger token, made in the console and shown once;
the store keeps only its SHA-256 digest. Each call queues one export run per object, of kind
"records", through the same run model as every other export.
"""

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.db import transaction

from mappings.models import SourceObject
from stores.models import Store
from sync.resync import export_records
from sync.runs import RunRefused

OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
SALESFORCE_ID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")
# The sObjects an export starts from, and the object of the store they export.
SOURCES = {
    "Contact": SourceObject.CUSTOMER,
    "Product2": SourceObject.PRODUCT,
    "Order": SourceObject.ORDER,
}
MAX_IDS = 200

ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    f'<soapenv:Body><notificationsResponse xmlns="{OUTBOUND}"><Ack>true</Ack>'
    "</notificationsResponse></soapenv:Body></soapenv:Envelope>"
)


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class Request:
    records: dict[str, list[str]]  # source object -> Salesforce Ids
    soap: bool  # an Outbound Message, answered with its acknowledgement


def new_token(store: Store) -> str:
    """A new trigger token for the store (the previous one stops working); shown once."""
    token = secrets.token_urlsafe(32)
    store.salesforce_trigger_digest = _digest(token)
    store.save(update_fields=["salesforce_trigger_digest", "updated_at"])
    return token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticated_store(store_id: int, token: str) -> Store:
    store = Store.objects.filter(pk=store_id).first()
    if store is None:
        raise Refused(404, "No such store.")
    expected = store.salesforce_trigger_digest
    if not token or not expected or not hmac.compare_digest(_digest(token), expected):
        raise Refused(401, "A valid trigger token is required.")
    return store


def parse(body: bytes, content_type: str) -> Request:
    if "xml" in content_type or body.lstrip().startswith(b"<"):
        return Request(_outbound_message(body), soap=True)
    return Request(_json_request(body), soap=False)


def _json_request(body: bytes) -> dict[str, list[str]]:
    """{"object": "Contact", "ids": [...]}, or {"records": [{"attributes": {"type": ...},
    "Id": ...}]} as a Flow sends records."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise Refused(400, "The body is not a JSON object.")
    pairs = []
    if "records" in data and isinstance(data["records"], list):
        for record in data["records"]:
            record = record if isinstance(record, dict) else {}
            pairs.append(((record.get("attributes") or {}).get("type"), record.get("Id")))
    else:
        ids = data.get("ids") if isinstance(data.get("ids"), list) else [data.get("id")]
        pairs = [(data.get("object"), record_id) for record_id in ids]
    return _by_source(pairs)


def _outbound_message(body: bytes) -> dict[str, list[str]]:
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException):
        raise Refused(400, "The body is not an Outbound Message.") from None
    pairs = []
    for notification in root.iter(f"{{{OUTBOUND}}}Notification"):
        sobject = notification.find(f"{{{OUTBOUND}}}sObject")
        if sobject is None:
            continue
        kind = (sobject.get(XSI_TYPE) or "").split(":")[-1]
        record_id = next((e.text for e in sobject if e.tag.endswith("}Id")), None)
        pairs.append((kind, record_id))
    if not pairs:
        raise Refused(400, "The Outbound Message names no record.")
    return _by_source(pairs)


def _by_source(pairs) -> dict[str, list[str]]:
    records: dict[str, list[str]] = {}
    for sobject, record_id in pairs:
        if sobject not in SOURCES:
            raise Refused(400, f"{sobject!r} is not exported; send Contact, Product2 or Order.")
        if not isinstance(record_id, str) or not SALESFORCE_ID.match(record_id):
            raise Refused(400, f"{record_id!r} is not a Salesforce Id.")
        records.setdefault(SOURCES[sobject], []).append(record_id)
    if sum(len(ids) for ids in records.values()) > MAX_IDS:
        raise Refused(413, f"At most {MAX_IDS} records per call.")
    if not records:
        raise Refused(400, "The request names no record.")
    return records


def start_exports(store: Store, request: Request) -> list:
    """One export run per object; an object that does not export is refused as a whole."""
    try:
        with transaction.atomic():
            return [
                export_records(store, source, ids, trigger="salesforce")
                for source, ids in request.records.items()
            ]
    except RunRefused as refused:
        raise Refused(409, str(refused)) from None
