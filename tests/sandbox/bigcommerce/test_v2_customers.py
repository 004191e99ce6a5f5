"""v2 customers (deprecated, still served): shapes, filters, paging, count and not-found."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sandbox.bigcommerce.models import Customer

V2_FIELDS = {
    "id", "company", "first_name", "last_name", "email", "phone", "date_created",
    "date_modified", "store_credit", "registration_ip_address", "customer_group_id", "notes",
    "tax_exempt_category", "accepts_marketing", "addresses", "form_fields", "reset_pass_on_login",
}  # fmt: skip


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text[:300]
    return [customer["id"] for customer in response.json()]


def test_v2_customers_are_the_v3_customers_in_v2_shapes(seeded_api):
    v3 = {c["id"]: c for c in seeded_api.get("v3/customers?limit=250").json()["data"]}
    listed = seeded_api.get("v2/customers", params={"limit": 250})

    assert ids(listed) == sorted(v3)
    for customer in listed.json():
        assert set(customer) == V2_FIELDS
        same = v3[customer["id"]]
        for name in ("email", "first_name", "last_name", "company", "customer_group_id", "phone"):
            assert customer[name] == same[name]
        for name in ("date_created", "date_modified"):
            assert customer[name].endswith(" +0000")
            v3_moment = datetime.fromisoformat(same[name])
            assert parsedate_to_datetime(customer[name]) == v3_moment
        resource = f"/customers/{customer['id']}/addresses"
        assert customer["addresses"] == {
            "url": f"{seeded_api.root}/v2{resource}",
            "resource": resource,
        }
        assert isinstance(customer["store_credit"], str) and float(customer["store_credit"]) >= 0
        assert customer["reset_pass_on_login"] is False


def test_one_v2_customer_and_a_missing_one_in_v2s_error_shape(seeded_api):
    first = seeded_api.get("v2/customers", params={"limit": 1}).json()[0]

    assert seeded_api.get(f"v2/customers/{first['id']}").json() == first
    missing = seeded_api.get("v2/customers/999999")
    assert missing.status_code == 404
    assert missing.json() == [{"status": 404, "message": missing.json()[0]["message"]}]


def test_v2_customers_page_by_page_and_limit_at_most_250(seeded_api):
    total = Customer.objects.count()
    pages = [ids(seeded_api.get("v2/customers", params={"limit": 5, "page": n})) for n in (1, 2)]
    assert [len(page) for page in pages] == [5, 5]
    assert pages[0] + pages[1] == sorted(Customer.objects.values_list("bc_id", flat=True))[:10]
    past_the_end = seeded_api.get("v2/customers", params={"limit": 5, "page": total // 5 + 2})
    assert past_the_end.status_code == 204 and past_the_end.content == b""
    too_many = seeded_api.get("v2/customers", params={"limit": 251})
    assert too_many.status_code == 413
    assert too_many.json()["details"] == {"max_limit": 250}
    assert seeded_api.get("v2/customers/count").json() == {"count": total}


def test_a_store_without_customers_answers_204_and_a_count_of_0(api):
    empty = api.get("v2/customers")
    assert empty.status_code == 204 and empty.content == b""
    assert api.get("v2/customers/count").json() == {"count": 0}


def test_v2_customer_filters_and_their_count(seeded_api):
    customers = list(Customer.objects.order_by("bc_id"))
    a, b, c = customers[2], customers[5], customers[8]
    Customer.objects.filter(pk=a.pk).update(company="Filter Co", customer_group_id=0)
    Customer.objects.filter(pk=b.pk).update(
        company="Filter Co", first_name="Zelda", last_name="Quux", customer_group_id=0
    )
    group = Customer.objects.exclude(customer_group_id=0).first().customer_group_id
    old = datetime(2020, 1, 1, tzinfo=UTC)
    Customer.objects.exclude(pk=c.pk).update(date_created=old, date_modified=old)
    Customer.objects.filter(pk=c.pk).update(
        date_created=old + timedelta(days=10), date_modified=old + timedelta(days=20)
    )

    def check(params: dict, expected: list[int]) -> None:
        assert ids(seeded_api.get("v2/customers", params=params)) == expected, params
        assert seeded_api.get("v2/customers/count", params=params).json() == {
            "count": len(expected)
        }, params

    all_ids = [x.bc_id for x in customers]
    check({"min_id": b.bc_id}, [i for i in all_ids if i >= b.bc_id])
    check({"max_id": a.bc_id}, [i for i in all_ids if i <= a.bc_id])
    check({"min_id": a.bc_id, "max_id": b.bc_id}, [i for i in all_ids if a.bc_id <= i <= b.bc_id])
    check({"email": a.email.upper()}, [a.bc_id])
    check({"company": "Filter Co"}, [a.bc_id, b.bc_id])
    check({"first_name": "Zelda"}, [b.bc_id])
    check({"last_name": "Quux"}, [b.bc_id])
    in_group = list(
        Customer.objects.filter(customer_group_id=group)
        .order_by("bc_id")
        .values_list("bc_id", flat=True)
    )
    check({"customer_group_id": group}, in_group)
    check({"min_date_created": "Fri, 03 Jan 2020 00:00:00 +0000"}, [c.bc_id])
    check({"max_date_created": "2020-01-02T00:00:00+00:00"}, [i for i in all_ids if i != c.bc_id])
    check({"min_date_modified": "2020-01-15T00:00:00Z"}, [c.bc_id])
    check(
        {"min_date_modified": "2020-01-01T00:00:00Z", "max_date_modified": "2020-01-01T00:00:00Z"},
        [i for i in all_ids if i != c.bc_id],
    )
    nobody = seeded_api.get("v2/customers", params={"email": "nobody@example.com"})
    assert nobody.status_code == 204
    assert seeded_api.get("v2/customers/count", params={"email": "x@y.z"}).json() == {"count": 0}
    assert seeded_api.get("v2/customers", params={"min_id": "abc"}).status_code == 400
