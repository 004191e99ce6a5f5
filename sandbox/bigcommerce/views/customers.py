"""v3 customers, addresses and attributes; v2 customers (deprecated) and customer groups."""

from sandbox.bigcommerce import customers as service
from sandbox.bigcommerce.api import Call, json_response, no_content
from sandbox.bigcommerce.models import Customer, CustomerAttribute, CustomerGroup
from sandbox.bigcommerce.query import (
    bool_param,
    filter_dates,
    includes,
    int_list,
    int_param,
    sort_order,
    str_list,
    v2_collection,
    v3_collection,
)

CUSTOMER_SORTS = {
    "id": "bc_id",
    "date_created": "date_created",
    "date_modified": "date_modified",
    "last_name": "last_name",
}
WRITE_INCLUDES = {"addresses", "attributes", "formfields"}


def _render_customers(include):
    return lambda rows: [service.render_customer(c, include) for c in rows]


def list_customers(call: Call):
    include = includes(call)
    queryset = service.customers(call.store, include)
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if (emails := str_list(call, "email:in")) is not None:
        queryset = queryset.filter(email__in=[e.lower() for e in emails])
    if (companies := str_list(call, "company:in")) is not None:
        queryset = queryset.filter(company__in=companies)
    if (groups := int_list(call, "customer_group_id:in")) is not None:
        queryset = queryset.filter(customer_group_id__in=groups)
    queryset = service.filter_by_names(
        queryset, str_list(call, "name:in"), str_list(call, "name:like")
    )
    queryset = filter_dates(
        call, queryset, "date_modified", gte="date_modified:min", lte="date_modified:max"
    )
    queryset = filter_dates(
        call, queryset, "date_created", gte="date_created:min", lte="date_created:max"
    )
    queryset = queryset.order_by(*sort_order(call, CUSTOMER_SORTS))
    return v3_collection(call, queryset, _render_customers(include), cursor=True)


def _answer(call: Call, customers):
    ids = [c.bc_id for c in customers]
    rows = service.customers(call.store, WRITE_INCLUDES).filter(bc_id__in=ids).order_by("bc_id")
    return json_response({"data": _render_customers(WRITE_INCLUDES)(rows), "meta": {}})


def create_customers(call: Call):
    return _answer(call, service.create_customers(call.store, call.json))


def update_customers(call: Call):
    return _answer(call, service.update_customers(call.store, call.json))


def delete_customers(call: Call):
    ids = int_list(call, "id:in")
    if ids:  # without id:in the platform answers 204 and deletes nothing
        service.delete_customers(call.store, ids)
    return no_content()


# --- customers (v2) -----------------------------------------------------------------------------
# The v2 filters that compare a column (or a field of the body) with the value as given.
V2_TEXT_FILTERS = {
    "company": "company",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "body__phone",
    "tax_exempt_category": "body__tax_exempt_category",
}


def _v2_customers(call: Call):
    """The v2 filters of GET /v2/customers and /v2/customers/count; ordered by id, as documented.

    `store_credit` is not emulated (every emulated customer has a credit of 0) and is ignored.
    """
    queryset = Customer.objects.filter(store=call.store).order_by("bc_id")
    for name, lookup in (
        ("min_id", "bc_id__gte"),
        ("max_id", "bc_id__lte"),
        ("customer_group_id", "customer_group_id"),
    ):
        if (value := int_param(call, name)) is not None:
            queryset = queryset.filter(**{lookup: value})
    if email := call.query.get("email"):
        queryset = queryset.filter(email=email.strip().lower())  # stored in lower case
    for name, lookup in V2_TEXT_FILTERS.items():
        if name in call.query:
            queryset = queryset.filter(**{lookup: call.query[name]})
    queryset = filter_dates(
        call, queryset, "date_modified", gte="min_date_modified", lte="max_date_modified"
    )
    return filter_dates(
        call, queryset, "date_created", gte="min_date_created", lte="max_date_created"
    )


def list_v2_customers(call: Call):
    root = call.store_root
    return v2_collection(
        call, _v2_customers(call), lambda rows: [service.render_v2_customer(c, root) for c in rows]
    )


def count_v2_customers(call: Call):
    return json_response({"count": _v2_customers(call).count()})


def get_v2_customer(call: Call, customer_id):
    customer = service.get_customer(call.store, int(customer_id))
    return json_response(service.render_v2_customer(customer, call.store_root))


# --- addresses ----------------------------------------------------------------------------------
def _render_addresses(include):
    with_fields = "formfields" in include
    return lambda rows: [service.render_address(a, a.customer.bc_id, with_fields) for a in rows]


def list_addresses(call: Call):
    queryset = service.addresses(call.store)
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if (owners := int_list(call, "customer_id:in")) is not None:
        queryset = queryset.filter(customer__bc_id__in=owners)
    if (companies := str_list(call, "company:in")) is not None:
        queryset = queryset.filter(body__company__in=companies)
    return v3_collection(call, queryset, _render_addresses(includes(call)))


def create_addresses(call: Call):
    created = service.create_addresses(call.store, call.json)
    return json_response({"data": _render_addresses({"formfields"})(created), "meta": {}})


def update_addresses(call: Call):
    updated = service.update_addresses(call.store, call.json)
    return json_response({"data": _render_addresses({"formfields"})(updated), "meta": {}})


def delete_addresses(call: Call):
    ids = int_list(call, "id:in")
    if ids:
        service.delete_addresses(call.store, ids)
    return no_content()


# --- attributes ---------------------------------------------------------------------------------
def list_attributes(call: Call):
    queryset = CustomerAttribute.objects.filter(store=call.store).order_by("bc_id")
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    return v3_collection(call, queryset, lambda rows: [service.render_attribute(a) for a in rows])


# --- customer groups (v2) -----------------------------------------------------------------------
def _groups(call: Call):
    queryset = CustomerGroup.objects.filter(store=call.store).order_by("bc_id")
    if name := call.query.get("name"):
        queryset = queryset.filter(name=name)
    if like := call.query.get("name:like"):
        queryset = queryset.filter(name__icontains=like)
    if (is_default := bool_param(call, "is_default")) is not None:
        queryset = queryset.filter(is_default=is_default)
    if (for_guests := bool_param(call, "is_group_for_guests")) is not None:
        queryset = queryset.filter(body__is_group_for_guests=for_guests)
    queryset = filter_dates(
        call, queryset, "date_modified", gte="date_modified:min", lte="date_modified:max"
    )
    return filter_dates(
        call, queryset, "date_created", gte="date_created:min", lte="date_created:max"
    )


def list_groups(call: Call):
    return v2_collection(call, _groups(call), lambda rows: [service.render_group(g) for g in rows])


def count_groups(call: Call):
    return json_response({"count": _groups(call).count()})


def create_group(call: Call):
    return json_response(service.render_group(service.save_group(call.store, call.json)), 201)


def get_group(call: Call, group_id: int):
    return json_response(service.render_group(service.get_group(call.store, int(group_id))))


def update_group(call: Call, group_id: int):
    group = service.get_group(call.store, int(group_id))
    return json_response(service.render_group(service.save_group(call.store, call.json, group)))


def delete_group(call: Call, group_id: int):
    group = service.get_group(call.store, int(group_id))
    service.delete_group(group)
    return no_content()
