"""One record as both systems hold it now, read live: the BigCommerce record, what the current
mappings make of it (the mappings preview's transform), and the linked Salesforce records.

Every read is an HTTP call, tried once: a read that fails is shown as its side's error, and the
other side is still read. The caller holds no database transaction.
"""

import json
from dataclasses import dataclass, field

from integrations import errors
from integrations.bigcommerce import reads
from integrations.bigcommerce.client import BigCommerceClient
from integrations.recording import mask_body
from integrations.retry import RetryPolicy
from integrations.salesforce.client import SalesforceClient
from logs.record_history import parse_moment
from mappings.models import ObjectSetting, SourceObject
from mappings.services import LINE_ITEM_TARGETS, preview_record
from sync.pipeline.context import Context
from sync.pipeline.exporters.conflicts import differ
from sync.pipeline.importers import importer_for

LIVE_RETRY = RetryPolicy(max_attempts=1, max_rate_limit_wait=10)
# Record kinds read by an importer's fetch; coupon revenue is a daily sum, not a record.
READABLE = set(SourceObject.values) - {SourceObject.COUPON_REVENUE}


@dataclass
class Side:
    """One system's record as read now, or why it could not be read."""

    record: dict | None = None
    error: str = ""

    @property
    def shown(self) -> str:
        """The record as indented JSON, with anything that names a secret masked."""
        if self.record is None:
            return ""
        masked = json.loads(mask_body(json.dumps(self.record, default=str)) or "null")
        return json.dumps(masked, indent=2, ensure_ascii=False)


@dataclass
class FieldRow:
    name: str
    mapped: object
    salesforce: object
    differs: bool


@dataclass
class Comparison:
    """One sObject: what the mappings make of the BigCommerce record vs what Salesforce holds."""

    sobject: str
    target_id: str = ""
    salesforce: Side = field(default_factory=Side)
    rows: list[FieldRow] = field(default_factory=list)
    mapping_errors: dict = field(default_factory=dict)

    @property
    def differences(self) -> int:
        return sum(row.differs for row in self.rows)


@dataclass
class Live:
    notice: str = ""  # why nothing was read
    bigcommerce: Side = field(default_factory=Side)
    comparisons: list[Comparison] = field(default_factory=list)
    syncs: bool = True  # whether the object's sync conditions let the record through


def read_live(store, source: str, source_id: str, links) -> Live:
    if source not in READABLE:
        return Live(
            notice="Live values are read for customers, guests, categories, products, "
            "orders and refunds only."
        )
    if source != SourceObject.GUEST and not source_id.isdigit():
        return Live(notice=f"{source_id!r} is not a BigCommerce id.")
    setting = ObjectSetting.objects.filter(store=store, source=source).first()
    if setting is None:
        return Live(notice="The store has no settings for this object.")
    ctx = Context(
        store,
        bc=BigCommerceClient.for_store(store, retry=LIVE_RETRY),
        sf=SalesforceClient.for_org(store.salesforce_org, retry=LIVE_RETRY),
    )
    live = Live(bigcommerce=_read_bigcommerce(ctx, setting, source_id))
    record = live.bigcommerce.record
    current = {
        link.target_object: link.target_id
        for link in links
        if link.org_id == store.salesforce_org_id
    }
    for sobject in setting.target_objects():
        if sobject in LINE_ITEM_TARGETS:
            continue
        comparison = Comparison(sobject, current.get(sobject, ""))
        comparison.salesforce = _read_salesforce(ctx, sobject, comparison.target_id)
        if record is not None:
            preview = preview_record(setting, sobject, record)
            live.syncs = preview.syncs
            comparison.mapping_errors = preview.errors
            comparison.rows = _compare(preview.values, comparison.salesforce.record)
        live.comparisons.append(comparison)
    return live


def _read_bigcommerce(ctx, setting, source_id: str) -> Side:
    importer = importer_for(ctx, setting.source)
    try:
        found = [r for r in importer.fetch([source_id]) if importer.source_id(r) == source_id]
        if not found:
            return Side(error=f"BigCommerce has no {setting.source} {source_id} (deleted?).")
        record = importer.derive(found[0])
        if ctx.uses_metafields(setting):
            reads.attach_metafields(ctx.bc, setting.source, [record])
    except errors.APIError as error:
        return Side(error=f"BigCommerce could not be read: {error}")
    return Side(record)


def _read_salesforce(ctx, sobject: str, target_id: str) -> Side:
    if not target_id:
        return Side(error=f"No {sobject} is linked to this record.")
    if ctx.store.salesforce_org is None:
        return Side(error="The store has no Salesforce org.")
    try:
        return Side(ctx.sf.get(sobject, target_id))
    except errors.APIError as error:
        return Side(error=f"Salesforce could not be read: {error}")


def _compare(mapped: dict, salesforce: dict | None) -> list[FieldRow]:
    rows = []
    for name, value in mapped.items():
        held = salesforce.get(name) if salesforce is not None else None
        rows.append(FieldRow(name, value, held, salesforce is not None and _differ(value, held)))
    return rows


def _differ(mapped, held) -> bool:
    """Different as both systems mean them: 5 is 5.0, None is "", and a time is the same time
    whether Salesforce writes it `+0000` and the mappings `+00:00`."""
    ours, theirs = parse_moment(mapped), parse_moment(held)
    if ours is not None and theirs is not None:
        return ours != theirs
    return differ(mapped, held)
