"""Orders → Order (Draft) + OrderItems, then the mapped status; and/or Opportunity + line items.
Refunds → Case under the order's Contact and Account.

The customers (or guests) and products an order needs are imported first when Salesforce does
not have them yet. Order items change only while the Order is Draft: an order whose items
change is set back to Draft, its items written, and its status set again.
"""

import logging
from collections import defaultdict

from django.core.cache import cache

from integrations import errors
from integrations.bigcommerce import dates, reads
from mappings.models import OrderTarget, SourceObject
from sync import identity
from sync.models import Outcome, SyncRun
from sync.pipeline import labels
from sync.pipeline.importers.base import Importer
from sync.pipeline.importers.catalog import ProductImporter
from sync.pipeline.importers.people import CustomerImporter, GuestImporter, guest_id, guests_of
from sync.pipeline.load import Write, names_of, write_records
from sync.pipeline.matching import quote
from sync.pipeline.prepare import mapped_values, mapping_error

logger = logging.getLogger(__name__)

DRAFT = "Draft"
# Orders with refunds, handed by an orders run to the refund run queued after it (Import
# everything), in cache entries of HANDOVER_BUCKET order ids, kept HANDOVER_TTL seconds.
HANDOVER_BUCKET = 1000
HANDOVER_TTL = 12 * 3600
PARENTS_PER_QUERY = 200
HEADERS = {
    OrderTarget.ORDER: ("Order", "OrderItem", "OrderId"),
    OrderTarget.OPPORTUNITY: ("Opportunity", "OpportunityLineItem", "OpportunityId"),
}


class Parents:
    """The Salesforce records orders hang under, imported first where missing."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.outcomes = []  # the parents' own outcomes, logged with the run

    def people(self, orders) -> dict[int, dict | errors.APIError]:
        """Order id → {"AccountId", "ContactId"}, or the error that stopped its customer."""
        customers = {o["customer_id"] for o in orders if o.get("customer_id")}
        guests = {guest_id(o): o for o in guests_of(orders)}
        found = self._linked_people(CustomerImporter, customers)
        found.update(self._linked_people(GuestImporter, guests, records=guests))
        result = {}
        for order in orders:
            key = order["customer_id"] if order.get("customer_id") else guest_id(order)
            result[order["id"]] = found.get(str(key)) or errors.PermanentError(
                f"The order's customer {key} is not in Salesforce.", system="connector"
            )
        return result

    def _linked_people(self, importer_class, ids, records=None) -> dict:
        """Customers are imported when Salesforce lacks them; guests, whose only source is
        their orders, every time (an unchanged guest costs no call and no log row)."""
        importer = importer_class(self.ctx)
        ids = {str(i) for i in ids}
        wanted = ids if records else ids - set(self._links(importer, ids, "Contact"))
        errors_by_id = {}
        if wanted:
            fetched = [records[i] for i in wanted] if records else importer.fetch(sorted(wanted))
            outcomes = importer.run(fetched)
            self.outcomes += [o for o in outcomes if o.outcome != Outcome.UNCHANGED]
            errors_by_id = {o.source_id: o.error for o in outcomes if o.error is not None}
        accounts = self._links(importer, ids, "Account")
        contacts = self._links(importer, ids, "Contact")
        people = {}
        for i in ids:
            if i in accounts and i in contacts:
                people[i] = {"AccountId": accounts[i], "ContactId": contacts[i]}
            elif i in errors_by_id:
                people[i] = _parent_error(f"customer {i}", errors_by_id[i])
        return people

    def _links(self, importer, ids, sobject) -> dict[str, str | None]:
        return self.ctx.links(importer.source_type, ids, sobject)

    def entries(self, orders) -> tuple[dict[str, str], dict[str, errors.APIError]]:
        """Price book entry Id per line item's product (or variant); products imported first."""
        importer = ProductImporter(self.ctx)
        variants = importer.source_type == "variant"
        unit_of = {}
        for order in orders:
            for item in reads.line_items(order):
                unit = item.get("variant_id") if variants else item.get("product_id")
                if unit:
                    unit_of[str(unit)] = str(item["product_id"])
        linked = self._links(importer, unit_of, "PricebookEntry")
        missing_products = {unit_of[u] for u in unit_of if u not in linked}
        failures = {}
        if missing_products:
            outcomes = importer.run(importer.fetch(sorted(missing_products)))
            self.outcomes += outcomes
            failures = {o.source_id: o.error for o in outcomes if o.error is not None}
            linked = self._links(importer, unit_of, "PricebookEntry")
        product_errors = {
            u: _parent_error(f"product {unit_of[u]}", failures.get(unit_of[u]))
            for u in unit_of
            if u not in linked
        }
        return linked, product_errors


def _parent_error(what: str, cause: errors.APIError | None) -> errors.APIError:
    reason = f": {cause.message}" if cause is not None else " (it was not found in BigCommerce)"
    retryable = cause is not None and cause.retryable
    error = errors.TransientError if retryable else errors.PermanentError
    return error(
        f"The {what} could not be imported first{reason}",
        system="connector",
        code=cause.code if cause is not None else "",
        fields=cause.fields if cause is not None else (),
    )


class OrderImporter(Importer):
    source = source_type = SourceObject.ORDER

    def pages(self, since):
        return reads.order_pages(self.ctx.bc, since)

    def fetch(self, ids):
        return reads.orders_by_id(self.ctx.bc, ids)

    def derive(self, record):
        return {**record, "line_items": reads.line_items(record)}

    def run(self, records):
        self._hand_over(records)
        return super().run(records)

    def _hand_over(self, orders) -> None:
        """Keep the orders with refunds for the refund run that follows this run, so it does
        not read them again; that run reads what it does not find."""
        if not orders or followed_by(self.ctx, SourceObject.REFUND) is None:
            return
        buckets = defaultdict(dict)
        for order in orders:
            if _refunded(order):
                buckets[order["id"] // HANDOVER_BUCKET][str(order["id"])] = order
        if not buckets:
            return
        keys = {bucket: handover_key(self.ctx.run.pk, bucket) for bucket in buckets}
        try:
            held = cache.get_many(list(keys.values()))
            entries = {key: {**held.get(key, {}), **buckets[b]} for b, key in keys.items()}
            cache.set_many(entries, timeout=HANDOVER_TTL)
        except Exception:  # the refund run reads them instead
            logger.warning("Orders of run %s not handed over to its refunds", self.ctx.run.pk)

    @property
    def main_object(self) -> str:
        return "Opportunity" if self.setting.order_target == OrderTarget.OPPORTUNITY else "Order"

    def targets(self):
        return self.setting.target_objects()[0::2]  # the headers; items are prepared per line

    def item_targets(self):
        return self.setting.target_objects()[1::2]

    def load(self, orders):
        parents = Parents(self.ctx)
        people = parents.people(orders)
        entries, entry_errors = parents.entries(orders)
        prepared = [self._prepare(o, people[o["id"]], entries, entry_errors) for o in orders]
        done = {p.unit_id: [] for p in prepared}
        for target in (OrderTarget.ORDER, OrderTarget.OPPORTUNITY):
            if self.setting.order_target in (target, OrderTarget.BOTH):
                self._write_with_items(prepared, *HEADERS[target], done)
        return parents.outcomes + self.fold(prepared, done)

    # --- prepare ----------------------------------------------------------------------------------
    def _prepare(self, order, person, entries, entry_errors):
        p = self.prepare(order)
        if isinstance(person, errors.APIError):
            p.error = p.error or person
            return p
        p.lookups = person
        problems = {}
        variants = self.ctx.setting(SourceObject.PRODUCT).variants_as_products
        for item in order["line_items"]:
            unit = str(item.get("variant_id") if variants else item.get("product_id") or "")
            if unit in entry_errors or unit not in entries:
                p.error = p.error or entry_errors.get(unit) or _custom_product(item)
                return p
            line = {**item, "order": order}
            values = {
                sobject: mapped_values(self.ctx, self.setting, line, sobject, problems)
                for sobject in self.item_targets()
            }
            p.items.append((str(item["id"]), entries[unit], values))
        if problems and p.ok:
            p.error = mapping_error(problems)
        return p

    # --- write ------------------------------------------------------------------------------------
    def _write_with_items(self, prepared, header, item_object, parent_field, done) -> None:
        alive = [p for p in prepared if p.ok and all(w.ok for _, w in done[p.unit_id])]
        item_writes = {p.unit_id: self._item_writes(p, item_object) for p in alive}
        headers = [self._header_write(p, header, item_writes[p.unit_id]) for p in alive]
        stale = self._link_existing_items(header, item_object, parent_field, headers, item_writes)
        write_records(
            self.ctx,
            self.setting,
            header,
            self.source_type,
            headers,
            rules=self.matching_rules(header),
        )
        self._delete_stale_items(item_object, headers, stale)
        items = []
        for p, h in zip(alive, headers, strict=True):
            done[p.unit_id].append((header, h))
            if not h.ok:
                continue
            for w in item_writes[p.unit_id]:
                w.create_only[parent_field] = h.target_id
                if h.created:
                    w.match_record = None  # a new header has no items to find
                items.append(w)
                done[p.unit_id].append((item_object, w))
        write_records(
            self.ctx,
            self.setting,
            item_object,
            "order_item",
            items,
            rules=[[[parent_field, parent_field], ["PricebookEntryId", "PricebookEntryId"]]],
        )
        if header == "Order":
            self._set_status(alive, headers, item_writes)
        self._settle(header, alive, headers, done)

    def _item_writes(self, p, item_object) -> list[Write]:
        return [
            Write(
                item_id,
                values[item_object],
                create_only={"PricebookEntryId": entry},
                match_record={"PricebookEntryId": entry},
            )
            for item_id, entry, values in p.items
        ]

    def _header_write(self, p, header, items) -> Write:
        values = {**p.values[header], "AccountId": p.lookups["AccountId"]}
        values["Pricebook2Id"] = self.ctx.standard_pricebook_id
        write = Write(
            p.unit_id,
            values,
            key=self.ctx.key("", p.unit_id),
            match_record=p.record,
            settled=False,
            label=labels.label(self.source, p.record),
        )
        write.hashed = {**values, "items": [w.hash for w in items]}
        return write

    def _link_existing_items(self, header, item_object, parent_field, headers, item_writes):
        """Point item writes at the header Salesforce already has, so their hashes compare;
        the items Salesforce has that the orders no longer have, by order."""
        links = identity.links_for(
            self.ctx.store, self.source_type, [h.source_id for h in headers], header
        )
        item_links = identity.links_for(
            self.ctx.store,
            "order_item",
            [w.source_id for ws in item_writes.values() for w in ws],
            item_object,
        )
        revised = [
            h for h in headers if h.source_id in links and links[h.source_id].values_hash != h.hash
        ]
        stale = self._stale_items(
            item_object, parent_field, revised, links, item_writes, item_links
        )
        for h in headers:
            link = links.get(h.source_id)
            writes = item_writes[h.source_id]
            for w in writes:
                if link:
                    w.create_only[parent_field] = link.target_id
            changed = h.source_id in stale or any(
                item_links.get(w.source_id) is None or item_links[w.source_id].values_hash != w.hash
                for w in writes
            )
            if header == "Order" and (link is None or changed):
                h.values["Status"] = DRAFT  # items can be added or changed only while Draft
        return stale

    def _stale_items(self, item_object, parent_field, revised, links, item_writes, item_links):
        """Items under changed orders in Salesforce whose lines left the order in BigCommerce."""
        if not revised:
            return {}
        parents = {links[h.source_id].target_id: h.source_id for h in revised}
        kept = {
            item_links[w.source_id].target_id
            for h in revised
            for w in item_writes[h.source_id]
            if w.source_id in item_links
        }
        stale = defaultdict(list)
        ids = list(parents)
        for start in range(0, len(ids), PARENTS_PER_QUERY):
            listed = ", ".join(quote(i) for i in ids[start : start + PARENTS_PER_QUERY])
            soql = f"SELECT Id, {parent_field} FROM {item_object} WHERE {parent_field} IN "  # noqa: S608
            for row in self.ctx.sf.query(f"{soql}({listed})"):
                if row["Id"] not in kept:
                    stale[parents[row[parent_field]]].append(row["Id"])
        return dict(stale)

    def _delete_stale_items(self, item_object, headers, stale) -> None:
        """Delete them once their orders are Draft again; an order whose delete fails fails."""
        doomed = [(h, item_id) for h in headers if h.ok for item_id in stale.get(h.source_id, [])]
        if not doomed or self.ctx.dry_run:
            return
        results = self.ctx.sf.delete_many([item_id for _, item_id in doomed])
        gone = []
        for (h, item_id), result in zip(doomed, results, strict=True):
            if result.ok:
                gone.append(item_id)
            else:
                h.error = h.error or result.error
        identity.links_of(self.ctx.store).filter(
            target_object=item_object, target_id__in=gone
        ).delete()

    def _set_status(self, alive, headers, item_writes) -> None:
        """Orders written as Draft get their mapped status, once their items are in."""
        updates = [
            (h, p.values["Order"].get("Status"))
            for p, h in zip(alive, headers, strict=True)
            if h.ok
            and not h.unchanged
            and h.values.get("Status") == DRAFT
            and p.values["Order"].get("Status") not in (None, DRAFT)
            and item_writes[p.unit_id]
            and all(w.ok for w in item_writes[p.unit_id])
        ]
        if not updates or self.ctx.dry_run:
            return
        rows = [{"Id": h.target_id, "Status": status} for h, status in updates]
        for (h, status), result in zip(
            updates, self.ctx.sf.update_many("Order", rows), strict=True
        ):
            if result.error is not None:
                h.error = result.error
            else:
                h.values["Status"] = status

    def _settle(self, header, alive, headers, done) -> None:
        if self.ctx.dry_run:
            return
        settled = [
            h
            for p, h in zip(alive, headers, strict=True)
            if h.ok and all(w.ok for _, w in done[p.unit_id])
        ]
        complete = [(h.source_id, h.target_id, h.hash) for h in settled]
        identity.save_links(
            self.ctx.store, self.source_type, header, complete, labels=names_of(settled)
        )


def _custom_product(item) -> errors.APIError:
    return errors.ValidationFailed(
        f"Line item {item.get('id')} ({item.get('name')!r}) is a custom product, which has no "
        "product in BigCommerce to import as a Product2.",
        code="CUSTOM_PRODUCT",
        system="connector",
    )


class RefundImporter(Importer):
    source = source_type = SourceObject.REFUND
    main_object = "Case"

    def pages(self, since):
        return reads.refund_pages(self.ctx.bc, since, self.on_total)

    def fetch(self, ids):
        return reads.refunds_by_id(self.ctx.bc, ids)

    def modified_at(self, record):
        return dates.parse(record.get("created"))

    def load(self, refunds):
        orders = self._orders({int(r["order_id"]) for r in refunds})
        parents = Parents(self.ctx)
        people = parents.people(list(orders.values()))
        prepared = []
        for refund in refunds:
            order = orders.get(refund["order_id"])
            p = self.prepare({**refund, "order": order or {}})
            person = people.get(refund["order_id"])
            if order is None:
                p.error = errors.NotFound(
                    f"Order {refund['order_id']} is not in BigCommerce.", system="connector"
                )
            elif isinstance(person, errors.APIError):
                p.error = p.error or person
            else:
                p.lookups = person
            prepared.append(p)
        done = self.write_units(prepared, [("Case", lambda p, w: dict(p.lookups))])
        return parents.outcomes + self.fold(prepared, done)

    def _orders(self, ids: set[int]) -> dict[int, dict]:
        """The refunds' orders: those the orders run before this one handed over (Import
        everything), and the others read from BigCommerce."""
        orders = {}
        previous = preceded_by(self.ctx, SourceObject.ORDER)
        if previous is not None:
            keys = {handover_key(previous, i // HANDOVER_BUCKET) for i in ids}
            for bucket in cache.get_many(list(keys)).values():
                orders.update({int(k): o for k, o in bucket.items() if int(k) in ids})
        missing = ids - set(orders)
        if missing:
            orders.update({o["id"]: o for o in reads.orders_by_id(self.ctx.bc, missing)})
        return orders


def _refunded(order: dict) -> bool:
    try:
        return float(order.get("refunded_amount") or 0) > 0
    except (TypeError, ValueError):
        return False


def handover_key(run_id: int, bucket: int) -> str:
    return f"sync:refunded-orders:{run_id}:{bucket}"


def followed_by(ctx, source: str) -> int | None:
    """The run of `source` queued to follow this context's run, if any."""
    run = ctx.run
    if run is None or run.next_run_id is None:
        return None
    return _chained_run(ctx, source, pk=run.next_run_id)


def preceded_by(ctx, source: str) -> int | None:
    """The run of `source` that queued this context's run when it ended, if any."""
    run = ctx.run
    if run is None or run.pk is None:
        return None
    return _chained_run(ctx, source, next_run=run.pk)


def _chained_run(ctx, source: str, **where) -> int | None:
    runs = SyncRun.objects.filter(source=source, **where)
    return ctx._once(
        ("chained", source, *where.items()), lambda: runs.values_list("pk", flat=True).first()
    )
