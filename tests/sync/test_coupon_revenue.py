"""Coupon revenue end to end: yesterday's orders of the demo store, summed per coupon code in
the store's time zone, written to the demo org's Campaigns over real HTTP."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mappings.models import CouponCampaign, ObjectSetting
from sandbox.bigcommerce.models import Order as SandboxOrder
from sandbox.bigcommerce.order_writes import add_coupons
from sandbox.salesforce.services import create_records
from sandbox.services import ensure_coupon_demo
from sync.models import ImportSchedule, Outcome, SyncLogEntry
from sync.pipeline.context import Context
from sync.pipeline.importers.revenue import CouponRevenueImporter
from tests.sync.conftest import bigcommerce, import_now, salesforce, sandbox_org

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "coupon_revenue"
FIELD = "BigCommerce_Coupon_Revenue__c"
ZONE = "America/New_York"
SUMMER = {"code": "SUMMER10", "type": 1, "amount": 10}
WELCOME = {"code": "welcome5", "type": 2, "amount": 5}  # the storefront took it in lower case


def yesterday(store) -> date:
    return timezone.now().astimezone(ZoneInfo(store.time_zone)).date() - timedelta(days=1)


def at(store, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(store.time_zone))


def place_order(store, when: datetime, coupons=(), *, price="40.00", quantity=1, status_id=10):
    """An order placed at `when` with these coupons; its total as BigCommerce says it."""
    bc = bigcommerce(store)
    created = bc.call(
        "POST",
        "v2/orders",
        json={
            "status_id": status_id,
            "date_created": format_datetime(when.astimezone(UTC)),
            "billing_address": {"first_name": "Cy", "last_name": "Coupon", "email": "c@x.io"},
            "products": [{"name": "Gift box", "price_ex_tax": price, "quantity": quantity}],
        },
    )
    if coupons:
        order = SandboxOrder.objects.get(store__store_hash=store.store_hash, bc_id=created["id"])
        add_coupons(order, list(coupons))
    return Decimal(bc.get(f"v2/orders/{created['id']}")["total_inc_tax"])


def campaigns(*names) -> list[str]:
    return create_records(sandbox_org(), "Campaign", [{"Name": name} for name in names])


def revenue_of(campaign_id: str):
    return next(c for c in salesforce("Campaign") if c["Id"] == campaign_id).get(FIELD)


def coupon_setting(store) -> ObjectSetting:
    return ObjectSetting.objects.get(store=store, source=SOURCE)


def map_code(store, code: str, campaign_id: str) -> CouponCampaign:
    return CouponCampaign.objects.create(
        setting=coupon_setting(store), code=code, campaign_id=campaign_id
    )


def summer_total(week) -> float:
    return float(week["totals"]["first"] + week["totals"]["both"])


def row(run, code: str) -> SyncLogEntry:
    return SyncLogEntry.objects.get(run=run, source_id__endswith=f":{code}")


@pytest.fixture
def week(demo):
    """Orders around yesterday in New York, with two codes; SUMMER10 mapped to a Campaign."""
    store = demo.store
    store.time_zone = ZONE
    store.save()
    day = yesterday(store)
    totals = {
        "first": place_order(store, at(store, day, 0, 30), [SUMMER], quantity=2),
        "both": place_order(store, at(store, day, 23, 30), [SUMMER, WELCOME], price="60.00"),
        "welcome": place_order(store, at(store, day, 12), [WELCOME], price="25.50"),
    }
    place_order(store, at(store, day, 13))  # no coupon: its coupons are not read
    place_order(store, at(store, day, 14), [SUMMER], status_id=5)  # cancelled: no revenue
    place_order(store, at(store, day - timedelta(days=1), 23, 30), [SUMMER])  # the day before
    place_order(store, at(store, day + timedelta(days=1), 0, 30), [SUMMER])  # today
    summer, welcome = campaigns("Summer sale", "Welcome offer")
    map_code(store, "Summer10", summer)
    return {"store": store, "day": day, "totals": totals, "summer": summer, "welcome": welcome}


def test_yesterdays_orders_are_summed_per_code_in_the_stores_time_zone(week):
    totals = week["totals"]
    pipe = CouponRevenueImporter(Context(week["store"]))
    records = {r["code"]: r for r in pipe.fetch([week["day"].isoformat()])}
    assert set(records) == {"SUMMER10", "WELCOME5"}
    summer, welcome = records["SUMMER10"], records["WELCOME5"]
    assert summer["revenue"] == totals["first"] + totals["both"]
    assert welcome["revenue"] == totals["both"] + totals["welcome"]
    # 2 x 40.00 less 10%, and 60.00 less 10% and 5.00; with tax and shipping, to the cent.
    assert isinstance(summer["revenue"], Decimal) and summer["revenue"] == Decimal("152.64")
    assert (summer["orders"], welcome["orders"]) == (2, 2)
    assert summer["day"] == welcome["day"] == week["day"].isoformat()


def test_the_mapped_campaign_gets_the_sum_and_an_unknown_code_is_skipped_by_name(week):
    run = import_now(week["store"], SOURCE)

    assert (run.status, run.updated, run.skipped, run.failed) == ("succeeded", 1, 1, 0)
    assert revenue_of(week["summer"]) == summer_total(week)
    assert revenue_of(week["welcome"]) is None
    summer = row(run, "SUMMER10")
    assert summer.source_id == f"{week['day'].isoformat()}:SUMMER10"
    assert (summer.outcome, summer.target_object, summer.target_id) == (
        Outcome.UPDATED,
        "Campaign",
        week["summer"],
    )
    assert summer.values == {"Campaign": {FIELD: summer_total(week)}}
    unknown = row(run, "WELCOME5")
    assert unknown.outcome == Outcome.SKIPPED
    assert unknown.error_message.startswith(
        "No Campaign is mapped to coupon code WELCOME5; add it to the coupon table."
    )
    assert "from 2 orders" in unknown.error_message
    # One page of the day's orders, and the coupons of the three sold orders that have some.
    assert (run.bigcommerce_calls, run.salesforce_calls) == (4, 1)


def test_a_second_run_writes_nothing(week):
    import_now(week["store"], SOURCE)
    again = import_now(week["store"], SOURCE)
    assert (again.updated, again.unchanged, again.skipped) == (0, 1, 1)
    assert again.salesforce_calls == 0
    assert revenue_of(week["summer"]) == summer_total(week)
    # The identity map names the code alone: importing it again recomputes yesterday's.
    by_code = import_now(week["store"], SOURCE, kind="records", source_ids=["summer10"])
    assert (by_code.unchanged, by_code.skipped, by_code.seen) == (1, 0, 1)


def test_resyncing_a_row_recomputes_its_day(week):
    store = week["store"]
    first = import_now(store, SOURCE)
    late = place_order(store, at(store, week["day"], 18), [SUMMER], price="10.00")

    resync = import_now(store, SOURCE, kind="resync", source_ids=[row(first, "SUMMER10").source_id])

    assert (resync.status, resync.updated, resync.seen) == ("succeeded", 1, 1)
    totals = week["totals"]
    assert revenue_of(week["summer"]) == float(totals["first"] + totals["both"] + late)
    assert row(resync, "SUMMER10").attempt == 1
    whole_day = import_now(store, SOURCE, kind="records", source_ids=[week["day"].isoformat()])
    assert (whole_day.unchanged, whole_day.skipped, whole_day.failed) == (1, 1, 0)
    assert not SyncLogEntry.objects.filter(run=whole_day, source_id=week["day"].isoformat())


def test_a_code_mapped_later_is_written_by_importing_its_row_again(week):
    store = week["store"]
    run = import_now(store, SOURCE)
    map_code(store, "WELCOME5", week["welcome"])

    again = import_now(store, SOURCE, kind="records", source_ids=[row(run, "WELCOME5").source_id])

    assert again.updated == 1
    assert revenue_of(week["welcome"]) == float(week["totals"]["both"] + week["totals"]["welcome"])


def test_a_mapped_code_without_orders_tells_its_campaign_zero(week):
    (quiet,) = campaigns("Quiet code")
    map_code(week["store"], "NOBODY", quiet)
    run = import_now(week["store"], SOURCE)
    assert run.updated == 2
    assert revenue_of(quiet) == 0
    assert row(run, "NOBODY").outcome == Outcome.UPDATED


def test_a_campaign_field_the_org_lacks_stops_the_run_before_any_write(week):
    ObjectSetting.objects.filter(pk=coupon_setting(week["store"]).pk).update(
        campaign_field="Coupon_Total__c"
    )
    run = import_now(week["store"], SOURCE)
    assert run.status == "failed"
    assert "Campaign.Coupon_Total__c does not exist in this org" in run.error
    assert "choose another Campaign field for coupon revenue" in run.error
    assert not SyncLogEntry.objects.filter(run=run).exists()
    assert revenue_of(week["summer"]) is None


def test_a_campaign_id_salesforce_refuses_fails_that_code_only(week):
    (other,) = campaigns("Other")
    map_code(week["store"], "WELCOME5", "701" + "Z" * 12 + "AAA")
    CouponCampaign.objects.filter(code="Summer10").update(campaign_id=other)
    run = import_now(week["store"], SOURCE)
    assert (run.status, run.updated, run.failed) == ("partial", 1, 1)
    assert revenue_of(other) == summer_total(week)
    assert row(run, "WELCOME5").outcome == Outcome.FAILED


def test_the_demo_shows_coupon_revenue_at_work_and_keeps_what_an_admin_changed(demo):
    coupons = ensure_coupon_demo(demo)
    assert coupons.orders == 12  # four on each of the last three days
    assert coupons.mapped == ["SUMMER10"] and set(coupons.campaigns) == {"SUMMER10", "WELCOME5"}
    assert coupon_setting(demo.store).enabled
    assert ImportSchedule.objects.get(store=demo.store, source=SOURCE).every_minutes == 1440

    run = import_now(demo.store, SOURCE)
    assert (run.status, run.updated, run.skipped, run.failed) == ("succeeded", 1, 1, 0)
    assert revenue_of(coupons.campaigns["SUMMER10"]) > 0
    assert row(run, "WELCOME5").outcome == Outcome.SKIPPED

    ObjectSetting.objects.filter(pk=coupon_setting(demo.store).pk).update(enabled=False)
    again = ensure_coupon_demo(demo)
    assert (again.orders, again.campaigns, again.mapped) == (0, coupons.campaigns, ["SUMMER10"])
    assert not coupon_setting(demo.store).enabled
