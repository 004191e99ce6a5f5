"""Customers (v3), their addresses and attributes, and customer groups (v2)."""

from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import (
    Customer,
    CustomerAddress,
    CustomerAttribute,
    CustomerGroup,
    Metafield,
    SandboxStore,
)
from sandbox.bigcommerce.reference import country_name
from sandbox.bigcommerce.services import allocate_ids, next_id
from sandbox.bigcommerce.validation import Errors, batch
from sandbox.bigcommerce.webhooks import emit

BATCH_LIMIT = 10
# "Multiple customer addresses can be created in one call": the number is not documented.
ADDRESS_BATCH_LIMIT = 1000
MISSING_CUSTOMER = "Customer not found."
CUSTOMER_DEFAULTS = {
    "phone": "",
    "notes": "",
    "tax_exempt_category": "",
    "registration_ip_address": "",
    "accepts_product_review_abandoned_cart_emails": False,
    "origin_channel_id": 1,
    "channel_ids": [1],
    "store_credit_amounts": [{"amount": 0}],
    "force_password_reset": False,
    "attributes": [],
    "form_fields": [],
}
CUSTOMER_BODY_FIELDS = (
    "phone",
    "notes",
    "tax_exempt_category",
    "accepts_product_review_abandoned_cart_emails",
    "store_credit_amounts",
    "channel_ids",
    "form_fields",
)
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "state_or_province",
    "postal_code",
    "country_code",
    "phone",
    "address_type",
)
ADDRESS_REQUIRED = ("first_name", "last_name", "address1", "city", "country_code")
ADDRESS_TYPES = ("residential", "commercial")
MAX_ADDRESSES = 10
# Text fields of customers.v3.yml: name -> (minLength, maxLength); email is checked apart (its
# limit differs between customer_Post and customer_Put).
CUSTOMER_TEXT = {
    "first_name": (1, 100),
    "last_name": (1, 100),
    "company": (0, 255),
    "phone": (0, 50),
    "tax_exempt_category": (0, 255),
    "notes": (0, None),
}
ADDRESS_TEXT = {
    "first_name": (1, 255),
    "last_name": (1, 255),
    "company": (0, 255),
    "address1": (0, None),
    "address2": (0, None),
    "city": (0, 100),
    "state_or_province": (0, 100),
    "postal_code": (0, 30),
    "country_code": (2, 2),
    "phone": (0, 50),
}


# --- representation -----------------------------------------------------------------------------
def render_customer(customer: Customer, include: set[str]) -> dict:
    body = {**CUSTOMER_DEFAULTS, **customer.body}
    data = {
        "id": customer.bc_id,
        "authentication": {"force_password_reset": body["force_password_reset"]},
        "company": customer.company,
        "customer_group_id": customer.customer_group_id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "notes": body["notes"],
        "phone": body["phone"],
        "registration_ip_address": body["registration_ip_address"],
        "tax_exempt_category": body["tax_exempt_category"],
        "date_created": dates.v3(customer.date_created),
        "date_modified": dates.v3(customer.date_modified),
        "accepts_product_review_abandoned_cart_emails": body[
            "accepts_product_review_abandoned_cart_emails"
        ],
        "origin_channel_id": body["origin_channel_id"],
        "channel_ids": body["channel_ids"],
        "address_count": customer.address_count,
        "attribute_count": len(body["attributes"]),
    }
    if "addresses" in include:
        with_fields = "formfields" in include
        data["addresses"] = [
            render_address(a, customer.bc_id, with_fields) for a in customer.addresses.all()
        ]
    if "attributes" in include:
        data["attributes"] = [{**a, "customer_id": customer.bc_id} for a in body["attributes"]]
    if "formfields" in include:
        data["form_fields"] = [{**f, "customer_id": customer.bc_id} for f in body["form_fields"]]
    if "storecredit" in include:
        data["store_credit_amounts"] = body["store_credit_amounts"]
    return data


def render_v2_customer(customer: Customer, root: str) -> dict:
    """The customer as the deprecated v2 API shows it: RFC-2822 dates, store credit as a
    string, and its addresses as a link to their sub-resource."""
    body = {**CUSTOMER_DEFAULTS, **customer.body}
    credit = sum(float(c.get("amount") or 0) for c in body["store_credit_amounts"])
    resource = f"/customers/{customer.bc_id}/addresses"
    return {
        "id": customer.bc_id,
        "company": customer.company,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": body["phone"],
        "form_fields": [
            {"name": f.get("name", ""), "value": f.get("value")} for f in body["form_fields"]
        ],
        "date_created": dates.v2(customer.date_created),
        "date_modified": dates.v2(customer.date_modified),
        "store_credit": f"{credit:.4f}",
        "registration_ip_address": body["registration_ip_address"],
        "customer_group_id": customer.customer_group_id,
        "notes": body["notes"],
        "tax_exempt_category": body["tax_exempt_category"],
        "reset_pass_on_login": bool(body["force_password_reset"]),
        "accepts_marketing": bool(body["accepts_product_review_abandoned_cart_emails"]),
        "addresses": {"url": f"{root}/v2{resource}", "resource": resource},
    }


def render_address(address: CustomerAddress, customer_id: int, form_fields: bool) -> dict:
    body = address.body
    data = {
        "id": address.bc_id,
        "customer_id": customer_id,
        **{name: body.get(name, "") for name in ADDRESS_FIELDS},
        "country": country_name(body.get("country_code", "")),
    }
    data["address_type"] = body.get("address_type") or "residential"
    if form_fields:
        data["form_fields"] = [
            {**f, "address_id": address.bc_id} for f in body.get("form_fields", [])
        ]
    return data


def render_group(group: CustomerGroup) -> dict:
    return {
        "id": group.bc_id,
        "name": group.name,
        "is_default": group.is_default,
        "category_access": group.body.get("category_access", {"type": "all"}),
        "discount_rules": group.body.get("discount_rules", []),
        "is_group_for_guests": group.body.get("is_group_for_guests", False),
        "date_created": dates.v2(group.date_created),
        "date_modified": dates.v2(group.date_modified),
    }


def render_attribute(attribute: CustomerAttribute) -> dict:
    return {
        "id": attribute.bc_id,
        "name": attribute.name,
        "type": attribute.type,
        "date_created": dates.v3(attribute.date_created),
        "date_modified": dates.v3(attribute.date_modified),
    }


# --- queries ------------------------------------------------------------------------------------
def customers(store: SandboxStore, include: set[str] = frozenset()) -> QuerySet:
    queryset = Customer.objects.filter(store=store).annotate(address_count=Count("addresses"))
    if "addresses" in include:
        queryset = queryset.prefetch_related(
            Prefetch("addresses", CustomerAddress.objects.order_by("bc_id"))
        )
    return queryset


def filter_by_names(queryset: QuerySet, names=None, like=None) -> QuerySet:
    if names is None and like is None:
        return queryset
    queryset = queryset.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
    if names is not None:
        queryset = queryset.filter(full_name__in=names)
    if like:
        matches = Q()
        for part in like:
            matches |= Q(full_name__icontains=part)
        queryset = queryset.filter(matches)
    return queryset


def get_customer(store: SandboxStore, customer_id: int) -> Customer:
    customer = Customer.objects.filter(store=store, bc_id=customer_id).first()
    if customer is None:
        raise ApiError(404, "Customer not found.")
    return customer


def addresses(store: SandboxStore) -> QuerySet:
    return CustomerAddress.objects.filter(store=store).select_related("customer").order_by("bc_id")


# --- customers: create, update, delete ----------------------------------------------------------
def create_customers(store: SandboxStore, data) -> list[Customer]:
    items = batch(data, BATCH_LIMIT)
    errors = Errors()
    emails = [str(item.get("email", "")).strip().lower() for item in items]
    taken = set(
        Customer.objects.filter(store=store, email__in=emails).values_list("email", flat=True)
    )
    for index, item in enumerate(items):
        _check_customer(store, item, errors, f"{index}.", required=True)
        if emails[index] in taken or emails.count(emails[index]) > 1:
            errors[f"{index}.email"] = f"The email address {emails[index]} is already in use."
    errors.raise_if_any("Create customers failed.")
    ids = allocate_ids(store, "customer", len(items))
    return [_create_customer(store, bc_id, item) for bc_id, item in zip(ids, items, strict=True)]


def _check_customer(store, item: dict, errors: Errors, prefix: str, required: bool) -> None:
    """The checks of customers.v3.yml's customer_Post (`required`, a create) or customer_Put."""
    if required:
        errors.missing(item, ("email", "first_name", "last_name"), prefix)
    errors.text(item, "email", prefix, 250 if required else 255, min_length=3)
    for name, (low, high) in CUSTOMER_TEXT.items():
        errors.text(item, name, prefix, high, low)
    errors.integer(item, "customer_group_id", prefix)
    errors.boolean(item, "accepts_product_review_abandoned_cart_emails", prefix)
    email = item.get("email")
    if isinstance(email, str) and email and "@" not in email:
        errors.setdefault(f"{prefix}email", "error.format.email")
    group = item.get("customer_group_id")
    if (
        group not in (None, 0)
        and not CustomerGroup.objects.filter(store=store, bc_id=group).exists()
    ):
        errors[f"{prefix}customer_group_id"] = "The customer group does not exist."
    if required:  # a customer update does not change sub-resources: they are not read
        _check_new_addresses(item.get("addresses"), errors, prefix)


def _check_new_addresses(given, errors: Errors, prefix: str) -> None:
    if given is None:
        return
    if not isinstance(given, list) or not all(isinstance(a, dict) for a in given):
        errors[f"{prefix}addresses"] = "error.type.array"
        return
    if len(given) > MAX_ADDRESSES:
        errors[f"{prefix}addresses"] = f"error.maxItems (at most {MAX_ADDRESSES})"
    for position, address in enumerate(given):
        where = f"{prefix}addresses.{position}."
        errors.missing(address, ADDRESS_REQUIRED, where)
        _check_address_fields(address, errors, where)


def _check_address_fields(address: dict, errors: Errors, where: str) -> None:
    for name, (low, high) in ADDRESS_TEXT.items():
        errors.text(address, name, where, high, low)
    errors.choice(address, "address_type", ADDRESS_TYPES, where)


def _create_customer(store: SandboxStore, bc_id: int, item: dict) -> Customer:
    now = dates.now()
    body = {name: item[name] for name in CUSTOMER_BODY_FIELDS if name in item}
    body["force_password_reset"] = bool(
        (item.get("authentication") or {}).get("force_password_reset")
    )
    body["origin_channel_id"] = item.get("origin_channel_id") or 1
    customer = Customer.objects.create(
        store=store,
        bc_id=bc_id,
        email=item["email"].strip().lower(),
        first_name=item["first_name"],
        last_name=item["last_name"],
        company=item.get("company") or "",
        customer_group_id=item.get("customer_group_id") or 0,
        date_created=now,
        date_modified=now,
        body=body,
    )
    for address in item.get("addresses") or []:
        _new_address(store, customer, address)
    emit(store, "store/customer/created", {"type": "customer", "id": customer.bc_id})
    return customer


def update_customers(store: SandboxStore, data) -> list[Customer]:
    items = batch(data, BATCH_LIMIT)
    errors = Errors()
    found = {
        c.bc_id: c
        for c in Customer.objects.filter(store=store, bc_id__in=[i.get("id") for i in items])
    }
    emails = [str(item.get("email") or "").strip().lower() for item in items]
    for index, item in enumerate(items):
        prefix = f"{index}."
        if item.get("id") not in found:
            errors[f"{prefix}id"] = MISSING_CUSTOMER
            continue
        _check_customer(store, item, errors, prefix, required=False)
        email = emails[index]
        taken = Customer.objects.filter(store=store, email=email).exclude(bc_id=item["id"])
        if email and (taken.exists() or emails.count(email) > 1):
            errors[f"{prefix}email"] = f"The email address {email} is already in use."
    errors.raise_if_any("Update customers failed.")
    return [_update_customer(found[item["id"]], item) for item in items]


def _update_customer(customer: Customer, item: dict) -> Customer:
    # Read-only fields (registration_ip_address, dates, origin_channel_id) and sub-resources
    # are not changed by this endpoint; the platform ignores them too.
    for name in ("first_name", "last_name", "company", "customer_group_id"):
        if name in item and item[name] is not None:
            setattr(customer, name, item[name])
    if item.get("email"):
        customer.email = item["email"].strip().lower()
    customer.body.update({name: item[name] for name in CUSTOMER_BODY_FIELDS if name in item})
    if "authentication" in item:
        reset = (item["authentication"] or {}).get("force_password_reset")
        customer.body["force_password_reset"] = bool(reset)
    customer.date_modified = dates.now()
    customer.save()
    emit(customer.store, "store/customer/updated", {"type": "customer", "id": customer.bc_id})
    return customer


def delete_customers(store: SandboxStore, ids: list[int]) -> None:
    for customer in Customer.objects.filter(store=store, bc_id__in=ids):
        customer.delete()
        emit(store, "store/customer/deleted", {"type": "customer", "id": customer.bc_id})
    Metafield.objects.filter(store=store, resource_type="customer", resource_id__in=ids).delete()


# --- addresses ----------------------------------------------------------------------------------
def create_addresses(store: SandboxStore, data) -> list[CustomerAddress]:
    items = batch(data, ADDRESS_BATCH_LIMIT)
    errors = Errors()
    owners = {
        c.bc_id: c
        for c in Customer.objects.filter(
            store=store, bc_id__in=[i.get("customer_id") for i in items]
        )
    }
    for index, item in enumerate(items):
        errors.missing(
            item,
            ("customer_id", *ADDRESS_REQUIRED, "state_or_province", "postal_code"),
            f"{index}.",
        )
        _check_address_fields(item, errors, f"{index}.")
        if item.get("customer_id") is not None and item["customer_id"] not in owners:
            errors[f"{index}.customer_id"] = MISSING_CUSTOMER
    errors.raise_if_any()
    created = []
    for item in items:
        customer = owners[item["customer_id"]]
        # An identical address is not created again and is left out of the answer.
        if not _find_identical(customer, item):
            created.append(_new_address(store, customer, item))
    return created


def _address_fields(values: dict) -> dict:
    """The core fields of an address as stored (defaults filled in, country code in capitals)."""
    fields = {name: str(values.get(name) or "") for name in ADDRESS_FIELDS}
    fields["country_code"] = fields["country_code"].upper()
    fields["address_type"] = fields["address_type"] or "residential"
    return fields


def _address_key(values: dict) -> tuple:
    return tuple(_address_fields(values).values())


def _find_identical(customer: Customer, values: dict, exclude: int | None = None):
    key = _address_key(values)
    candidates = customer.addresses.exclude(bc_id=exclude) if exclude else customer.addresses.all()
    return next((a for a in candidates if _address_key(a.body) == key), None)


def _new_address(store: SandboxStore, customer: Customer, item: dict) -> CustomerAddress:
    body = {**_address_fields(item), "form_fields": item.get("form_fields") or []}
    address = CustomerAddress.objects.create(
        store=store, customer=customer, bc_id=next_id(store, "customer_address"), body=body
    )
    _emit_address(store, "created", address.bc_id, customer.bc_id)
    return address


def update_addresses(store: SandboxStore, data) -> list[CustomerAddress]:
    items = batch(data, ADDRESS_BATCH_LIMIT)
    found = {a.bc_id: a for a in addresses(store).filter(bc_id__in=[i.get("id") for i in items])}
    errors = Errors()
    for index, item in enumerate(items):
        if item.get("id") not in found:
            errors[f"{index}.id"] = "Address not found."
        _check_address_fields(item, errors, f"{index}.")
    errors.raise_if_any()
    updated = []
    for item in items:
        address = found[item["id"]]
        values = {**address.body, **{k: item[k] for k in ADDRESS_FIELDS if k in item}}
        if _find_identical(address.customer, values, exclude=address.bc_id):
            continue  # it would duplicate another address: unchanged, left out of the answer
        form_fields = item.get("form_fields", address.body.get("form_fields", []))
        address.body = {**_address_fields(values), "form_fields": form_fields}
        address.save(update_fields=["body"])
        _emit_address(store, "updated", address.bc_id, address.customer.bc_id)
        updated.append(address)
    return updated


def delete_addresses(store: SandboxStore, ids: list[int]) -> None:
    for address in addresses(store).filter(bc_id__in=ids):
        address.delete()
        _emit_address(store, "deleted", address.bc_id, address.customer.bc_id)


def _emit_address(store: SandboxStore, action: str, address_id: int, customer_id: int) -> None:
    data = {"type": "customer", "id": address_id, "address": {"customer_id": customer_id}}
    emit(store, f"store/customer/address/{action}", data)


# --- customer groups ----------------------------------------------------------------------------
def get_group(store: SandboxStore, group_id: int) -> CustomerGroup:
    group = CustomerGroup.objects.filter(store=store, bc_id=group_id).first()
    if group is None:
        raise ApiError(404)
    return group


def save_group(store: SandboxStore, data, group: CustomerGroup | None = None) -> CustomerGroup:
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be an object.")
    name = data.get("name", group.name if group else None)
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "The field 'name' is required.")
    clash = CustomerGroup.objects.filter(store=store, name=name.strip())
    if clash.exclude(pk=group.pk if group else None).exists():
        raise ApiError(409, "A customer group with this name already exists.")
    now = dates.now()
    if group is None:
        group = CustomerGroup(store=store, bc_id=next_id(store, "customer_group"), date_created=now)
    group.name = name.strip()
    group.is_default = bool(data.get("is_default", group.is_default))
    for key in ("category_access", "discount_rules", "is_group_for_guests"):
        if key in data:
            group.body[key] = data[key]
    group.date_modified = now
    group.save()
    return group


def delete_group(group: CustomerGroup) -> None:
    members = Customer.objects.filter(store=group.store, customer_group_id=group.bc_id)
    for customer in members:
        _update_customer(customer, {"customer_group_id": 0})
    group.delete()
