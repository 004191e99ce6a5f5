"""Storage of the emulated BigCommerce stores.

One table per resource. The columns the API filters, sorts or joins on (the resource's API id,
`date_modified`, `email`, `sku`, `status_id`, `customer_id`, parent links) are real, indexed
columns; the rest of a record's wire representation lives in a JSON `body`, merged over a
constant template when it is rendered. That keeps bulk inserts of 100,000 orders cheap (one
narrow row plus a small JSON per record) and lets a page of 250 orders be read with two indexed
queries and no per-field work.

API ids are per store, as on the platform: `bc_id` is unique within a store and allocated from
`IdSequence`, so every store starts at 1 and demo data is the same for the same seed.
Timestamps are stored at whole seconds, the precision of the API.
"""

import json

from django.db import models


class CompactJSONEncoder(json.JSONEncoder):
    """Bodies are stored without the spaces of json.dumps' defaults: a tenth less to write."""

    def __init__(self, *args, **kwargs):
        kwargs["separators"] = (",", ":")
        super().__init__(*args, **kwargs)


class SandboxStore(models.Model):
    store_hash = models.CharField(max_length=32, unique=True)
    access_token = models.CharField(max_length=128)
    name = models.CharField(max_length=100, default="Sandbox store")
    # The numeric store id that webhooks (as a string) and /v2/store carry.
    store_id = models.BigIntegerField(unique=True)
    # Hooks are visible to the API account that created them; the emulator has one per store.
    client_id = models.CharField(max_length=64)
    rate_limit_quota = models.PositiveIntegerField("requests per window", default=150)
    rate_limit_window_ms = models.PositiveIntegerField("window (ms)", default=30_000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.store_hash})"


class IdSequence(models.Model):
    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="sequences")
    name = models.CharField(max_length=40)
    last = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="bc_sequence_unique_name")
        ]

    def __str__(self):
        return f"{self.name} of {self.store_id}: {self.last}"


class RateLimitWindow(models.Model):
    """The store's current quota window, shared by every process serving the emulator."""

    store = models.OneToOneField(SandboxStore, on_delete=models.CASCADE, related_name="rate")
    started_at = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.used} requests since {self.started_at:%H:%M:%S}"


class StoreRecord(models.Model):
    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="+")
    bc_id = models.BigIntegerField()
    body = models.JSONField(default=dict, encoder=CompactJSONEncoder)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{type(self).__name__} {self.bc_id}"


def _unique_id(name):
    return models.UniqueConstraint(fields=["store", "bc_id"], name=f"bc_{name}_unique_id")


class CustomerGroup(StoreRecord):
    name = models.CharField(max_length=255)
    is_default = models.BooleanField(default=False)
    date_created = models.DateTimeField()
    date_modified = models.DateTimeField()

    class Meta:
        constraints = [_unique_id("group")]


class CustomerAttribute(StoreRecord):
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=20)
    date_created = models.DateTimeField()
    date_modified = models.DateTimeField()

    class Meta:
        constraints = [_unique_id("attribute")]


class Customer(StoreRecord):
    email = models.CharField(max_length=255)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    company = models.CharField(max_length=255, blank=True)
    customer_group_id = models.BigIntegerField(default=0)
    date_created = models.DateTimeField()
    date_modified = models.DateTimeField()

    class Meta:
        constraints = [
            _unique_id("customer"),
            models.UniqueConstraint(fields=["store", "email"], name="bc_customer_unique_email"),
        ]
        indexes = [models.Index(fields=["store", "date_modified", "bc_id"])]


class CustomerAddress(StoreRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")

    class Meta:
        constraints = [_unique_id("address")]


class Category(StoreRecord):
    parent_id = models.BigIntegerField(default=0)
    tree_id = models.BigIntegerField(default=1)
    name = models.CharField(max_length=50)
    sort_order = models.IntegerField(default=0)
    is_visible = models.BooleanField(default=True)
    uuid = models.UUIDField()

    class Meta:
        constraints = [_unique_id("category")]


class Brand(StoreRecord):
    name = models.CharField(max_length=255)

    class Meta:
        constraints = [_unique_id("brand")]


class Product(StoreRecord):
    name = models.CharField(max_length=250)
    sku = models.CharField(max_length=255, blank=True)
    date_created = models.DateTimeField()
    date_modified = models.DateTimeField()

    class Meta:
        constraints = [_unique_id("product")]
        indexes = [
            models.Index(fields=["store", "date_modified", "bc_id"]),
            models.Index(fields=["store", "sku"]),
        ]


class Variant(StoreRecord):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=255, blank=True)
    sku_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [_unique_id("variant")]
        indexes = [models.Index(fields=["store", "sku"])]


class Order(StoreRecord):
    customer_id = models.BigIntegerField(default=0)
    email = models.CharField(max_length=255, blank=True)
    status_id = models.PositiveSmallIntegerField()
    date_created = models.DateTimeField()
    date_modified = models.DateTimeField()
    is_deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [_unique_id("order")]
        # Lists leave archived orders out, so `is_deleted` leads the indexes they page on:
        # a page is then found on the index alone, whatever its offset.
        indexes = [
            models.Index(fields=["store", "is_deleted", "bc_id"]),
            models.Index(fields=["store", "is_deleted", "date_modified", "bc_id"]),
            models.Index(fields=["store", "is_deleted", "date_created", "bc_id"]),
            models.Index(fields=["store", "status_id", "bc_id"]),
            models.Index(fields=["store", "customer_id", "bc_id"]),
            models.Index(fields=["store", "email"]),
        ]


class OrderProduct(StoreRecord):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="products")
    product_id = models.BigIntegerField(default=0)
    variant_id = models.BigIntegerField(null=True)
    sku = models.CharField(max_length=255, blank=True)
    address_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [_unique_id("order_product")]
        indexes = [models.Index(fields=["store", "sku"])]


class OrderAddress(StoreRecord):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="addresses")

    class Meta:
        constraints = [_unique_id("order_address")]


class OrderCoupon(StoreRecord):
    """A coupon applied to an order (`GET /v2/orders/{id}/coupons`). `discount` is the amount
    it took off the order; the order's `coupon_discount` is the sum of its coupons'. The body
    holds the rest of the wire form (coupon_id, amount, type)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=50)
    discount = models.DecimalField(max_digits=20, decimal_places=4, default=0)

    class Meta:
        constraints = [_unique_id("order_coupon")]


class Refund(StoreRecord):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    created = models.DateTimeField()

    class Meta:
        constraints = [_unique_id("refund")]
        indexes = [models.Index(fields=["store", "created", "bc_id"])]


class Metafield(StoreRecord):
    resource_type = models.CharField(max_length=20)
    resource_id = models.BigIntegerField()
    namespace = models.CharField(max_length=64)
    key = models.CharField(max_length=64)
    owner_client_id = models.CharField(max_length=64)
    date_created = models.DateTimeField()
    date_modified = models.DateTimeField()

    class Meta:
        constraints = [
            _unique_id("metafield"),
            models.UniqueConstraint(
                fields=[
                    "store",
                    "owner_client_id",
                    "resource_type",
                    "resource_id",
                    "namespace",
                    "key",
                ],
                name="bc_metafield_unique_key",
            ),
        ]
        indexes = [models.Index(fields=["store", "resource_type", "resource_id"])]


class Hook(models.Model):
    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="+")
    bc_id = models.BigIntegerField()
    client_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=255)
    destination = models.CharField(max_length=1024)
    is_active = models.BooleanField(default=True)
    headers = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [_unique_id("hook")]

    def __str__(self):
        return f"{self.scope} -> {self.destination}"


class Delivery(models.Model):
    """One webhook callback to one hook: the outbox row, kept until it is sent or given up."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        DELIVERED = "delivered"
        FAILED = "failed"  # the retry schedule ran out: the hook was deactivated
        DROPPED = "dropped"  # the hook was deactivated before this callback could be sent

    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="+")
    hook = models.ForeignKey(Hook, on_delete=models.CASCADE, related_name="deliveries")
    scope = models.CharField(max_length=255)
    body = models.TextField()  # the exact bytes sent, so a re-fire is byte-identical
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True)
    last_status_code = models.PositiveIntegerField(null=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.scope} to hook {self.hook_id}: {self.status}"
