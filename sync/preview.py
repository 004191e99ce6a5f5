"""What an import would do with some of the store's records, without doing it.

For each record, read as the pipeline reads it: whether the sync conditions let it through
(and what each condition says of it), the values each sObject would get, what Salesforce would
refuse in them, and which Salesforce record it would update and why (its identity link, its
external ID, or a matching rule, found by the importer's own matching), or that it would be
created. Only reads: BigCommerce GETs and Salesforce queries and describes; nothing is written
to either, nor to the identity map.

Makes HTTP calls: never call it inside a database transaction.
"""

from dataclasses import dataclass, field

from integrations.bigcommerce import reads
from integrations.errors import ValidationFailed
from integrations.salesforce.client import SalesforceClient
from mappings.conditions import OPERATORS, matches
from mappings.derived import with_derived_fields
from mappings.forms import PREVIEW_COUNT
from mappings.models import SourceObject
from mappings.paths import get_path
from mappings.pickers import PAGE_RETRY
from mappings.samples import sample_client
from mappings.validation import value_problems
from sync import identity
from sync.pipeline import matching
from sync.pipeline.context import Context
from sync.pipeline.importers import importer_for
from sync.pipeline.importers.catalog import ProductImporter
from sync.pipeline.importers.orders import OrderImporter
from sync.pipeline.importers.people import guests_of
from sync.pipeline.load import find_by_external_id
from sync.pipeline.prepare import mapped_values

# Coupon revenue previews no records: it sums a day's orders per code.
PREVIEWED = [source for source in SourceObject if source != SourceObject.COUPON_REVENUE]


class PreviewRefused(Exception):
    """Nothing to preview against: the store has no Salesforce org."""


@dataclass
class ConditionCheck:
    text: str
    holds: bool


@dataclass
class Match:
    record_id: str | None
    by: str  # "identity link", "external ID", "matching rule"; "" when nothing matched
    reason: str


@dataclass
class TargetPreview:
    sobject: str
    unit: str  # "" for the record itself; "variant 12", "line 7"
    values: dict
    errors: dict  # field -> what is wrong
    match: Match | None = None


@dataclass
class RecordPreview:
    source_id: str
    syncs: bool
    conditions: list[ConditionCheck]
    targets: list[TargetPreview] = field(default_factory=list)
    error: str = ""  # what stops the record as a whole

    @property
    def ok(self) -> bool:
        return self.syncs and not self.error and not any(t.errors for t in self.targets)


def preview(store, setting, *, record_id: str = "", count: int = PREVIEW_COUNT, page: int = 1):
    """The previews of the record with this BigCommerce id (none if there is no such record),
    or of `count` records from the store's latest, the `page`th such group."""
    if store.salesforce_org is None:
        raise PreviewRefused(f"{store.name} has no Salesforce org to preview against.")
    sf = SalesforceClient.for_org(store.salesforce_org, retry=PAGE_RETRY)
    ctx = Context(store, bc=sample_client(store), sf=sf)
    importer = importer_for(ctx, setting.source)
    records = _by_id(importer, record_id) if record_id else _latest(importer, count, page)
    records = [with_derived_fields(setting.source, importer.derive(r)) for r in records]
    if setting.source == SourceObject.REFUND:
        _attach_orders(ctx, records)
    if records and ctx.uses_metafields(setting):
        reads.attach_metafields(ctx.bc, setting.source, records)
    return [_preview(ctx, importer, record) for record in records]


def _by_id(importer, record_id: str) -> list[dict]:
    if importer.source == SourceObject.GUEST:
        return importer.fetch([f"order:{record_id}"])
    found = importer.fetch([record_id])
    return [record for record in found if importer.source_id(record) == record_id]


def _latest(importer, count: int, page: int) -> list[dict]:
    records = reads.sample(importer.ctx.bc, importer.source, count, page)
    return guests_of(records) if importer.source == SourceObject.GUEST else records


def _attach_orders(ctx, refunds: list[dict]) -> None:
    """A refund's mappings read its order (`order.*`), as the refund importer gives it."""
    ids = {r["order_id"] for r in refunds if r.get("order_id")}
    orders = {o["id"]: o for o in reads.orders_by_id(ctx.bc, ids)} if ids else {}
    for refund in refunds:
        refund["order"] = orders.get(refund.get("order_id")) or {}


def _preview(ctx, importer, record: dict) -> RecordPreview:
    setting = importer.setting
    checks = [
        ConditionCheck(
            f"{c.path} {OPERATORS.get(c.operator, c.operator)} {c.value}".strip(),
            matches(record, c),
        )
        for c in ctx.conditions(setting)
    ]
    result = RecordPreview(importer.source_id(record), ctx.passes(setting, record), checks)
    units = (
        importer.units(record)
        if isinstance(importer, ProductImporter)
        else [importer.prepare(record)]
    )
    for unit in units:
        problems = unit.error.field_errors if isinstance(unit.error, ValidationFailed) else {}
        if unit.error is not None and not problems:
            result.error = str(unit.error)
        label = "" if unit.unit_id == result.source_id else f"variant {unit.unit_id}"
        written = []
        for sobject, lookups in importer.steps():
            extra = lookups(unit, dict(written)) if lookups else {}
            values = unit.values[sobject]
            known = {name: value for name, value in extra.items() if value is not None}
            target = TargetPreview(
                sobject, label, {**values, **known}, _errors(ctx, sobject, values, problems)
            )
            write = importer.write_for(unit, sobject, extra, written)
            if result.syncs:
                target.match = find_match(ctx, importer, sobject, write)
            written.append((sobject, write))
            result.targets.append(target)
    if isinstance(importer, OrderImporter):
        result.targets += _lines(ctx, importer, record)
    return result


def _errors(ctx, sobject: str, values: dict, problems: dict) -> dict:
    prefix = f"{sobject}."
    errors = {
        name.removeprefix(prefix): text
        for name, text in problems.items()
        if name.startswith(prefix)
    }
    for name, text in value_problems(sobject, values, ctx.sf.describe(sobject)).items():
        errors.setdefault(name, text)
    return errors


def _lines(ctx, importer, order: dict) -> list[TargetPreview]:
    """An order's lines: their values per line item sObject; they are matched within their
    order (by price book entry) once it is written."""
    lines = []
    for item in order.get("line_items") or []:
        line = {**item, "order": order}
        for sobject in importer.item_targets():
            problems = {}
            values = mapped_values(ctx, importer.setting, line, sobject, problems)
            link = identity.links_for(ctx.store, "order_item", [item["id"]], sobject).get(
                str(item["id"])
            )
            match = (
                Match(link.target_id, "identity link", "Linked to this line by an earlier sync.")
                if link
                else Match(
                    None, "", "Matched within its order by price book entry, or created with it."
                )
            )
            lines.append(
                TargetPreview(
                    sobject,
                    f"line {item['id']}",
                    values,
                    _errors(ctx, sobject, values, problems),
                    match,
                )
            )
    return lines


def find_match(ctx, importer, sobject: str, write) -> Match:
    """The Salesforce record an import would write this record's `sobject` to, as the
    importer finds it: its identity link, else its external ID, else its matching rules in
    order (read-only queries). Sets `write.target_id`, for the children's lookups."""
    source_type = importer.source_type
    link = identity.links_for(ctx.store, source_type, [write.source_id], sobject).get(
        write.source_id
    )
    if link is not None:
        write.target_id = link.target_id
        return Match(link.target_id, "identity link", "Linked to this record by an earlier sync.")
    ext_field = ctx.external_id_field(importer.setting, sobject) if write.key else ""
    if ext_field:
        find_by_external_id(ctx, sobject, ext_field, [write])
        if write.target_id is not None:
            return Match(write.target_id, "external ID", write.match_reason)
    rules = importer.matching_rules(sobject)
    if write.match_record is not None and rules and ctx.may_match(sobject, ext_field):
        for pairs in rules:
            matching.find(ctx, importer.setting, sobject, source_type, [write], [pairs], ext_field)
            if write.error is not None:
                return Match(None, "matching rule", str(write.error))
            if write.target_id is not None:
                equal = " and ".join(
                    f"{target} = {get_path(write.match_record, source)!r}"
                    for source, target in pairs
                )
                return Match(write.target_id, "matching rule", f"{equal}.")
    created = f", with {ext_field} = {write.key}" if ext_field else ""
    return Match(None, "", f"No {sobject} matches: the import would create one{created}.")
