"""Deterministic demo data for an emulated store, inserted in bulk.

The same seed gives the same records, ids and dates: the history ends at a fixed moment
(`HISTORY_ENDS`) rather than now. Generating replaces the store's records (its webhooks stay)
and restarts its id sequences, so `sandbox_seed` can be run again.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import product as cartesian

from django.db import connection, transaction

from sandbox.bigcommerce import demo_words as words
from sandbox.bigcommerce.bulk import delete_store_rows
from sandbox.bigcommerce.demo_orders import OrderMaker
from sandbox.bigcommerce.models import (
    Brand,
    Category,
    Customer,
    CustomerAddress,
    CustomerAttribute,
    CustomerGroup,
    IdSequence,
    Metafield,
    Order,
    OrderAddress,
    OrderCoupon,
    OrderProduct,
    Product,
    Refund,
    SandboxStore,
    Variant,
)
from sandbox.bigcommerce.services import allocate_ids
from sandbox.bigcommerce.webhooks import emit

HISTORY_ENDS = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 365
ORDER_CHUNK = 5_000
COUNTED = (
    "customer_groups",
    "customer_attributes",
    "customers",
    "customer_addresses",
    "categories",
    "brands",
    "products",
    "variants",
    "metafields",
    "orders",
    "order_products",
    "refunds",
)
RECORD_MODELS = (
    Refund, OrderCoupon, OrderProduct, OrderAddress, Order, Metafield, Variant, Product, Brand,
    Category, CustomerAddress, Customer, CustomerAttribute, CustomerGroup,
)  # fmt: skip


def generate_demo_data(
    store: SandboxStore, *, customers=25, products=15, orders=60, seed=42, notify=False
) -> dict:
    """Fill the store with demo records; the number created of each kind.

    With `notify`, every created customer, category, product and order fires its
    `.../created` webhook, as if it had been made through the API.
    """
    builder = DemoBuilder(store, random.Random(seed))  # noqa: S311 - demo data, not secrets
    with transaction.atomic():
        builder.clear()
        builder.groups_and_attributes()
        builder.catalog(products)
        builder.customers(customers)
    for start in range(0, orders, ORDER_CHUNK):
        with transaction.atomic():
            builder.orders(start, min(orders, start + ORDER_CHUNK))
    _refresh_planner_statistics()
    if notify:
        with transaction.atomic():
            builder.notify()
    return builder.counts


def _refresh_planner_statistics() -> None:
    """After a bulk load, PostgreSQL's planner still believes the tables are nearly empty and
    picks sequential scans (a 250-order page took 10 times longer). SQLite needs no such step."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in RECORD_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _group_body(percent_off: str | None) -> dict:
    rules = [{"type": "all", "method": "percent", "amount": percent_off}] if percent_off else []
    return {"category_access": {"type": "all"}, "discount_rules": rules}


class DemoBuilder:
    def __init__(self, store: SandboxStore, rng: random.Random):
        self.store = store
        self.rng = rng
        self.counts = dict.fromkeys(COUNTED, 0)
        self.groups: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.brands: list[Brand] = []
        self.variants: list[tuple[Product, Variant]] = []
        self.buyers: list[tuple[Customer, dict]] = []
        self.history_ends, self.history_days = HISTORY_ENDS, HISTORY_DAYS

    # --- helpers ----------------------------------------------------------------------------
    def ids(self, kind: str, count: int) -> list[int]:
        return list(allocate_ids(self.store, kind, count)) if count else []

    def moment(self, start: datetime, end: datetime) -> datetime:
        seconds = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, seconds))

    def save(self, model, rows: list, counter: str | None = None) -> list:
        created = model.objects.bulk_create(rows, batch_size=2000)
        if counter:
            self.counts[counter] += len(created)
        return created

    def clear(self) -> None:
        for model in RECORD_MODELS:  # each after the tables that point at it
            delete_store_rows(model, self.store)
        # Hook ids keep counting: hooks are kept, and a new one must not reuse an id.
        IdSequence.objects.filter(store=self.store).exclude(name="hook").delete()

    # --- customers --------------------------------------------------------------------------
    def groups_and_attributes(self) -> None:
        start = HISTORY_ENDS - timedelta(days=HISTORY_DAYS + 30)
        groups = [
            ("Retail", True, _group_body(None)),
            ("Wholesale", False, _group_body("15.0000")),
            ("VIP", False, _group_body("5.0000")),
        ]
        rows = [
            CustomerGroup(
                store=self.store,
                bc_id=bc_id,
                name=name,
                is_default=default,
                body=body,
                date_created=start,
                date_modified=start,
            )
            for bc_id, (name, default, body) in zip(
                self.ids("customer_group", len(groups)), groups, strict=True
            )
        ]
        self.groups = {g.name: g.bc_id for g in self.save(CustomerGroup, rows, "customer_groups")}
        attributes = (
            ("Loyalty tier", "string"),
            ("Birthday", "date"),
            ("Lifetime value", "number"),
        )
        rows = [
            CustomerAttribute(
                store=self.store,
                bc_id=bc_id,
                name=name,
                type=kind,
                date_created=start,
                date_modified=start,
            )
            for bc_id, (name, kind) in zip(
                self.ids("customer_attribute", 3), attributes, strict=True
            )
        ]
        self.save(CustomerAttribute, rows, "customer_attributes")

    def customers(self, count: int) -> None:
        ids = self.ids("customer", count)
        people = [self._person(index, bc_id) for index, bc_id in enumerate(ids)]
        customers = self.save(Customer, [c for c, _ in people], "customers")
        addresses = []
        address_ids = iter(self.ids("customer_address", sum(len(a) for _, a in people)))
        for customer, (_, places) in zip(customers, people, strict=True):
            for place in places:
                addresses.append(
                    CustomerAddress(
                        store=self.store, customer=customer, bc_id=next(address_ids), body=place
                    )
                )
            self.buyers.append((customer, places[0]))
        self.save(CustomerAddress, addresses, "customer_addresses")
        self._metafields(
            "customer",
            [c.bc_id for c in customers[::3]],
            "crm",
            "segment",
            ("loyal", "new", "at-risk"),
        )

    def _person(self, index: int, bc_id: int) -> tuple[Customer, list[dict]]:
        rng = self.rng
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        is_company = index % 4 == 1
        company = (
            f"{rng.choice(words.COMPANY_STEMS)} {rng.choice(words.COMPANY_KINDS)}"
            if is_company
            else ""
        )
        group = "Wholesale" if is_company else rng.choice(("Retail", "Retail", "VIP", None))
        created = self.moment(
            HISTORY_ENDS - timedelta(days=HISTORY_DAYS), HISTORY_ENDS - timedelta(days=30)
        )
        places = [self.address(first, last, company) for _ in range(1 + (index % 3 == 0))]
        body = {
            "phone": f"+1 555 01{index % 100:02d}",
            "notes": "Key account" if is_company else "",
            "accepts_product_review_abandoned_cart_emails": index % 2 == 0,
            "store_credit_amounts": [{"amount": float(rng.choice((0, 0, 10, 25)))}],
            "attributes": self._attribute_values(index, bc_id, created),
            "form_fields": [
                {
                    "name": "How did you hear about us?",
                    "value": rng.choice(("Search", "Friend", "Magazine")),
                }
            ],
        }
        customer = Customer(
            store=self.store,
            bc_id=bc_id,
            email=f"{first}.{last}.{bc_id}@example.com".lower(),
            first_name=first,
            last_name=last,
            company=company,
            customer_group_id=self.groups.get(group, 0),
            date_created=created,
            date_modified=self.moment(created, HISTORY_ENDS),
            body=body,
        )
        return customer, places

    def _attribute_values(self, index: int, bc_id: int, created: datetime) -> list[dict]:
        stamp = created.isoformat(timespec="seconds")
        tier = ("Bronze", "Silver", "Gold")[index % 3]
        return [
            {
                "id": bc_id * 10 + 1,
                "attribute_id": 1,
                "attribute_value": tier,
                "date_created": stamp,
                "date_modified": stamp,
            },
            {
                "id": bc_id * 10 + 3,
                "attribute_id": 3,
                "attribute_value": str(100 * (index % 17)),
                "date_created": stamp,
                "date_modified": stamp,
            },
        ]

    def address(self, first: str, last: str, company: str) -> dict:
        city, state, zip_code, country = self.rng.choice(words.PLACES)
        return {
            "first_name": first,
            "last_name": last,
            "company": company,
            "address1": f"{self.rng.randint(1, 999)} {self.rng.choice(words.STREETS)}",
            "address2": "",
            "city": city,
            "state_or_province": state,
            "postal_code": zip_code,
            "country_code": country,
            "phone": "",
            "address_type": "commercial" if company else "residential",
            "form_fields": [],
        }

    # --- catalog ----------------------------------------------------------------------------
    def catalog(self, product_count: int) -> None:
        ids = iter(self.ids("category", len(words.CATEGORIES)))
        rows = []
        for position, (parent, name) in enumerate(words.CATEGORIES):
            bc_id = next(ids)
            self.categories[name] = bc_id
            rows.append(
                Category(
                    store=self.store,
                    bc_id=bc_id,
                    parent_id=self.categories[parent] if parent else 0,
                    name=name,
                    sort_order=position,
                    uuid=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                    body={"description": f"<p>{name}</p>", "page_title": name},
                )
            )
        self.save(Category, rows, "categories")
        self._metafields(
            "category", [self.categories["Sale"]], "merchandising", "banner", ("Summer sale",)
        )
        brand_rows = [
            Brand(store=self.store, bc_id=bc_id, name=name, body={})
            for bc_id, name in zip(self.ids("brand", len(words.BRANDS)), words.BRANDS, strict=True)
        ]
        self.brands = self.save(Brand, brand_rows, "brands")
        self._products(product_count)

    def _products(self, count: int) -> None:
        start = HISTORY_ENDS - timedelta(days=HISTORY_DAYS + 60)
        specs = [self._product_spec(index) for index in range(count)]
        products = []
        field_ids = iter(self.ids("custom_field", 2 * count))
        for bc_id, (name, category, price, _) in zip(
            self.ids("product", count), specs, strict=True
        ):
            created = self.moment(start, start + timedelta(days=60))
            products.append(self._product(bc_id, name, category, price, created, field_ids))
        products = self.save(Product, products, "products")
        self._variants(products, [options for *_, options in specs])
        self._metafields(
            "product", [p.bc_id for p in products], "warehouse", "bin", ("A1", "B4", "C2", "D7")
        )

    def _product_spec(self, index: int):
        name, category, price, options = words.PRODUCTS[index % len(words.PRODUCTS)]
        round_ = index // len(words.PRODUCTS)
        if round_:
            adjective = words.PRODUCT_ADJECTIVES[(round_ - 1) % len(words.PRODUCT_ADJECTIVES)]
            name = f"{adjective} {name}" + (
                f" {round_}" if round_ > len(words.PRODUCT_ADJECTIVES) else ""
            )
        return name, category, Decimal(price), options

    def _product(self, bc_id, name, category, price, created, field_ids) -> Product:
        sku = "".join(word[0] for word in name.split()).upper() + f"-{bc_id:04d}"
        categories = [self.categories[category]] + (
            [self.categories["Sale"]] if bc_id % 5 == 0 else []
        )
        body = {
            "description": f"<p>{name}, made to last.</p>",
            "price": float(price),
            "cost_price": float((price * Decimal("0.45")).quantize(Decimal("0.01"))),
            "retail_price": float(price),
            "weight": float(1 + bc_id % 4),
            "categories": categories,
            "brand_id": self.brands[bc_id % len(self.brands)].bc_id,
            "inventory_level": 20 + (bc_id * 7) % 180,
            "inventory_tracking": "product",
            "total_sold": (bc_id * 13) % 400,
            "is_featured": bc_id % 6 == 0,
            "search_keywords": name.lower(),
            "custom_fields": [
                {
                    "id": next(field_ids),
                    "name": "Material",
                    "value": self.rng.choice(("Cotton", "Wool", "Steel", "Cedar", "Nylon")),
                },
                {
                    "id": next(field_ids),
                    "name": "Care",
                    "value": self.rng.choice(("Machine wash", "Hand wash", "Wipe clean")),
                },
            ],
        }
        return Product(
            store=self.store,
            bc_id=bc_id,
            name=name,
            sku=sku,
            date_created=created,
            date_modified=self.moment(created, HISTORY_ENDS),
            body=body,
        )

    def _variants(self, products: list[Product], option_sets: list[dict]) -> None:
        option_ids = {}
        plans = []
        for product, options in zip(products, option_sets, strict=True):
            combos = list(
                cartesian(
                    *[[(name, label) for label in labels] for name, labels in options.items()]
                )
            )
            plans.append((product, combos or [()]))
        names = {name for options in option_sets for name in options}
        labels = {
            (name, label) for options in option_sets for name, ls in options.items() for label in ls
        }
        for key, bc_id in zip(
            [*sorted(names), *sorted(labels)],
            self.ids("option", len(names) + len(labels)),
            strict=True,
        ):
            option_ids[key] = bc_id
        total = sum(len(combos) for _, combos in plans)
        variant_ids, sku_ids = iter(self.ids("variant", total)), iter(self.ids("sku", total))
        rows = []
        for product, combos in plans:
            for combo in combos:
                rows.append(
                    self._variant(product, combo, next(variant_ids), next(sku_ids), option_ids)
                )
            product.body["base_variant_id"] = rows[-len(combos)].bc_id
        variants = self.save(Variant, rows, "variants")
        Product.objects.bulk_update(products, ["body"], batch_size=500)
        self.variants = [(v.product, v) for v in variants]
        self._metafields(
            "variant", [v.bc_id for v in variants[::4]], "warehouse", "shelf", ("1", "2", "3")
        )

    def _variant(
        self, product: Product, combo: tuple, bc_id: int, sku_id: int, option_ids: dict
    ) -> Variant:
        values = [
            {
                "id": option_ids[(name, label)],
                "label": label,
                "option_id": option_ids[name],
                "option_display_name": name,
            }
            for name, label in combo
        ]
        sku = "-".join([product.sku, *[label.upper().replace(" ", "") for _, label in combo]])
        body = {"option_values": values, "inventory_level": 5 + bc_id % 40}
        if combo and combo[0][1] in ("XL", "Long"):
            body["price"] = round(product.body["price"] + 10, 2)
        return Variant(
            store=self.store, product=product, bc_id=bc_id, sku=sku, sku_id=sku_id, body=body
        )

    def _metafields(
        self, resource_type: str, resource_ids: list[int], namespace: str, key: str, values
    ) -> None:
        ids = self.ids("metafield", len(resource_ids))
        rows = [
            Metafield(
                store=self.store,
                bc_id=bc_id,
                resource_type=resource_type,
                resource_id=resource_id,
                namespace=namespace,
                key=key,
                owner_client_id=self.store.client_id,
                date_created=HISTORY_ENDS,
                date_modified=HISTORY_ENDS,
                body={
                    "value": self.rng.choice(values),
                    "permission_set": "write",
                    "description": "",
                },
            )
            for bc_id, resource_id in zip(ids, resource_ids, strict=True)
        ]
        self.save(Metafield, rows, "metafields")

    # --- orders -----------------------------------------------------------------------------
    def orders(self, start: int, stop: int) -> None:
        if not self.variants:
            return
        ids = OrderMaker(self).make(start, stop)
        self._metafields("order", ids[::10], "fulfillment", "carrier", ("UPS", "DHL", "Royal Mail"))

    # --- notifications ----------------------------------------------------------------------
    def notify(self) -> None:
        for model, scope, kind in (
            (Customer, "store/customer/created", "customer"),
            (Category, "store/category/created", "category"),
            (Product, "store/product/created", "product"),
            (Order, "store/order/created", "order"),
        ):
            for bc_id in (
                model.objects.filter(store=self.store)
                .order_by("bc_id")
                .values_list("bc_id", flat=True)
            ):
                emit(self.store, scope, {"type": kind, "id": bc_id})
