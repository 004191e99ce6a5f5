"""Order coupons: what the storefront applied at checkout, listed as the v2 API lists them."""

from decimal import Decimal

import pytest

from sandbox.bigcommerce.models import Order
from sandbox.bigcommerce.order_writes import add_coupons
from tests.sandbox.bigcommerce.spec import reference_available, validate

SPEC = "orders.v2.oas2.yml"


def an_order(api) -> Order:
    created = api.post(
        "v2/orders",
        json={
            "billing_address": {"first_name": "Cy", "last_name": "Coupon", "email": "c@x.io"},
            "products": [{"name": "Kettle", "price_ex_tax": "40.00", "quantity": 2}],
        },
    ).json()
    return Order.objects.get(bc_id=created["id"])


def test_coupons_come_off_the_order_and_are_listed(api):
    order = an_order(api)
    before = api.get(f"v2/orders/{order.bc_id}").json()
    assert before["coupon_discount"] == "0.0000"
    assert api.get(f"v2/orders/{order.bc_id}/coupons").status_code == 204

    add_coupons(
        order,
        [{"code": "TENOFF", "type": 1, "amount": 10}, {"code": "FIVE", "type": 2, "amount": 5}],
    )

    after = api.get(f"v2/orders/{order.bc_id}").json()
    # 10% of 80.00, then 5.00 off what is left; totals lose the discount and its tax.
    assert after["coupon_discount"] == "13.0000"
    assert Decimal(after["total_ex_tax"]) == Decimal(before["total_ex_tax"]) - 13
    assert Decimal(after["total_inc_tax"]) == Decimal(before["total_inc_tax"]) - Decimal("14.07")
    coupons = api.get(f"v2/orders/{order.bc_id}/coupons").json()
    assert [(c["code"], c["type"], c["amount"], c["discount"]) for c in coupons] == [
        ("TENOFF", 1, 10.0, 8.0),
        ("FIVE", 2, 5.0, 5.0),
    ]
    assert {c["order_id"] for c in coupons} == {order.bc_id}
    listed = api.get("v2/orders", params={"min_id": order.bc_id}).json()
    assert listed[0]["coupon_discount"] == "13.0000"


def test_a_code_used_again_is_the_same_coupon(api):
    first, second = an_order(api), an_order(api)
    add_coupons(first, [{"code": "AGAIN", "type": 2, "amount": 3}])
    add_coupons(second, [{"code": "AGAIN", "type": 2, "amount": 3}])
    ids = [
        api.get(f"v2/orders/{order.bc_id}/coupons").json()[0]["coupon_id"]
        for order in (first, second)
    ]
    assert ids[0] == ids[1]


def test_the_coupons_answer_conforms_to_the_spec(api):
    reference_available()
    order = an_order(api)
    add_coupons(order, [{"code": "S2549JM0Y", "type": 2, "amount": 5}])
    validate(api.get(f"v2/orders/{order.bc_id}/coupons"), SPEC)
    validate(api.get(f"v2/orders/{order.bc_id}"), SPEC)


def test_other_coupon_types_are_not_emulated(api):
    with pytest.raises(ValueError, match="type 4"):
        add_coupons(an_order(api), [{"code": "SHIPFREE", "type": 4, "amount": 0}])
