"""Price books, orders and opportunities: the rules a connector meets when it loads orders.

From the object reference (FACTS.md §6): a price book entry links one product to one price
book; the standard price must exist before a custom one; an Order's items need the Order's price
book and are changed only while the Order is Draft. Salesforce's error texts for the order rules
are not documented; the ones below are those clients report where known
(FIELD_INTEGRITY_EXCEPTION for a price book mismatch, STANDARD_PRICE_NOT_DEFINED), and plain
descriptions otherwise.
"""

from collections import defaultdict

from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.models import Record
from sandbox.salesforce.rules import ObjectRules, roll_up
from sandbox.salesforce.standard_objects import OPPORTUNITY_STAGES

INTEGRITY = "FIELD_INTEGRITY_EXCEPTION"
ORDER_PRICEBOOK_MISMATCH = RecordError(
    INTEGRITY,
    "field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook "
    "than the one assigned to the Order, or Order has null pricebook)",
    ("PricebookEntryId",),
)
OPPORTUNITY_PRICEBOOK_MISMATCH = RecordError(
    INTEGRITY,
    "field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook "
    "than the one assigned to the opportunity)",
    ("PricebookEntryId",),
)
INACTIVE_ENTRY = RecordError(
    INTEGRITY,
    "field integrity exception: PricebookEntryId (pricebook entry is inactive)",
    ("PricebookEntryId",),
)
PRODUCT_MISMATCH = RecordError(
    INTEGRITY,
    "field integrity exception: Product2Id (product does not match the pricebook entry)",
    ("Product2Id",),
)
ORDER_NOT_DRAFT = RecordError(
    INTEGRITY, "You can't add, change or delete products of an order that is not in Draft status"
)


class PricebookEntryRules(ObjectRules):
    def derive(self, writer, changes):
        for change in changes:
            product = writer.reference(change.document.get("Product2Id"), "Product2") or {}
            change.document["Name"] = product.get("Name")
            change.document["ProductCode"] = product.get("ProductCode")
            _drop_nones(change.document, ("Name", "ProductCode"))

    def validate(self, writer, changes):
        creates = [change for change in changes if change.creating]
        if not creates:
            return
        standard = writer.org.standard_pricebook_id
        existing = _entries_by_product_and_book(writer, {c.document["Product2Id"] for c in creates})
        for change in creates:
            product, book = change.document["Product2Id"], change.document["Pricebook2Id"]
            if (product, book) in existing:
                change.fail(
                    RecordError(
                        "DUPLICATE_VALUE", "This price definition already exists in this price book"
                    )
                )
            elif book != standard and not existing.get((product, standard), {}).get("IsActive"):
                change.fail(
                    RecordError(
                        "STANDARD_PRICE_NOT_DEFINED", "No standard price defined for this product"
                    )
                )
            existing[(product, book)] = change.document


def _entries_by_product_and_book(writer, products) -> dict[tuple[str, str], dict]:
    rows = Record.objects.filter(
        org=writer.org,
        object_name="PricebookEntry",
        is_deleted=False,
        data__Product2Id__in=list(products),
    ).values_list("data", flat=True)
    return {(data["Product2Id"], data["Pricebook2Id"]): data for data in rows}


def _drop_nones(document: dict, names) -> None:
    for name in names:
        if document.get(name) is None:
            document.pop(name, None)


class OrderRules(ObjectRules):
    def derive(self, writer, changes):
        for change in changes:
            change.document["StatusCode"] = change.document.get("Status")
            if change.creating:
                change.document.setdefault("TotalAmount", 0.0)

    def validate(self, writer, changes):
        existing = [change.record_id for change in changes if not change.creating]
        item_counts = _child_counts(writer, "OrderItem", "OrderId", existing)
        for change in changes:
            error = self._order_error(change, item_counts.get(change.record_id, 0))
            if error:
                change.fail(error)
            elif self._activating(change):
                change.document["ActivatedDate"] = writer.stamp

    @staticmethod
    def _activating(change) -> bool:
        was_active = change.before and change.before.get("Status") == "Activated"
        return change.document.get("Status") == "Activated" and not was_active

    def _order_error(self, change, item_count: int) -> RecordError | None:
        before = change.before or {}
        if before.get("Status") == "Activated" and _changed(change, "AccountId"):
            return RecordError(
                INTEGRITY, "You can't change the account of an activated order", ("AccountId",)
            )
        if item_count and _changed(change, "Pricebook2Id"):
            return RecordError(
                INTEGRITY,
                "You can't change the price book of an order that has products",
                ("Pricebook2Id",),
            )
        if self._activating(change) and not item_count:
            return RecordError(
                INTEGRITY, "You can't activate an order without products", ("Status",)
            )
        return None


def _changed(change, name: str) -> bool:
    return name in change.values and (change.before or {}).get(name) != change.values[name]


def _child_counts(writer, child: str, link: str, parent_ids) -> dict[str, int]:
    if not parent_ids:
        return {}
    counts = defaultdict(int)
    rows = Record.objects.filter(
        org=writer.org, object_name=child, is_deleted=False, **{f"data__{link}__in": parent_ids}
    ).values_list("data", flat=True)
    for data in rows:
        counts[data[link]] += 1
    return counts


class LineItemRules(ObjectRules):
    """What OrderItem and OpportunityLineItem share: prices from the price book entry."""

    parent_object = ""
    link = ""

    def derive(self, writer, changes):
        for change in changes:
            document = change.document
            entry = writer.reference(document.get("PricebookEntryId"), "PricebookEntry") or {}
            if entry.get("Product2Id") and "Product2Id" not in change.values:
                document["Product2Id"] = entry["Product2Id"]
            if entry.get("UnitPrice") is not None:
                document["ListPrice"] = entry["UnitPrice"]
            self.derive_prices(change)

    def derive_prices(self, change) -> None:
        document = change.document
        if document.get("Quantity") is not None and document.get("UnitPrice") is not None:
            document["TotalPrice"] = round(document["Quantity"] * document["UnitPrice"], 2)

    def entry_error(self, writer, change, parent_book) -> RecordError | None:
        entry = writer.reference(change.document.get("PricebookEntryId"), "PricebookEntry")
        if entry is None:
            return None  # reported as an invalid reference
        if "PricebookEntryId" in change.values and not entry.get("IsActive"):
            return INACTIVE_ENTRY
        if change.document.get("Product2Id") != entry.get("Product2Id"):
            return PRODUCT_MISMATCH
        if parent_book and entry.get("Pricebook2Id") != parent_book:
            return self.mismatch
        return None

    def parents(self, changes) -> set[str]:
        return {change.document.get(self.link) for change in changes}

    def after_delete(self, writer, changes):
        self.after_write(writer, changes)


class OrderItemRules(LineItemRules):
    parent_object = "Order"
    link = "OrderId"
    mismatch = ORDER_PRICEBOOK_MISMATCH

    def validate(self, writer, changes):
        for change in changes:
            order = writer.reference(change.document.get("OrderId"), "Order")
            if order is None:
                continue
            if order.get("Status") != "Draft":
                change.fail(ORDER_NOT_DRAFT)
            elif not order.get("Pricebook2Id"):
                change.fail(ORDER_PRICEBOOK_MISMATCH)
            else:
                error = self.entry_error(writer, change, order["Pricebook2Id"])
                if error:
                    change.fail(error)

    def after_write(self, writer, changes):
        roll_up(writer, "OrderItem", "OrderId", self.parents(changes), "TotalAmount")

    def before_delete(self, writer, changes):
        for change in changes:
            order = writer.reference(change.before.get("OrderId"), "Order")
            if order is not None and order.get("Status") != "Draft":
                change.fail(ORDER_NOT_DRAFT)


class OpportunityLineItemRules(LineItemRules):
    parent_object = "Opportunity"
    link = "OpportunityId"
    mismatch = OPPORTUNITY_PRICEBOOK_MISMATCH

    def derive_prices(self, change) -> None:
        document = change.document
        quantity = document.get("Quantity")
        if "TotalPrice" in change.values and "UnitPrice" not in change.values and quantity:
            document["UnitPrice"] = round(document["TotalPrice"] / quantity, 2)
        elif quantity is not None and document.get("UnitPrice") is not None:
            document["TotalPrice"] = round(quantity * document["UnitPrice"], 2)

    def derive(self, writer, changes):
        super().derive(writer, changes)
        for change in changes:
            opportunity = writer.reference(change.document.get("OpportunityId"), "Opportunity")
            entry = writer.reference(change.document.get("PricebookEntryId"), "PricebookEntry")
            if opportunity and entry:
                change.document["Name"] = (
                    f"{opportunity.get('Name')} {entry.get('Name', '')}".strip()
                )

    def validate(self, writer, changes):
        books = {}
        for change in changes:
            if change.creating and "UnitPrice" in change.values and "TotalPrice" in change.values:
                change.fail(
                    RecordError(
                        INTEGRITY,
                        "field integrity exception: TotalPrice (must specify either UnitPrice or "
                        "TotalPrice, but not both)",
                        ("TotalPrice",),
                    )
                )
                continue
            if change.document.get("UnitPrice") is None:
                change.fail(
                    RecordError(
                        "REQUIRED_FIELD_MISSING",
                        "Required fields are missing: [UnitPrice]",
                        ("UnitPrice",),
                    )
                )
                continue
            self._check_book(writer, change, books)

    def _check_book(self, writer, change, books) -> None:
        parent_id = change.document.get("OpportunityId")
        opportunity = writer.reference(parent_id, "Opportunity")
        if opportunity is None:
            return
        entry = writer.reference(change.document.get("PricebookEntryId"), "PricebookEntry") or {}
        book = opportunity.get("Pricebook2Id") or books.get(parent_id) or entry.get("Pricebook2Id")
        books[parent_id] = book
        error = self.entry_error(writer, change, book)
        if error:
            change.fail(error)

    def after_write(self, writer, changes):
        books = {}
        for change in changes:
            entry = writer.reference(change.document.get("PricebookEntryId"), "PricebookEntry")
            opportunity = writer.reference(change.document.get("OpportunityId"), "Opportunity")
            if entry and opportunity is not None and not opportunity.get("Pricebook2Id"):
                books[change.document["OpportunityId"]] = {"Pricebook2Id": entry["Pricebook2Id"]}
        roll_up(
            writer, "OpportunityLineItem", "OpportunityId", self.parents(changes), "Amount", books
        )


class OpportunityRules(ObjectRules):
    def derive(self, writer, changes):
        for change in changes:
            document = change.document
            stage = document.get("StageName")
            document["IsClosed"] = stage in ("Closed Won", "Closed Lost")
            document["IsWon"] = stage == "Closed Won"
            stage_changed = change.creating or "StageName" in change.values
            if stage in OPPORTUNITY_STAGES and stage_changed and "Probability" not in change.values:
                document["Probability"] = OPPORTUNITY_STAGES[stage]


RULES = {
    "PricebookEntry": PricebookEntryRules(),
    "Order": OrderRules(),
    "OrderItem": OrderItemRules(),
    "Opportunity": OpportunityRules(),
    "OpportunityLineItem": OpportunityLineItemRules(),
}
