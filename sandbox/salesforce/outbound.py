"""Outbound Messages: what a Salesforce workflow sends to a listener when records change.

The body is the SOAP `notifications` element of the outbound namespace (OrganizationId,
ActionId, SessionId, EnterpriseUrl, PartnerUrl, and one Notification per record with its Id
and the chosen fields), posted as `text/xml` with a SOAPAction header; the listener answers
`notificationsResponse/Ack=true`, or Salesforce retries. Fields are sent as text.
"""

from xml.sax.saxutils import escape

import requests

from sandbox.salesforce.models import Org
from sandbox.salesforce.records import all_records

OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
ACTION_ID = "04k000000000001AAA"


def notifications(org: Org, object_name: str, record_ids: list[str], fields=("Id",)) -> bytes:
    """The body of an Outbound Message about these records."""
    by_id = {r["Id"]: r for r in all_records(org, object_name) if r["Id"] in set(record_ids)}
    items = "".join(
        _notification(index, object_name, by_id.get(record_id, {"Id": record_id}), fields)
        for index, record_id in enumerate(record_ids, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        f'<notifications xmlns="{OUTBOUND}">'
        f"<OrganizationId>{org.org_id}</OrganizationId><ActionId>{ACTION_ID}</ActionId>"
        '<SessionId xsi:nil="true"/>'
        "<EnterpriseUrl>https://sandbox.example/services/Soap/c/62.0</EnterpriseUrl>"
        "<PartnerUrl>https://sandbox.example/services/Soap/u/62.0</PartnerUrl>"
        f"{items}</notifications></soapenv:Body></soapenv:Envelope>"
    ).encode()


def _notification(index: int, object_name: str, record: dict, fields) -> str:
    values = "".join(
        f"<sf:{name}>{escape(str(record.get(name) or ''))}</sf:{name}>" for name in fields
    )
    return (
        f"<Notification><Id>04l00000000000{index:04d}</Id>"
        f'<sObject xsi:type="sf:{object_name}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
        f"{values}</sObject></Notification>"
    )


def send(org: Org, url: str, object_name: str, record_ids: list[str]) -> requests.Response:
    """Post an Outbound Message to a listener, as Salesforce does."""
    return requests.post(
        url,
        data=notifications(org, object_name, record_ids),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=30,
    )
